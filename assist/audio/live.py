"""Live capture: each call leg from an input device, as 16 kHz blocks paced by the wall clock.

Two capture backends sit behind the same loop: sounddevice (one PortAudio input stream per
device) and soundcard (assist/audio/soundcard_source.py: one reader thread per device,
WASAPI loopback on Windows, Pulse monitors on Linux), chosen by `capture.backend`.

One PortAudio input stream per device (a stereo device may carry both legs through a channel
map). The stream callback only copies into a bounded queue. `blocks()` wakes every block,
moves what arrived into per-leg buffers and yields one block per leg; a leg whose device is
silent-dead or gone yields zeros, so the other leg goes on. A device that stops delivering
is reported lost, retried every second, and reported again with the gap when it is back.
Pulse streams are only reopened once their source exists again: Pulse would otherwise move
them to the fallback source, which may be the other leg's microphone.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from assist.audio.devices import (
    InputDevice,
    find_device,
    list_devices,
    pulse_sources,
    resolve_backend,
    sounddevice,
)
from assist.errors import AudioDeviceError
from assist.events import CaptureChanged
from assist.vad import SAMPLE_RATE, Audio

log = logging.getLogger(__name__)

STALL_S = 1.0  # no audio for this long: the device is lost
STALL_PULSE_S = 3.0  # Pulse pauses every stream for a second or two when modules change
PRESENCE_S = 1.0  # how often Pulse sources are checked for removal
RETRY_S = 1.0  # a lost device is retried this often
JITTER_S = 0.25  # how long a block waits for a delivering device that is a little late
BUFFER_S = 1.0  # audio kept per leg beyond what the engine took (more is dropped as overflow)
QUEUE_BLOCKS = 200


@dataclass(frozen=True)
class Leg:
    """A call leg: a device (index, name or Pulse source) and which of its channels."""

    device: str
    channel: int = 0


class _Resampler:
    """Device rate → 16 kHz with FFmpeg's resampler (PyAV ships with faster-whisper)."""

    def __init__(self, rate: int) -> None:
        import av

        self._rate = rate
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

    def __call__(self, samples: Audio) -> Audio:
        import av

        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1).astype(np.float32),
                                           format="flt", layout="mono")
        frame.sample_rate = self._rate
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out).astype(np.float32) if out else np.zeros(0, np.float32)


class Capture(Protocol):
    """One open input device feeding one or more legs: what a capture backend provides."""

    device: InputDevice
    channels: int
    overflows: int
    opened_at: float
    lost_since: float | None  # engine-clock time the device was lost
    last_try: float

    @property
    def last_data(self) -> float: ...  # time.monotonic() of the last audio delivered

    @property
    def presence_key(self) -> str | None: ...  # its name in the backend's presence listing

    @property
    def failure(self) -> str | None: ...  # why it stopped by itself, if it did

    @property
    def open_now(self) -> bool: ...

    @property
    def delivering(self) -> bool: ...

    def open(self) -> None: ...

    def drain(self) -> list[Audio]: ...

    def close(self) -> None: ...


class _Stream:
    """One open PortAudio input device feeding one or more legs."""

    failure: str | None = None  # PortAudio reports a lost device by going quiet

    def __init__(self, device: InputDevice, channels: int) -> None:
        self.device = device
        self.channels = channels
        self.queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=QUEUE_BLOCKS)
        self.overflows = 0
        self.last_data = time.monotonic()
        self.opened_at = 0.0
        self.lost_since: float | None = None  # engine-clock time the device was lost
        self.last_try = 0.0
        self._stream: Any = None
        self._resample: list[_Resampler] = []

    def open(self) -> None:
        module = sounddevice()
        rate = SAMPLE_RATE
        try:
            module.check_input_settings(device=self.device.index, channels=self.channels,
                                        samplerate=SAMPLE_RATE, dtype="float32")
        except Exception:  # the device cannot do 16 kHz: take its own rate and resample
            rate = int(self.device.default_rate)
        self._resample = ([_Resampler(rate) for _ in range(self.channels)]
                          if rate != SAMPLE_RATE else [])
        try:
            self._stream = module.InputStream(
                device=self.device.index, channels=self.channels, samplerate=rate,
                dtype="float32", blocksize=int(rate * 0.05), callback=self._callback)
            self._stream.start()
        except Exception as exc:
            self._stream = None
            raise AudioDeviceError(f"cannot open input device {self.device.name!r}: {exc}"
                                   ) from exc
        self.last_data = self.opened_at = time.monotonic()

    def _callback(self, indata: np.ndarray, frames: int, when: Any, status: Any) -> None:
        # PortAudio's thread: copy and go; nothing here may block or allocate much
        if status and status.input_overflow:
            self.overflows += 1
        try:
            self.queue.put_nowait(indata.copy())
        except queue.Full:
            self.overflows += 1
        self.last_data = time.monotonic()

    def drain(self) -> list[Audio]:
        """What arrived since the last call, per channel, at 16 kHz."""
        chunks: list[np.ndarray] = []
        while True:
            try:
                chunks.append(self.queue.get_nowait())
            except queue.Empty:
                break
        if not chunks:
            return [np.zeros(0, np.float32) for _ in range(self.channels)]
        data = np.concatenate(chunks)
        per_channel = [np.ascontiguousarray(data[:, c]) for c in range(self.channels)]
        if self._resample:
            per_channel = [resample(samples) for resample, samples
                           in zip(self._resample, per_channel, strict=True)]
        return per_channel

    @property
    def presence_key(self) -> str | None:
        return self.device.pulse_source

    @property
    def open_now(self) -> bool:
        return self._stream is not None

    @property
    def delivering(self) -> bool:
        """Open, has delivered since it opened, and recently: worth waiting for."""
        return (self._stream is not None and self.last_data > self.opened_at
                and time.monotonic() - self.last_data < JITTER_S * 4)

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # closing a vanished device may fail; it is gone either way
                log.debug("closing %s failed", self.device.name, exc_info=True)
        while not self.queue.empty():
            self.queue.get_nowait()


