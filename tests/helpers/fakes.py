"""Fakes for the engine's Protocols: an energy voice detector and a scripted recognizer."""

from __future__ import annotations

import time
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assist.asr.options import DecodeOptions
from assist.asr.recognizer import Recognition, RecognizerInfo
from assist.config import LANGUAGE_AUTO
from assist.vad import SAMPLE_RATE, Audio


class EnergyDetector:
    """Speech wherever a frame's RMS exceeds a threshold: predictable for tests."""

    def __init__(self, threshold: float = 0.05) -> None:
        self.threshold = threshold

    def probabilities(self, frames: Audio) -> npt.NDArray[np.float32]:
        rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
        return (rms > self.threshold).astype(np.float32)

    def reset(self) -> None:
        pass


class ScriptedRecognizer:
    """Returns "words N.NN" (the window's length) after `compute_s` of real work."""

    def __init__(self, compute_s: float = 0.0, text: str | None = None) -> None:
        self.compute_s = compute_s
        self.text = text
        self.calls: list[float] = []
        self.options: list[DecodeOptions | None] = []  # what each window was decoded with

    @property
    def multilingual(self) -> bool:
        return True

    @property
    def name(self) -> str:
        return "scripted"

    def warm_up(self) -> None:
        return None

    def describe(self) -> RecognizerInfo:
        return RecognizerInfo("scripted", "scripted", "test", "memory")

    def recognize(self, audio: Audio, language: str,
                  options: DecodeOptions | None = None) -> Recognition:
        duration = len(audio) / SAMPLE_RATE
        self.calls.append(duration)
        self.options.append(options)
        if self.compute_s:
            time.sleep(self.compute_s)
        text = self.text if self.text is not None else f"speech of {duration:.2f} seconds"
        return Recognition(text, "en" if language == LANGUAGE_AUTO else language, -0.2, 0.01, 1.2)


def tone(seconds: float, level: float = 0.3, freq: float = 220.0) -> Audio:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def write_wav(path: Path, samples: npt.NDArray[np.float32]) -> Path:
    """16-bit 16 kHz WAV from (n,) mono or (n, channels) float samples in [-1, 1]."""
    frames = samples.reshape(len(samples), -1)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(frames.shape[1])
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        handle.writeframes((np.clip(frames, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def silence(seconds: float) -> Audio:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


class SpokenRecognizer(ScriptedRecognizer):
    """Says one line per window, chosen by the window's length: (longest seconds, text)
    pairs in ascending order; windows carry the endpointer's padding, so scripts leave a
    margin of about 0.5 s between lengths."""

    def __init__(self, lines: list[tuple[float, str]], language: str = "en") -> None:
        super().__init__()
        self.lines = lines
        self.language = language

    def recognize(self, audio: Audio, language: str,
                  options: DecodeOptions | None = None) -> Recognition:
        super().recognize(audio, language, options)
        duration = len(audio) / SAMPLE_RATE
        text = next((line for longest, line in self.lines if duration <= longest),
                    self.lines[-1][1])
        return Recognition(text, self.language, -0.2, 0.01, 1.2)
