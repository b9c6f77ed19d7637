"""Audio sources yield 16 kHz float32 blocks, one array per channel (= per speaker)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

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


def probe_channels(path: str | Path) -> int:
    """Number of channels of the first audio stream of a file."""
    try:
        import av

        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioDecodeError(f"{path}: no audio stream")
            return int(container.streams.audio[0].codec_context.channels)
    except AudioDecodeError:
        raise
    except FileNotFoundError as exc:
        raise AudioDecodeError(f"{path}: no such file") from exc
    except Exception as exc:
        raise AudioDecodeError(f"{path}: cannot decode audio ({exc})") from exc


class FileSource(_Recorded):
    """Any file faster-whisper's decoder reads, resampled to 16 kHz; stereo kept as two channels."""

    def __init__(self, path: str | Path, split_stereo: bool = True) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise AudioDecodeError(f"{self.path}: no such file")
        channels = probe_channels(self.path)
        try:
            from faster_whisper import decode_audio

            if split_stereo and channels >= 2:
                left, right = decode_audio(str(self.path), SAMPLE_RATE, split_stereo=True)
                self.arrays: list[Audio] = [
                    np.asarray(left, dtype=np.float32),
                    np.asarray(right, dtype=np.float32),
                ]
            else:
                mono = decode_audio(str(self.path), SAMPLE_RATE)
                self.arrays = [np.asarray(mono, dtype=np.float32)]
        except Exception as exc:
            raise AudioDecodeError(f"{self.path}: cannot decode audio ({exc})") from exc
        if len(self.arrays[0]) == 0:
            raise AudioDecodeError(f"{self.path}: the file holds no audio samples")

    @property
    def channels(self) -> int:
        return len(self.arrays)

    @property
    def duration(self) -> float:
        return len(self.arrays[0]) / SAMPLE_RATE

    def blocks(self, block_samples: int) -> Iterator[list[Audio]]:
        return ArraySource(self.arrays).blocks(block_samples)
