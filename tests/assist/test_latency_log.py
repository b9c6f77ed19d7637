"""The latency log: a record per utterance and per card decision, no text, torn lines skipped."""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from assist import ArraySource, Engine, EngineConfig, replace_config
from assist.events import Event
from assist.latency_log import LatencyLog, read_log
from assist.rules import parse_rules
from assist.rules.session import RuleSession
from tests.helpers.fakes import EnergyDetector, ScriptedRecognizer, silence, tone

RULE = """\
[[rule]]
id = "refund"
title = "Refund"
text = "Offer a redelivery first."
phrases = ["refund"]
"""


def test_a_call_writes_every_stage_and_no_text(tmp_path: Path) -> None:
    config = replace_config(EngineConfig(), pace="simulated")
    log = LatencyLog(tmp_path / "logs", "anna k.", "call-1", "scripted", day=date(2026, 11, 23))
    seen: list[Event] = []

    def sink(event: Event) -> None:
        seen.append(event)
        log(event)

    session = RuleSession(config.rules, sink, rules=parse_rules(RULE).rules)
    recognizer = ScriptedRecognizer(0.05, "A refund for order 4815, please.")
    engine = Engine(config, sink, recognizer=recognizer, detector_factory=EnergyDetector,
                    rules=session)
    customer = np.concatenate([silence(1.0), tone(1.5), silence(2.0)])
    engine.transcribe(ArraySource([silence(4.5), customer]))
    log.close()
    assert log.path.parent == tmp_path / "logs"
    assert re.fullmatch(r"2026-11-23_anna-k-[0-9a-f]{8}\.jsonl", log.path.name), log.path.name
    records = list(read_log(log.path))
    kinds = sorted(record["kind"] for record in records)
    assert kinds == ["card", "utterance"]
    (utterance,) = [record for record in records if record["kind"] == "utterance"]
    (card,) = [record for record in records if record["kind"] == "card"]
    stages = utterance["stages"]
    assert list(stages) == ["captured", "endpointed", "asr_start", "asr_end", "emitted",
                            "extracted", "matched"]
    assert stages["emitted"] <= stages["extracted"] <= stages["matched"]
    assert card["decided"] <= stages["matched"]
    assert utterance["rtf"] > 0
    assert utterance["latency"] == pytest.approx(
        utterance["stages"]["emitted"] - utterance["end"], abs=0.002)
    assert (card["rule"], card["outcome"], card["reason"]) == ("refund", "shown", None)
    assert card["decided"] >= stages["emitted"]
    assert all(record["call"] == "call-1" and record["model"] == "scripted"
               for record in records)
    text = log.path.read_text(encoding="utf-8")
    assert "4815" not in text and "refund for order" not in text  # no transcript, no digits


def test_a_torn_last_line_is_skipped_with_a_warning(tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text('{"kind": "utterance", "latency": 0.8}\n{"kind": "card", "outc',
                    encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="assist.latency_log"):
        records = list(read_log(path))
    assert records == [{"kind": "utterance", "latency": 0.8}]
    assert "torn last line" in caplog.text


def test_operator_ids_are_kept_as_given_in_any_script(tmp_path: Path) -> None:
    """«Анна» and «Мария» were both logged as `operator`, merging two people into one."""
    from assist.events import SuggestionShown
    from assist.latency_log import operator_file_part

    shown = SuggestionShown(1, "r", "T", "x", "phrase", "c", 50, "customer", "refund",
                            2.0, 2.5, 0.5, 32.5)
    paths = {}
    for operator in ("Анна", "Мария", "anna", "an/na", "‮evil", "O'Brien"):
        log = LatencyLog(tmp_path, operator, "c1", "m", day=date(2026, 1, 2))
        log(shown)
        log.close()
        paths[operator] = log.path
        assert [record["operator"] for record in read_log(log.path)] == [operator]
        assert log.path.parent == tmp_path
        assert re.fullmatch(r"2026-01-02_[a-z0-9-]+-[0-9a-f]{8}\.jsonl", log.path.name)
    assert len(set(paths.values())) == len(paths)  # one file per operator, never shared
    assert operator_file_part("Анна").startswith("anna-")
    assert operator_file_part("Мария").startswith("mariya-")
