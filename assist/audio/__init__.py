"""Audio sources: files now; live devices plug in behind the same interface."""

from assist.audio.source import ArraySource, AudioSource, FileSource, probe_channels

__all__ = ["ArraySource", "AudioSource", "FileSource", "probe_channels"]
