"""Events as JSON records and back: one codec per event class, in one table.

Every writer of records asks `to_record` (the JSON Lines of `sufler transcribe`, saved calls,
the decision log), back-test replay reads records back with `from_record`, the latency log
builds its records with `latency_record`, and the app names its signals with `event_name`.
An event class with no record still has a codec: the table lists every event there is.

The record formats are fixed (golden files and external scorers read them): a new field is
written only when it differs from its default. Records hold times rounded to the millisecond
and not every field of an event; `from_record` fills what a record does not hold:

    transcript  channel 0, no confidences; no `stages`: captured..asr_start at `end`
    entity      span (0, 0), start and end at `emitted`, not corrected
    readback    given_entity and repeated_entity 0
    suggestion  shown: title, text, category "", priority 0, expires at `at`;
                dropped: title ""
    checklist   title ""
    capture     channel 0
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, get_args

from assist.events import (
    DROP_REASONS,
    BacklogReported,
    CaptureChanged,
    CaptureState,
    ChecklistUpdated,
    EngineError,
    EngineStateChanged,
    EntityExtracted,
    Event,
    FeedbackAction,
    FeedbackRecorded,
    HintsControlled,
    LevelsMeasured,
    ReadbackChecked,
    RecognizerKind,
    RecognizerSwitched,
    RetireReason,
    RulesLoaded,
    StageTimes,
    SuggestionDropped,
    SuggestionRetired,
    SuggestionShown,
    TranscriptUpdated,
    UtteranceProcessed,
    UtteranceSuppressed,
)

Record = dict[str, Any]
E = TypeVar("E")
L = TypeVar("L", bound=str)

_CAPTURE_STATES: tuple[CaptureState, ...] = get_args(CaptureState)
_RECOGNIZERS: tuple[RecognizerKind, ...] = get_args(RecognizerKind)
_FEEDBACK_ACTIONS: tuple[FeedbackAction, ...] = get_args(FeedbackAction)
_RETIRE_REASONS: tuple[RetireReason, ...] = get_args(RetireReason)
_STAGES = ("captured", "endpointed", "asr_start", "asr_end", "emitted")
_MISSING: Any = object()


@dataclass(frozen=True)
class Codec(Generic[E]):
    """How one event class becomes records. `types` are the record `type`s it writes, the
    first for the event as such (a transcript writes "partial" while interim); `where` are
    further key/value pairs that tell its records from others of the same type. No `encode`:
    the event makes no record; no `decode`: its record cannot be read back."""

    event: type[E]
    types: tuple[str, ...] = ()
    encode: Callable[[E], Record] | None = None
    decode: Callable[[Mapping[str, Any]], E] | None = None
    where: tuple[tuple[str, str], ...] = ()
    # the latency log's record of the event (its `ts` from the call's wall-clock start)
    latency: Callable[[E, float], Record | None] | None = None


# -- reading fields -----------------------------------------------------------------------


class _Fields:
    """Typed access to a record's fields; anything missing or mistyped is a ValueError."""

    def __init__(self, record: Mapping[str, Any], what: str) -> None:
        self.record = record
        self.what = what

    def _get(self, key: str, default: Any) -> Any:
        if key in self.record:
            return self.record[key]
        if default is _MISSING:
            raise ValueError(f"{self.what} record: no {key!r}")
        return default

    def _wrong(self, key: str, expected: str, value: Any) -> ValueError:
        return ValueError(f"{self.what} record: {key!r} must be {expected}, got {value!r}")

    def text(self, key: str, default: Any = _MISSING) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise self._wrong(key, "a string", value)
        return value

    def number(self, key: str, default: Any = _MISSING) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(key, "a number", value)
        try:
            number = float(value)
        except OverflowError:  # an integer past float's range
            raise ValueError(f"{self.what} record: {key!r} must be a finite number, got an "
                             "integer too large for one") from None
        if not math.isfinite(number):  # JSON's NaN and Infinity: no time or age is either
            raise self._wrong(key, "a finite number", value)
        return number

    def integer(self, key: str, default: Any = _MISSING) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(key, "an integer", value)
        return value

    def optional_integer(self, key: str) -> int | None:
        value = self._get(key, None)
        return None if value is None else self.integer(key)

    def flag(self, key: str) -> bool:
        value = self._get(key, _MISSING)
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false", value)
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key, _MISSING)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._wrong(key, "a list of strings", value)
        return tuple(value)

    def choice(self, key: str, allowed: tuple[L, ...]) -> L:
        value = self._get(key, _MISSING)
        for option in allowed:
            if value == option:
                return option
        raise self._wrong(key, "one of " + ", ".join(map(repr, allowed)), value)

    def fields(self, key: str) -> _Fields:
        value = self._get(key, _MISSING)
        if not isinstance(value, Mapping):
            raise self._wrong(key, "an object", value)
        return _Fields(value, f"{self.what} {key}")


