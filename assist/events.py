"""Frozen event records the engine emits; names are in the past tense."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

EngineState = Literal["loading", "warming_up", "ready", "running", "catching_up", "stopped"]
BacklogAction = Literal["folded", "shed"]


@dataclass(frozen=True, slots=True)
class StageTimes:
    """Engine-clock seconds (since call start) at which an utterance passed each stage.

    `endpointed` is when the endpointer first proposed the end (recognition may start
    then, speculatively); `emitted` is never before the end was confirmed.
    """

    captured: float
    endpointed: float
    asr_start: float
    asr_end: float
    emitted: float


@dataclass(frozen=True, slots=True)
class TranscriptUpdated:
    """Text for one window of one speaker. `final` is False for interim text."""

    utterance_id: int
    speaker: str
    channel: int
    text: str
    start: float
    end: float
    final: bool
    language: str
    times: StageTimes
    window_reason: str
    avg_logprob: float
    no_speech_prob: float

    @property
    def latency(self) -> float:
        """End of speech to the moment the text existed, in seconds."""
        return self.times.emitted - self.end


@dataclass(frozen=True, slots=True)
class UtteranceSuppressed:
    """A window whose recognised text a hallucination guard rejected."""

    speaker: str
    start: float
    end: float
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class BacklogReported:
    """The recognizer fell behind and queued work was folded or shed."""

    action: BacklogAction
    speaker: str
    seconds: float
    pending: int
    lag: float
    at: float


@dataclass(frozen=True, slots=True)
class EngineStateChanged:
    state: EngineState
    detail: str
    at: float


@dataclass(frozen=True, slots=True)
class EngineError:
    message: str
    recoverable: bool
    at: float


EntityKind = Literal["phone", "address"]


@dataclass(frozen=True, slots=True)
class EntityExtracted:
    """A phone number or address a speaker said.

    `raw` is the text as said (in the utterance `utterance_id`, at `span` there; a span
    starting before 0 began in the speaker's previous utterance); `value` is the normalised
    form: E.164 for phones, digits for number words in addresses. `supersedes` names the
    entity this one replaces (a correction, or an address completed in the next window).
    """

    entity_id: int
    kind: EntityKind
    raw: str
    value: str
    speaker: str
    utterance_id: int
    span: tuple[int, int]
    start: float
    end: float
    at: float
    corrected: bool = False
    supersedes: int | None = None


@dataclass(frozen=True, slots=True)
class ReadbackChecked:
    """A speaker repeated an entity the other speaker gave: confirmed, or which parts differ."""

    kind: EntityKind
    matched: bool
    differences: tuple[str, ...]
    given: str
    given_by: str
    given_entity: int
    repeated: str
    repeated_by: str
    repeated_entity: int
    at: float


Event = (TranscriptUpdated | UtteranceSuppressed | BacklogReported | EngineStateChanged
         | EngineError | EntityExtracted | ReadbackChecked)
EventSink = Callable[[Event], None]


def event_to_dict(event: Event) -> dict[str, Any]:
    """A JSON-ready dict of an event, tagged with its type name."""
    data = asdict(event)
    data["event"] = type(event).__name__
    return data
