"""The supervisors' report: percentiles as numpy computes them, filters, torn lines; the
headline figures, late drops per operator and day, call-time bins, rule outcomes with votes
and checklist completion from hand-built records; percentages and plot ticks; the HTML and
its plots (rendered by headless Chromium when it is installed)."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from assist.bench.report import generate
from assist.cli import main
from assist.events import ChecklistUpdated, FeedbackRecorded, SuggestionShown
from assist.latency_log import LatencyLog
from assist.report import (
    clock,
    format_cell,
    latency_report,
    percent,
    render_text,
    report_empty,
    report_headline,
)
from assist.report_html import (
    call_time_plot,
    clock_step,
    percent_tick,
    render_html,
    report_plots,
    seconds_tick,
)
from tests.conftest import ROOT

T0 = 1_795_400_000.0  # 2026-11-22/23, epoch seconds


def utterance(operator: str, end: float, latency: float, queue: float, ts: float) -> dict:
    endpointed = end + 0.2
    asr_start = endpointed + queue
    asr_end = end + latency
    return {"call": f"c-{operator}", "operator": operator, "model": "base", "version": "0.1.0",
            "kind": "utterance", "speaker": "customer", "start": end - 2, "end": end,
            "window_s": 2.0, "stages": {"captured": end, "endpointed": endpointed,
                                        "asr_start": asr_start, "asr_end": asr_end,
                                        "emitted": asr_end, "extracted": asr_end + 0.001,
                                        "matched": asr_end + 0.003},
            "latency": latency, "rtf": 0.1, "ts": ts}


def card(operator: str, rule: str, age: float, reason: str | None, ts: float) -> dict:
    return {"call": f"c-{operator}", "operator": operator, "model": "base", "kind": "card",
            "rule": rule, "outcome": "shown" if reason is None else "dropped",
            "reason": reason, "evidence_end": 10.0, "decided": 10.0 + age, "age": age,
            "ts": ts}


@pytest.fixture
def logs(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    random = np.random.default_rng(3)
    latencies = {}
    for operator in ("anna", "boris"):
        values = random.gamma(4.0, 0.25, 500)
        latencies[operator] = values
        records = [utterance(operator, 5.0 + i * 3.0, float(v), 0.05, T0 + i * 3.0)
                   for i, v in enumerate(values)]
        records += [card(operator, "refund", 1.0, None, T0 + 10),
                    card(operator, "refund", 4.0, "over_budget", T0 + 20),
                    card(operator, "cancel", 0.5, "muted", T0 + 30)]
        (tmp_path / f"2026-11-23_{operator}.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return tmp_path, latencies


def test_percentiles_match_numpy(logs: tuple[Path, dict[str, np.ndarray]]) -> None:
    folder, latencies = logs
    report = latency_report([folder])
    both = np.concatenate(list(latencies.values()))
    stage = {row["stage"]: row for row in report.stages}
    for q in (50, 95, 99):
        assert stage["end_to_end"][f"p{q}"] == pytest.approx(np.percentile(both, q), abs=1e-3)
    queue = latencies["anna"] * 0 + 0.05
    assert stage["queue"]["p95"] == pytest.approx(np.percentile(queue, 95), abs=1e-3)
    assert stage["match"]["p50"] == pytest.approx(0.002, abs=1e-3)
    by_operator = {row["operator"]: row for row in report.operators}
    for name, values in latencies.items():
        assert by_operator[name]["utterances"] == 500
        assert by_operator[name]["p95"] == pytest.approx(np.percentile(values, 95), abs=1e-3)
    drops = {row["outcome"]: row["share"] for row in report.drops}
    assert drops == {"shown": pytest.approx(1 / 3, abs=1e-3),
                     "over_budget": pytest.approx(1 / 3, abs=1e-3),
                     "muted": pytest.approx(1 / 3, abs=1e-3)}
    # calls of 25 minutes: 1-minute bins (30 s bins would be 50)
    assert report.bin_s == 60
    bins = {row["start_s"]: row for row in report.call_time}
    first = [v for i, v in enumerate(latencies["anna"].tolist() + latencies["boris"].tolist())
             if (5.0 + (i % 500) * 3.0) // 60 == 0]
    assert bins[0]["n"] == len(first)
    assert bins[0]["p50"] == pytest.approx(np.percentile(first, 50), abs=1e-3)


def test_filters(logs: tuple[Path, dict[str, np.ndarray]]) -> None:
    folder, _ = logs
    only = latency_report([folder], operator="boris")
    assert [row["operator"] for row in only.operators] == ["boris"]
    refund = latency_report([folder], rule="refund")
    assert [row["rule"] for row in refund.rules] == ["refund"]
    since = datetime.fromtimestamp(T0 + 300).isoformat()
    later = latency_report([folder], since=since)
    assert later.utterances == 2 * sum(1 for i in range(500) if i * 3.0 >= 300)


def test_a_torn_last_line_is_skipped_with_a_warning(logs: tuple[Path, dict[str, np.ndarray]],
                                                    caplog: pytest.LogCaptureFixture) -> None:
    folder, _ = logs
    with (folder / "2026-11-23_anna.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"kind": "utterance", "operator": "anna", "lat')
    with caplog.at_level(logging.WARNING, logger="assist.report"):
        report = latency_report([folder])
    assert report.utterances == 1000
    assert any("torn last line" in message for message in caplog.messages)
    assert any("torn last line" in warning for warning in report.warnings)


def test_cli_prints_tables_and_writes_html(logs: tuple[Path, dict[str, np.ndarray]],
                                           tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder, _ = logs
    page = tmp_path / "report.html"
    assert main(["report", str(folder), "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert "End to end" in out and "anna" in out and "Dropped late" in out
    assert "end_to_end" not in out and "over_budget" not in out  # no snake_case for people
    text = page.read_text(encoding="utf-8")
    # self-contained: no script, nothing fetched (namespace names are not fetched)
    assert "<script" not in text and "@import" not in text
    assert not re.search(r"""(?:href|src)\s*=\s*["']?(?:https?:|//)|url\((?!#)""", text)
    assert text.count("<svg") >= 6  # the plots and the 👍/👎 header icons


