"""Records: the pinned JSON Lines format, a round trip for every record, clear errors."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assist.events import (
    DROP_REASONS,
    CaptureChanged,
    ChecklistUpdated,
    EngineStateChanged,
    EntityExtracted,
    Event,
    FeedbackRecorded,
    LevelsMeasured,
    ReadbackChecked,
    RecognizerSwitched,
    StageTimes,
    SuggestionDropped,
    SuggestionRetired,
    SuggestionShown,
    TranscriptUpdated,
    UtteranceProcessed,
)
from assist.latency_log import LatencyLog
from assist.records import codec, event_name, from_record, latency_record, to_record

TIMES = StageTimes(1.0004, 2.12345, 2.2, 2.98765, 3.14159)
FINAL = TranscriptUpdated(7, "customer", 1, "Привет, мой номер 8 916 123-45-67", 0.5, 2.6666,
                          True, "ru", TIMES, "silence", -0.25, 0.01)
INTERIM = TranscriptUpdated(8, "customer", 1, "interim", 0.5, 2.6666, False, "ru", TIMES,
                            "interim")
SHOWN = SuggestionShown(1, "refund", "Refund", "Offer redelivery", "phrase", "billing", 50,
                        "customer", "хочу refund 12", 2.6666, 3.14159, 0.47499, 33.14159)
DROPPED = SuggestionDropped("refund", "Refund", "phrase", "cooldown",
                            "shown 3 s ago, cooldown 60 s", "customer", "refund 99", 5.0,
                            5.12345, 0.12345)

# Each event with the line `sufler transcribe` wrote for it before records.py existed
# (captured from that code): golden files and an external scorer read these bytes.
PINNED: list[tuple[Event, str]] = [
    (FINAL,
     '{"type": "transcript", "speaker": "customer", "text": "Привет, мой номер 8 916 '
     '123-45-67", "start": 0.5, "end": 2.667, "emitted": 3.142, "language": "ru", "id": 7, '
     '"stages": {"captured": 1.0, "endpointed": 2.123, "asr_start": 2.2, "asr_end": 2.988, '
     '"emitted": 3.142}, "window": "silence"}'),
    (EntityExtracted(3, "phone", "8 916 123-45-67", "+79161234567", "customer", 7, (18, 33),
                     1.5, 2.6666, 3.33333, False, None),
     '{"type": "entity", "kind": "phone", "value": "+79161234567", "raw": "8 916 123-45-67", '
     '"speaker": "customer", "utterance": 7, "id": 3, "supersedes": null, "emitted": 3.333}'),
    (EntityExtracted(4, "address", "ул. Ленина, 5", "ул. Ленина 5", "customer", 7, (-3, 10),
                     1.5, 2.6666, 3.33333, True, 2),
     '{"type": "entity", "kind": "address", "value": "ул. Ленина 5", "raw": "ул. Ленина, 5", '
     '"speaker": "customer", "utterance": 7, "id": 4, "supersedes": 2, "emitted": 3.333}'),
    (ReadbackChecked("phone", False, ("45-67 → 45-76",), "+79161234567", "customer", 3,
                     "+79161234576", "operator", 5, 4.44444),
     '{"type": "readback", "kind": "phone", "matched": false, "differences": '
     '["45-67 → 45-76"], "given": "+79161234567", "given_by": "customer", "repeated": '
     '"+79161234576", "repeated_by": "operator", "emitted": 4.444}'),
    (ReadbackChecked("address", True, (), "ул. Ленина 5", "customer", 4, "ул. Ленина 5",
                     "operator", 6, 5.0),
     '{"type": "readback", "kind": "address", "matched": true, "differences": [], "given": '
     '"ул. Ленина 5", "given_by": "customer", "repeated": "ул. Ленина 5", "repeated_by": '
     '"operator", "emitted": 5.0}'),
    (SHOWN,
     '{"type": "suggestion", "decision": "shown", "rule": "refund", "card": 1, "kind": '
     '"phrase", "speaker": "customer", "evidence": "хочу refund 12", "evidence_end": 2.667, '
     '"at": 3.142, "age": 0.475}'),
    (DROPPED,
     '{"type": "suggestion", "decision": "dropped", "reason": "cooldown", "detail": "shown 3 '
     's ago, cooldown 60 s", "rule": "refund", "kind": "phrase", "speaker": "customer", '
     '"evidence": "refund 99", "evidence_end": 5.0, "at": 5.123, "age": 0.123}'),
    (SuggestionRetired(1, "refund", "replaced", 6.66666),
     '{"type": "retired", "rule": "refund", "card": 1, "reason": "replaced", "at": 6.667}'),
    (FeedbackRecorded(1, "refund", "up", 7.77777),
     '{"type": "feedback", "rule": "refund", "card": 1, "action": "up", "at": 7.778}'),
    (ChecklistUpdated("greet", "Greeting", ("hello", "name"), ("goodbye",), 8.88888),
     '{"type": "checklist", "rule": "greet", "done": ["hello", "name"], "remaining": '
     '["goodbye"], "emitted": 8.889}'),
    (CaptureChanged(1, "lost", "device gone", 1.23456, 9.99999, "customer"),
     '{"type": "capture", "speaker": "customer", "state": "lost", "detail": "device gone", '
     '"gap_s": 1.235, "at": 10.0}'),
    (CaptureChanged(0, "capturing", "", 0.0, 0.0),
     '{"type": "capture", "speaker": "", "state": "capturing", "detail": "", "gap_s": 0.0, '
     '"at": 0.0}'),
]


def line(event: Event) -> str:
    record = to_record(event)
    assert record is not None
    return json.dumps(record, ensure_ascii=False)


@pytest.mark.parametrize(("event", "expected"), PINNED,
                         ids=[f"{type(event).__name__}-{n}" for n, (event, _) in
                              enumerate(PINNED)])
def test_the_record_format_is_pinned(event: Event, expected: str) -> None:
    assert line(event) == expected


def test_card_source_and_body_are_written_only_when_set() -> None:
    assert "source" not in line(SHOWN) and "body" not in line(SHOWN)
    kb = replace(SHOWN, source="knowledge", body="Body text")
    assert line(kb) == PINNED[5][1][:-1] + ', "source": "knowledge", "body": "Body text"}'
    assert json.loads(line(replace(SHOWN, body="x")))["body"] == "x"
    assert "body" not in json.loads(line(replace(SHOWN, source="kb")))


def test_the_cli_writes_pinned_lines_and_no_interim_text() -> None:
    from assist.cli import JsonLinesWriter  # inside: the CLI's other parts may be in flux

    out = io.StringIO()
    writer = JsonLinesWriter(out)
    events: list[Event] = [INTERIM, *(event for event, _ in PINNED),
                           UtteranceProcessed(7, "customer", 3.3, 3.4, 0.1),
                           EngineStateChanged("ready", "", 0.1)]
    for event in events:
        writer(event)
    assert out.getvalue() == "".join(expected + "\n" for _, expected in PINNED)
    assert writer.count == 1


def test_latency_records_are_pinned(tmp_path: Path) -> None:
    log = LatencyLog(tmp_path, "op", "cid", "base", day=date(2024, 1, 2), started=1000.0)
    for event in (INTERIM, FINAL, SHOWN, DROPPED,
                  UtteranceProcessed(7, "customer", 3.3, 3.45678, 0.123456),
                  TranscriptUpdated(9, "operator", 0, "x", 3.0, 4.0, True, "en", TIMES, "max")):
        log(event)
    log.close()
    common = '{"call": "cid", "operator": "op", "model": "base", "version": "0.1.0", '
    assert log.path.read_text(encoding="utf-8").splitlines() == [
        common + '"kind": "card", "rule": "refund", "rule_kind": "phrase", "speaker": '
        '"customer", "outcome": "shown", "reason": null, "evidence_end": 2.667, "decided": '
        '3.142, "age": 0.475, "ts": 1003.142}',
        common + '"kind": "card", "rule": "refund", "rule_kind": "phrase", "speaker": '
        '"customer", "outcome": "dropped", "reason": "cooldown", "evidence_end": 5.0, '
        '"decided": 5.123, "age": 0.123, "ts": 1005.123}',
        common + '"kind": "utterance", "speaker": "customer", "start": 0.5, "end": 2.667, '
        '"window_s": 2.167, "window": "silence", "language": "ru", "stages": {"captured": '
        '1.0, "endpointed": 2.123, "asr_start": 2.2, "asr_end": 2.988, "emitted": 3.142, '
        '"extracted": 3.3, "matched": 3.457}, "latency": 0.475, "ts": 1002.667, "rtf": 0.123}',
        common + '"kind": "utterance", "speaker": "operator", "start": 3.0, "end": 4.0, '
        '"window_s": 1.0, "window": "max", "language": "en", "stages": {"captured": 1.0, '
        '"endpointed": 2.123, "asr_start": 2.2, "asr_end": 2.988, "emitted": 3.142}, '
        '"latency": -0.858, "ts": 1004.0}',
    ]
    assert latency_record(INTERIM, 0.0) is None
    assert latency_record(EngineStateChanged("ready", "", 0.1), 0.0) is None


# -- round trip -------------------------------------------------------------------------

# Records hold milliseconds: times on the millisecond survive the trip exactly.
ms = st.integers(-10**7, 10**7).map(lambda n: n / 1000)
ids = st.integers(0, 2**53)
words = st.text(max_size=20)
word_lists = st.lists(words, max_size=4).map(tuple)

# Every decodable event, with the fields its record does not hold at decode's defaults.
EVENTS: dict[type, st.SearchStrategy[Any]] = {
    TranscriptUpdated: st.builds(
        TranscriptUpdated, ids, words, st.just(0), words, ms, ms, st.booleans(), words,
        st.builds(StageTimes, ms, ms, ms, ms, ms), words),
    EntityExtracted: ms.flatmap(lambda at: st.builds(
        EntityExtracted, ids, words, words, words, words, ids, st.just((0, 0)), st.just(at),
        st.just(at), st.just(at), st.just(False), st.none() | ids)),
    ReadbackChecked: st.builds(ReadbackChecked, words, st.booleans(), word_lists, words, words,
                               st.just(0), words, words, st.just(0), ms),
    SuggestionShown: ms.flatmap(lambda at: st.builds(
        SuggestionShown, ids, words, st.just(""), st.just(""), words, st.just(""), st.just(0),
        words, words, ms, st.just(at), ms, st.just(at), words, words)),
    SuggestionDropped: st.builds(SuggestionDropped, words, st.just(""), words,
                                 st.sampled_from(DROP_REASONS), words, words, words, ms, ms, ms),
    SuggestionRetired: st.builds(SuggestionRetired, ids, words,
                                 st.sampled_from(("dismissed", "replaced", "muted")), ms),
    FeedbackRecorded: st.builds(FeedbackRecorded, ids, words,
                                st.sampled_from(("up", "down", "dismiss", "mute_rule")), ms),
    ChecklistUpdated: st.builds(ChecklistUpdated, words, st.just(""), word_lists, word_lists,
                                ms),
    CaptureChanged: st.builds(CaptureChanged, st.just(0),
                              st.sampled_from(("capturing", "lost", "resumed")), words, ms, ms,
                              words),
    RecognizerSwitched: st.builds(RecognizerSwitched, st.sampled_from(["remote", "local"]),
                                  words, ms),
}


@settings(max_examples=300)
@given(st.one_of(*EVENTS.values()))
def test_every_record_reads_back_as_its_event(event: Event) -> None:
    record = to_record(event)
    assert record is not None
    assert from_record(record) == event
    assert from_record(json.loads(json.dumps(record, ensure_ascii=False))) == event


def test_decodable_events_are_those_with_records() -> None:
    for event_type in get_args(Event):
        found = codec(event_type)
        assert (found.encode is not None) == (event_type in EVENTS), event_type
        assert (found.decode is not None) == (event_type in EVENTS), event_type


def test_events_without_records() -> None:
    assert to_record(UtteranceProcessed(1, "a", 1.0, 1.0, 0.1)) is None
    assert to_record(LevelsMeasured((-20.0,), ("operator",), 1.0)) is None


def test_an_older_transcript_record_reads_with_defaults() -> None:
    event = from_record({"type": "transcript", "speaker": "a", "text": "hi", "start": 1,
                         "end": 2.0, "emitted": 2.5})
    assert isinstance(event, TranscriptUpdated)
    assert (event.utterance_id, event.language, event.window_reason, event.final) == \
        (0, "", "", True)
    assert event.times == StageTimes(2.0, 2.0, 2.0, 2.5, 2.5)
    partial = from_record(json.loads(line(INTERIM)))
    assert isinstance(partial, TranscriptUpdated) and not partial.final


# -- errors -----------------------------------------------------------------------------

GOOD_DROP = json.loads(PINNED[6][1])


@pytest.mark.parametrize(("record", "message"), [
    ({"speaker": "a"}, "unknown record type None"),
    ({"type": "nonsense"}, "unknown record type 'nonsense'"),
    ({"type": 3}, "unknown record type 3"),
    ({"type": "transcript", "speaker": "a", "text": "x", "start": 0.0, "end": 1.0},
     "transcript record: no 'emitted'"),
    ({"type": "transcript", "speaker": "a", "text": "x", "start": "0", "end": 1.0,
      "emitted": 1.0}, "transcript record: 'start' must be a number, got '0'"),
    ({"type": "transcript", "speaker": "a", "text": "x", "start": 0.0, "end": 1.0,
      "emitted": 1.0, "stages": {"captured": 0.0}}, "transcript stages record: no 'endpointed'"),
    ({"type": "entity", "kind": "phone", "value": "1", "speaker": "a", "id": True,
      "emitted": 1.0}, "entity record: 'id' must be an integer, got True"),
    ({**GOOD_DROP, "reason": "bored"},
     "suggestion record: 'reason' must be one of 'over_budget', 'muted', 'snoozed', "
     "'cooldown', 'duplicate', 'capped', got 'bored'"),
    ({**GOOD_DROP, "decision": "maybe"},
     "suggestion record: expected decision='shown' or decision='dropped', got decision='maybe'"),
    ({"type": "checklist", "rule": "r", "done": "abc", "remaining": [], "emitted": 1.0},
     "checklist record: 'done' must be a list of strings, got 'abc'"),
    ({"type": "readback", "kind": "phone", "matched": 1, "differences": [], "given": "",
      "given_by": "", "repeated": "", "repeated_by": "", "emitted": 0.0},
     "readback record: 'matched' must be true or false, got 1"),
])
def test_bad_records_are_value_errors(record: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        from_record(record)


def test_a_record_must_be_an_object() -> None:
    with pytest.raises(ValueError, match="a record is a JSON object, got list"):
        from_record([1, 2])  # type: ignore[arg-type]


def test_event_names_are_snake_case_class_names() -> None:
    assert event_name(TranscriptUpdated) == "transcript_updated"
    assert event_name(EngineStateChanged) == "engine_state_changed"
    assert event_name(UtteranceProcessed) == "utterance_processed"
    names = [event_name(event_type) for event_type in get_args(Event)]
    assert len(set(names)) == len(names)
