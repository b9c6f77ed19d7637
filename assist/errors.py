"""The single exception root of the engine and its subclasses."""

from __future__ import annotations


class AssistError(Exception):
    """Base class of every error the engine raises on purpose."""


class ConfigError(AssistError):
    """A configuration file or option is invalid."""


class ModelLoadError(AssistError):
    """A speech model could not be found, assembled, verified or loaded."""


class AudioDecodeError(AssistError):
    """An audio file is missing or cannot be decoded."""


class AudioDeviceError(AssistError):
    """An audio device is missing, lost or cannot be opened."""


class RuleError(AssistError):
    """A suggestion rule file is invalid."""