def _ms(seconds: float) -> float:
    return round(seconds, 3)


# -- transcripts ------------------------------------------------------------------------


def stages_record(times: StageTimes) -> dict[str, float]:
    """An utterance's stage stamps as records hold them (transcripts and the latency log)."""
    return {stage: _ms(getattr(times, stage)) for stage in _STAGES}


def transcript_record(event: TranscriptUpdated) -> Record:
    """The record of one utterance's text ("partial" while interim)."""
    return {
        "type": "transcript" if event.final else "partial",
        "speaker": event.speaker,
        "text": event.text,
        "start": _ms(event.start),
        "end": _ms(event.end),
        "emitted": _ms(event.times.emitted),
        "language": event.language,
        "id": event.utterance_id,
        "stages": stages_record(event.times),
        "window": event.window_reason,
    }


def _transcript(record: Mapping[str, Any]) -> TranscriptUpdated:
    fields = _Fields(record, "transcript")
    end, emitted = fields.number("end"), fields.number("emitted")
    if "stages" in record:
        stages = fields.fields("stages")
        times = StageTimes(*(stages.number(stage) for stage in _STAGES))
    else:  # an older record: nothing known before the end of speech and the text
        times = StageTimes(end, end, end, emitted, emitted)
    return TranscriptUpdated(
        fields.integer("id", 0), fields.text("speaker"), 0, fields.text("text"),
        fields.number("start"), end, record.get("type") != "partial",
        fields.text("language", ""), times, fields.text("window", ""))


def _utterance_latency(event: TranscriptUpdated, started: float) -> Record | None:
    if not event.final:
        return None
    return {"kind": "utterance", "speaker": event.speaker,
            "start": _ms(event.start), "end": _ms(event.end),
            "window_s": _ms(event.end - event.start),
            "window": event.window_reason, "language": event.language,
            "stages": stages_record(event.times),
            "latency": _ms(event.latency),
            "ts": _ms(started + event.end),
            **_remote_stage(event)}


def _remote_stage(event: TranscriptUpdated) -> Record:
    """The `asr_remote` stage of a window a server recognized: the request in all, and its
    network and server shares when the server reported its time (else null)."""
    remote = event.remote
    if remote is None:
        return {}
    network = remote.network
    return {"asr_remote": {"total": _ms(remote.total),
                           "network": _ms(network) if network is not None else None,
                           "server": _ms(remote.server) if remote.server is not None else None}}


def processed_latency(record: Record, event: UtteranceProcessed) -> Record:
    """An utterance's latency record completed by its extraction and matching stamps."""
    stages = {**record["stages"], "extracted": _ms(event.extracted),
              "matched": _ms(event.matched)}
    return {**record, "stages": stages, "rtf": _ms(event.rtf)}


# -- entities ---------------------------------------------------------------------------


def entity_record(event: EntityExtracted) -> Record:
    record: Record = {
        "type": "entity", "kind": event.kind, "value": event.value, "raw": event.raw,
        "speaker": event.speaker, "utterance": event.utterance_id, "id": event.entity_id,
        "supersedes": event.supersedes, "emitted": _ms(event.at),
    }
    if event.uncertain:  # absent means certain: the format of certain cards is unchanged
        record["uncertain"] = list(event.uncertain)
    if event.source != "heard":
        record["source"] = event.source
    return record


