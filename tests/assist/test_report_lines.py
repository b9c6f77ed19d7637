"""Both reports over bad input: a bad line anywhere is counted and named by file:line, a
binary file is not a "torn last line", folders work, many small files stay in bounded
memory, an empty selection says so, and `rules report` has one "muted" column."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from assist import report as latency
from assist.calls import CallRecorder
from assist.cli import main
from assist.events import FeedbackRecorded, SuggestionDropped, SuggestionShown
from assist.report import latency_report, render_text
from assist.rules.report import feedback_report
from tests.assist.test_calls import utterance as said
from tests.assist.test_report import T0, card, utterance


def write_lines(path: Path, lines: list[str], end: str = "\n") -> Path:
    path.write_text("\n".join(lines) + end, encoding="utf-8")
    return path


def good(operator: str = "anna", index: int = 0) -> str:
    return json.dumps(utterance(operator, 10.0 + index, 0.9, 0.05, T0 + index))


# -- the latency report -------------------------------------------------------------------


def test_a_broken_line_in_the_middle_is_counted_and_named(tmp_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    log_file = write_lines(tmp_path / "a.jsonl", [good(index=0), '{"kind": "utter', good(index=2)])
    with caplog.at_level(logging.WARNING, logger="assist.report"):
        report = latency_report([tmp_path])
    assert (report.utterances, report.bad_lines, report.records) == (2, 1, 2)
    assert report.warnings == [f"{log_file}:2: not JSON: skipped"]
    assert caplog.messages == report.warnings
    assert render_text(report).splitlines()[0].endswith(", 1 bad lines skipped")


def test_a_binary_file_is_not_called_a_torn_last_line(tmp_path: Path) -> None:
    write_lines(tmp_path / "a.jsonl", [good()])
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8\xff")
    report = latency_report([tmp_path])
    assert report.utterances == 1 and report.bad_lines == 3
    assert report.warnings[0] == f"{binary}:1: not UTF-8 text (a binary file?): skipped"
    assert not any("torn" in warning for warning in report.warnings)


def test_a_torn_last_line_is_still_called_so(tmp_path: Path) -> None:
    log_file = write_lines(tmp_path / "a.jsonl", [good(), '{"kind": "utterance", "lat'], end="")
    report = latency_report([log_file])
    assert report.warnings == [f"{log_file}:2: torn last line (a crash while writing?): skipped"]


@pytest.mark.parametrize(("line", "problem"), [
    ("[1, 2]", "not a JSON object"),
    ('{"kind": "transcript"}', "not a latency record (kind 'transcript')"),
    ('{"operator": "anna"}', "not a latency record (kind None)"),
    (good().replace('"latency": 0.9', '"latency": NaN'), "'latency' must be a finite number"),
    (good().replace('"latency": 0.9', '"latency": "slow"'), "'latency' must be a finite number"),
    (good().replace('"end": 10.0', '"end": Infinity'), "'end' must be a finite number"),
    (json.dumps(card("anna", "refund", 1.0, None, T0)).replace('"shown"', '"maybe"'),
     "'outcome' must be shown or dropped"),
    ("[" * 100_000, "not JSON (nested too deeply)"),
])
def test_every_kind_of_bad_line_is_counted(tmp_path: Path, line: str, problem: str) -> None:
    log_file = write_lines(tmp_path / "a.jsonl", [good(index=0), line, good(index=1)])
    report = latency_report([log_file])
    assert report.utterances == 2 and report.bad_lines == 1
    [warning] = report.warnings
    assert warning.startswith(f"{log_file}:2: ") and problem in warning


def test_many_bad_lines_are_named_up_to_a_few_then_counted(tmp_path: Path) -> None:
    log_file = write_lines(tmp_path / "a.jsonl", [good(), *["garbage"] * 10])
    report = latency_report([log_file])
    assert report.bad_lines == 10
    assert report.warnings[:3] == [f"{log_file}:{n}: not JSON: skipped" for n in (2, 3, 4)]
    assert report.warnings[3] == f"{log_file}: 7 more bad lines skipped (10 in all)"


def test_files_are_read_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(latency, "FILES_PER_SCAN", 2)
    for index in range(5):
        write_lines(tmp_path / f"{index}.jsonl", [good(f"op{index}", index)])
    write_lines(tmp_path / "9.jsonl", ["oops"])
    (tmp_path / "folder.jsonl").mkdir()  # not a log: skipped, not a DuckDB error
    report = latency_report([tmp_path])
    assert (report.files, report.utterances, report.bad_lines) == (6, 5, 1)
    assert {row["operator"] for row in report.operators} == {f"op{i}" for i in range(5)}


def test_report_for_an_operator_with_no_records_says_so(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    write_lines(tmp_path / "a.jsonl", [good(index=i) for i in range(3)])
    assert main(["report", str(tmp_path), "--operator", "nobody"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["1 log files, 0 utterances, 0 card decisions",
                                "no records match (of 3 latency records read)"]
    write_lines(tmp_path / "a.jsonl", ['{"type": "transcript"}'])
    assert main(["report", str(tmp_path)]) == 0
    assert "no records match: the logs hold no latency records" in capsys.readouterr().out


def test_many_small_files_are_read_in_bounded_memory() -> None:
    """10,000 one-record logs took 2.0 GB; the bench's own peak RSS must stay under 300 MB."""
    result = subprocess.run([sys.executable, "-m", "assist.bench", "report", "--files", "10000"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["files"] == 10_000 and figures["utterances"] == 10_000
    assert figures["peak_rss_mb"] <= 300 and figures["met"], figures


# -- the rules report ---------------------------------------------------------------------

SHOWN = {"type": "suggestion", "decision": "shown", "rule": "refund", "card": 1}
DROPPED = {"type": "suggestion", "decision": "dropped", "reason": "muted", "rule": "refund"}
MUTE = {"type": "feedback", "action": "mute_rule", "rule": "refund", "card": 1}


def test_rules_report_reads_a_folder_and_names_bad_lines(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    first = write_lines(tmp_path / "a.jsonl", [json.dumps(SHOWN), '{"type": "sugg',
                                               json.dumps(DROPPED)])
    second = tmp_path / "b.jsonl"
    second.write_bytes(json.dumps(MUTE).encode() + b"\n\xff\xfe\x00\n"
                       + b'INFO assist.decisions: {"type": "feedback", "action": "wave", '
                         b'"rule": "refund"}\n' + b"INFO other: {not json at all}\n"
                       + b'{"type": "feedback", "act')
    (tmp_path / "notes.txt").write_text("not a log", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="assist.rules.report"):
        rows, summary = feedback_report([tmp_path])
    assert summary == {"files": 2, "records": 3, "rules": 1, "bad_lines": 4}
    assert rows[0]["shown"] == 1 and rows[0]["dropped_muted"] == 1 and rows[0]["mute_rule"] == 1
    assert caplog.messages == [
        f"{first}:2: not JSON: skipped",
        f"{second}:2: not UTF-8 text (a binary file?): skipped",
        f"{second}:3: feedback record: 'action' must be one of up, down, dismiss, mute_rule, "
        "got 'wave': skipped",
        f"{second}:5: torn last line (a crash while writing?): skipped"]


def test_rules_report_has_one_muted_column(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    write_lines(tmp_path / "a.jsonl", [json.dumps(SHOWN), json.dumps(DROPPED), json.dumps(MUTE)])
    assert main(["rules", "report", str(tmp_path)]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    columns = [column.strip() for column in header.split("  ") if column.strip()]
    assert columns.count("muted") == 1 and "mute rule" in columns


def test_rules_report_on_a_missing_path_or_an_empty_folder_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "report", str(tmp_path / "nope")]) == 2
    assert main(["rules", "report", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"sufler: error: no such log file or folder: {tmp_path / 'nope'}",
                   f"sufler: error: {tmp_path}: no decision logs (*.jsonl) in this folder"]


def test_rules_report_on_a_non_utf8_log_works_and_names_the_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(SHOWN).encode() + b"\n" + "évidence".encode("latin-1") + b"\n")
    assert main(["rules", "report", str(path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["bad_lines"] == 1
    assert "Traceback" not in captured.err


def test_rules_report_reads_a_folder_of_saved_calls(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`rules report DIR` over the app's saved calls: one row per rule, readable headers."""
    recorder = CallRecorder(tmp_path, "call-1")
    recorder(said(1, "customer", "I want a refund", 1.0))
    recorder(SuggestionShown(1, "refund", "Refund", "Offer", "phrase", "policy", 50, "customer",
                             "refund", 3.0, 3.6, 0.6, 60.0))
    recorder(SuggestionDropped("refund", "Refund", "phrase", "over_budget", "4.2 s old",
                               "customer", "refund", 3.0, 7.2, 4.2))
    recorder(FeedbackRecorded(1, "refund", "dismiss", 5.0))
    assert recorder.save() is not None
    assert main(["rules", "report", str(tmp_path)]) == 0
    header, row, summary = capsys.readouterr().out.splitlines()
    columns = [column.strip() for column in header.split("  ") if column.strip()]
    assert columns[:3] == ["rule", "shown", "dropped late"]
    assert not any("_" in column for column in columns)  # no snake_case
    cells = dict(zip(columns, row.split(), strict=False))
    assert (cells["rule"], cells["shown"], cells["dropped late"]) == ("refund", "1", "1")
    assert row.rstrip().endswith("100 %")  # the dismiss rate as a percentage
    assert summary == "files=1 records=3 rules=1 bad_lines=0"


def test_rules_report_over_logs_without_decisions_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_lines(tmp_path / "a.jsonl", [good(index=i) for i in range(3)])  # a latency log
    assert main(["rules", "report", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "no suggestion or feedback records in 1 log files: rules report reads decision logs "
        "or saved calls (sufler transcribe output)"]
