"""Audio sources yield 16 kHz float32 blocks, one array per channel (= per speaker)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assist.errors import AudioDecodeError
from assist.events import CaptureChanged
from assist.vad import SAMPLE_RATE, Audio


class AudioSource(Protocol):
    """A call's audio as consecutive blocks; each block holds one array per channel."""

    @property
    def channels(self) -> int: ...

    def blocks(self, block_samples: int) -> Iterator[list[Audio]]: ...

    def open(self) -> None:
        """Get ready before the call's clock starts (live devices open here)."""
        ...

    def attach(self, listener: Callable[[CaptureChanged], None],
               clock: Callable[[], float]) -> None:
        """Report a leg's device lost and back (live capture; others never call it)."""
        ...

    def stop(self) -> None:
        """End the audio early, from any thread (the blocks then run out)."""
        ...


class _Recorded:
    """What recorded audio does for the live-only parts of the protocol: nothing."""

    def open(self) -> None:
        return None

    def attach(self, listener: Callable[[CaptureChanged], None],
               clock: Callable[[], float]) -> None:
        return None

    def stop(self) -> None:
        return None


class ArraySource(_Recorded):
    """Audio already in memory, or produced piece by piece by an iterable (long calls)."""

    def __init__(self, pieces: Iterable[list[Audio]] | list[Audio], channels: int | None = None):
        self._pieces: Iterable[list[Audio]]
        if isinstance(pieces, list) and pieces and isinstance(pieces[0], np.ndarray):
            self._pieces = [list(pieces)]
            self._channels = len(pieces)
        else:
            if channels is None:
                raise ValueError("channels is required when pieces is an iterable")
            self._pieces = pieces  # type: ignore[assignment]
            self._channels = channels

    @property
    def channels(self) -> int:
        return self._channels

    def blocks(self, block_samples: int) -> Iterator[list[Audio]]:
        carry: list[Audio] = [np.zeros(0, dtype=np.float32) for _ in range(self._channels)]
        for piece in self._pieces:
            if len(piece) != self._channels:
                raise ValueError(f"expected {self._channels} channels, got {len(piece)}")
            joined = [
                np.concatenate([c, np.asarray(p, dtype=np.float32)])
                for c, p in zip(carry, piece, strict=True)
            ]
            length = min(len(j) for j in joined)
            full = length - length % block_samples
            for offset in range(0, full, block_samples):
                yield [j[offset : offset + block_samples] for j in joined]
            carry = [j[full:] for j in joined]
        if carry and min(len(c) for c in carry) > 0:
            yield carry


_FILE_ONLY = {"protocol_whitelist": "file"}  # a playlist must not make FFmpeg fetch a URL
_GROUP_SAMPLES = 500_000  # decoded samples resampled at a time (as faster-whisper does)


def _open(path: str | Path) -> Any:
    import av

    return av.open(str(path), metadata_errors="ignore", options=_FILE_ONLY)


def probe_channels(path: str | Path) -> int:
    """Number of channels of the first audio stream of a file."""
    try:
        with _open(path) as container:
            if not container.streams.audio:
                raise AudioDecodeError(f"{path}: no audio stream")
            return int(container.streams.audio[0].codec_context.channels)
    except AudioDecodeError:
        raise
    except FileNotFoundError as exc:
        raise AudioDecodeError(f"{path}: no such file") from exc
    except Exception as exc:
        raise AudioDecodeError(f"{path}: cannot decode audio ({exc})") from exc


def _frames(container: Any) -> Iterator[Any]:
    """The audio stream's frames, an undecodable frame skipped (faster-whisper's way)."""
    import av

    frames = container.decode(audio=0)
    while True:
        try:
            yield next(frames)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue


def _grouped(frames: Iterator[Any]) -> Iterator[Any]:
    """Frames regrouped into frames of `_GROUP_SAMPLES`, as `decode_audio` does: the
    resampler then sees the same input and gives the same samples."""
    import av

    fifo = av.audio.fifo.AudioFifo()
    for frame in frames:
        frame.pts = None  # the FIFO checks timestamps; a file's may jump
        fifo.write(frame)
        if fifo.samples >= _GROUP_SAMPLES:
            yield fifo.read()
    if fifo.samples > 0:
        yield fifo.read()