def _entity(record: Mapping[str, Any]) -> EntityExtracted:
    fields = _Fields(record, "entity")
    at = fields.number("emitted")
    return EntityExtracted(
        fields.integer("id"), fields.text("kind"), fields.text("raw", ""),
        fields.text("value"), fields.text("speaker"), fields.optional_integer("utterance") or 0,
        (0, 0), at, at, at, supersedes=fields.optional_integer("supersedes"),
        uncertain=fields.texts("uncertain") if "uncertain" in record else (),
        source=fields.text("source", "heard"))


def readback_record(event: ReadbackChecked) -> Record:
    return {
        "type": "readback", "kind": event.kind, "matched": event.matched,
        "differences": list(event.differences), "given": event.given, "given_by": event.given_by,
        "repeated": event.repeated, "repeated_by": event.repeated_by,
        "emitted": _ms(event.at),
    }


def _readback(record: Mapping[str, Any]) -> ReadbackChecked:
    fields = _Fields(record, "readback")
    return ReadbackChecked(
        fields.text("kind"), fields.flag("matched"), fields.texts("differences"),
        fields.text("given"), fields.text("given_by"), 0, fields.text("repeated"),
        fields.text("repeated_by"), 0, fields.number("emitted"))


# -- cards ------------------------------------------------------------------------------


def decision_record(event: SuggestionShown | SuggestionDropped | SuggestionRetired
                    | FeedbackRecorded) -> Record:
    """The record of a gate decision or of feedback (what `rules report` reads)."""
    record = to_record(event)
    assert record is not None
    return record


def _shown_record(event: SuggestionShown) -> Record:
    record: Record = {
        "type": "suggestion", "decision": "shown", "rule": event.rule_id,
        "card": event.card_id, "kind": event.kind, "speaker": event.speaker,
        "evidence": event.evidence, "evidence_end": _ms(event.evidence_end),
        "at": _ms(event.at), "age": _ms(event.age)}
    if event.source != "rules":  # written only when set: the format before them stays
        record["source"] = event.source
    if event.body:
        record["body"] = event.body
    return record


def _shown(record: Mapping[str, Any]) -> SuggestionShown:
    fields = _Fields(record, "suggestion")
    at = fields.number("at")
    return SuggestionShown(
        fields.integer("card"), fields.text("rule"), "", "", fields.text("kind"), "", 0,
        fields.text("speaker"), fields.text("evidence"), fields.number("evidence_end"), at,
        fields.number("age"), at, fields.text("source", "rules"), fields.text("body", ""))


def _dropped_record(event: SuggestionDropped) -> Record:
    return {"type": "suggestion", "decision": "dropped", "reason": event.reason,
            "detail": event.detail, "rule": event.rule_id, "kind": event.kind,
            "speaker": event.speaker, "evidence": event.evidence,
            "evidence_end": _ms(event.evidence_end), "at": _ms(event.at),
            "age": _ms(event.age)}


def _dropped(record: Mapping[str, Any]) -> SuggestionDropped:
    fields = _Fields(record, "suggestion")
    return SuggestionDropped(
        fields.text("rule"), "", fields.text("kind"), fields.choice("reason", DROP_REASONS),
        fields.text("detail"), fields.text("speaker"), fields.text("evidence"),
        fields.number("evidence_end"), fields.number("at"), fields.number("age"))


def _card_latency(event: SuggestionShown | SuggestionDropped, started: float) -> Record:
    shown = isinstance(event, SuggestionShown)
    return {"kind": "card", "rule": event.rule_id, "rule_kind": event.kind,
            "speaker": event.speaker,
            "outcome": "shown" if shown else "dropped",
            "reason": None if isinstance(event, SuggestionShown) else event.reason,
            "evidence_end": _ms(event.evidence_end),
            "decided": _ms(event.at), "age": _ms(event.age),
            "ts": _ms(started + event.at)}


def _retired_record(event: SuggestionRetired) -> Record:
    return {"type": "retired", "rule": event.rule_id, "card": event.card_id,
            "reason": event.reason, "at": _ms(event.at)}


