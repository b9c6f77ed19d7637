"""Back-test input: NaN, Infinity and times past a day are rejected with file:line (a call
line with "end": Infinity made `rules test` tick for ever); the replay itself is bounded."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from assist.cli import main
from assist.config import RulesConfig, resource_path
from assist.errors import RuleError
from assist.events import TranscriptUpdated
from assist.records import from_record
from assist.rules import load_rules
from assist.rules.backtest import MAX_CALL_S, SavedCall, load_call, replay
from tests.helpers.limits import wall_limit

GOOD = {"type": "transcript", "speaker": "customer", "text": "I want a refund", "start": 1.0,
        "end": 3.0, "emitted": 3.8, "language": "en", "id": 1}


def call_file(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(("key", "value"), [
    ("end", "Infinity"), ("end", "-Infinity"), ("end", "NaN"), ("start", "NaN"),
    ("emitted", "Infinity"), ("end", "1e400"), ("end", "1" + "0" * 400),
])
def test_non_finite_times_are_rejected_by_the_record_reader(key: str, value: str) -> None:
    record = json.loads(json.dumps(GOOD).replace(f'"{key}": {GOOD[key]}', f'"{key}": {value}'))
    with pytest.raises(ValueError, match=f"'{key}' must be a finite number"):
        from_record(record)


@pytest.mark.parametrize("line", [
    json.dumps(GOOD).replace('"end": 3.0', '"end": Infinity'),
    json.dumps(GOOD).replace('"end": 3.0', '"end": NaN'),
    json.dumps(GOOD).replace('"end": 3.0', '"end": 1e300').replace('"emitted": 3.8',
                                                                     '"emitted": 1e300'),
    json.dumps(GOOD).replace('"start": 1.0', '"start": -5.0'),
    json.dumps({"type": "entity", "kind": "phone", "value": "+1", "speaker": "customer",
                "id": 1, "emitted": float("inf")}),
    "[" * 100_000,
])
def test_rules_test_rejects_the_line_with_rc_2_instead_of_hanging(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str) -> None:
    rules = resource_path("rules", "en.toml")
    call = call_file(tmp_path / "call.jsonl", json.dumps(GOOD), line, json.dumps(GOOD))
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")  # the defaults
    with wall_limit(20):
        assert main(["rules", "test", str(rules), "--calls", str(call), "--config",
                     str(config)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"sufler: error: {call}:2: "), err


def test_times_past_a_day_are_rejected_at_load(tmp_path: Path) -> None:
    late = dict(GOOD, start=MAX_CALL_S, end=MAX_CALL_S + 1, emitted=MAX_CALL_S + 2)
    with pytest.raises(RuleError, match=r"call\.jsonl:1: .*'end' must be in \[0, 86400\]"):
        load_call(call_file(tmp_path / "call.jsonl", json.dumps(late)))


def test_replay_refuses_a_call_it_could_not_finish() -> None:
    said = from_record(GOOD)
    assert isinstance(said, TranscriptUpdated)
    for duration in (float("inf"), float("nan"), MAX_CALL_S + 1):
        with pytest.raises(RuleError, match="cannot be replayed"):
            replay(SavedCall("x.jsonl", [said], [], duration, False), (), RulesConfig())


def test_a_call_of_a_whole_day_replays_in_bounded_time(tmp_path: Path) -> None:
    end = MAX_CALL_S - 1
    last = dict(GOOD, id=2, start=end - 2, end=end, emitted=end + 0.5)
    call = load_call(call_file(tmp_path / "day.jsonl", json.dumps(GOOD), json.dumps(last)))
    rules = load_rules(resource_path("rules", "en.toml")).rules
    begin = time.perf_counter()
    with wall_limit(60):
        events = replay(call, rules, RulesConfig())
    assert time.perf_counter() - begin < 60 and events
