"""Fuzzing the inputs a user or a file controls: the config loader, the rules loader, the
`extract` input protocol, saved calls for back-test and latency-log lines. Each must answer
with a value, an error record or the project's own error (ConfigError, RuleError, ...),
never another exception, and each example must finish under a wall-clock limit (a
hypothesis deadline, plus SIGALRM for a real hang)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assist.cli import extract_line
from assist.config import (
    _SECTIONS,
    EngineConfig,
    ExtractConfig,
    RulesConfig,
    load_config_text,
    resource_path,
)
from assist.errors import AssistError, ConfigError, RuleError
from assist.events import EntityExtracted, TranscriptUpdated
from assist.latency_log import read_log
from assist.records import from_record
from assist.report import latency_report, render_text
from assist.rules import load_rules, parse_rules
from assist.rules.backtest import MAX_CALL_S, load_call, replay
from assist.rules.loader import ID_PATTERN, normalised
from tests.helpers.limits import wall_limit

# Modest example counts keep the suite fast (SUFLER_FUZZ_SCALE=10 fuzzes ten times longer);
# the deadline and the wall limit catch hangs.
SCALE = max(1, int(os.environ.get("SUFLER_FUZZ_SCALE", "1")))
FUZZ = settings(max_examples=120 * SCALE, deadline=timedelta(seconds=3),
                suppress_health_check=[HealthCheck.too_slow])
SLOW_FUZZ = settings(max_examples=40 * SCALE, deadline=timedelta(seconds=10),
                     suppress_health_check=[HealthCheck.too_slow])
LIMIT_S = 20.0

logging.getLogger("assist").setLevel(logging.ERROR)  # skipped lines warn by design

NUMBERS = st.one_of(
    st.integers(), st.integers(min_value=-3, max_value=3), st.floats(),
    st.sampled_from([0, -1, 1, 10**400, float("nan"), float("inf"), -float("inf"), 1e300,
                     86_400.5, 0.5, 29.0, 30.0]))
JSON = st.recursive(
    st.none() | st.booleans() | NUMBERS | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=10)


def json_text(value: Any) -> str:
    """JSON as Python writes it, NaN and Infinity included (json.loads reads them back)."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except ValueError:  # an integer of thousands of digits
        return "1" + "0" * 5000


# -- the config loader ------------------------------------------------------------------

def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, int):
        return str(value) if abs(value) < 10**30 else "1" + "0" * 40
    if isinstance(value, str):
        return json.dumps(value)
    return "[" + ", ".join(_toml_value(item) for item in value) + "]"


TOML_VALUES = st.recursive(
    st.booleans() | NUMBERS | st.text(max_size=10)
    | st.sampled_from(["ru", "en", "auto", "xx", "RU", "ZZ", "us", "fast", "simulated", ""]),
    lambda inner: st.lists(inner, max_size=4), max_leaves=8)
KEYS = st.sampled_from(sorted({item.name for cls in [*_SECTIONS.values(), EngineConfig]
                               for item in dataclasses.fields(cls)} | {"bogus", "a b"}))
SECTIONS = st.sampled_from([*_SECTIONS, "", "nope", "asr.sub"])
CONFIG_LINES = st.one_of(
    SECTIONS.map(lambda name: f"[{name}]" if name else ""),
    st.tuples(KEYS, TOML_VALUES).map(lambda pair: f"{pair[0]} = {_toml_value(pair[1])}"),
    st.tuples(SECTIONS, KEYS, TOML_VALUES).map(
        lambda item: f"{item[0]}.{item[1]} = {_toml_value(item[2])}" if item[0]
        else f"{item[1]} = {_toml_value(item[2])}"),
    st.tuples(st.text(max_size=6), TOML_VALUES).map(
        lambda pair: f"{json.dumps(pair[0])} = {_toml_value(pair[1])}"),
    st.sampled_from(["# comment", "x = ", "[[asr]]", "asr = {model = 'base'}", "[asr",
                     "chunk_ms = \"fast\"", "a = " + "[" * 3000 + "]" * 3000]),
    st.text(max_size=30),
)


@FUZZ
@given(st.lists(CONFIG_LINES, max_size=12).map("\n".join))
def test_the_config_loader_gives_a_config_or_one_config_error_line(text: str) -> None:
    with wall_limit(LIMIT_S):
        try:
            config = load_config_text(text, "fuzz.toml")
        except ConfigError as exc:
            message = str(exc)
            assert message.startswith("fuzz.toml:") and "\n" not in message, message
            return
    assert isinstance(config, EngineConfig)
    assert load_config_text(text, "again.toml") == config  # loading is deterministic


# -- the rules loader -------------------------------------------------------------------