def _retired(record: Mapping[str, Any]) -> SuggestionRetired:
    fields = _Fields(record, "retired")
    return SuggestionRetired(fields.integer("card"), fields.text("rule"),
                             fields.choice("reason", _RETIRE_REASONS), fields.number("at"))


def _feedback_record(event: FeedbackRecorded) -> Record:
    return {"type": "feedback", "rule": event.rule_id, "card": event.card_id,
            "action": event.action, "at": _ms(event.at)}


def _feedback(record: Mapping[str, Any]) -> FeedbackRecorded:
    fields = _Fields(record, "feedback")
    return FeedbackRecorded(fields.integer("card"), fields.text("rule"),
                            fields.choice("action", _FEEDBACK_ACTIONS), fields.number("at"))


def _feedback_latency(event: FeedbackRecorded, started: float) -> Record:
    """The latency log's record of an operator's vote (no text): the supervisor report's
    👍/👎 and dismiss rate per rule."""
    return {"kind": "feedback", "rule": event.rule_id, "action": event.action,
            "decided": _ms(event.at), "ts": _ms(started + event.at)}


def _checklist_latency(event: ChecklistUpdated, started: float) -> Record:
    """The latency log's record of a checklist's progress, as counts (no item names): the
    supervisor report's checklist completion per operator."""
    return {"kind": "checklist", "rule": event.rule_id, "done": len(event.done),
            "items": len(event.done) + len(event.remaining), "decided": _ms(event.at),
            "ts": _ms(started + event.at)}


def _checklist_record(event: ChecklistUpdated) -> Record:
    return {"type": "checklist", "rule": event.rule_id, "done": list(event.done),
            "remaining": list(event.remaining), "emitted": _ms(event.at)}


def _checklist(record: Mapping[str, Any]) -> ChecklistUpdated:
    fields = _Fields(record, "checklist")
    return ChecklistUpdated(fields.text("rule"), "", fields.texts("done"),
                            fields.texts("remaining"), fields.number("emitted"))


# -- capture ----------------------------------------------------------------------------


def _capture_record(event: CaptureChanged) -> Record:
    return {"type": "capture", "speaker": event.speaker, "state": event.state,
            "detail": event.detail, "gap_s": _ms(event.gap_s), "at": _ms(event.at)}


def _capture(record: Mapping[str, Any]) -> CaptureChanged:
    fields = _Fields(record, "capture")
    return CaptureChanged(0, fields.choice("state", _CAPTURE_STATES), fields.text("detail"),
                          fields.number("gap_s"), fields.number("at"), fields.text("speaker"))


def _switched_record(event: RecognizerSwitched) -> Record:
    return {"type": "recognizer", "recognizer": event.recognizer, "reason": event.reason,
            "at": _ms(event.at)}


def _switched(record: Mapping[str, Any]) -> RecognizerSwitched:
    fields = _Fields(record, "recognizer")
    return RecognizerSwitched(fields.choice("recognizer", _RECOGNIZERS), fields.text("reason"),
                              fields.number("at"))


# -- the table --------------------------------------------------------------------------

_CODECS: dict[type[Any], Codec[Any]] = {codec.event: codec for codec in (
    Codec(TranscriptUpdated, ("transcript", "partial"), transcript_record, _transcript,
          latency=_utterance_latency),
    Codec(EntityExtracted, ("entity",), entity_record, _entity),
    Codec(ReadbackChecked, ("readback",), readback_record, _readback),
    Codec(SuggestionShown, ("suggestion",), _shown_record, _shown, (("decision", "shown"),),
          latency=_card_latency),
    Codec(SuggestionDropped, ("suggestion",), _dropped_record, _dropped,
          (("decision", "dropped"),), latency=_card_latency),
    Codec(SuggestionRetired, ("retired",), _retired_record, _retired),
    Codec(FeedbackRecorded, ("feedback",), _feedback_record, _feedback,
          latency=_feedback_latency),
    Codec(ChecklistUpdated, ("checklist",), _checklist_record, _checklist,
          latency=_checklist_latency),
    Codec(CaptureChanged, ("capture",), _capture_record, _capture),
    Codec(RecognizerSwitched, ("recognizer",), _switched_record, _switched),
    # no records: the screen, the logs or the latency log's utterance records take these
    Codec(UtteranceProcessed),
    Codec(UtteranceSuppressed),
    Codec(BacklogReported),
    Codec(EngineStateChanged),
    Codec(EngineError),
    Codec(HintsControlled),
    Codec(RulesLoaded),
    Codec(LevelsMeasured),
)}

