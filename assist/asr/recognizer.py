"""The recognizer protocol, and faster-whisper on one window at a time with no carried text."""

from __future__ import annotations

import contextlib
import copy
import ctypes
import dataclasses
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assist.asr.models import ResolvedModel, resolve_model
from assist.asr.options import DecodeOptions
from assist.config import LANGUAGE_AUTO, AsrConfig
from assist.errors import ModelLoadError
from assist.events import RemoteTimes
from assist.vad import SAMPLE_RATE, Audio

log = logging.getLogger(__name__)

# Letters a leg locked to a language never emits (the other script of the two we serve).
SCRIPTS = {"ru": re.compile(r"[A-Za-z]"), "en": re.compile(r"[А-Яа-яЁё]")}
CYRILLIC_LEAD = re.compile("[ÐÑÒÓ]")


@dataclass(frozen=True)
class Recognition:
    """A window's text. The confidences are optional: a backend that does not report one
    leaves it None, and the guards that need it are skipped."""

    text: str
    language: str
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None
    language_prob: float = 1.0  # below 1 when the language was detected on this window
    token_probs: tuple[float, ...] = ()  # per-token probabilities, when the backend has them
    # other hypotheses (text, average log-probability), best first, when asked for (n-best)
    alternatives: tuple[tuple[str, float], ...] = ()
    remote: RemoteTimes | None = None  # a server's request times (the `openai` backend)


@runtime_checkable
class Switching(Protocol):
    """A recognizer that may change what recognizes (remote: True, local: False) and says
    why; the listener hears both."""

    def set_listener(self, listener: Callable[[bool, str], None] | None) -> None: ...


@dataclass(frozen=True)
class RecognizerInfo:
    """What a loaded recognizer is, for the status line and the latency log."""

    backend: str  # the `asr.backend` that made it
    model: str  # the configured model name
    source: str  # where it came from (a package, a folder, the hub)
    location: str  # the path or address it runs from


class Recognizer(Protocol):
    """What the engine needs of a speech recognizer backend; tests use a fake."""

    @property
    def multilingual(self) -> bool: ...

    @property
    def name(self) -> str: ...

    def recognize(self, audio: Audio, language: str,
                  options: DecodeOptions | None = None) -> Recognition:
        """Text of `audio` in `language` (`LANGUAGE_AUTO` detects it on the same window),
        decoded with `options` where given, else with the configured settings."""
        ...

    def warm_up(self) -> None:
        """Pay lazy initialisation now, before the call's first window."""
        ...

    def describe(self) -> RecognizerInfo: ...


