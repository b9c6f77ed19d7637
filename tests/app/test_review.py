"""The supervisor's view shows the report's tables and plots for a folder and operator."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtSvgWidgets import QSvgWidget
from pytestqt.qtbot import QtBot

from app.review import ReviewWindow
from assist.bench.report import generate


def test_review_window_shows_tables_and_plots(qtbot: QtBot, tmp_path: Path) -> None:
    generate(tmp_path, operators=3, hours=0.5)
    window = ReviewWindow(tmp_path)
    qtbot.addWidget(window)
    window.show()
    window.run_button.click()
    qtbot.waitUntil(lambda: window.report is not None, timeout=20000)
    assert window.tables["operators"].rowCount() == 3
    stages = window.tables["stages"]
    assert [stages.item(row, 0).text() for row in range(stages.rowCount())][-2:] == [
        "end_to_end", "card_shown_age"]
    plots = window.plots.findChildren(QSvgWidget)
    assert len(plots) == 3 and all(plot.renderer().isValid() for plot in plots)
    window.operator.setText("op001")
    window.report = None
    window.run_button.click()
    qtbot.waitUntil(lambda: window.report is not None, timeout=20000)
    assert window.tables["operators"].rowCount() == 1