_READERS: dict[str, list[Codec[Any]]] = {}
for _codec in _CODECS.values():
    for _name in _codec.types:
        _READERS.setdefault(_name, []).append(_codec)
del _codec, _name


def codec(event_type: type[E]) -> Codec[E]:
    """The codec of an event class; KeyError for a class that is not an engine event."""
    return _CODECS[event_type]


def to_record(event: Event) -> Record | None:
    """The JSON record of an event; None for an event that makes no record."""
    found: Codec[Any] | None = _CODECS.get(type(event))
    return found.encode(event) if found is not None and found.encode is not None else None


def from_record(record: Mapping[str, Any]) -> Event:
    """The event a record holds (fields it does not hold at their defaults, see above);
    ValueError names what is wrong with an unknown or invalid record."""
    if not isinstance(record, Mapping):
        raise ValueError(f"a record is a JSON object, got {type(record).__name__}")
    kind = record.get("type")
    readers = _READERS.get(kind) if isinstance(kind, str) else None
    if not readers:
        raise ValueError(f"unknown record type {kind!r} (known: {', '.join(_READERS)})")
    for reader in readers:
        if all(record.get(key) == value for key, value in reader.where):
            if reader.decode is None:
                raise ValueError(f"{kind} records cannot be read back")
            decoded: Event = reader.decode(record)
            return decoded
    keys = sorted({key for reader in readers for key, _ in reader.where})
    expected = " or ".join(f"{key}={value!r}" for reader in readers for key, value in reader.where)
    found = ", ".join(f"{key}={record.get(key)!r}" for key in keys)
    raise ValueError(f"{kind} record: expected {expected}, got {found}")


def latency_record(event: Event, started: float) -> Record | None:
    """The latency log's record of an event ("utterance" for a final transcript, without
    its processing stamps yet: see `processed_latency`; "card" for a gate decision), with
    `ts` on the wall clock from `started`, the call's start; None for other events."""
    found: Codec[Any] | None = _CODECS.get(type(event))
    return found.latency(event, started) if found is not None and found.latency else None


_NAMES: dict[str, str] = {}


def event_name(event_type: type[Any]) -> str:
    """The snake_case name of an event class: TranscriptUpdated → "transcript_updated" (the
    app's signal that carries it)."""
    name = _NAMES.get(event_type.__name__)
    if name is None:
        name = _NAMES[event_type.__name__] = re.sub(
            r"(?<!^)(?=[A-Z])", "_", event_type.__name__).lower()
    return name


# -- live listeners ---------------------------------------------------------------------


def live_record(event: Event) -> Record | None:
    """The record of an event for live listeners (the events API): what `sufler transcribe`
    writes (final transcripts, entities, read-backs, cards, checklists, capture), and what
    only a listener needs and files do not keep: the engine's state ("state"), its errors
    ("error") and the hints' mute and snooze ("hints"). None for an event neither has."""
    if isinstance(event, TranscriptUpdated) and not event.final:
        return None  # interim text: the final record follows, as in the JSON Lines
    record = to_record(event)
    if record is not None:
        return record
    if isinstance(event, EngineStateChanged):
        return {"type": "state", "state": event.state, "detail": event.detail,
                "at": _ms(event.at)}
    if isinstance(event, EngineError):
        return {"type": "error", "error": event.message, "recoverable": event.recoverable,
                "at": _ms(event.at)}
    if isinstance(event, HintsControlled):
        snoozed = event.snoozed_until
        return {"type": "hints", "muted": event.muted,
                "snoozed_until": _ms(snoozed) if snoozed is not None else None,
                "muted_rules": list(event.muted_rules), "at": _ms(event.at)}
    return None
