"""The call context: conversation state the pipeline writes and the recognizer reads.

The pipeline thread writes it as utterances are understood (each channel's call language, what
the operator just asked the customer for, whether the customer is mid-dictation); the ASR
worker reads one channel's state when a window starts (`WindowContext`, from `assist.asr`).
One small lock; nothing is called while it is held.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

from assist.asr.options import ChannelState
from assist.config import LANGUAGE_AUTO


class CallContext:
    """Per-channel state for one call. Thread-safe."""

    def __init__(self, speakers: Sequence[str], languages: Sequence[str] = ()) -> None:
        self._lock = threading.Lock()
        self._channels = [
            ChannelState(speaker=speaker,
                      language=languages[index] if index < len(languages) else LANGUAGE_AUTO)
            for index, speaker in enumerate(speakers)
        ]

    def state(self, channel: int) -> ChannelState:
        """The state of `channel` (an unknown channel: the empty state)."""
        with self._lock:
            if 0 <= channel < len(self._channels):
                return self._channels[channel]
        return ChannelState()

    @property
    def speakers(self) -> tuple[str, ...]:
        """The speaker of each channel, in channel order."""
        with self._lock:
            return tuple(state.speaker for state in self._channels)

    def channel_of(self, speaker: str) -> int | None:
        with self._lock:
            for index, state in enumerate(self._channels):
                if state.speaker == speaker:
                    return index
        return None

    def set_language(self, channel: int, language: str) -> None:
        """The channel's call language, once known (a fixed or locked language)."""
        self._update(channel, language=language)

    def expect(self, channel: int, kind: str | None) -> None:
        """The other side just asked `channel`'s speaker for an entity of `kind` (None: nothing)."""
        self._update(channel, expecting=kind)

    def expect_readback(self, channel: int, kind: str | None) -> None:
        """`channel`'s speaker is expected to read back what the other side just dictated."""
        self._update(channel, repeating=kind)

    def set_dictating(self, channel: int, dictating: bool) -> None:
        self._update(channel, dictating=dictating)

    def _update(self, channel: int, **changes: object) -> None:
        with self._lock:
            if 0 <= channel < len(self._channels):
                self._channels[channel] = replace(self._channels[channel], **changes)  # type: ignore[arg-type]
