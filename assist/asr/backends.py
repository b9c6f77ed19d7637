"""Recognizer backends by name (`asr.backend`): one factory, one registration per backend."""

from __future__ import annotations

from collections.abc import Callable

from assist.asr.recognizer import Recognizer, WhisperRecognizer
from assist.config import AsrConfig
from assist.errors import ConfigError

BackendFactory = Callable[[AsrConfig], Recognizer]

_backends: dict[str, BackendFactory] = {"whisper": WhisperRecognizer}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Add a backend; `asr.backend = "<name>"` then selects it."""
    if name in _backends:
        raise ValueError(f"recognizer backend {name!r} is registered already")
    _backends[name] = factory


def backends() -> tuple[str, ...]:
    return tuple(_backends)


def create_recognizer(config: AsrConfig) -> Recognizer:
    """Load the configured backend's recognizer (not yet warmed up)."""
    factory = _backends.get(config.backend)
    if factory is None:
        raise ConfigError(f"asr.backend: unknown backend {config.backend!r} "
                          f"(known: {', '.join(_backends)})")
    return factory(config)


def _openai(config: AsrConfig) -> Recognizer:
    """An OpenAI-compatible server, the local model as its fallback (assist.asr.remote)."""
    from assist.asr.remote import RemoteRecognizer  # http.client and ssl only when chosen

    return RemoteRecognizer(config)


register_backend("openai", _openai)