def test_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    """The page a supervisor opens, as Chromium draws it: artifacts/screenshots/report_html.png
    (the headline figures and the first plots)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    folder = tmp_path / "logs"
    generate(folder, operators=12, hours=0.5, days=3)
    page = tmp_path / "report.html"
    page.write_text(render_html(latency_report([folder])), encoding="utf-8")
    out = ROOT / "artifacts" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    shot = out / "report_html.png"
    shot.unlink(missing_ok=True)
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", f"--screenshot={shot}", "--window-size=1050,2400",
                    page.as_uri()], capture_output=True, timeout=120, check=True)
    from PySide6.QtGui import QImage  # decoding a PNG needs no display

    image = QImage(str(shot))
    assert image.width() == 1050 and not image.isNull()
    colours = [image.pixelColor(x, y).name() for x in range(0, 1050, 3)
               for y in range(0, 2400, 3)]
    assert colours.count("#1f5fa8") > 500  # the headline values, CDF and bars were drawn
    assert colours.count("#c0392b") > 50  # the budget line and the late drops


# -- the figures people read first, from hand-built records -------------------------------

DAY = 86_400.0


def votes(operator: str, rule: str, action: str, ts: float) -> dict:
    return {"call": f"c-{operator}", "operator": operator, "kind": "feedback", "rule": rule,
            "action": action, "decided": 20.0, "ts": ts}


def checklist(operator: str, call: str, rule: str, done: int, items: int, ts: float) -> dict:
    return {"call": call, "operator": operator, "kind": "checklist", "rule": rule,
            "done": done, "items": items, "decided": 5.0, "ts": ts}


def write(folder: Path, records: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "a.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), "utf-8")
    return folder


@pytest.fixture
def floor(tmp_path: Path) -> tuple[Path, list[dict]]:
    """Two operators over two days: anna's cards 1.0 s and 2.0 s shown, 4.0 s late, one
    muted; boris's 0.5 s shown, 3.5 s and 5.0 s late (the second day), one on cooldown."""
    records = [utterance("anna", 10.0 + i, 0.5 + 0.1 * i, 0.05, T0 + i) for i in range(10)]
    records += [utterance("boris", 20.0 + i, 1.0 + 0.2 * i, 0.05, T0 + i) for i in range(5)]
    records += [card("anna", "refund", 1.0, None, T0 + 10), card("anna", "cancel", 2.0, None,
                                                                  T0 + 20),
                card("anna", "refund", 4.0, "over_budget", T0 + 30),
                card("anna", "refund", 0.4, "muted", T0 + 40),
                card("boris", "refund", 0.5, None, T0 + 10),
                card("boris", "cancel", 3.5, "over_budget", T0 + DAY),
                card("boris", "refund", 5.0, "over_budget", T0 + DAY + 10),
                card("boris", "refund", 0.2, "cooldown", T0 + DAY + 20)]
    records += [votes("anna", "refund", action, T0 + 50)
                for action in ("up", "up", "down", "dismiss", "mute_rule")]
    # anna: greeting done in call 1, not in call 2; closing done in call 1; boris: nothing
    records += [checklist("anna", "c-anna", "greeting", done, 3, T0 + done) for done in range(4)]
    records += [checklist("anna", "c-anna", "closing", done, 2, T0 + done) for done in range(3)]
    records += [checklist("anna", "c-anna-2", "greeting", done, 3, T0 + 60 + done)
                for done in range(2)]
    records += [checklist("boris", "c-boris", "greeting", 0, 3, T0)]
    return write(tmp_path / "logs", records), records


