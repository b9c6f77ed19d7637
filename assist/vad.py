"""Streaming voice activity with the Silero VAD that faster-whisper ships, one state per channel."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from assist.errors import ModelLoadError

FRAME = 512  # samples per VAD frame at 16 kHz (32 ms)
CONTEXT = 64  # samples of the previous frame Silero v5/v6 expects in front of each frame
SAMPLE_RATE = 16000

Audio = npt.NDArray[np.float32]


class VoiceDetector(Protocol):
    """Speech probability per FRAME-sample frame, keeping state across calls."""

    def probabilities(self, frames: Audio) -> npt.NDArray[np.float32]:
        """`frames` has shape (n, FRAME); returns n probabilities."""
        ...

    def reset(self) -> None: ...


class SileroDetector:
    """Silero VAD run frame block by frame block with its recurrent state carried over."""

    def __init__(self) -> None:
        try:
            from faster_whisper.vad import get_vad_model
        except ImportError as exc:  # pragma: no cover - faster-whisper is a core dependency
            raise ModelLoadError("faster-whisper is not installed: pip install sufler") from exc
        try:
            self._session = get_vad_model().session
        except Exception as exc:
            raise ModelLoadError(f"cannot load the Silero VAD model: {exc}") from exc
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)

    def probabilities(self, frames: Audio) -> npt.NDArray[np.float32]:
        if frames.shape[0] == 0:
            return np.zeros(0, dtype=np.float32)
        contexts = np.empty((frames.shape[0], CONTEXT), dtype=np.float32)
        contexts[0] = self._context
        contexts[1:] = frames[:-1, -CONTEXT:]
        batch = np.concatenate([contexts, frames], axis=1).astype(np.float32, copy=False)
        output, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        self._context = frames[-1, -CONTEXT:].copy()
        return np.asarray(output, dtype=np.float32).reshape(-1)