def default_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def release_freed_memory() -> None:
    """Hand the heap that model loading freed (float16 weights quantized to int8) back to
    the system where glibc allows it: about 30-90 MB of resident memory per instance."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: it is reused later
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class WhisperRecognizer:
    """faster-whisper's WhisperModel, transcribing each window on its own."""

    def __init__(self, config: AsrConfig, resolved: ResolvedModel | None = None) -> None:
        self._config = config
        self.resolved = resolved or resolve_model(config.model,
                                                  allow_download=config.allow_download)
        threads = config.cpu_threads or default_threads()
        self._model = self._load(threads)
        actual = bool(self._model.model.is_multilingual)
        expected = self.resolved.multilingual
        if expected is not None and expected != actual:
            raise ModelLoadError(
                f"model {config.model!r} at {self.resolved.location} is "
                f"{'multilingual' if actual else 'English-only'}, expected the opposite: "
                "reinstall the model package"
            )
        self._multilingual = actual
        # The encoder pass wants every core; greedy decoding is faster on fewer (see
        # AsrConfig.decoder_threads), so on CPU it may get an instance of its own.
        decoder_threads = config.decoder_threads or threads
        self._decoder = self._model
        if self._model.model.device == "cpu" and decoder_threads != threads:
            self._decoder = self._load_decoder(decoder_threads)
        release_freed_memory()
        self._options = self._decoding_options()
        self._locks: dict[str, tuple[int, ...]] = {}
        self._merged: dict[str, list[int]] = {}
        log.info("loaded model %s (%s) from %s", config.model, self.resolved.source,
                 self.resolved.location)

    def _load(self, threads: int) -> Any:
        config = self._config
        try:
            from faster_whisper import WhisperModel

            return WhisperModel(
                self.resolved.location,
                device=config.device,
                compute_type=config.compute_type,
                cpu_threads=threads,
                num_workers=1,
            )
        except Exception as exc:
            raise self._load_error("model", exc) from exc

    def _load_decoder(self, threads: int) -> Any:
        """The same WhisperModel wrapper over a second CTranslate2 instance with its own
        thread count (the wrapper's tokenizer and feature extractor are shared)."""
        config = self._config
        try:
            import ctranslate2

            decoder = copy.copy(self._model)
            decoder.model = ctranslate2.models.Whisper(
                self.resolved.location,
                device="cpu",
                compute_type=config.compute_type,
                intra_threads=threads,
                inter_threads=1,
            )
        except Exception as exc:
            raise self._load_error("the decoder of", exc) from exc
        return decoder

    def _load_error(self, what: str, exc: Exception) -> ModelLoadError:
        """One line: what failed to load, from where, and the library's first line."""
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return ModelLoadError(f"cannot load {what} {self._config.model!r} from "
                              f"{self.resolved.location}: {first}")

    def _decoding_options(self) -> Any:
        """faster-whisper's TranscriptionOptions for our settings, as its `transcribe`
        builds them (it returns them lazily: no decoding happens here)."""
        config = self._config
        _, info = self._model.transcribe(
            np.zeros(SAMPLE_RATE // 10, dtype=np.float32),
            language="en",
            task="transcribe",  # a fixed language is transcribed, never translated
            beam_size=config.beam_size,
            best_of=config.beam_size,
            temperature=list(config.temperatures),
            condition_on_previous_text=False,  # no text carried between windows
            without_timestamps=True,
            vad_filter=False,
            no_speech_threshold=None,  # our guards judge no-speech and log-probability
            log_prob_threshold=None,
            initial_prompt=config.prompt or None,
            hotwords=config.hotwords or None,
        )
        return info.transcription_options

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

    @property
    def decoder(self) -> Any:
        """The WhisperModel that decodes: `model` itself, or the same wrapper over a
        CTranslate2 instance with `decoder_threads` threads."""
        return self._decoder

    def transcribe_offline(self, audio: Audio, language: str | None) -> str:
        """Whole-file transcription with faster-whisper's own defaults and our beam size."""
        segments, _ = self._model.transcribe(
            np.asarray(audio, dtype=np.float32),
            language=language if self._multilingual else "en",
            beam_size=self._config.beam_size,
        )
        return " ".join(segment.text.strip() for segment in segments)

    def _pick_language(self, probs: list[tuple[str, float]]) -> tuple[str, float]:
        """The most likely of the configured languages and its share of their probability."""
        scores = {token[2:-2]: float(prob) for token, prob in probs}
        candidates = self._config.auto_languages
        allowed = {language: prob for language, prob in scores.items() if language in candidates}
        if not allowed:  # no candidate configured (or none known to the model)
            best = max(scores, key=lambda language: scores[language])
            return best, scores[best]
        best = max(allowed, key=lambda language: allowed[language])
        return best, allowed[best] / (sum(allowed.values()) or 1.0)

    def describe(self) -> RecognizerInfo:
        return RecognizerInfo("whisper", self._config.model, self.resolved.source,
                              str(self.resolved.location))

    def _script_lock(self, language: str) -> tuple[int, ...]:
        """Tokens a leg locked to `language` never emits: Latin letters on a Russian leg,
        Cyrillic on an English one (`asr.script_lock`). Digits and punctuation stay."""
        if not self._config.script_lock or not self._multilingual or language not in SCRIPTS:
            return ()
        cached = self._locks.get(language)
        if cached is None:
            foreign = SCRIPTS[language]
            tokenizer = self._model.hf_tokenizer
            end = tokenizer.token_to_id("<|endoftext|>") or 50257
            cached = tuple(
                index for index in range(end)
                if foreign.search(tokenizer.decode([index]))
                # a token holding only part of a Cyrillic letter decodes to U+FFFD: its
                # byte-level form shows the UTF-8 lead byte (0xD0-0xD3 are "ÐÑÒÓ" there)
                or (language == "en" and CYRILLIC_LEAD.search(tokenizer.id_to_token(index)
                                                              or "")))
            self._locks[language] = cached
        return cached

    def _suppressed(self, language: str, locked: tuple[int, ...]) -> list[int]:
        """The configured suppressed tokens plus a locked leg's, sorted once per language."""
        key = language if locked else ""
        merged = self._merged.get(key)
        if merged is None:
            merged = sorted({*(self._options.suppress_tokens or []), *locked})
            self._merged[key] = merged
        return merged

    def _options_for(self, options: DecodeOptions | None, language: str) -> Any:
        """faster-whisper's options with this window's overrides and the leg's script lock
        (the fast path of an unlocked leg: as configured)."""
        email = options is not None and options.reason == "dictation:email"
        locked = () if email else self._script_lock(language)  # e-mails are Latin letters
        if options is None and not locked:
            return self._options
        if options is None:
            options = DecodeOptions(suppress_tokens=())
        changes: dict[str, Any] = {}
        if options.beam_size is not None:
            changes.update(beam_size=options.beam_size, best_of=options.beam_size)
        if options.prompt is not None:
            changes["initial_prompt"] = options.prompt or None
        if options.hotwords is not None:
            changes["hotwords"] = options.hotwords or None
        if options.suppress_tokens:
            changes["suppress_tokens"] = sorted({*self._suppressed(language, locked),
                                                 *options.suppress_tokens})
        elif locked:
            changes["suppress_tokens"] = self._suppressed(language, locked)
        return dataclasses.replace(self._options, **changes) if changes else self._options

    def recognize(self, audio: Audio, language: str,
                  options: DecodeOptions | None = None) -> Recognition:
        """One encoder pass per window: the language (when "auto") is read from the same
        encoder output the text is decoded from, so detection costs one decoder step.
        The encoder output is a CPU StorageView the decoder instance reads as it is."""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_compression_ratio

        model = self._model
        features = model.feature_extractor(np.asarray(audio, dtype=np.float32))
        content = features.shape[-1] - 1  # as faster-whisper's own segment loop counts
        first = features[:, : min(content, model.feature_extractor.nb_max_frames)]
        encoder_output = model.encode(pad_or_trim(first))
        locked = language if language != LANGUAGE_AUTO else ""  # the leg's, not this window's
        language_prob = 1.0
        if not self._multilingual:
            language = "en"
        elif language == LANGUAGE_AUTO:
            language, language_prob = self._pick_language(
                self._decoder.model.detect_language(encoder_output)[0]
            )
        tokenizer = Tokenizer(model.hf_tokenizer, self._multilingual, task="transcribe",
                              language=language)
        chosen = self._options_for(options, locked if self._multilingual else "")
        if options is not None and options.alternatives > 0:
            return self._n_best(encoder_output, tokenizer, chosen, options, language,
                                language_prob)
        segments = self._decoder.generate_segments(features, tokenizer, chosen, False,
                                                   encoder_output)
        parts = list(segments)  # the generator does the decoding: consume it here
        text = " ".join(part.text.strip() for part in parts).strip()
        if not parts:
            return Recognition("", language, 0.0, 1.0, 0.0, language_prob)
        weights = [max(1, len(part.tokens)) for part in parts]
        avg_logprob = float(np.average([p.avg_logprob for p in parts], weights=weights))
        no_speech = float(max(p.no_speech_prob for p in parts))
        ratio = get_compression_ratio(text) if text else 0.0
        return Recognition(text, language, avg_logprob, no_speech, float(ratio), language_prob)

    def _n_best(self, encoder_output: Any, tokenizer: Any, chosen: Any,
                options: DecodeOptions, language: str, language_prob: float) -> Recognition:
        """One beam search returning several hypotheses, best first (a window is at most
        one 30 s segment, so one `generate` call decodes it whole)."""
        from faster_whisper.transcribe import get_compression_ratio

        previous = (tokenizer.encode(" " + chosen.initial_prompt.strip())
                    if chosen.initial_prompt else [])
        prompt = self._decoder.get_prompt(tokenizer, previous, without_timestamps=True,
                                          hotwords=chosen.hotwords)
        count = 1 + options.alternatives
        result = self._decoder.model.generate(
            encoder_output, [prompt], beam_size=max(chosen.beam_size, count),
            num_hypotheses=count, length_penalty=chosen.length_penalty,
            max_length=self._decoder.max_length, return_scores=True,
            return_no_speech_prob=True, suppress_blank=chosen.suppress_blank,
            suppress_tokens=chosen.suppress_tokens)[0]
        hypotheses: list[tuple[str, float]] = []
        for tokens, score in zip(result.sequences_ids, result.scores, strict=True):
            text = tokenizer.decode([token for token in tokens
                                     if token < tokenizer.eot]).strip()
            # faster-whisper's recovery of the average log-probability from the score
            average = score * len(tokens) ** chosen.length_penalty / (len(tokens) + 1)
            if text and all(text != seen for seen, _ in hypotheses):
                hypotheses.append((text, float(average)))
        if not hypotheses:
            return Recognition("", language, None, float(result.no_speech_prob), None,
                               language_prob)
        text, average = hypotheses[0]
        return Recognition(text, language, average, float(result.no_speech_prob),
                           float(get_compression_ratio(text)), language_prob,
                           alternatives=tuple(hypotheses[1:]))

    def warm_up(self) -> None:
        """One short decode so the first real window does not pay for lazy initialisation."""
        rng = np.random.default_rng(0)
        noise = (rng.standard_normal(SAMPLE_RATE) * 0.01).astype(np.float32)
        self.recognize(noise, "en")