def test_headline_figures(floor: tuple[Path, list[dict]]) -> None:
    folder, records = floor
    report = latency_report([folder], budget_s=3.0)
    latencies = [r["latency"] for r in records if r["kind"] == "utterance"]
    due = [r for r in records if r["kind"] == "card"
           and (r["outcome"] == "shown" or r["reason"] == "over_budget")]
    within = [r for r in due if r["outcome"] == "shown" and r["age"] <= 3.0]
    late = [r for r in due if r["reason"] == "over_budget"]
    assert (len(due), len(within), len(late)) == (6, 3, 3)
    head = report.headline
    assert head["within_share"] == pytest.approx(len(within) / len(due))
    assert (head["late"], head["late_share"]) == (3, pytest.approx(0.5))
    assert head["p95"] == pytest.approx(np.percentile(latencies, 95), abs=1e-3)
    assert (head["calls"], head["operators"]) == (3, 2)  # c-anna, c-anna-2, c-boris
    assert report_headline(report) == [
        ("Cards shown within budget", "50 %"), ("Dropped late", "3 (50 %)"),
        ("p95 end-to-end latency", f"{np.percentile(latencies, 95):.3f} s"),
        ("Calls", "3"), ("Operators", "2")]
    text = render_text(report)
    assert "Cards shown within budget: 50 %" in text and "Dropped late: 3 (50 %)" in text
    # the CDF of the due cards' age is their percentiles
    cdf = dict(zip(report.cdf["share"], report.cdf["card_age"], strict=True))
    ages = [r["age"] for r in due]
    assert cdf[0.5] == pytest.approx(np.percentile(ages, 50))
    assert cdf[0.25] == pytest.approx(np.percentile(ages, 25))


