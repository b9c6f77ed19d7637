"""Auto-start and auto-stop of calls: the detector on a fake clock, the Pulse probe on
pactl's JSON, and the standby listener on recorded blocks."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest

from assist.audio.autocall import (
    IDLE_GRACE_S,
    CallDecision,
    CallDetector,
    Standby,
    dbfs,
    sink_in_use,
)
from assist.audio.source import ArraySource
from assist.events import LevelsMeasured
from assist.vad import SAMPLE_RATE

VOICE, QUIET = -20.0, -70.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def detector(clock: FakeClock, **options: float | bool) -> CallDetector:
    settings: dict[str, float | bool] = {"start_within_s": 5.0, "stop_silence_s": 30.0,
                                         "voice_dbfs": -45.0}
    settings.update(options)
    return CallDetector(2, clock, **settings)  # type: ignore[arg-type]


def speak(found: CallDetector, clock: FakeClock, leg: int, seconds: float,
          level: float = VOICE) -> None:
    for _ in range(round(seconds / 0.1)):
        clock.advance(0.1)
        found.heard(leg, level, 0.1)


def test_a_call_starts_when_both_legs_spoke_within_the_window(clock: FakeClock) -> None:
    found = detector(clock)
    speak(found, clock, 0, 1.0)
    assert found.step() is None  # the operator alone: no call
    clock.advance(3.0)
    speak(found, clock, 1, 0.5)
    decision = found.step()
    assert decision is not None and decision.action == "start" and found.in_call
    assert decision.at == clock.now and "5 s" in decision.reason
    assert found.step() is None  # decided once


def test_voice_too_far_apart_or_too_short_starts_nothing(clock: FakeClock) -> None:
    found = detector(clock)
    speak(found, clock, 0, 1.0)
    clock.advance(6.0)  # the customer speaks 6 s after the operator stopped: over 5 s
    speak(found, clock, 1, 1.0)
    assert found.step() is None
    speak(found, clock, 0, 0.2)  # a cough: shorter than MIN_VOICE_S
    assert found.step() is None
    speak(found, clock, 0, 0.3)
    assert found.step() is not None  # now both within 5 s


def test_quiet_or_broken_levels_are_not_voice(clock: FakeClock) -> None:
    found = detector(clock)
    speak(found, clock, 0, 2.0, QUIET)
    speak(found, clock, 1, 2.0, float("nan"))
    speak(found, clock, 7, 2.0)  # no such leg
    assert found.step() is None


def test_a_call_ends_after_silence_on_both_legs(clock: FakeClock) -> None:
    found = detector(clock, stop_silence_s=10.0)
    speak(found, clock, 0, 1.0)
    speak(found, clock, 1, 1.0)
    assert found.step() is not None
    for _ in range(3):  # the customer alone keeps the call going
        clock.advance(8.0)
        speak(found, clock, 1, 0.5)
        assert found.step() is None
    clock.advance(9.8)  # since the customer's last voiced level
    assert found.step() is None
    clock.advance(0.3)
    decision = found.step()
    assert decision is not None and decision.action == "stop" and "silence" in decision.reason
    assert not found.in_call
    assert found.step() is None  # old voice cannot start the next call


def test_a_call_ends_when_nothing_plays_to_the_customer(clock: FakeClock) -> None:
    found = detector(clock)
    found.call_started()  # started by hand
    found.device_in_use(True)
    speak(found, clock, 0, 1.0)
    found.device_in_use(False)
    clock.advance(IDLE_GRACE_S / 2)
    found.device_in_use(None)  # cannot tell: does not count as unused
    found.device_in_use(False)
    clock.advance(IDLE_GRACE_S / 2)
    assert found.step() is None  # unused again only since a moment ago
    clock.advance(IDLE_GRACE_S)
    decision = found.step()
    assert decision is not None and decision.reason == "nothing plays to the customer's device"


def test_an_idle_device_is_ignored_when_so_configured(clock: FakeClock) -> None:
    found = detector(clock, stop_when_idle=False)
    found.call_started()
    found.device_in_use(False)
    clock.advance(10.0)
    assert found.step() is None


def test_the_engines_levels_follow_a_running_call(clock: FakeClock) -> None:
    found = detector(clock, stop_silence_s=2.0)
    quiet = LevelsMeasured((QUIET, QUIET), ("operator", "customer"), 0.0)
    assert found.follow(quiet) is None  # no call: nothing to follow
    found.call_started()
    loud = LevelsMeasured((VOICE, QUIET), ("operator", "customer"), 0.0)
    for _ in range(10):
        clock.advance(0.2)
        assert found.follow(loud) is None
    decision = None
    for _ in range(11):
        clock.advance(0.2)
        decision = decision or found.follow(quiet)
    assert decision is not None and decision.action == "stop"


def test_pulse_sink_use_from_pactl_json() -> None:
    sinks = [{"index": 3, "name": "customer_out", "monitor_source": "customer_out.monitor"},
             {"index": 4, "name": "other", "monitor_source": "other.monitor"}]
    playing = [{"index": 9, "sink": 3, "corked": False}]
    assert sink_in_use(sinks, playing, "customer_out.monitor") is True
    assert sink_in_use(sinks, [{"index": 9, "sink": 3, "corked": True}],
                       "customer_out.monitor") is False
    assert sink_in_use(sinks, [{"index": 9, "sink": 4}], "customer_out.monitor") is False
    assert sink_in_use(sinks, playing, "operator_mic") is None  # not a monitor
    assert sink_in_use(None, playing, "customer_out.monitor") is None  # pactl failed


def test_dbfs_of_silence_and_of_a_full_scale_sine() -> None:
    assert dbfs(np.zeros(800, np.float32)) == -90.0
    assert dbfs(np.zeros(0, np.float32)) == -90.0
    sine = np.sin(np.linspace(0, 200 * np.pi, 16000)).astype(np.float32)
    assert dbfs(sine) == pytest.approx(-3.0, abs=0.1)


def test_standby_starts_a_call_once_both_legs_speak() -> None:
    """Recorded blocks stand in for the devices: the operator speaks at 1 s, the customer at
    2.5 s; the listener calls `start` once and lets the devices go."""
    def leg(speech_from: float) -> np.ndarray:
        audio = np.zeros(int(6 * SAMPLE_RATE), np.float32)
        begin = int(speech_from * SAMPLE_RATE)
        audio[begin: begin + SAMPLE_RATE] = 0.1 * np.sin(np.arange(SAMPLE_RATE) / 5.0)
        return audio

    audio_clock = FakeClock()  # advanced by the audio itself: 50 ms a block

    class Source(ArraySource):
        stopped = 0
        released = threading.Event()  # the devices were let go (the generator closed)

        def blocks(self, block_samples: int) -> Iterator[list[np.ndarray]]:
            try:
                for block in super().blocks(block_samples):
                    audio_clock.advance(block_samples / SAMPLE_RATE)
                    yield block
            finally:
                Source.released.set()

        def stop(self) -> None:
            Source.stopped += 1

    started: list[CallDecision] = []
    done = threading.Event()
    found = CallDetector(2, audio_clock, start_within_s=3.0, stop_silence_s=30.0)
    probes: list[bool] = []

    def start(decision: CallDecision) -> None:
        assert Source.released.is_set()  # before the call would open the same devices
        started.append(decision)
        done.set()

    def in_use() -> bool:
        probes.append(True)
        return True

    standby = Standby(found, lambda: Source([leg(1.0), leg(2.5)]), start, in_use, probe_s=0.0)
    standby.listen()
    assert done.wait(10)
    standby.halt()
    assert len(started) == 1 and found.in_call
    assert 1002.8 - 1e-6 <= started[0].at <= 1003.0  # the customer spoke from 2.5 s: 0.3 s
    assert Source.stopped >= 1 and probes


def test_standby_tries_missing_devices_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A headset not plugged in yet: listening fails with a device error and is tried again
    until the devices are there."""
    from assist.audio import autocall
    from assist.errors import AudioDeviceError

    monkeypatch.setattr(autocall, "RETRY_S", 0.05)
    voiced = (0.1 * np.sin(np.arange(SAMPLE_RATE) / 5.0)).astype(np.float32)
    attempts: list[int] = []

    def source() -> ArraySource:
        attempts.append(1)
        if len(attempts) < 3:
            raise AudioDeviceError("input device 'operator_mic' not found")
        return ArraySource([voiced, voiced.copy()])

    started = threading.Event()
    found = CallDetector(2, FakeClock(), start_within_s=3.0)
    standby = Standby(found, source, lambda decision: started.set())
    standby.listen()
    assert started.wait(10)
    standby.halt()
    assert len(attempts) == 3


def test_listening_again_while_the_last_decision_is_handed_over() -> None:
    """A call that ends at once: listen() comes while the standby thread is still in its
    start callback; it waits for that thread and listens again instead of doing nothing."""
    voiced = (0.1 * np.sin(np.arange(SAMPLE_RATE) / 5.0)).astype(np.float32)
    found = CallDetector(2, FakeClock(), start_within_s=3.0)
    starts: list[float] = []
    handing_over = threading.Event()

    def start(decision: CallDecision) -> None:
        starts.append(decision.at)
        handing_over.set()
        threading.Event().wait(0.3)  # a slow hand-over

    standby = Standby(found, lambda: ArraySource([voiced, voiced.copy()]), start)
    standby.listen()
    assert handing_over.wait(10)
    found.call_ended()
    standby.listen()  # the first thread is still in start()
    deadline = threading.Event()
    for _ in range(100):
        if len(starts) == 2:
            break
        deadline.wait(0.05)
    standby.halt()
    assert len(starts) == 2
