"""The panel's auto-call: standby starts a call once both legs speak, the call's level events
stop it after silence or when the customer's device is unused, and the end of a call (by
itself or by hand) sends it back to listening. Recorded blocks stand in for the devices and a
recorder of commands for the window's controls."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from app import autocall
from app.autocall import AutoCall, start_auto_call
from app.bridge import CallEnded
from app.session import CallPlan
from assist import ArraySource, LevelsMeasured, load_config, replace_config
from assist.vad import SAMPLE_RATE

SPEAKERS = ("operator", "customer")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Bridge(QObject):
    call_ended = Signal(object)


class Session:
    def __init__(self) -> None:
        self.listeners: list[Any] = []

    def add_listener(self, sink: Any) -> None:
        self.listeners.append(sink)

    def send(self, event: Any) -> None:
        for sink in self.listeners:
            sink(event)


class Window:
    def __init__(self, plan: CallPlan) -> None:
        self.bridge, self.session, self.plan = Bridge(), Session(), plan


class Controls:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.changed = threading.Condition()

    def call(self, action: str) -> str:
        with self.changed:
            self.sent.append(action)
            self.changed.notify_all()
        return f"call {action}"

    def wait_for(self, count: int) -> list[str]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.sent) >= count, timeout=10)
        return list(self.sent)


def voices(voiced: bool) -> ArraySource:
    """Both legs speaking (or silent) for 2 s."""
    level = 0.1 if voiced else 0.0
    tone = (level * np.sin(np.arange(2 * SAMPLE_RATE) / 5.0)).astype(np.float32)
    return ArraySource([tone, tone.copy()])


def config(**capture: Any) -> Any:
    keys = {"capture.operator_device": "operator_mic",
            "capture.customer_device": "customer_out.monitor", "capture.auto_call": True,
            "capture.auto_stop_silence_s": 10.0}
    keys.update({f"capture.{key}": value for key, value in capture.items()})
    return replace_config(load_config(), **keys)


def level(db: float) -> LevelsMeasured:
    return LevelsMeasured((db, db), SPEAKERS, 0.0)


def test_a_call_starts_stops_after_silence_and_the_next_one_starts(qtbot: QtBot) -> None:
    window, controls, clock = Window(CallPlan()), Controls(), FakeClock()
    auto = AutoCall(window, config(), controls,  # type: ignore[arg-type]
                    lambda: voices(True), lambda: True, clock)
    try:
        assert controls.wait_for(1) == ["start"]
        for _ in range(5):  # the call runs: the engine's levels, voice
            clock.now += 0.2
            window.session.send(level(-20.0))
        for _ in range(60):  # 12 s of silence on both legs: over 10 s
            clock.now += 0.2
            window.session.send(level(-80.0))
        assert controls.wait_for(2) == ["start", "stop"]
        window.session.send(level(-80.0))  # the call's last events: no new call, no stop
        window.bridge.call_ended.emit(CallEnded(None, None, None))
        assert controls.wait_for(3) == ["start", "stop", "start"]  # listening again
    finally:
        auto.close()


def test_a_call_started_by_hand_is_followed_and_ends_when_the_device_is_unused(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(autocall, "PROBE_S", 0.05)
    window, controls, clock = Window(CallPlan()), Controls(), FakeClock()
    playing = threading.Event()
    playing.set()
    released = threading.Event()

    class Quiet(ArraySource):
        def blocks(self, block_samples: int) -> Iterator[list[np.ndarray]]:
            try:
                while True:  # silence until stopped, as an idle line
                    time.sleep(0.05)
                    yield [np.zeros(block_samples, np.float32)] * 2
            finally:
                released.set()

    auto = AutoCall(window, config(), controls, lambda: Quiet([], 2),  # type: ignore[arg-type]
                    playing.is_set, clock)
    try:
        time.sleep(0.3)
        assert controls.sent == []  # silence starts nothing
        window.session.send(level(-20.0))  # the operator pressed Start: the call's levels
        assert released.wait(5)  # standby let the devices go
        assert auto.detector.in_call
        playing.clear()  # the softphone hung up: nothing plays to the customer's sink
        for _ in range(60):
            clock.now += 0.1
            time.sleep(0.01)
            if controls.sent:
                break
        assert controls.wait_for(1) == ["stop"]
    finally:
        auto.close()


def test_only_live_windows_with_the_setting_get_auto_call() -> None:
    assert start_auto_call(Window(CallPlan()), config(auto_call=False)) is None  # type: ignore[arg-type]
    played = Window(CallPlan(audio=Path("call.wav")))
    assert start_auto_call(played, config()) is None  # type: ignore[arg-type]
    no_devices = config(operator_device="", customer_device="")
    assert start_auto_call(Window(CallPlan()), no_devices) is None  # type: ignore[arg-type]