RULE_LINES = st.one_of(
    st.just("[[rule]]"),
    st.tuples(st.sampled_from(["id", "title", "text", "phrases", "negative", "kind", "entity",
                               "threshold", "priority", "cooldown_s", "within_s", "silence_s",
                               "max_per_call", "speaker", "language", "condition", "items",
                               "enabled", "category", "colour"]), TOML_VALUES).map(
        lambda pair: f"{pair[0]} = {_toml_value(pair[1])}"),
    st.sampled_from([
        'id = "en-refund"', 'id = "en-r\u0435fund"', 'id = "a\u202eb"', 'id = "z\u200bw"',
        'title = "T"', 'text = "x"', 'phrases = ["refund"]', 'phrases = ["r\u0435fund"]',
        'phrases = ["\uff52\uff45\uff46\uff55\uff4e\uff44", "\u200b"]', "cooldown_s = nan",
        'kind = "checklist"', 'items = [{name = "n", phrases = ["hi\u200b"]}]',
        'kind = "timing"', 'condition = "operator_missing"', 'kind = "entity"',
        'entity = "phone"', '"odd\\nkey" = 1', 'x = ' + "[" * 3000 + "]" * 3000]),
    st.text(max_size=30),
)


@FUZZ
@given(st.lists(RULE_LINES, max_size=16).map("\n".join))
def test_the_rules_loader_never_raises_and_loads_only_safe_rules(text: str) -> None:
    with wall_limit(LIMIT_S):
        ruleset = parse_rules(text, "fuzz.toml")
    for problem in [*ruleset.problems, *ruleset.warnings]:
        shown = str(problem)
        assert shown.startswith("fuzz.toml:") and "\n" not in shown and "\u202e" not in shown
    for rule in ruleset.rules:
        assert ID_PATTERN.fullmatch(rule.id)
        for phrase in (*rule.phrases, *rule.negative,
                       *(phrase for item in rule.items for phrase in item.phrases)):
            assert phrase.strip() and normalised(phrase) == phrase


