"""The supervisor's view: the headline figures on top, the plots and readable tables for a
folder and operator, "no records match" for an operator with none, and its screenshots
under Xvfb in English and Russian (artifacts/screenshots/review_LANG.png: the headline and
the first plots; review_table_LANG.png: the operators table)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtSvgWidgets import QSvgWidget
from pytestqt.qtbot import QtBot

from app.review import ReviewWindow
from assist.bench.report import generate
from assist.report import latency_report, report_headline
from tests.app.test_screenshots import OUT, display, distinct_colours
from tests.conftest import ROOT

__all__ = ["display"]  # the Xvfb fixture, shared with the other screenshots


def run(qtbot: QtBot, window: ReviewWindow) -> None:
    window.report = None
    window.run_button.click()
    qtbot.waitUntil(lambda: window.report is not None, timeout=30000)


def test_review_window_shows_headline_plots_and_tables(qtbot: QtBot, tmp_path: Path) -> None:
    generate(tmp_path, operators=3, hours=0.3, days=2)
    window = ReviewWindow(tmp_path, budget_s=2.5)
    qtbot.addWidget(window)
    window.show()
    run(qtbot, window)
    expected = latency_report([tmp_path], budget_s=2.5)
    assert window.headline.isVisible()
    assert [tile.value.text() for tile in window.tiles] == [
        value for _, value in report_headline(expected)]
    assert window.tiles[0].value.text().endswith(" %")
    operators = window.tables["operators"]
    assert operators.rowCount() == 3
    headers = [operators.horizontalHeaderItem(column).text()
               for column in range(operators.columnCount())]
    assert "In budget" in headers and "Dropped late" in headers
    assert not any("_" in header for header in headers)  # no snake_case
    for column in range(operators.columnCount()):  # no clipped header
        width = operators.horizontalHeader().sectionSize(column)
        text = operators.horizontalHeaderItem(column).text()
        assert width >= operators.fontMetrics().horizontalAdvance(text), text
    share = headers.index("In budget")
    assert all(operators.item(row, share).text().endswith(" %") for row in range(3))
    stages = window.tables["stages"]
    assert [stages.item(row, 0).text() for row in range(stages.rowCount())][-2:] == [
        "End to end", "Shown cards' age"]
    plots = window.plots.findChildren(QSvgWidget)
    assert len(plots) == 7 and all(plot.renderer().isValid() for plot in plots)
    window.operator.setText("op001")
    run(qtbot, window)
    assert window.tables["operators"].rowCount() == 1
    assert window.tiles[4].value.text() == "1"


def test_an_operator_with_no_records_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    generate(tmp_path, operators=1, hours=0.1)
    window = ReviewWindow(tmp_path)
    qtbot.addWidget(window)
    window.show()
    window.operator.setText("nobody")
    run(qtbot, window)
    assert "No records match" in window.summary.text()
    assert not window.headline.isVisible()
    assert not window.plots.findChildren(QSvgWidget)
    assert window.tables["operators"].rowCount() == 0


def test_log_warnings_show_the_warning_icon_not_a_glyph(qtbot: QtBot, tmp_path: Path) -> None:
    generate(tmp_path, operators=1, hours=0.1)
    log = sorted(tmp_path.rglob("*.jsonl"))[0]
    with log.open("a", encoding="utf-8") as handle:
        handle.write("not <json> & no record\n")
    window = ReviewWindow(tmp_path)
    qtbot.addWidget(window)
    window.show()
    run(qtbot, window)
    assert window.report is not None and window.report.warnings
    text = window.summary.text()
    assert "warning.svg" in text and "\u26a0" not in text
    assert "skipped" in text
    assert window.summary.textFormat() == Qt.TextFormat.RichText


@pytest.mark.parametrize("language", ["en", "ru"])
def test_review_screenshots_on_a_real_x_display(display: str, language: str) -> None:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run([sys.executable, "-m", "tests.app.shoot_review", str(OUT),
                             language], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "qt.svg" not in result.stderr, result.stderr[-3000:]  # every plot drew cleanly
    for name in (f"review_{language}.png", f"review_table_{language}.png"):
        path = OUT / name
        assert path.stat().st_size > 10_000
        assert distinct_colours(path) > 20  # a drawn window, not a blank frame
