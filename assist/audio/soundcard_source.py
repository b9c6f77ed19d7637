"""Capture through the `soundcard` library: any output's loopback recorded as a microphone.

One library covers both desktops Sufler is used on: WASAPI loopback on Windows (what the
softphone plays to the headset, which the PortAudio inside sounddevice's wheel cannot
record) and Pulse/PipeWire monitor sources on Linux (a native Pulse client: no ALSA plugin
and no PortAudio needed). `LiveSource(..., backend="soundcard")` uses `SoundcardStream`
where the sounddevice backend uses a PortAudio stream; the block loop, device loss and
replug handling are the same (assist/audio/live.py).

soundcard has no callback API: a named reader thread per device blocks in
`recorder.record()` and, for each chunk (one period, ~50 ms), only stamps it on the engine
clock and puts it into a bounded queue (a full queue counts an overflow and drops the
chunk). Device presence is polled on its own thread, so the call's loop never waits on the
audio server.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import numpy as np

from assist.audio.devices import InputDevice
from assist.errors import AudioDeviceError
from assist.vad import SAMPLE_RATE, Audio

log = logging.getLogger(__name__)

PERIOD_SAMPLES = 800  # 50 ms at 16 kHz, as the PortAudio path's blocksize
QUEUE_CHUNKS = 200  # ~10 s of periods; more is dropped and counted as overflow
OPEN_TIMEOUT_S = 5.0  # a device that does not start recording by then is an error
JOIN_TIMEOUT_S = 2.0  # a reader still blocked after this is left to end by itself
JITTER_S = 0.25  # as live.JITTER_S: a delivering device is one heard from recently

_lock = threading.Lock()
_module: ModuleType | None = None


def _hostapi() -> str:
    if sys.platform == "win32":
        return "WASAPI"
    if sys.platform == "darwin":
        return "Core Audio"
    return "PulseAudio"


def soundcard() -> ModuleType:
    """The soundcard module, imported on first use; a clear AudioDeviceError when it or
    the audio system under it is missing. (On Linux importing it connects to the Pulse
    server named by PULSE_SERVER, or the user's.)"""
    global _module
    with _lock:
        if _module is not None:
            return _module
        argv = sys.argv
        try:
            # soundcard names its Pulse client after sys.argv and fails on `python -c` or
            # an embedding's empty argv; the client is Sufler either way
            sys.argv = ["sufler"]
            # not inside com_thread(): soundcard initialises COM itself on import and takes
            # S_FALSE (already initialised by us) for an error
            import soundcard as module
        except ModuleNotFoundError as exc:
            raise AudioDeviceError(
                "the soundcard package is missing: pip install 'soundcard>=0.4.3,<0.5' (or set "
                "capture.backend = \"sounddevice\")") from exc
        except OSError as exc:  # cffi could not load libpulse
            raise AudioDeviceError(
                f"soundcard cannot load the PulseAudio client library ({exc}): "
                "apt-get install libpulse0") from exc
        except AssertionError as exc:  # soundcard asserts its Pulse context became ready
            raise AudioDeviceError(
                "soundcard cannot connect to a PulseAudio server: is PulseAudio or "
                "PipeWire's pulse server (pipewire-pulse) running for this user?") from exc
        except NotImplementedError as exc:
            raise AudioDeviceError(f"soundcard does not support this platform: {exc}"
                                   ) from exc
        except Exception as exc:  # Windows: COM/WASAPI refused to start
            raise AudioDeviceError(f"soundcard cannot start the audio system: "
                                   f"{type(exc).__name__}: {exc}") from exc
        finally:
            sys.argv = argv
        _module = module
        return _module


@contextlib.contextmanager
def com_thread() -> Iterator[None]:
    """Windows: this thread joins COM's multithreaded apartment while inside (WASAPI calls
    from a thread COM was never initialised on fail); elsewhere nothing."""
    if sys.platform != "win32":
        yield
        return
    import ctypes

    ole32 = ctypes.windll.ole32
    result = ole32.CoInitializeEx(None, 0)  # COINIT_MULTITHREADED
    try:
        yield
    finally:
        if result in (0, 1):  # S_OK, S_FALSE: ours to release; RPC_E_CHANGED_MODE is not
            ole32.CoUninitialize()


def _microphones() -> list[Any]:
    module = soundcard()  # imported outside com_thread() (see soundcard())
    with com_thread():
        return list(module.all_microphones(include_loopback=True))


def soundcard_devices() -> list[InputDevice]:
    """Every microphone and every output's loopback (Pulse: each sink's monitor source), as
    soundcard sees them; loopbacks are marked `monitor`. Index = place in this listing."""
    devices = []
    hostapi = _hostapi()
    try:
        for index, microphone in enumerate(_microphones()):
            ident = str(microphone.id)
            name = str(microphone.name)
            devices.append(InputDevice(
                index=index,
                # Pulse: the source name is what configs and the other backend use
                name=ident if hostapi == "PulseAudio" else name,
                hostapi=hostapi,
                channels=int(microphone.channels),
                default_rate=0.0,  # soundcard asks the system to resample to 16 kHz
                monitor=bool(microphone.isloopback),
                description=name if hostapi == "PulseAudio" else "",
                backend="soundcard",
                ident=ident,
            ))
    except AudioDeviceError:
        raise
    except Exception as exc:
        raise AudioDeviceError(f"soundcard cannot list devices: {type(exc).__name__}: {exc}"
                               ) from exc
    return devices


def _recorder(microphone: Any, channels: int) -> Any:
    """soundcard's recorder of a microphone at 16 kHz, one period a chunk. On Pulse its
    stream is pinned to its source (PA_STREAM_DONT_MOVE): when the source goes away Pulse
    ends the stream instead of moving it to the fallback source, which would put another
    device's audio, e.g. the operator's microphone, into the customer's leg until the
    removal is noticed. That needs soundcard's Pulse internals (0.4.x); without them the
    public recorder is used and presence polling alone notices the removal."""
    pulse = getattr(_module, "pulseaudio", None)
    if sys.platform.startswith("linux") and pulse is not None and all(
            hasattr(pulse, name) for name in ("_Recorder", "_pulse", "_pa", "_ffi")):
        return _pinned_recorder(pulse)(microphone.id, SAMPLE_RATE, channels, PERIOD_SAMPLES)
    return microphone.recorder(samplerate=SAMPLE_RATE, channels=channels,
                               blocksize=PERIOD_SAMPLES)


def _pinned_recorder(pulse: Any) -> Any:
    class PinnedRecorder(pulse._Recorder):  # type: ignore[misc]
        """soundcard's Pulse recorder, its stream connected with DONT_MOVE."""

        def _connect_stream(self, bufattr: Any) -> None:
            flags = pulse._pa.PA_STREAM_ADJUST_LATENCY | pulse._pa.PA_STREAM_DONT_MOVE
            pulse._pulse._pa_stream_connect_record(self.stream, self._id.encode(), bufattr,
                                                   flags)

            @pulse._ffi.callback("pa_stream_request_cb_t")  # type: ignore[untyped-decorator]
            def read_callback(stream: Any, nbytes: int, userdata: Any) -> None:
                self._record_event.set()

            self._callback = read_callback  # kept alive as long as the stream
            pulse._pulse._pa_stream_set_read_callback(self.stream, read_callback,
                                                      pulse._ffi.NULL)

    return PinnedRecorder


class _Reader:
    """One recording of one device on its own thread; ends when told or when the device
    fails (then `failure` says why)."""

    def __init__(self, stream: SoundcardStream) -> None:
        self._stream = stream
        self.queue: queue.Queue[tuple[float, np.ndarray]] = queue.Queue(maxsize=QUEUE_CHUNKS)
        self.ready = threading.Event()
        self.failure: str | None = None
        self.last_data = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"sufler-capture-{stream.device.index}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        stream = self._stream
        try:
            module = soundcard()  # imported outside com_thread() (see soundcard())
            with com_thread():
                found = [microphone for microphone in module.all_microphones(
                    include_loopback=True) if str(microphone.id) == stream.device.ident]
                if not found:  # never soundcard's fuzzy name match: it may pick another device
                    raise AudioDeviceError("the device is not present")
                with _recorder(found[0], stream.channels) as recorder:
                    self.ready.set()
                    clock = stream.clock
                    while not self._stop.is_set():
                        data = recorder.record(numframes=None)  # one period; a copy
                        stamp = clock()
                        if not len(data):
                            continue
                        try:
                            self.queue.put_nowait((stamp, data))
                        except queue.Full:
                            stream.overflows += 1
                        self.last_data = time.monotonic()
        except Exception as exc:
            self.failure = str(exc) or type(exc).__name__
            if self.ready.is_set():  # the loop is over: logging here delays no audio
                log.warning("recording %s stopped: %s", stream.device.name, self.failure)
        finally:
            self.ready.set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(JOIN_TIMEOUT_S)
            if self._thread.is_alive():
                log.info("the reader of %s is still blocked; left to end by itself",
                         self._stream.device.name)


class SoundcardStream:
    """One device feeding one or more legs through soundcard, as `live._Stream` does through
    PortAudio (the same attributes and methods, for LiveSource's loop)."""

    def __init__(self, device: InputDevice, channels: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.device = device
        self.channels = channels
        self.clock = clock  # the engine clock the reader stamps chunks with
        self.overflows = 0
        self.opened_at = 0.0
        self.lost_since: float | None = None
        self.last_try = 0.0
        self.captured_at: float | None = None  # engine-clock stamp of the newest audio drained
        self._closed_last_data = time.monotonic()
        self._reader: _Reader | None = None

    @property
    def presence_key(self) -> str:
        return self.device.ident

    @property
    def failure(self) -> str | None:
        """Why the open recording ended by itself (the device failed), or None."""
        return self._reader.failure if self._reader is not None else None

    @property
    def last_data(self) -> float:
        return self._reader.last_data if self._reader is not None else self._closed_last_data

    def open(self) -> None:
        reader = _Reader(self)
        reader.start()
        if not reader.ready.wait(OPEN_TIMEOUT_S):
            reader.stop()
            raise AudioDeviceError(f"cannot open input device {self.device.name!r}: it did "
                                   f"not start recording within {OPEN_TIMEOUT_S:.0f} s")
        if reader.failure is not None:
            raise AudioDeviceError(f"cannot open input device {self.device.name!r}: "
                                   f"{reader.failure}")
        self._reader = reader
        self.opened_at = time.monotonic()
        reader.last_data = self.opened_at

    def drain(self) -> list[Audio]:
        """What arrived since the last call, per channel (already 16 kHz)."""
        chunks: list[np.ndarray] = []
        reader = self._reader
        while reader is not None:
            try:
                stamp, data = reader.queue.get_nowait()
            except queue.Empty:
                break
            chunks.append(data)
            self.captured_at = stamp
        if not chunks:
            return [np.zeros(0, np.float32) for _ in range(self.channels)]
        data = np.concatenate(chunks).astype(np.float32, copy=False)
        return [np.ascontiguousarray(data[:, channel]) for channel in range(self.channels)]

    @property
    def open_now(self) -> bool:
        return self._reader is not None

    @property
    def delivering(self) -> bool:
        """Open, has delivered since it opened, and recently: worth waiting for."""
        return (self._reader is not None and self.failure is None
                and self.last_data > self.opened_at
                and time.monotonic() - self.last_data < JITTER_S * 4)

    def close(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            self._closed_last_data = reader.last_data
            reader.stop()


class Presence:
    """The ids of the devices present, polled every `every` seconds on a named thread (a
    busy or hung audio server then never holds up the call's loop)."""

    def __init__(self, every: float = 1.0) -> None:
        self.every = every
        self._latest: tuple[float, frozenset[str]] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def snapshot(self) -> set[str] | None:
        """The ids present at the last poll, or None when no recent poll succeeded."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sufler-presence",
                                            daemon=True)
            self._thread.start()
        latest = self._latest
        if latest is None or time.monotonic() - latest[0] > 3 * self.every:
            return None
        return set(latest[1])

    def _run(self) -> None:
        try:
            soundcard()  # imported outside com_thread() (see soundcard())
        except AudioDeviceError as exc:
            log.warning("device presence is not watched: %s", exc)
            return
        with com_thread():
            while not self._stop.is_set():
                try:
                    ids = frozenset(str(microphone.id) for microphone in _microphones())
                    self._latest = (time.monotonic(), ids)
                except Exception as exc:
                    log.debug("listing devices failed: %s", exc)
                self._stop.wait(self.every)

    def close(self) -> None:
        self._stop.set()