@SLOW_FUZZ
@given(st.binary(max_size=300))
def test_rule_files_of_any_bytes_are_a_rule_error_or_rules(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.toml"
        path.write_bytes(data)
        with wall_limit(LIMIT_S), contextlib.suppress(RuleError):
            load_rules(path)


# -- the extract input protocol ---------------------------------------------------------

SPOKEN = st.lists(st.sampled_from([
    "восемь", "девятьсот", "ноль", "пять", "+7", "(495)", "555-01-23", "ул.", "Ленина", "дом",
    "кв.", "oh", "double", "five", "Street", "Apt", "12", "ivan", "собака", "mail", "точка",
    "ru", "at", "dot", "com", "\u200b", "\ud800", "", "\n"]), max_size=20).map(" ".join)
EXTRACT_ITEMS = st.fixed_dictionaries({}, optional={
    "id": JSON, "lang": st.one_of(st.sampled_from(["ru", "en", "de"]), JSON),
    "text": st.one_of(SPOKEN, st.text(max_size=80), JSON),
    "segments": st.one_of(st.lists(st.one_of(SPOKEN, st.text(max_size=20)), max_size=4), JSON),
})
EXTRACT_LINES = st.one_of(
    EXTRACT_ITEMS.map(json_text), JSON.map(json_text), st.text(max_size=80),
    st.sampled_from(["[" * 100_000, '{"id": "\\ud800", "text": "five five five"}',
                     '{"id": 1, "text": "' + "девять " * 400 + '"}']))


@FUZZ
@given(EXTRACT_LINES, st.sampled_from(["ru", "en", None]))
def test_an_extract_line_gives_a_result_or_an_error_record(line: str,
                                                           language: str | None) -> None:
    with wall_limit(LIMIT_S):
        record = extract_line(line, language, ExtractConfig())
    assert isinstance(record, dict) and "id" in record
    if "error" in record:
        assert isinstance(record["error"], str) and "\n" not in record["error"]
    else:
        assert {"phones", "addresses", "emails"} <= set(record)
    json.dumps(record, ensure_ascii=False)  # serialisable (writing it is the CLI's job)


# -- saved calls for back-test ----------------------------------------------------------

TIMES = st.one_of(st.floats(min_value=0, max_value=120), NUMBERS, st.text(max_size=3))
TRANSCRIPTS = st.fixed_dictionaries({
    "type": st.sampled_from(["transcript", "partial"]),
    "speaker": st.sampled_from(["customer", "operator", ""]),
    "text": st.sampled_from(["I want a refund", "my number is five five five", "", "hello"]),
    "start": TIMES, "end": TIMES, "emitted": TIMES,
    "language": st.sampled_from(["en", "ru"]), "id": st.integers(0, 5),
}, optional={"stages": st.one_of(JSON, st.fixed_dictionaries(
    {stage: TIMES for stage in ("captured", "endpointed", "asr_start", "asr_end",
                                "emitted")}))})
ENTITIES = st.fixed_dictionaries({
    "type": st.just("entity"), "kind": st.sampled_from(["phone", "address", "email", "x"]),
    "value": st.text(max_size=8), "speaker": st.sampled_from(["customer", "operator"]),
    "id": st.one_of(st.integers(0, 5), JSON), "emitted": TIMES,
}, optional={"utterance": st.one_of(st.integers(0, 5), JSON), "raw": JSON})
RECORDS = st.one_of(TRANSCRIPTS, ENTITIES,
                    st.dictionaries(st.sampled_from(["type", "decision", "rule", "at", "card",
                                                     "kind", "reason", "action", "end"]),
                                    st.one_of(JSON, st.sampled_from(
                                        ["suggestion", "feedback", "shown", "dropped",
                                         "retired", "checklist", "capture", "transcript"])),
                                    max_size=8))
EN_RULES = load_rules(resource_path("rules", "en.toml")).rules
CALL_LINES = st.one_of(RECORDS.map(json_text).map(str.encode), JSON.map(json_text).map(
    str.encode), st.binary(max_size=30), st.just(b"[" * 100_000))


@FUZZ
@given(RECORDS)
def test_from_record_gives_an_event_or_a_value_error(record: dict[str, Any]) -> None:
    with wall_limit(LIMIT_S), contextlib.suppress(ValueError):
        from_record(record)


@SLOW_FUZZ
@given(st.lists(CALL_LINES, max_size=8), st.booleans())
def test_a_saved_call_of_any_lines_loads_and_replays_or_is_a_rule_error(
        lines: list[bytes], newline_at_end: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "call.jsonl"
        path.write_bytes(b"\n".join(lines) + (b"\n" if newline_at_end else b""))
        with wall_limit(LIMIT_S):
            try:
                call = load_call(path)
            except RuleError:
                return
            assert 0 <= call.duration <= MAX_CALL_S
            assert all(isinstance(event, TranscriptUpdated) for event in call.transcripts)
            assert all(isinstance(event, EntityExtracted) for event in call.entities)
            replay(call, EN_RULES, RulesConfig())


# -- latency-log lines ------------------------------------------------------------------

STAGES = st.fixed_dictionaries({stage: TIMES for stage in (
    "captured", "endpointed", "asr_start", "asr_end", "emitted", "extracted", "matched")})
LATENCY_RECORDS = st.one_of(
    st.fixed_dictionaries({
        "kind": st.just("utterance"), "call": st.text(max_size=4),
        "operator": st.sampled_from(["anna", "Анна", "", "a\u202eb"]),
        "end": TIMES, "latency": TIMES, "stages": st.one_of(STAGES, JSON), "ts": TIMES,
    }, optional={"model": JSON, "rtf": TIMES, "window_s": TIMES}),
    st.fixed_dictionaries({
        "kind": st.just("card"), "operator": st.sampled_from(["anna", "boris"]),
        "rule": st.one_of(st.sampled_from(["refund", "cancel"]), JSON),
        "outcome": st.sampled_from(["shown", "dropped", "maybe"]),
        "reason": st.sampled_from([None, "over_budget", "muted"]), "age": TIMES, "ts": TIMES,
    }),
    st.dictionaries(st.text(max_size=6), JSON, max_size=5),
)
LOG_LINES = st.one_of(LATENCY_RECORDS.map(json_text).map(str.encode),
                      JSON.map(json_text).map(str.encode), st.binary(max_size=40),
                      st.sampled_from([b"", b"   ", b"\r", b"\x00\x01", b"\x0b\x0c", b"\x1c",
                                       b"\xc2\x85", "\u2028".encode(), b'{"kind": 1}\r{}']))
DEEP = b"[" * 100_000


def _non_blank(data: bytes) -> int:
    return sum(1 for line in data.split(b"\n") if line.strip(b" \t\n\v\f\r"))


@SLOW_FUZZ
@given(st.lists(st.one_of(LOG_LINES, st.just(DEEP)), max_size=8), st.booleans())
def test_latency_log_lines_are_reported_or_counted_never_a_traceback(lines: list[bytes],
                                                                    newline_at_end: bool) -> None:
    data = b"\n".join(lines) + (b"\n" if newline_at_end else b"")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "2026-11-23_anna.jsonl"
        path.write_bytes(data)
        with wall_limit(LIMIT_S):
            try:
                report = latency_report([path], operator=None)
            except AssistError as exc:  # allowed, but only as one line
                assert "\n" not in str(exc)
                return
            render_text(report)
    assert report.records + report.bad_lines == _non_blank(data), (report, data)
    assert report.utterances + report.cards == report.records
    assert len(report.warnings) >= min(1, report.bad_lines)


@SLOW_FUZZ
@given(st.lists(LOG_LINES, max_size=8), st.booleans())
def test_read_log_yields_records_and_skips_the_rest(lines: list[bytes],
                                                    newline_at_end: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "2026-11-23_anna.jsonl"
        path.write_bytes(b"\n".join(lines) + (b"\n" if newline_at_end else b""))
        with wall_limit(LIMIT_S):
            records = list(read_log(path))
    assert all(isinstance(record, dict) for record in records)


def test_read_log_skips_a_line_nested_too_deeply(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_bytes(b'{"kind": "card"}\n' + DEEP + b"\n")
    assert list(read_log(path)) == [{"kind": "card"}]