class FileSource(_Recorded):
    """Any file faster-whisper's decoder reads, resampled to 16 kHz: mono is one leg, stereo
    two (left, right); a file with more channels needs `channel_map` (which channels are
    the legs, in speaker order).

    The file is decoded as the call consumes it, a group of frames at a time, so memory does
    not grow with its length; the samples are those of faster-whisper's `decode_audio`.
    Opening checks that the file decodes (AudioDecodeError otherwise)."""

    def __init__(self, path: str | Path, split_stereo: bool = True,
                 channel_map: Sequence[int] | None = None) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise AudioDecodeError(f"{self.path}: no such file")
        available = probe_channels(self.path)
        self.file_channels = available
        if channel_map is not None:
            legs = tuple(channel_map)
            if not 1 <= len(legs) <= 2 or len(set(legs)) != len(legs):
                raise AudioDecodeError(f"{self.path}: --channels: name one or two distinct "
                                       f"channels, got {','.join(map(str, legs))}")
            bad = [str(channel) for channel in legs if not 0 <= channel < available]
            if bad:
                raise AudioDecodeError(
                    f"{self.path}: --channels: no channel {', '.join(bad)} (the file has "
                    f"{available}: 0-{available - 1})")
            self._legs: tuple[int, ...] | None = legs
        elif available > 2:
            raise AudioDecodeError(
                f"{self.path}: {available} channels; a call has one or two legs: choose "
                f"them with --channels (e.g. --channels 0,1 for operator, customer)")
        elif split_stereo and available == 2:
            self._legs = (0, 1)
        else:
            self._legs = None  # mixed down to one leg
        self._stopped = threading.Event()
        self.position = 0.0  # seconds of audio handed out so far (where an interrupt stopped)
        self.duration = self._probe_duration()
        try:
            first = next(self._decoded(), None)
        except AudioDecodeError:
            raise
        except Exception as exc:
            raise AudioDecodeError(f"{self.path}: cannot decode audio ({exc})") from exc
        if first is None:
            raise AudioDecodeError(f"{self.path}: the file holds no audio samples")

    @property
    def channels(self) -> int:
        return len(self._legs) if self._legs is not None else 1

    def _probe_duration(self) -> float:
        """The length the container states (0 when it states none); decoding is not done
        up front, so this is the file's own figure."""
        try:
            with _open(self.path) as container:
                stream = container.streams.audio[0]
                if stream.duration is not None and stream.time_base is not None:
                    return float(stream.duration * stream.time_base)
                if container.duration is not None:
                    return float(container.duration) / 1_000_000
        except Exception:
            pass
        return 0.0

    def _decoded(self) -> Iterator[list[Audio]]:
        """The file as float32 pieces, one array per leg, decoded a group at a time."""
        import av

        layout = "mono" if self._legs is None else ("stereo" if self.file_channels == 2
                                                    else None)
        resampler = av.AudioResampler(format="s16", layout=layout, rate=SAMPLE_RATE)
        width = 1 if self._legs is None else self.file_channels
        try:
            with _open(self.path) as container:
                groups = _grouped(_frames(container))
                for group in itertools.chain(groups, [None]):
                    for frame in resampler.resample(group):
                        samples = frame.to_ndarray().reshape(-1, width)
                        audio = samples.astype(np.float32) / 32768.0
                        if self._legs is None:
                            yield [audio[:, 0]]
                        else:
                            yield [np.ascontiguousarray(audio[:, leg]) for leg in self._legs]
        except AudioDecodeError:
            raise
        except Exception as exc:
            raise AudioDecodeError(f"{self.path}: cannot decode audio ({exc})") from exc

    def blocks(self, block_samples: int) -> Iterator[list[Audio]]:
        self._stopped.clear()
        self.position = 0.0
        for block in ArraySource(self._decoded(), self.channels).blocks(block_samples):
            if self._stopped.is_set():
                return
            yield block
            self.position += len(block[0]) / SAMPLE_RATE

    def stop(self) -> None:
        """End the audio early, from any thread: the blocks stop after the current one."""
        self._stopped.set()

    @property
    def arrays(self) -> list[Audio]:
        """The whole file decoded at once, one array per leg (benchmarks, tests, short
        files: a call is fed through `blocks`)."""
        pieces = list(self._decoded())
        return [np.concatenate([piece[leg] for piece in pieces]) if pieces
                else np.zeros(0, dtype=np.float32) for leg in range(self.channels)]
