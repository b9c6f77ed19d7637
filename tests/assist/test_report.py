"""The supervisors' latency report: percentiles as numpy computes them, filters, torn lines,
the HTML and its plots (rendered by headless Chromium when it is installed)."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from assist.bench.report import generate
from assist.cli import main
from assist.report import latency_report
from assist.report_html import render_html
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
        assert by_operator[name]["n"] == 500
        assert by_operator[name]["p95"] == pytest.approx(np.percentile(values, 95), abs=1e-3)
    drops = {row["outcome"]: row["share"] for row in report.drops}
    assert drops == {"shown": pytest.approx(1 / 3, abs=1e-3),
                     "over_budget": pytest.approx(1 / 3, abs=1e-3),
                     "muted": pytest.approx(1 / 3, abs=1e-3)}
    minutes = {row["minute"]: row for row in report.minutes}
    first = [v for i, v in enumerate(latencies["anna"].tolist() + latencies["boris"].tolist())
             if (5.0 + (i % 500) * 3.0) // 60 == 0]
    assert minutes[0]["n"] == len(first)
    assert minutes[0]["p50"] == pytest.approx(np.percentile(first, 50), abs=1e-3)


def test_filters(logs: tuple[Path, dict[str, np.ndarray]]) -> None:
    folder, _ = logs
    only = latency_report([folder], operator="boris")
    assert [row["operator"] for row in only.operators] == ["boris"]
    refund = latency_report([folder], rule="refund")
    assert [row["rule"] for row in refund.rules] == ["refund"]
    from datetime import datetime
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
    assert "end_to_end" in out and "anna" in out and "over_budget" in out
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 3 and "<script" not in text and "http://" not in \
        text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # self-contained


def test_html_plots_render_in_headless_chromium(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    folder = tmp_path / "logs"
    generate(folder, operators=12, hours=1.0)
    page = tmp_path / "report.html"
    page.write_text(render_html(latency_report([folder])), encoding="utf-8")
    out = ROOT / "artifacts" / "report"
    out.mkdir(parents=True, exist_ok=True)
    shot = out / "report.png"
    shot.unlink(missing_ok=True)
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", f"--screenshot={shot}", "--window-size=1100,1300",
                    page.as_uri()], capture_output=True, timeout=120, check=True)
    from PySide6.QtGui import QImage  # decoding a PNG needs no display

    image = QImage(str(shot))
    assert image.width() == 1100 and not image.isNull()
    blue = sum(1 for x in range(0, 1100, 4) for y in range(0, 1300, 4)
               if image.pixelColor(x, y).name() == "#1f5fa8")
    assert blue > 200  # the histogram's bars (and the p50 line) were drawn
