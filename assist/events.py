"""Frozen event records the engine emits; names are in the past tense."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

EngineState = Literal["loading", "warming_up", "ready", "running", "catching_up", "stopped"]
BacklogAction = Literal["folded", "shed"]
RecognizerKind = Literal["remote", "local"]


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
class RemoteTimes:
    """A window recognized by a server (`asr.backend = "openai"`): the request's seconds in
    all and, when the server reports it, its own share; the rest is network and queueing."""

    total: float
    server: float | None = None

    @property
    def network(self) -> float | None:
        return max(0.0, self.total - self.server) if self.server is not None else None


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
    avg_logprob: float | None = None  # confidences are optional: a backend may not give them
    no_speech_prob: float | None = None
    # other hypotheses of a window decoded n-best (dictation): (text, average log-probability)
    alternatives: tuple[tuple[str, float], ...] = ()
    remote: RemoteTimes | None = None  # the request's times, when a server recognized it
    # decoded after a dictation prompt (a Russian address): its confidences run higher
    prompted: bool = False

    @property
    def latency(self) -> float:
        """End of speech to the moment the text existed, in seconds."""
        return self.times.emitted - self.end


@dataclass(frozen=True, slots=True)
class UtteranceProcessed:
    """An utterance's text went through extraction and the rules: when each was done (engine
    clock, like `StageTimes`), and the recognizer's real-time factor at that moment."""

    utterance_id: int
    speaker: str
    extracted: float
    matched: float
    rtf: float


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
class RecognizerSwitched:
    """What recognizes changed (`asr.backend = "openai"`): the server ("remote") or this PC's
    model ("local", after a timeout, connection error or 5xx), and why. The engine also
    announces it as an `EngineStateChanged` whose detail is `reason`, for the panel."""

    recognizer: RecognizerKind
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class EngineError:
    message: str
    recoverable: bool
    at: float


EntityKind = str  # a kind registered in `assist.extract.registry` ("phone", "address", ...)


@dataclass(frozen=True, slots=True)
class EntityExtracted:
    """A phone number, address, e-mail (any registered kind) a speaker said.

    `raw` is the text as said (in the utterance `utterance_id`, at `span` there; a span
    starting before 0 began in the speaker's previous utterance); `value` is the normalised
    form: E.164 for phones, digits for number words in addresses, `local@domain` for
    e-mails (each kind's finder says). `supersedes` names the
    entity this one replaces (a correction, an address completed in the next window, or a
    card the read-back confirmed or corrected).
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
    # parts the recognizer was unsure of ("digit 5", "street", "house", "all"): the card asks
    # the operator to confirm them instead of presenting a guess as fact
    uncertain: tuple[str, ...] = ()
    # which words the value rests on: "heard" (the speaker's own), "readback" (the other
    # side's read-back confirmed or corrected it)
    source: str = "heard"


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


CaptureState = Literal["capturing", "lost", "resumed"]


@dataclass(frozen=True, slots=True)
class CaptureChanged:
    """A live call leg's device started, was lost, or came back (`gap_s`: how long it was
    away). The call goes on with the other leg meanwhile."""

    channel: int
    state: CaptureState
    detail: str
    gap_s: float
    at: float
    speaker: str = ""


@dataclass(frozen=True, slots=True)
class LevelsMeasured:
    """Input level of each channel (dBFS, RMS over the last ~0.2 s; -90 for silence), for meters."""

    levels: tuple[float, ...]
    speakers: tuple[str, ...]
    at: float


DropReason = Literal["over_budget", "muted", "snoozed", "cooldown", "duplicate", "capped"]
DROP_REASONS: tuple[DropReason, ...] = ("over_budget", "muted", "snoozed", "cooldown",
                                        "duplicate", "capped")
FeedbackAction = Literal["up", "down", "dismiss", "mute_rule"]
RetireReason = Literal["dismissed", "replaced", "muted"]


@dataclass(frozen=True, slots=True)
class SuggestionShown:
    """A card passed the gate: show it until `expires_at` (engine clock) or dismissal.

    `evidence` is what triggered it (the matched words, the entity kind, the missed script
    line); `age` is `at − evidence_end`, the delay the operator sees, always within budget.
    `source` names the candidate source that proposed it ("rules" for admin rules); `body`
    is optional longer content a source may attach (an article from a knowledge base).
    """

    card_id: int
    rule_id: str
    title: str
    text: str
    kind: str
    category: str
    priority: int
    speaker: str
    evidence: str
    evidence_end: float
    at: float
    age: float
    expires_at: float
    source: str = "rules"
    body: str = ""


@dataclass(frozen=True, slots=True)
class SuggestionDropped:
    """A rule fired but its card was not shown, and why."""

    rule_id: str
    title: str
    kind: str
    reason: DropReason
    detail: str
    speaker: str
    evidence: str
    evidence_end: float
    at: float
    age: float


@dataclass(frozen=True, slots=True)
class SuggestionRetired:
    """A visible card was taken down before it expired: dismissed, or replaced by a more
    important one when the visible cards were at their cap."""

    card_id: int
    rule_id: str
    reason: RetireReason
    at: float


@dataclass(frozen=True, slots=True)
class ChecklistUpdated:
    """Progress of a script checklist: the items said so far and those still to say."""

    rule_id: str
    title: str
    done: tuple[str, ...]
    remaining: tuple[str, ...]
    at: float


@dataclass(frozen=True, slots=True)
class FeedbackRecorded:
    """The operator rated, dismissed or muted a card."""

    card_id: int
    rule_id: str
    action: FeedbackAction
    at: float


@dataclass(frozen=True, slots=True)
class HintsControlled:
    """Mute, snooze or a per-call rule mute changed; the state after the change."""

    muted: bool
    snoozed_until: float | None
    muted_rules: tuple[str, ...]
    at: float


@dataclass(frozen=True, slots=True)
class RulesLoaded:
    """Rule files were (re)loaded. With problems, `kept_previous` says the last good rules of
    the broken file stay in force; `problems` are `FILE:LINE: ...` lines."""

    paths: tuple[str, ...]
    rules: int
    problems: tuple[str, ...]
    kept_previous: bool
    at: float


Event = (TranscriptUpdated | UtteranceProcessed | UtteranceSuppressed | BacklogReported
         | EngineStateChanged | RecognizerSwitched
         | EngineError | EntityExtracted | ReadbackChecked | SuggestionShown | SuggestionDropped
         | SuggestionRetired | ChecklistUpdated | FeedbackRecorded | HintsControlled
         | RulesLoaded | CaptureChanged | LevelsMeasured)
EventSink = Callable[[Event], None]

