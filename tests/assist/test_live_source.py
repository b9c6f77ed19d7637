"""LiveSource against a fake PortAudio: blocks keep time, a lost device leaves a gap and
comes back, the other leg goes on."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest

from assist.audio import live
from assist.audio.devices import InputDevice
from assist.audio.live import Leg, LiveSource
from assist.errors import AudioDeviceError
from assist.events import CaptureChanged

DEVICES = {
    "mic": InputDevice(0, "mic", "ALSA", 1, 16000.0, False),
    "loop": InputDevice(1, "loop", "ALSA", 1, 16000.0, True),
}


class FakePortAudio:
    """Streams that call back every 50 ms with a constant level per device, from a thread,
    like PortAudio; a device can be unplugged and plugged back."""

    def __init__(self) -> None:
        self.unplugged: set[int] = set()

    def check_input_settings(self, **kwargs: Any) -> None:
        return None

    def InputStream(self, device: int, channels: int, samplerate: int, dtype: str,
                    blocksize: int, callback: Any) -> Any:
        if device in self.unplugged:
            raise RuntimeError("Device unavailable")
        return _FakeStream(self, device, channels, blocksize, callback)


class _FakeStream:
    def __init__(self, port: FakePortAudio, device: int, channels: int, blocksize: int,
                 callback: Any) -> None:
        self.port, self.device, self.channels = port, device, channels
        self.blocksize, self.callback = blocksize, callback
        self.running = threading.Event()

    def start(self) -> None:
        self.running.set()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        level = 0.1 * (self.device + 1)
        due = time.monotonic()
        while self.running.is_set() and self.device not in self.port.unplugged:
            due += self.blocksize / 16000
            time.sleep(max(0.0, due - time.monotonic()))
            self.callback(np.full((self.blocksize, self.channels), level, np.float32),
                          self.blocksize, None, None)

    def abort(self) -> None:
        self.running.clear()

    def close(self) -> None:
        self.running.clear()


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch) -> FakePortAudio:
    fake = FakePortAudio()
    monkeypatch.setattr(live, "sounddevice", lambda: fake)
    monkeypatch.setattr(live, "list_devices", lambda: list(DEVICES.values()))
    return fake


def test_two_legs_keep_time_and_carry_their_own_audio(port: FakePortAudio) -> None:
    source = LiveSource([Leg("mic"), Leg("loop")], seconds=1.5)
    begin = time.monotonic()
    blocks = list(source.blocks(1600))
    assert len(blocks) == 15 and all(len(leg) == 1600 for block in blocks for leg in block)
    assert 1.4 < time.monotonic() - begin < 2.5  # paced by the clock, not as fast as possible
    late = blocks[-5:]  # once the streams run, each leg holds its own device's level
    assert all(np.allclose(block[0], 0.1) and np.allclose(block[1], 0.2) for block in late)


def test_a_lost_device_is_silence_then_comes_back_with_its_gap(port: FakePortAudio) -> None:
    events: list[CaptureChanged] = []
    clock_start = time.monotonic()
    source = LiveSource([Leg("mic"), Leg("loop")], seconds=5.0)
    source.attach(events.append, lambda: time.monotonic() - clock_start)
    blocks = []
    for index, block in enumerate(source.blocks(1600)):
        blocks.append(block)
        if index == 8:
            port.unplugged.add(1)
        if index == 30:
            port.unplugged.discard(1)
    states = [(event.channel, event.state) for event in events]
    assert states[:2] == [(0, "capturing"), (1, "capturing")]
    assert (1, "lost") in states and (1, "resumed") in states and (0, "lost") not in states
    resumed = next(event for event in events if event.state == "resumed")
    assert 1.0 < resumed.gap_s < 3.5
    assert source.gaps and source.gaps[0][0] == 1
    assert all(np.allclose(block[0], 0.1) for block in blocks[5:])  # the mic never stopped
    assert any(np.allclose(block[1], 0.0) for block in blocks[12:30])  # the lost leg: silence
    assert np.allclose(blocks[-1][1], 0.2)  # ...and its audio again at the end


def test_a_device_that_cannot_open_is_a_clear_error(port: FakePortAudio) -> None:
    port.unplugged.add(0)
    source = LiveSource([Leg("mic")], seconds=1.0)
    with pytest.raises(AudioDeviceError, match="cannot open input device 'mic'"):
        next(source.blocks(1600))
