"""The soundcard capture backend against a fake soundcard module: listing with loopbacks
marked, the reader's bounded queue and engine-clock stamps, a device that disappears (Pulse:
gone from the listing) or fails (WASAPI: the recorder raises) is lost and comes back with its
gap while the other leg goes on, and clear errors when soundcard cannot load."""

from __future__ import annotations

import builtins
import sys
import threading
import time
from types import TracebackType
from typing import Any

import numpy as np
import pytest

from assist.audio import soundcard_source
from assist.audio.devices import capture_devices, find_device, resolve_backend
from assist.audio.live import Leg, LiveSource
from assist.cli import main
from assist.errors import AudioDeviceError
from assist.events import CaptureChanged


class FakeMicrophone:
    def __init__(self, card: FakeSoundcard, ident: str, name: str, channels: int,
                 loopback: bool, level: float) -> None:
        self.card, self.id, self.name = card, ident, name
        self.channels, self.isloopback, self.level = channels, loopback, level

    def recorder(self, samplerate: int, channels: int, blocksize: int) -> FakeRecorder:
        if self.id in self.card.refuse:
            raise RuntimeError("Stream creation failed")
        return FakeRecorder(self, samplerate, channels, blocksize)


class FakeRecorder:
    """Delivers one period of a constant level every blocksize/samplerate seconds, like
    soundcard's record(numframes=None); raises once its device fails."""

    def __init__(self, microphone: FakeMicrophone, samplerate: int, channels: int,
                 blocksize: int) -> None:
        self.microphone, self.channels = microphone, channels
        self.period = blocksize / samplerate
        self.blocksize = blocksize
        self.due = time.monotonic()

    def __enter__(self) -> FakeRecorder:
        self.microphone.card.open_count += 1
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        return None

    def record(self, numframes: int | None = None) -> np.ndarray:
        card = self.microphone.card
        if self.microphone.id in card.failing:
            raise RuntimeError("AUDCLNT_E_DEVICE_INVALIDATED")
        self.due += self.period
        time.sleep(max(0.0, self.due - time.monotonic()))
        level = card.moved_level if self.microphone.id in card.gone else self.microphone.level
        return np.full((self.blocksize, self.channels), level, np.float32)


class FakeSoundcard:
    def __init__(self) -> None:
        self.microphones = [
            FakeMicrophone(self, "operator_mic", "OperatorMic", 1, False, 0.1),
            FakeMicrophone(self, "customer_out.monitor", "Monitor of CustomerOut", 2, True,
                           0.2),
        ]
        self.gone: set[str] = set()  # Pulse: removed, its stream moved elsewhere
        self.failing: set[str] = set()  # WASAPI: the recorder raises
        self.refuse: set[str] = set()  # cannot be opened
        self.moved_level = 0.7
        self.open_count = 0

    def all_microphones(self, include_loopback: bool = False) -> list[FakeMicrophone]:
        return [microphone for microphone in self.microphones
                if microphone.id not in self.gone and (include_loopback
                                                        or not microphone.isloopback)]


@pytest.fixture
def card(monkeypatch: pytest.MonkeyPatch) -> FakeSoundcard:
    fake = FakeSoundcard()
    monkeypatch.setattr(soundcard_source, "_module", fake)
    monkeypatch.setattr(soundcard_source, "_hostapi", lambda: "PulseAudio")
    return fake


def test_devices_list_loopbacks_marked_and_found_by_source_name(card: FakeSoundcard) -> None:
    devices = capture_devices("soundcard")
    assert [(d.name, d.monitor, d.channels, d.backend) for d in devices] == [
        ("operator_mic", False, 1, "soundcard"),
        ("customer_out.monitor", True, 2, "soundcard")]
    assert devices[1].pulse_source == "customer_out.monitor"
    assert find_device("customer_out.monitor", devices).index == 1
    assert find_device("Operator", devices).ident == "operator_mic"  # part of the name


