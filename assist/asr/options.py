"""Per-window decode options, chosen from what the call context says when a window starts.

The recognizer reads the conversation through `WindowContext`, a small protocol the call
pipeline's context implements: the dependency points downward, so nothing in `assist.asr`
knows the pipeline. A `DecodePolicy` turns a channel's state into `DecodeOptions`; `None`
means the fast path (the configured defaults), which is what every window gets unless a
policy asks for more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class ChannelState:
    """What the conversation says about one channel (a call leg) when its window starts."""

    speaker: str = ""
    language: str = "auto"  # the leg's call language once known
    expecting: str | None = None  # an entity kind the other side just asked this speaker for
    dictating: bool = False  # this speaker is in the middle of dictating an entity
    # an entity kind (or "dictation") the other side just said, which this speaker is
    # expected to read back
    repeating: str | None = None


class WindowContext(Protocol):
    """Read access to the call context, per channel (one call leg)."""

    def state(self, channel: int) -> ChannelState: ...


@dataclass(frozen=True)
class DecodeOptions:
    """How to decode one window; `None` fields keep the recognizer's configured value."""

    beam_size: int | None = None
    prompt: str | None = None  # a one-line prompt the window is decoded after
    hotwords: str | None = None
    suppress_tokens: tuple[int, ...] | None = None  # extra token ids never to emit
    alternatives: int = 0  # how many more hypotheses to return besides the best (n-best)
    reason: str = ""  # why these options (for logs and the latency record)


class DecodePolicy(Protocol):
    """Chooses a window's options from its channel's state; None: the fast path."""

    def choose(self, state: ChannelState) -> DecodeOptions | None: ...


@runtime_checkable
class SecondLook(Protocol):
    """A policy that may also decode a fast-path window again once its text is known."""

    def again(self, state: ChannelState, heard: str) -> DecodeOptions | None:
        """Options to decode the window again with; None: keep what the fast path heard."""


class FastPath:
    """The default policy: every window decoded with the configured settings."""

    def choose(self, state: ChannelState) -> DecodeOptions | None:
        return None


class NoContext:
    """A context that knows nothing (files transcribed without a pipeline, benchmarks)."""

    def state(self, channel: int) -> ChannelState:
        return ChannelState()
