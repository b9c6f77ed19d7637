"""The supervisor's view: the latency report's tables and plots for a folder and dates."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import QByteArray, QDate
from PySide6.QtGui import QCloseEvent
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
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

from app.background import Background
from assist import Report, format_cell, latency_report, report_plots

TABLES = (("stages", "Stages"), ("operators", "Operators"), ("rules", "Rules"),
          ("models", "Models"), ("drops", "Cards by outcome"),
          ("minutes", "By minute of call"))


class ReviewWindow(QMainWindow):
    """Latency per stage, operator, rule and minute of call, from the latency logs."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review")
        self.setWindowTitle(self.tr("Latency review"))
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
        self.run_button.clicked.connect(self.run_report)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
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
        self.tabs = QTabWidget()
        self.plots = QWidget()
        self.plots_layout = QVBoxLayout(self.plots)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.plots)
        self.tabs.addTab(scroll, self.tr("Plots"))
        self.tables: dict[str, QTableWidget] = {}
        names = {"stages": self.tr("Stages"), "operators": self.tr("Operators"),
                 "rules": self.tr("Rules"), "models": self.tr("Models"),
                 "drops": self.tr("Cards by outcome"), "minutes": self.tr("By minute of call")}
        for key, _ in TABLES:
            table = QTableWidget()
            table.setObjectName(f"table-{key}")
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            self.tables[key] = table
            self.tabs.addTab(table, names[key])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.run_button)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.resize(880, 760)
        self.report: Report | None = None

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

        self._background.run(lambda: latency_report([folder], since, until, operator))

    def _show(self, outcome: object) -> None:
        self.run_button.setEnabled(True)
        if isinstance(outcome, Exception):
            self.summary.setText(self.tr("No report: {0}").format(outcome))
            return
        report = cast(Report, outcome)  # Background passes on what the job returned
        self.report = report
        self.summary.setText(self.tr("{0} log files, {1} utterances, {2} card decisions")
                             .format(report.files, report.utterances, report.cards)
                             + "".join("\n⚠ " + w for w in report.warnings))
        for key, table in self.tables.items():
            rows = getattr(report, key)
            names = list(rows[0]) if rows else []
            table.clear()
            table.setColumnCount(len(names))
            table.setRowCount(len(rows))
            table.setHorizontalHeaderLabels(names)
            for row, record in enumerate(rows):
                for column, name in enumerate(names):
                    table.setItem(row, column, QTableWidgetItem(format_cell(record[name])))
            table.resizeColumnsToContents()
        while self.plots_layout.count():
            item = self.plots_layout.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        for svg in report_plots(report):
            start = svg.find("<svg")
            if start < 0:
                continue
            caption = svg[svg.find("<figcaption>") + 12: svg.find("</figcaption>")]
            self.plots_layout.addWidget(QLabel(f"<b>{caption}</b>"))
            widget = QSvgWidget()
            widget.setObjectName("plot")
            widget.load(QByteArray(svg[start: svg.rfind("</svg>") + 6].encode("utf-8")))
            size = widget.renderer().defaultSize()
            widget.setFixedSize(size)
            self.plots_layout.addWidget(widget)
        self.plots_layout.addStretch(1)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._background.shutdown()
        super().closeEvent(event)