def test_sufler_devices_prints_the_backends_loopbacks(
        card: FakeSoundcard, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["devices", "--backend", "soundcard"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert "customer_out.monitor - Monitor of CustomerOut" in rows[1]
    assert "[monitor" in rows[1] and "[monitor" not in rows[0]
    assert "Hz" not in rows[1]  # soundcard asks for 16 kHz; the device's own rate is unknown


def test_auto_is_soundcard_on_windows_and_sounddevice_elsewhere(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert resolve_backend("auto") == "soundcard"
    monkeypatch.setattr(sys, "platform", "linux")
    assert resolve_backend("auto") == "sounddevice"
    assert resolve_backend("soundcard") == "soundcard"
    with pytest.raises(AudioDeviceError, match="unknown capture backend 'pulse'"):
        resolve_backend("pulse")


def test_two_legs_keep_time_and_chunks_carry_the_engine_clock(card: FakeSoundcard) -> None:
    engine_start = time.monotonic()
    source = LiveSource([Leg("operator_mic"), Leg("customer_out.monitor", 1)], seconds=1.5,
                        backend="soundcard")
    source.attach(lambda event: None, lambda: time.monotonic() - engine_start)
    begin = time.monotonic()
    blocks = list(source.blocks(1600))
    assert len(blocks) == 15 and all(len(leg) == 1600 for block in blocks for leg in block)
    assert 1.4 < time.monotonic() - begin < 2.5
    assert all(np.allclose(b[0], 0.1) and np.allclose(b[1], 0.2) for b in blocks[-5:])
    stamps = [stream.captured_at for stream in source._streams.values()]
    # stamped on the engine clock (seconds since its start), not time.monotonic()
    assert all(stamp is not None and 0.0 < stamp < 3.0 for stamp in stamps)
    assert source.overflows == 0


def _run_with_a_loss(card: FakeSoundcard, lose: Any, restore: Any
                     ) -> tuple[list[CaptureChanged], list[list[np.ndarray]], LiveSource]:
    events: list[CaptureChanged] = []
    clock_start = time.monotonic()
    source = LiveSource([Leg("operator_mic"), Leg("customer_out.monitor")], seconds=5.0,
                        backend="soundcard")
    source.attach(events.append, lambda: time.monotonic() - clock_start)
    blocks = []
    for index, block in enumerate(source.blocks(1600)):
        blocks.append(block)
        if index == 5:
            lose()
        if index == 25:
            restore()
    return events, blocks, source


def test_a_source_gone_from_the_listing_is_lost_then_resumed_with_its_gap(
        card: FakeSoundcard) -> None:
    events, blocks, source = _run_with_a_loss(
        card, lambda: card.gone.add("customer_out.monitor"),
        lambda: card.gone.discard("customer_out.monitor"))
    states = [(event.channel, event.state) for event in events]
    assert states[:2] == [(0, "capturing"), (1, "capturing")]
    assert (1, "lost") in states and (1, "resumed") in states and (0, "lost") not in states
    resumed = next(event for event in events if event.state == "resumed")
    assert 0.5 < resumed.gap_s < 4.0
    assert source.gaps and source.gaps[0][0] == 1
    assert all(np.allclose(block[0], 0.1) for block in blocks[5:])  # the mic never stopped
    assert any(np.allclose(block[1], 0.0) for block in blocks[12:25])  # lost: silence
    assert np.allclose(blocks[-1][1], 0.2)  # ...and its own audio again at the end


def test_a_recorder_that_fails_is_lost_and_reopened_when_it_works_again(
        card: FakeSoundcard) -> None:
    def lose() -> None:
        card.failing.add("customer_out.monitor")
        card.refuse.add("customer_out.monitor")

    def restore() -> None:
        card.failing.discard("customer_out.monitor")
        card.refuse.discard("customer_out.monitor")

    events, blocks, _ = _run_with_a_loss(card, lose, restore)
    lost = next(event for event in events if event.state == "lost")
    assert lost.channel == 1 and "AUDCLNT_E_DEVICE_INVALIDATED" in lost.detail
    assert any(event.state == "resumed" and event.channel == 1 for event in events)
    assert all(np.allclose(block[0], 0.1) for block in blocks[5:])
    assert card.open_count >= 3  # two at the start, the customer's again after it came back


def test_a_device_that_cannot_open_is_a_clear_error(card: FakeSoundcard) -> None:
    card.refuse.add("operator_mic")
    source = LiveSource([Leg("operator_mic")], seconds=1.0, backend="soundcard")
    with pytest.raises(AudioDeviceError, match="cannot open input device 'operator_mic'"):
        next(source.blocks(1600))


def test_the_reader_only_queues_and_a_full_queue_counts_overflows(
        card: FakeSoundcard, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(soundcard_source, "QUEUE_CHUNKS", 3)
    device = capture_devices("soundcard")[0]
    stream = soundcard_source.SoundcardStream(device, 1, clock=lambda: 42.0)
    stream.open()
    try:
        deadline = time.monotonic() + 5
        while stream.overflows < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # nobody drains: the queue fills at 3 chunks
        assert stream.overflows >= 2
        drained = stream.drain()
        assert len(drained[0]) == 3 * soundcard_source.PERIOD_SAMPLES
        assert stream.captured_at == 42.0
    finally:
        stream.close()
    assert not stream.open_now
    assert not any(thread.name.startswith("sufler-capture-") and thread.is_alive()
                   for thread in threading.enumerate())


def test_presence_is_polled_off_the_loop_and_stale_means_unknown(card: FakeSoundcard) -> None:
    presence = soundcard_source.Presence(every=0.05)
    try:
        deadline = time.monotonic() + 3
        seen = presence.snapshot()
        while seen is None and time.monotonic() < deadline:
            time.sleep(0.02)
            seen = presence.snapshot()
        assert seen == {"operator_mic", "customer_out.monitor"}
        card.gone.add("operator_mic")
        time.sleep(0.3)
        assert presence.snapshot() == {"customer_out.monitor"}
    finally:
        presence.close()
    time.sleep(0.3)
    assert presence.snapshot() is None  # no recent poll: the loop then does not judge


@pytest.mark.parametrize(("raised", "says"), [
    (ModuleNotFoundError("No module named 'soundcard'"), "pip install 'soundcard"),
    (OSError("cannot load library 'pulse'"), "apt-get install libpulse0"),
    (AssertionError(), "cannot connect to a PulseAudio server"),
    (RuntimeError("CoInitializeEx failed"), "RuntimeError: CoInitializeEx failed"),
])
def test_a_missing_library_or_server_is_one_clear_error(
        monkeypatch: pytest.MonkeyPatch, raised: BaseException, says: str) -> None:
    monkeypatch.setattr(soundcard_source, "_module", None)
    real_import = builtins.__import__

    def failing_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "soundcard":
            raise raised
        return real_import(name, *args, **kwargs)

    argv = list(sys.argv)
    monkeypatch.setattr(builtins, "__import__", failing_import)
    with pytest.raises(AudioDeviceError) as caught:
        soundcard_source.soundcard()
    assert says in str(caught.value)
    assert sys.argv == argv  # soundcard's client name workaround is undone
    with pytest.raises(AudioDeviceError):
        LiveSource([Leg("operator_mic")], backend="soundcard")