class LiveSource:
    """Call legs captured from devices. Satisfies `AudioSource`; `seconds` limits the call;
    `backend` is `capture.backend` (auto, soundcard, sounddevice)."""

    def __init__(self, legs: Sequence[Leg], seconds: float | None = None,
                 backend: str = "auto") -> None:
        if not legs:
            raise AudioDeviceError("live capture needs at least one device")
        self.legs = list(legs)
        self.seconds = seconds
        self.backend = resolve_backend(backend)
        self._stop = threading.Event()
        self._streams: dict[int, Capture] = {}  # device index -> stream
        self._route: list[tuple[Capture, int]] = []  # per leg: its stream and channel
        self._present: Callable[[], set[str] | None] = _pulse_names
        self._presence: Any = None
        make: Callable[[InputDevice, int], Capture] = _Stream
        if self.backend == "soundcard":
            from assist.audio import soundcard_source

            listed = soundcard_source.soundcard_devices()
            self._presence = soundcard_source.Presence(PRESENCE_S)
            self._present = self._presence.snapshot

            def make(device: InputDevice, channels: int) -> Capture:
                return soundcard_source.SoundcardStream(device, channels,
                                                        lambda: self._clock())
        else:
            listed = list_devices()  # once: each listing asks PortAudio and Pulse
        devices = [find_device(leg.device, listed) for leg in self.legs]  # a missing one fails
        for leg, device in zip(self.legs, devices, strict=True):
            if leg.channel >= device.channels:
                raise AudioDeviceError(f"{device.name!r} has {device.channels} input channels; "
                                       f"channel {leg.channel} does not exist")
            wanted = 1 + max(other.channel for other, same in zip(self.legs, devices, strict=True)
                             if same.index == device.index)
            if device.index not in self._streams:
                self._streams[device.index] = make(device, wanted)
            stream = self._streams[device.index]
            self._route.append((stream, leg.channel))
        self.levels = [0.0] * len(self.legs)  # RMS of each leg's last block
        self.gaps: list[tuple[int, float, float]] = []  # (leg, from, to) on the engine clock
        self._sink: Callable[[CaptureChanged], None] = lambda event: None
        self._clock: Callable[[], float] = time.monotonic

    @property
    def channels(self) -> int:
        return len(self.legs)

    @property
    def overflows(self) -> int:
        return sum(stream.overflows for stream in self._streams.values())

    def attach(self, sink: Callable[[CaptureChanged], None], clock: Callable[[], float]) -> None:
        """Where capture changes go, and the engine clock they are stamped with."""
        self._sink, self._clock = sink, clock

    def stop(self) -> None:
        self._stop.set()

    def open(self) -> None:
        """Open every device now (the engine does this before its clock starts, so the
        seconds a device takes to open are not counted as latency). Idempotent."""
        for stream in self._streams.values():
            if not stream.open_now and stream.lost_since is None:
                stream.open()

    def blocks(self, block_samples: int) -> Iterator[list[Audio]]:
        buffers: list[Audio] = [np.zeros(0, np.float32) for _ in self.legs]
        self.open()
        for stream in self._streams.values():
            for leg in self._legs_of(stream):
                self._sink(CaptureChanged(leg, "capturing", stream.device.name, 0.0,
                                          self._clock()))
        begin = checked = time.monotonic()
        watched = any(stream.presence_key for stream in self._streams.values())
        index = 0
        limit = None if self.seconds is None else int(self.seconds * SAMPLE_RATE)
        try:
            while not self._stop.is_set() and (limit is None or index * block_samples < limit):
                delay = begin + (index + 1) * block_samples / SAMPLE_RATE - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                present: set[str] | None = None
                if watched and time.monotonic() - checked >= PRESENCE_S:
                    # a removed Pulse source does not stop its stream: Pulse moves it to
                    # the fallback source, so removal must be looked for
                    present, checked = self._present(), time.monotonic()
                for stream in self._streams.values():
                    self._watch(stream, present)
                # jitter: a delivering device that is a little late is waited for (briefly);
                # padding it with silence would cut holes into speech and drift the leg
                deadline = time.monotonic() + JITTER_S
                while True:
                    self._drain_into(buffers)
                    late = [number for number, (stream, _) in enumerate(self._route)
                            if len(buffers[number]) < block_samples and stream.delivering]
                    if not late or time.monotonic() >= deadline:
                        break
                    time.sleep(0.005)
                block: list[Audio] = []
                keep = int(BUFFER_S * SAMPLE_RATE)
                for number, (stream, _) in enumerate(self._route):
                    buffer = buffers[number]
                    if len(buffer) < block_samples:  # starting, lost or stalled: silence
                        buffer = np.concatenate(
                            [buffer, np.zeros(block_samples - len(buffer), np.float32)])
                    piece, buffers[number] = buffer[:block_samples], buffer[block_samples:]
                    if len(buffers[number]) > keep:  # the device runs fast: drop the oldest
                        buffers[number] = buffers[number][-keep:]
                        stream.overflows += 1
                    self.levels[number] = float(np.sqrt(np.mean(piece ** 2)))
                    block.append(piece)
                yield block
                index += 1
        finally:
            for stream in self._streams.values():
                stream.close()
            if self._presence is not None:
                self._presence.close()

    def _drain_into(self, buffers: list[Audio]) -> None:
        for stream in self._streams.values():
            arrived = stream.drain()
            for number, (owner, channel) in enumerate(self._route):
                if owner is stream and len(arrived[channel]):
                    buffers[number] = np.concatenate([buffers[number], arrived[channel]])

    def _legs_of(self, stream: Capture) -> list[int]:
        return [number for number, (owner, _) in enumerate(self._route) if owner is stream]

    def _watch(self, stream: Capture, present: set[str] | None) -> None:
        """Notice a device that is gone, failed or stopped delivering; bring it back when it
        returns.

        `present` holds the presence keys (Pulse sources; soundcard ids) that exist now
        (None: not known this time).
        """
        now = time.monotonic()
        source = stream.presence_key
        if stream.open_now:
            silent = now - stream.last_data
            gone = source is not None and present is not None and source not in present
            failed = stream.failure
            stalled = silent > (STALL_PULSE_S if stream.device.pulse_source is not None
                                else STALL_S) and now - stream.opened_at > STALL_S
            if not gone and not stalled and failed is None:
                return
            stream.close()
            stream.lost_since = self._clock()
            stream.last_try = now
            why = ("device removed" if gone else f"device failed: {failed}" if failed
                   else f"no audio for {silent:.1f} s")
            for leg in self._legs_of(stream):
                self._sink(CaptureChanged(leg, "lost", f"{stream.device.name}: {why}", 0.0,
                                          stream.lost_since))
            log.warning("input device %s lost: %s", stream.device.name, why)
            return
        if source is not None:  # retried when its presence is checked, and only if back:
            if present is None or source not in present:  # opened now, it would capture
                return  # Pulse's fallback source instead
        elif now - stream.last_try < RETRY_S:
            return
        stream.last_try = now
        try:
            stream.open()
        except AudioDeviceError as exc:
            log.info("input device %s not back yet: %s", stream.device.name, exc)
            return
        back = self._clock()
        since = stream.lost_since if stream.lost_since is not None else back
        stream.lost_since = None
        for leg in self._legs_of(stream):
            self.gaps.append((leg, since, back))
            self._sink(CaptureChanged(leg, "resumed", stream.device.name, back - since, back))
        log.warning("input device %s back after %.1f s", stream.device.name, back - since)


def _pulse_names() -> set[str] | None:
    sources = pulse_sources(timeout=1.0)
    return None if sources is None else {source.name for source in sources}
