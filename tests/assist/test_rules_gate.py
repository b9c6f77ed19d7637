"""The gate (budget, mute, snooze, cooldown, duplicates, caps), live reload, the engine's
clock, back-tests and feedback reports."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy as np
import pytest

from assist import ArraySource, Engine, EngineConfig, replace_config
from assist.cli import main
from assist.clock import VirtualClock
from assist.config import RulesConfig
from assist.events import (
    Event,
    FeedbackRecorded,
    HintsControlled,
    RulesLoaded,
    StageTimes,
    SuggestionDropped,
    SuggestionRetired,
    SuggestionShown,
    TranscriptUpdated,
)
from assist.rules import parse_rules
from assist.rules.book import RuleBook
from assist.rules.evaluator import Candidate
from assist.rules.gate import Gate
from assist.rules.session import RuleSession
from tests.helpers.fakes import EnergyDetector, ScriptedRecognizer, silence, tone

RULES = """\
[[rule]]
id = "refund"
title = "Refund"
text = "Offer a redelivery first."
speaker = "customer"
phrases = ["refund"]
cooldown_s = 30
max_per_call = 2

[[rule]]
id = "escalate"
title = "Escalation"
text = "Offer a supervisor callback."
speaker = "customer"
phrases = ["supervisor"]
priority = 90
cooldown_s = 0
"""


def rules(text: str = RULES) -> tuple:  # type: ignore[type-arg]
    ruleset = parse_rules(text)
    assert not ruleset.problems
    return ruleset.rules


def said(text: str, end: float, speaker: str = "customer", utterance: int = 1
         ) -> TranscriptUpdated:
    times = StageTimes(end, end, end, end, end)
    return TranscriptUpdated(utterance, speaker, 1, text, end - 1.0, end, True, "en", times,
                             "silence", -0.2, 0.01)


class Call:
    """A rule session on a virtual engine clock, collecting what it emits."""

    def __init__(self, config: RulesConfig | None = None, text: str = RULES) -> None:
        self.events: list[Event] = []
        self.clock = VirtualClock()
        self.session = RuleSession(config or RulesConfig(), self.events.append,
                                   rules=rules(text))
        self.session.start(self.clock.now)

    def say(self, text: str, end: float, at: float) -> list[Event]:
        self.clock.advance_to(at)
        before = len(self.events)
        self.session.transcript(said(text, end), at)
        return self.events[before:]

    def decisions(self) -> list[SuggestionShown | SuggestionDropped]:
        return [e for e in self.events if isinstance(e, SuggestionShown | SuggestionDropped)]


def only(events: list[Event]) -> SuggestionShown | SuggestionDropped:
    decided = [e for e in events if isinstance(e, SuggestionShown | SuggestionDropped)]
    assert len(decided) == 1, decided
    return decided[0]


def test_cards_inside_the_budget_are_shown_and_late_ones_dropped() -> None:
    call = Call()
    timely = only(call.say("I want a refund", end=10.0, at=12.9))
    assert isinstance(timely, SuggestionShown) and timely.age == pytest.approx(2.9)
    late = only(call.say("supervisor now", end=20.0, at=23.2))
    assert isinstance(late, SuggestionDropped) and late.reason == "over_budget"
    assert late.age == pytest.approx(3.2)


def test_budget_is_configurable() -> None:
    call = Call(RulesConfig(budget_s=1.0))
    assert only(call.say("a refund", end=10.0, at=11.5)).reason == "over_budget"  # type: ignore[union-attr]


def test_cooldown_duplicate_and_max_per_call() -> None:
    call = Call()
    assert isinstance(only(call.say("refund please", 1.0, 1.5)), SuggestionShown)
    repeat = only(call.say("I said refund", 5.0, 5.5))
    assert isinstance(repeat, SuggestionDropped) and repeat.reason == "duplicate"
    call2 = Call(RulesConfig(duplicate_window_s=1.0, card_ttl_s=5.0))  # card gone by 10 s
    call2.say("refund please", 1.0, 1.5)
    cooled = only(call2.say("refund!", 10.0, 10.5))
    assert cooled.reason == "cooldown"  # type: ignore[union-attr]
    assert isinstance(only(call2.say("refund", 40.0, 40.5)), SuggestionShown)
    capped = only(call2.say("refund", 80.0, 80.5))
    assert capped.reason == "capped" and "max_per_call" in capped.detail  # type: ignore[union-attr]


def test_mute_snooze_and_rule_mute() -> None:
    call = Call()
    card = only(call.say("refund", 1.0, 1.2))
    assert isinstance(card, SuggestionShown)
    call.clock.advance_to(2.0)
    call.session.set_muted(True)
    assert any(isinstance(e, SuggestionRetired) and e.reason == "muted" for e in call.events)
    assert only(call.say("supervisor", 3.0, 3.2)).reason == "muted"  # type: ignore[union-attr]
    call.session.set_muted(False)
    call.session.snooze(1.0)  # one minute, from engine time 3.2
    assert only(call.say("supervisor", 50.0, 50.5)).reason == "snoozed"  # type: ignore[union-attr]
    assert isinstance(only(call.say("supervisor", 70.0, 70.5)), SuggestionShown)
    call.session.mute_rule("escalate")
    state = [e for e in call.events if isinstance(e, HintsControlled)][-1]
    assert state.muted_rules == ("escalate",)
    dropped = only(call.say("supervisor", 200.0, 200.5))
    assert dropped.reason == "muted" and "rule" in dropped.detail  # type: ignore[union-attr]


def test_mute_lasts_into_the_next_call_but_rule_mutes_and_snooze_do_not() -> None:
    call = Call()
    call.session.mute_rule("escalate")
    call.session.snooze(5.0)
    call.session.start(call.clock.now)  # the next call
    assert isinstance(only(call.say("supervisor", 1.0, 1.2)), SuggestionShown)
    call.session.set_muted(True)
    call.session.start(call.clock.now)
    assert only(call.say("refund", 2.0, 2.2)).reason == "muted"  # type: ignore[union-attr]


def test_visible_cap_replaces_the_least_important_card() -> None:
    config = RulesConfig(max_visible=1)
    gate = Gate(config)
    low, high = rules()
    first = gate.decide(Candidate(low, "customer", "refund", 1.0, "a"), 1.5)
    assert isinstance(first[0], SuggestionShown)
    same = gate.decide(Candidate(low.__class__(**{**low.__dict__, "id": "other", "text": "Other"}),
                                 "customer", "x", 2.0, "b"), 2.5)
    assert isinstance(same[0], SuggestionDropped) and same[0].reason == "capped"
    bumped = gate.decide(Candidate(high, "customer", "supervisor", 3.0, "c"), 3.5)
    assert isinstance(bumped[0], SuggestionRetired) and bumped[0].reason == "replaced"
    assert isinstance(bumped[1], SuggestionShown) and bumped[1].rule_id == "escalate"
    # cards expire after card_ttl_s and free the screen
    assert gate.visible(3.5 + config.card_ttl_s) == []


def test_feedback_is_recorded_and_dismiss_takes_the_card_down() -> None:
    call = Call()
    card = only(call.say("refund", 1.0, 1.2))
    assert isinstance(card, SuggestionShown)
    call.session.feedback(card.card_id, "up")
    call.session.feedback(card.card_id, "dismiss")
    kinds = [(e.action if isinstance(e, FeedbackRecorded) else e.reason)
             for e in call.events if isinstance(e, FeedbackRecorded | SuggestionRetired)]
    assert kinds == ["up", "dismiss", "dismissed"]
    assert call.session.visible() == []


def test_every_decision_is_a_log_record_with_digits_masked(caplog: pytest.LogCaptureFixture
                                                           ) -> None:
    caplog.set_level(logging.INFO, logger="assist.decisions")
    call = Call(text=RULES.replace('phrases = ["refund"]', 'phrases = ["refund order"]'))
    call.say("refund order 4815162342", 1.0, 1.2)
    call.say("refund order 4815162342", 9.0, 13.0)
    records = [json.loads(r.message) for r in caplog.records if r.name == "assist.decisions"]
    assert [(r["decision"], r.get("reason")) for r in records] == [
        ("shown", None), ("dropped", "over_budget")]
    assert all(not any(ch.isdigit() for ch in r["evidence"]) for r in records)


BROKEN = RULES.replace('phrases = ["supervisor"]', 'phrases = []').replace(
    "priority = 90", "priority = 900")


def test_a_broken_rule_file_at_runtime_keeps_the_last_good_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    events: list[Event] = []
    clock = VirtualClock()
    session = RuleSession(RulesConfig(reload_check_s=1.0), events.append, RuleBook([path]))
    session.start(clock.now)
    assert {rule.id for rule in session.rules} == {"refund", "escalate"}

    path.write_text(BROKEN, encoding="utf-8")
    os.utime(path, ns=(10**18, 10**18))  # a clearly new mtime, whatever the file system
    session.tick(5.0)
    loaded = [e for e in events if isinstance(e, RulesLoaded)][-1]
    assert loaded.kept_previous and len(loaded.problems) == 2
    assert all(str(path) in problem for problem in loaded.problems)
    session.transcript(said("get me a supervisor", 6.0), 6.5)  # the old rule still works
    assert [e.rule_id for e in events if isinstance(e, SuggestionShown)] == ["escalate"]

    fixed = RULES.replace('["supervisor"]', '["manager"]').replace("a supervisor", "a manager")
    path.write_text(fixed, encoding="utf-8")
    os.utime(path, ns=(2 * 10**18, 2 * 10**18))
    session.tick(9.0)
    assert not [e for e in events if isinstance(e, RulesLoaded)][-1].problems
    session.transcript(said("your manager please", 9.5), 10.0)
    assert [e.rule_id for e in events if isinstance(e, SuggestionShown)][-1] == "escalate"
    assert len([e for e in events if isinstance(e, SuggestionShown)]) == 2


def engine_decisions(compute_s: float, budget_s: float) -> list[Event]:
    """A call through the engine on its simulated clock: the customer says 'refund'."""
    config = replace_config(EngineConfig(), pace="simulated", **{"rules.budget_s": budget_s})
    events: list[Event] = []
    session = RuleSession(config.rules, events.append, rules=rules())
    engine = Engine(config, events.append, recognizer=ScriptedRecognizer(compute_s, "A refund."),
                    detector_factory=EnergyDetector, rules=session)
    customer = np.concatenate([silence(1.0), tone(1.5), silence(3.0)])
    engine.transcribe(ArraySource([silence(5.5), customer]))
    return [e for e in events if isinstance(e, SuggestionShown | SuggestionDropped)]


def test_the_engine_clock_decides_the_budget() -> None:
    timely = engine_decisions(compute_s=0.1, budget_s=3.0)
    assert len(timely) == 1 and isinstance(timely[0], SuggestionShown)
    assert 0.1 < timely[0].age < 3.0
    assert timely[0].evidence_end == pytest.approx(2.5, abs=0.1)
    late = engine_decisions(compute_s=0.6, budget_s=0.5)  # the recognizer alone takes longer
    assert len(late) == 1 and isinstance(late[0], SuggestionDropped)
    assert late[0].reason == "over_budget" and late[0].age > 0.5


def saved_call(path: Path, lines: list[tuple[str, str, float, float, float]]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for number, (speaker, text, start, end, emitted) in enumerate(lines, start=1):
            handle.write(json.dumps({"type": "transcript", "speaker": speaker, "text": text,
                                     "start": start, "end": end, "emitted": emitted,
                                     "language": "en", "id": number}) + "\n")
    return path


def test_back_test_counts_fires_flags_and_diffs(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()
    saved_call(calls / "a.jsonl", [("customer", "I want a refnd", 1, 3, 3.8),
                                   ("operator", "sure", 4, 5, 5.5),
                                   ("customer", "refund now", 10, 12, 16.0)])  # late
    saved_call(calls / "b.jsonl", [("customer", "hello", 1, 2, 2.5)])
    strict = tmp_path / "strict.toml"
    strict.write_text(RULES.replace('phrases = ["refund"]',
                                    'phrases = ["refund"]\nthreshold = 95'), encoding="utf-8")
    loose = tmp_path / "loose.toml"
    loose.write_text(RULES.replace('phrases = ["refund"]',
                                   'phrases = ["refund"]\nthreshold = 80'), encoding="utf-8")
    assert main(["rules", "test", str(strict), "--calls", str(calls), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    refund = next(r for r in result["rules"] if r["rule"] == "refund")
    assert refund["shown"] == 0 and refund["dropped_over_budget"] == 1
    assert next(r for r in result["rules"] if r["rule"] == "escalate")["flag"] == "never"
    assert result["summary"]["calls"] == 2

    assert main(["rules", "test", str(loose), "--calls", str(calls), "--format", "json"]) == 0
    refund = next(r for r in json.loads(capsys.readouterr().out)["rules"]
                  if r["rule"] == "refund")
    assert refund["shown"] == 1 and refund["calls_share"] == 0.5 and refund["first_s"] == 3.8

    assert main(["rules", "test", str(loose), "--diff", str(strict), "--calls", str(calls),
                 "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("rule,change,shown_old,shown_new")
    assert lines[1].startswith("refund,changed,0,1")
    assert lines[2].startswith("escalate,same")

    assert main(["rules", "test", str(loose), "--calls", str(calls)]) == 0
    table = capsys.readouterr().out
    assert "refund" in table and "calls=2" in table


def test_back_test_refuses_broken_rules_and_missing_calls(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    call = saved_call(tmp_path / "a.jsonl", [("customer", "refund", 1, 2, 2.5)])
    assert main(["rules", "test", str(broken), "--calls", str(call)]) == 2
    assert "broken.toml:" in capsys.readouterr().err
    good = tmp_path / "good.toml"
    good.write_text(RULES, encoding="utf-8")
    assert main(["rules", "test", str(good), "--calls", str(tmp_path / "nope")]) == 2
    not_a_call = tmp_path / "x.jsonl"
    not_a_call.write_text('{"type": "transcript"}\n', encoding="utf-8")
    assert main(["rules", "test", str(good), "--calls", str(not_a_call)]) == 2
    assert "x.jsonl:1" in capsys.readouterr().err


def test_report_sums_decisions_and_feedback_per_rule(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    log_path = tmp_path / "decisions.log"
    lines = [
        {"type": "suggestion", "decision": "shown", "rule": "refund", "card": 1},
        {"type": "suggestion", "decision": "shown", "rule": "refund", "card": 2},
        {"type": "suggestion", "decision": "dropped", "reason": "over_budget", "rule": "refund"},
        {"type": "suggestion", "decision": "dropped", "reason": "muted", "rule": "escalate"},
        {"type": "feedback", "action": "up", "rule": "refund", "card": 1},
        {"type": "feedback", "action": "down", "rule": "refund", "card": 2},
        {"type": "feedback", "action": "mute_rule", "rule": "refund", "card": 2},
        {"type": "transcript", "text": "ignored"},
    ]
    log_path.write_text("\n".join(["INFO assist.decisions: " + json.dumps(lines[0])]
                                  + [json.dumps(line) for line in lines[1:]] + ["garbage"]),
                        encoding="utf-8")
    assert main(["rules", "report", str(log_path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    refund = report["rules"][0]
    assert (refund["rule"], refund["shown"], refund["dropped_over_budget"], refund["up"],
            refund["down"], refund["mute_rule"], refund["dismiss_rate"]) == (
        "refund", 2, 1, 1, 1, 1, 0.5)
    assert report["rules"][1]["dropped_muted"] == 1
    assert report["summary"]["records"] == 7


def test_rules_bench_prints_its_figures_as_json_last(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    from assist.bench.__main__ import main as bench

    assert bench(["rules", "--rules", "60", "--utterances", "40"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["bench"] == "rules" and summary["rules"] == 60
    assert summary["utterances"] == 40 and summary["phrases"] >= 60
    assert summary["p95_ms"] >= summary["p50_ms"] > 0  # no wall-time target asserted here
