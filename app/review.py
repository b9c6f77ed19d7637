"""The supervisor's view of the report for a folder, dates and operator: the headline figures
on top (cards shown within budget, dropped late, p95 latency, calls, operators), the plots,
and the tables, in the UI language."""

from __future__ import annotations

import html
from pathlib import Path
from typing import cast

from PySide6.QtCore import QByteArray, QDate, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import theme
from app.background import Background
from assist import (
    REPORT_TABLES,
    Report,
    latency_report,
    report_empty,
    report_headline,
    report_plots,
    report_table,
)

BUDGET_S = 3.0  # the gate's default budget, when the window is not told the configured one


class Tile(QFrame):
    """One headline figure: a big value over its label."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–")
        self.value.setObjectName("tile-value")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.value.setFont(font)
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.value)
        layout.addWidget(self.label)


class ReviewWindow(QMainWindow):
    """Are operators being helped: cards in time, late drops, latency, rules, checklists."""

    def __init__(self, folder: Path, parent: QWidget | None = None,
                 budget_s: float = BUDGET_S) -> None:
        super().__init__(parent)
        self.setObjectName("review")
        self.setWindowTitle(self.tr("Supervisor report"))
        self.budget_s = budget_s
        self.text = self._texts()
        self._background = Background("sufler-report", self)
        self._background.done.connect(self._show)
        self.folder = QLineEdit(str(folder))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        self.use_dates = QCheckBox(self.tr("Only from"))
        self.since = QDateEdit(QDate.currentDate().addDays(-7))
        self.until = QDateEdit(QDate.currentDate())
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
        self.operator = QLineEdit()
        self.operator.setPlaceholderText(self.tr("all operators"))
        self.run_button = QPushButton(self.tr("Show"))
        self.run_button.setObjectName("run-report")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run_report)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)  # warnings carry an SVG icon
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Log folder"), row)
        dates = QHBoxLayout()
        dates.addWidget(self.use_dates)
        dates.addWidget(self.since)
        dates.addWidget(QLabel(self.tr("to")))
        dates.addWidget(self.until)
        dates.addStretch(1)
        form.addRow(dates)
        form.addRow(self.tr("Operator"), self.operator)
        # the headline figures, in report_headline's order
        self.tiles = [Tile(label) for label in (
            self.tr("Cards shown within budget"), self.tr("Dropped late"),
            self.tr("p95 end-to-end latency"), self.tr("Calls"), self.tr("Operators"))]
        self.headline = QWidget()
        self.headline.setObjectName("headline")
        tiles = QHBoxLayout(self.headline)
        tiles.setContentsMargins(0, 0, 0, 0)
        for tile in self.tiles:
            tiles.addWidget(tile, 1)
        self.headline.setVisible(False)
        self.tabs = QTabWidget()
        self.plots = QWidget()
        self.plots.setObjectName("plots")
        self.plots_layout = QVBoxLayout(self.plots)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.plots)
        self.tabs.addTab(scroll, self.tr("Plots"))
        self.tables: dict[str, QTableWidget] = {}
        for key, title in REPORT_TABLES:
            table = QTableWidget()
            table.setObjectName(f"table-{key}")
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setSectionResizeMode(
                QHeaderView.ResizeMode.ResizeToContents)
            self.tables[key] = table
            self.tabs.addTab(table, self.text.get(title, title))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.run_button)
        layout.addLayout(buttons)
        layout.addWidget(self.headline)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.resize(860, 900)
        self.report: Report | None = None

    def _texts(self) -> dict[str, str]:
        """The report's English texts (table titles and headers, plot captions, labels and
        legends) in the UI language."""
        return {
            # tables
            "Operators": self.tr("Operators"), "Days": self.tr("Days"),
            "Rules": self.tr("Rules"), "Latency per stage": self.tr("Latency per stage"),
            "Latency by time into the call": self.tr("Latency by time into the call"),
            "Cards by outcome": self.tr("Cards by outcome"), "Models": self.tr("Models"),
            # headers
            "Stage": self.tr("Stage"), "Count": self.tr("Count"), "p50, s": self.tr("p50, s"),
            "p95, s": self.tr("p95, s"), "p99, s": self.tr("p99, s"),
            "Max, s": self.tr("Max, s"), "Operator": self.tr("Operator"),
            "Calls": self.tr("Calls"), "Utterances": self.tr("Utterances"),
            "Cards due": self.tr("Cards due"), "In budget": self.tr("In budget"),
            "Dropped late": self.tr("Dropped late"), "Late share": self.tr("Late share"),
            "Muted": self.tr("Muted"), "Other drops": self.tr("Other drops"),
            "Checklists": self.tr("Checklists"), "Completed": self.tr("Completed"),
            "Model": self.tr("Model"), "Real-time factor": self.tr("Real-time factor"),
            "Rule": self.tr("Rule"), "Shown": self.tr("Shown"),
            "Thumbs up": self.tr("Thumbs up"), "Thumbs down": self.tr("Thumbs down"),
            "Dismissed": self.tr("Dismissed"), "Mute-rule clicks": self.tr("Mute-rule clicks"),
            "Dismiss rate": self.tr("Dismiss rate"), "Outcome": self.tr("Outcome"),
            "Share": self.tr("Share"), "Day": self.tr("Day"),
            "Time into the call": self.tr("Time into the call"),
            # stage and outcome names
            "Endpointing": self.tr("Endpointing"), "Queue": self.tr("Queue"),
            "Recognition": self.tr("Recognition"), "Emit": self.tr("Emit"),
            "Extraction": self.tr("Extraction"), "Rule matching": self.tr("Rule matching"),
            "End to end": self.tr("End to end"), "Shown cards' age": self.tr("Shown cards' age"),
            "Snoozed": self.tr("Snoozed"), "Cooldown": self.tr("Cooldown"),
            "Duplicate": self.tr("Duplicate"), "Over the cap": self.tr("Over the cap"),
            # plot captions
            "Latency CDF: how many were in time": self.tr("Latency CDF: how many were in time"),
            "Cards shown within budget, per operator (lowest first)":
                self.tr("Cards shown within budget, per operator (lowest first)"),
            "Cards shown within budget, per day": self.tr("Cards shown within budget, per day"),
            "End-to-end latency by time into the call":
                self.tr("End-to-end latency by time into the call"),
            "What became of each rule's cards, and what operators made of them":
                self.tr("What became of each rule's cards, and what operators made of them"),
            "Checklists completed, per operator (lowest first)":
                self.tr("Checklists completed, per operator (lowest first)"),
            "End-to-end latency per operator (box p25–p75, line median, whiskers p5–p95; "
            "slowest first)": self.tr("End-to-end latency per operator (box p25–p75, line "
                                      "median, whiskers p5–p95; slowest first)"),
            # plot labels and legends
            "Cards due: evidence → decision": self.tr("Cards due: evidence → decision"),
            "Utterances: end of speech → text": self.tr("Utterances: end of speech → text"),
            "budget {0} s": self.tr("budget {0} s"),
            "{0} of cards due within budget": self.tr("{0} of cards due within budget"),
            "seconds": self.tr("seconds"), "share at or below": self.tr("share at or below"),
            "shown within budget": self.tr("shown within budget"),
            "dropped late": self.tr("dropped late"),
            "{0} late of {1}": self.tr("{0} late of {1}"),
            "all operators": self.tr("all operators"), "latency, s": self.tr("latency, s"),
            "utterances": self.tr("utterances"),
            "time into the call (m:ss), {0} bins": self.tr("time into the call (m:ss), {0} bins"),
            "{0} s": self.tr("{0} s"), "{0} min": self.tr("{0} min"), "{0} h": self.tr("{0} h"),
            "shown": self.tr("shown"), "muted": self.tr("muted"),
            "other drops": self.tr("other drops"), "cards": self.tr("cards"),
            "thumbs up": self.tr("thumbs up"), "thumbs down": self.tr("thumbs down"),
            "{0} dismissed": self.tr("{0} dismissed"),
            "votes (down | up)": self.tr("votes (down | up)"), "{0} of {1}": self.tr("{0} of {1}"),
            "checklists completed": self.tr("checklists completed"),
            "end-to-end latency, s": self.tr("end-to-end latency, s"),
            "{0} of {1} operators": self.tr("{0} of {1} operators"),
            "{0} busiest of {1} rules": self.tr("{0} busiest of {1} rules"),
        }

    def _browse(self) -> None:
        name = QFileDialog.getExistingDirectory(self, self.tr("Log folder"), self.folder.text())
        if name:
            self.folder.setText(name)

    def run_report(self) -> None:
        folder = self.folder.text().strip()
        since = until = None
        if self.use_dates.isChecked():
            since = self.since.date().toString("yyyy-MM-dd")
            until = self.until.date().addDays(1).toString("yyyy-MM-dd")
        operator = self.operator.text().strip() or None
        self.run_button.setEnabled(False)
        self.summary.setText(self.tr("Reading the logs…"))
        budget, text = self.budget_s, self.text

        def job() -> tuple[Report, list[tuple[str, str]]]:
            report = latency_report([folder], since, until, operator, budget_s=budget)
            return report, ([] if report_empty(report) else report_plots(report, text))

        self._background.run(job)

    def _show(self, outcome: object) -> None:
        self.run_button.setEnabled(True)
        if isinstance(outcome, Exception):
            self.summary.setText(html.escape(self.tr("No report: {0}").format(outcome)))
            return
        # Background passes on what the job returned
        report, plots = cast(tuple[Report, list[tuple[str, str]]], outcome)
        summary = self.tr("{0} log files, {1} utterances, {2} card decisions").format(
            report.files, report.utterances, report.cards)
        empty = report_empty(report)
        if empty:
            summary += "\n" + (self.tr("No records match (of {0} latency records read).")
                               .format(report.records) if report.records else
                               self.tr("No records match: the logs hold no latency records."))
        warning = theme.icon_html("warning")
        self.summary.setText("<br>".join(
            [*map(html.escape, summary.split("\n")),
             *(f"{warning} {html.escape(w)}" for w in report.warnings[:5])]))
        self.headline.setVisible(not empty)
        for tile, (_, value) in zip(self.tiles, report_headline(report), strict=True):
            tile.value.setText(value)
        p95 = report.headline["p95"]
        if p95 is not None:  # the unit in the UI language
            self.tiles[2].value.setText(self.text["{0} s"].format(f"{p95:.3f}"))
        self.tiles[0].setToolTip(self.tr(
            "Of the cards due (shown, or dropped as too late), the share shown within the "
            "{0} s budget").format(f"{report.budget_s:g}"))
        for key, table in self.tables.items():
            headers, cells = report_table(report, key)
            table.clear()
            table.setColumnCount(len(headers))
            table.setRowCount(len(cells))
            table.setHorizontalHeaderLabels([self.text.get(name, name) for name in headers])
            for row, line in enumerate(cells):
                for column, cell in enumerate(line):
                    named = column == 0 and key in ("stages", "drops")  # stage, outcome
                    item = QTableWidgetItem(self.text.get(cell, cell) if named else cell)
                    if column:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                              | Qt.AlignmentFlag.AlignVCenter)
                    table.setItem(row, column, item)
        while self.plots_layout.count():
            taken = self.plots_layout.takeAt(0)
            old = taken.widget() if taken is not None else None
            if old is not None:
                old.deleteLater()
        for caption, svg in plots:
            title = QLabel(caption)
            title.setObjectName("plot-caption")
            title.setWordWrap(True)
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            self.plots_layout.addWidget(title)
            widget = QSvgWidget()
            widget.setObjectName("plot")
            widget.load(QByteArray(svg.encode("utf-8")))
            size = widget.renderer().defaultSize()  # in points: drawn at the screen's dpi
            scale = max(1.0, self.logicalDpiX() / 72)
            widget.setFixedSize(round(size.width() * scale), round(size.height() * scale))
            self.plots_layout.addWidget(widget)
        self.plots_layout.addStretch(1)
        self.report = report

    def closeEvent(self, event: QCloseEvent) -> None:
        self._background.shutdown()
        super().closeEvent(event)