def test_late_drops_and_checklists_per_operator_and_day(floor: tuple[Path, list[dict]]) -> None:
    folder, _ = floor
    report = latency_report([folder], budget_s=3.0)
    anna, boris = report.operators
    assert (anna["operator"], anna["calls"], anna["due"], anna["late"]) == ("anna", 2, 3, 1)
    assert anna["within_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert anna["late_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert (boris["due"], boris["late"], boris["within_share"]) == (3, 2, pytest.approx(1 / 3,
                                                                                      abs=1e-4))
    # checklists: anna finished 2 of 3 (call, rule) pairs, boris 0 of 1
    assert (anna["checklists"], anna["completed_share"]) == (3, pytest.approx(2 / 3, abs=1e-4))
    assert (boris["checklists"], boris["completed_share"]) == (1, 0.0)
    first, second = (datetime.fromtimestamp(T0 + 10).date().isoformat(),
                     datetime.fromtimestamp(T0 + DAY).date().isoformat())
    assert [(row["day"], row["due"], row["late"]) for row in report.days] == [
        (first, 4, 1), (second, 2, 2)]
    assert report.days[0]["within_share"] == pytest.approx(3 / 4)
    assert {(row["operator"], row["day"]): row["late"] for row in report.operator_days} == {
        ("anna", first): 1, ("boris", first): 0, ("boris", second): 2}
    assert latency_report([folder], operator="boris").headline["late"] == 2


def test_rule_outcomes_next_to_votes(floor: tuple[Path, list[dict]]) -> None:
    folder, _ = floor
    rules = {row["rule"]: row for row in latency_report([folder]).rules}
    refund = rules["refund"]
    # anna: shown, late, muted; boris: shown, late, cooldown
    assert {key: refund[key] for key in ("shown", "late", "muted", "other")} == {
        "shown": 2, "late": 2, "muted": 1, "other": 1}
    assert (refund["up"], refund["down"], refund["dismissed"], refund["mute_rule"]) == (2, 1, 1, 1)
    assert refund["dismiss_rate"] == pytest.approx(2 / 2)  # (dismiss + mute rule) per shown
    assert (rules["cancel"]["shown"], rules["cancel"]["late"], rules["cancel"]["up"]) == (1, 1, 0)
    only = latency_report([folder], rule="cancel")
    assert [row["rule"] for row in only.rules] == ["cancel"]
    assert only.headline["late"] == 1


@pytest.mark.parametrize(("call_s", "width"), [(50, 5), (170, 10), (420, 15), (800, 30),
                                              (1700, 60)])
def test_call_time_bins_suit_the_calls(tmp_path: Path, call_s: float, width: int) -> None:
    random = np.random.default_rng(int(call_s))
    ends = np.sort(random.uniform(0.5, call_s, 300))
    latencies = random.gamma(4.0, 0.25, 300)
    write(tmp_path, [utterance("anna", float(end), float(latency), 0.05, T0 + float(end))
                     for end, latency in zip(ends, latencies, strict=True)])
    report = latency_report([tmp_path])
    expected = min(w for w in (5, 10, 15, 30, 60, 120) if np.percentile(ends, 99) / w <= 30)
    assert report.bin_s == expected == width
    starts = (ends // width * width).astype(int)
    assert {row["start_s"]: row["n"] for row in report.call_time} == {
        int(start): int((starts == start).sum()) for start in set(starts)}
    first = latencies[starts == 0]
    assert report.call_time[0]["p95"] == pytest.approx(np.percentile(first, 95), abs=1e-3)
    svg = call_time_plot(report, str)
    assert svg is not None
    labels = tick_labels(svg)
    assert "0:00" in labels and all(":" in label for label in labels if label[:1].isdigit()
                                    and label not in numbers(labels))


def tick_labels(svg: str) -> list[str]:
    """The texts of a matplotlib SVG (it writes each as a comment before its glyphs)."""
    return re.findall(r"<!-- (.*?) -->", svg)


def numbers(labels: list[str]) -> list[str]:
    return [label for label in labels if re.fullmatch(r"-?[0-9.]+", label)]


def test_shares_read_as_percentages() -> None:
    assert [percent(v) for v in (0.667, 0.5, 1.0, 0.0, 0.996, 0.004, 0.9999, None)] == [
        "67 %", "50 %", "100 %", "0 %", "99.6 %", "0.4 %", "99.9 %", "-"]
    assert format_cell(0.6667, "within_share") == "67 %"
    assert format_cell(0.6667, "p95") == "0.667"
    assert format_cell(3, "late") == "3"
    assert [clock(0), clock(65), clock(3725)] == ["0:00", "1:05", "1:02:05"]
    assert [clock_step(60), clock_step(90), clock_step(840), clock_step(3 * 3600)] == [
        10, 10, 120, 1800]
    assert percent_tick(0.25) == "25 %" and seconds_tick(1.5) == "1.5" and seconds_tick(2.0) \
        == "2"


def test_plots_have_round_ticks_and_mark_the_budget(floor: tuple[Path, list[dict]]) -> None:
    folder, _ = floor
    report = latency_report([folder], budget_s=3.0)
    plots = dict(report_plots(report))
    assert len(plots) == 7
    cdf = tick_labels(plots["Latency CDF: how many were in time"])
    assert " budget 3 s" in cdf and "50 % of cards due within budget" in cdf
    assert {"0 %", "50 %", "100 %"} <= set(cdf) or {"0 %", "20 %", "100 %"} <= set(cdf)
    seconds = [float(label) for label in numbers(cdf)]
    assert seconds and all(round(value * 2, 6).is_integer() for value in seconds)  # 0.5 steps
    rules = tick_labels(plots["What became of each rule's cards, and what operators made of "
                              "them"])
    assert all(float(label).is_integer() for label in numbers(rules))  # counts: integers
    assert "100 % dismissed" in rules
    bars = tick_labels(plots["Cards shown within budget, per operator (lowest first)"])
    assert "2 late of 3" in bars and "1 late of 3" in bars
    assert not any("0.667" in label or "0.333" in label for svg in plots.values()
                   for label in tick_labels(svg))


def test_votes_and_checklists_reach_the_report_through_the_latency_log(tmp_path: Path) -> None:
    log = LatencyLog(tmp_path, "anna", "call-1", "base", started=T0)
    log(SuggestionShown(1, "refund", "Refund", "Offer", "phrase", "policy", 50, "customer", "",
                        6.0, 6.8, 0.8, 60.0))
    log(FeedbackRecorded(1, "refund", "up", 9.0))
    log(ChecklistUpdated("greeting", "Greeting", (), ("company", "name"), 1.0))
    log(ChecklistUpdated("greeting", "Greeting", ("company", "name"), (), 4.0))
    log.close()
    report = latency_report([tmp_path])
    assert report.bad_lines == 0
    assert (report.rules[0]["up"], report.operators[0]["completed_share"]) == (1, 1.0)


def test_an_empty_selection_says_so_everywhere(floor: tuple[Path, list[dict]]) -> None:
    folder, _ = floor
    report = latency_report([folder], operator="nobody")
    assert report_empty(report).startswith("no records match (of ")
    page = render_html(report)
    assert "no records match" in page and "<table" not in page and "<figure" not in page


@pytest.mark.parametrize("end", [-9223372036854775296, 1e11, 9.2e18])
def test_an_absurd_utterance_time_is_no_bin_and_no_overflow(tmp_path: Path, end: float) -> None:
    # found by the fuzz test: floor(end / width) * width overflowed DuckDB's INT64
    path = tmp_path / "2026-11-23_anna.jsonl"
    line = {"kind": "utterance", "call": "c", "operator": "anna", "end": end, "latency": 0.5,
            "stages": [], "ts": 0.0}
    normal = dict(line, end=12.0)
    path.write_text(json.dumps(line) + "\n" + json.dumps(normal) + "\n", encoding="utf-8")
    report = latency_report([path], operator=None)
    assert report.utterances == 2
    assert sum(row["n"] for row in report.call_time) == 2  # each in a bin or in none
    render_text(report)  # and the text report renders
