"""The speech recognizer: faster-whisper on one window at a time, no carried text."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from assist.asr.models import ResolvedModel, resolve_model
from assist.config import AsrConfig
from assist.errors import ModelLoadError
from assist.vad import SAMPLE_RATE, Audio

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recognition:
    text: str
    language: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float


class Recognizer(Protocol):
    """What the ASR worker needs of a model; tests use a fake."""

    @property
    def multilingual(self) -> bool: ...

    @property
    def name(self) -> str: ...

    def detect_language(self, audio: Audio, candidates: tuple[str, ...]) -> tuple[str, float]: ...

    def recognize(self, audio: Audio, language: str) -> Recognition: ...


def default_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class WhisperRecognizer:
    """faster-whisper's WhisperModel, transcribing each window on its own."""

    def __init__(self, config: AsrConfig, resolved: ResolvedModel | None = None) -> None:
        self._config = config
        self.resolved = resolved or resolve_model(config.model)
        try:
            from faster_whisper import WhisperModel

            self._model = WhisperModel(
                self.resolved.location,
                device=config.device,
                compute_type=config.compute_type,
                cpu_threads=config.cpu_threads or default_threads(),
                num_workers=1,
            )
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ModelLoadError(
                f"cannot load model {config.model!r} from {self.resolved.location}: {first}"
            ) from exc
        actual = bool(self._model.model.is_multilingual)
        expected = self.resolved.multilingual
        if expected is not None and expected != actual:
            raise ModelLoadError(
                f"model {config.model!r} at {self.resolved.location} is "
                f"{'multilingual' if actual else 'English-only'}, expected the opposite: "
                "reinstall the model package"
            )
        self._multilingual = actual
        log.info("loaded model %s (%s) from %s", config.model, self.resolved.source,
                 self.resolved.location)

    @property
    def multilingual(self) -> bool:
        return self._multilingual

    @property
    def name(self) -> str:
        return self._config.model

    @property
    def model(self) -> Any:
        """The underlying faster_whisper.WhisperModel (benchmarks compare against it)."""
        return self._model

    def transcribe_offline(self, audio: Audio, language: str | None) -> str:
        """Whole-file transcription with faster-whisper's own defaults and our beam size."""
        segments, _ = self._model.transcribe(
            np.asarray(audio, dtype=np.float32),
            language=language if self._multilingual else "en",
            beam_size=self._config.beam_size,
        )
        return " ".join(segment.text.strip() for segment in segments)

    def detect_language(self, audio: Audio, candidates: tuple[str, ...]) -> tuple[str, float]:
        """The most likely language among `candidates` and its share of their probability."""
        if not self._multilingual:
            return "en", 1.0
        _, _, all_probs = self._model.detect_language(audio=audio)
        scores = {lang: prob for lang, prob in all_probs if not candidates or lang in candidates}
        if not scores:
            return all_probs[0][0], float(all_probs[0][1])
        best = max(scores, key=lambda lang: scores[lang])
        total = sum(scores.values()) or 1.0
        return best, float(scores[best] / total)

    def recognize(self, audio: Audio, language: str) -> Recognition:
        from faster_whisper.transcribe import get_compression_ratio

        config = self._config
        options: dict[str, Any] = {
            "language": language if self._multilingual else "en",
            "task": "transcribe",  # a fixed language is transcribed, never translated
            "beam_size": config.beam_size,
            "best_of": config.beam_size,
            "temperature": list(config.temperatures),
            "condition_on_previous_text": False,
            "without_timestamps": True,
            "vad_filter": False,
            "no_speech_threshold": None,
            "log_prob_threshold": None,
            "initial_prompt": config.prompt or None,
            "hotwords": config.hotwords or None,
        }
        segments, _info = self._model.transcribe(np.asarray(audio, dtype=np.float32), **options)
        parts = list(segments)  # the generator does the decoding: consume it here
        text = " ".join(part.text.strip() for part in parts).strip()
        if not parts:
            return Recognition("", options["language"], 0.0, 1.0, 0.0)
        weights = [max(1, len(part.tokens)) for part in parts]
        avg_logprob = float(np.average([p.avg_logprob for p in parts], weights=weights))
        no_speech = float(max(p.no_speech_prob for p in parts))
        ratio = get_compression_ratio(text) if text else 0.0
        return Recognition(text, options["language"], avg_logprob, no_speech, float(ratio))

    def warm_up(self) -> None:
        """One short decode so the first real window does not pay for lazy initialisation."""
        rng = np.random.default_rng(0)
        noise = (rng.standard_normal(SAMPLE_RATE) * 0.01).astype(np.float32)
        self.recognize(noise, "en")
