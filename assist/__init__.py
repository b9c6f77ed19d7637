"""Sufler's Qt-free engine: call audio in, timestamped transcript events out."""

from assist.audio import ArraySource, AudioSource, FileSource
from assist.config import EngineConfig, load_config, replace_config
from assist.engine import CallStats, Engine
from assist.errors import (
    AssistError,
    AudioDecodeError,
    AudioDeviceError,
    ConfigError,
    ModelLoadError,
    RuleError,
)
from assist.events import (
    BacklogReported,
    EngineError,
    EngineStateChanged,
    EntityExtracted,
    Event,
    EventSink,
    ReadbackChecked,
    StageTimes,
    TranscriptUpdated,
    UtteranceSuppressed,
    event_to_dict,
)

__version__ = "0.1.0"

__all__ = [
    "ArraySource",
    "AssistError",
    "AudioDecodeError",
    "AudioDeviceError",
    "AudioSource",
    "BacklogReported",
    "CallStats",
    "ConfigError",
    "Engine",
    "EngineConfig",
    "EngineError",
    "EngineStateChanged",
    "EntityExtracted",
    "Event",
    "EventSink",
    "FileSource",
    "ModelLoadError",
    "ReadbackChecked",
    "RuleError",
    "StageTimes",
    "TranscriptUpdated",
    "UtteranceSuppressed",
    "__version__",
    "event_to_dict",
    "load_config",
    "replace_config",
]
