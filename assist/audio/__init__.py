"""Audio sources: files, live capture (sounddevice/PortAudio) and input device listing."""

from assist.audio.source import ArraySource, AudioSource, FileSource, probe_channels

__all__ = ["ArraySource", "AudioSource", "FileSource", "probe_channels"]
