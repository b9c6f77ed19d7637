"""The admin's rules editor: live validation, a back-test on saved calls, a safe deploy."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import theme
from app.background import Background
from app.widgets import status_html, ui_language
from assist import (
    AssistError,
    EngineConfig,
    backtest,
    load_call,
    parse_rules,
    rows,
    saved_calls,
    write_atomic,
)

VALIDATE_AFTER_MS = 300
MAX_BACKTEST_CALLS = 200
TABLE_COLUMNS = ("rule", "kind", "shown", "per_call", "calls_share", "first_s",
                 "dropped_over_budget", "dropped_muted", "dropped_cooldown",
                 "dropped_duplicate", "dropped_capped", "flag")


class RulesEditor(QMainWindow):
    """Edit a live rule file; Deploy replaces it atomically, and only when it validates."""

    deployed = Signal(str)

    def __init__(self, config: EngineConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rules-editor")
        self.setWindowTitle(self.tr("Rules editor"))
        self.config = config
        base = Path(config.origin) if config.origin else None
        self.paths = list(config.rules.paths(base))
        self.problems: list[Any] = []
        self.rule_count = 0
        self._background = Background("sufler-backtest", self)
        self._background.done.connect(self._show_backtest)

        # the UI language's rule file first (en.toml in English, ru.toml in Russian)
        language = ui_language()
        self.paths.sort(key=lambda path: not path.stem.lower().startswith(language))
        self.saved_text = ""
        self._shown_index = 0
        self.file_box = QComboBox()
        self.file_box.setObjectName("rule-file")
        for path in self.paths:
            self.file_box.addItem(str(path), str(path))
        self.file_box.currentIndexChanged.connect(self._file_chosen)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("rules-text")
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.editor.setFont(mono)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("problems")
        self.problem_list.setMaximumHeight(6 * self.problem_list.fontMetrics().height() + 8)
        self.problem_list.itemActivated.connect(self.jump_to_problem)
        self.problem_list.itemClicked.connect(self.jump_to_problem)
        self.status = QLabel()
        self.status.setObjectName("validation")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.backtest_button = QPushButton(self.tr("Back-test on saved calls"))
        self.backtest_button.setObjectName("backtest")
        self.backtest_button.clicked.connect(self.run_backtest)
        self.deploy_button = QPushButton(self.tr("Deploy"))
        self.deploy_button.setObjectName("deploy")
        self.deploy_button.clicked.connect(self.deploy)
        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setObjectName("backtest-table")
        headers = {
            "rule": self.tr("Rule"), "kind": self.tr("Kind"), "shown": self.tr("Shown"),
            "per_call": self.tr("Per call"), "calls_share": self.tr("Calls"),
            "first_s": self.tr("First at, s"), "dropped_over_budget": self.tr("Too late"),
            "dropped_muted": self.tr("Muted"), "dropped_cooldown": self.tr("Cooldown"),
            "dropped_duplicate": self.tr("Duplicate"), "dropped_capped": self.tr("Capped"),
            "flag": self.tr("Flag")}
        self.table.setHorizontalHeaderLabels([headers[key] for key in TABLE_COLUMNS])
        share = self.table.horizontalHeaderItem(TABLE_COLUMNS.index("calls_share"))
        if share is not None:
            share.setToolTip(self.tr("Share of the calls in which the rule showed a card"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.backtest_label = QLabel(self.tr("Back-test the edited rules on the saved calls "
                                             "before deploying them."))
        self.backtest_label.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("File")))
        top.addWidget(self.file_box, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.backtest_button)
        buttons.addWidget(self.deploy_button)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(buttons)
        lower_layout.addWidget(self.problem_list, 1)
        lower_layout.addWidget(self.backtest_label)
        lower_layout.addWidget(self.table, 2)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.editor)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.resize(900, 720)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_AFTER_MS)
        self._timer.timeout.connect(self.validate)
        self.editor.textChanged.connect(self._timer.start)
        self.editor.textChanged.connect(self._show_title)
        self.open_selected()

    @property
    def path(self) -> Path:
        return Path(self.file_box.currentData() or self.paths[0])

    def open_selected(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            text = ""
            self.status.setText(self.tr("Cannot read {0}: {1}").format(self.path, exc.strerror))
        self.editor.setPlainText(text)
        self.saved_text = text
        self._shown_index = self.file_box.currentIndex()
        self.validate()
        self._show_title()

    @property
    def dirty(self) -> bool:
        """The text differs from what the live file held when opened or last deployed."""
        return self.editor.toPlainText() != self.saved_text

    def _show_title(self) -> None:
        self.setWindowTitle(self.tr("Rules editor") + f" — {self.path.name}"
                            + (" *" if self.dirty else ""))

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Save (deploy), Discard or Cancel, for edits not yet deployed."""
        return QMessageBox.question(
            self, self.tr("Unsaved edits"),
            self.tr("{0} has edits that are not deployed. Deploy them first?").format(
                Path(self.file_box.itemData(self._shown_index) or self.path).name),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)

    def settle_unsaved(self) -> bool:
        """True when it is safe to leave the text: nothing unsaved, deployed, or discarded."""
        if not self.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.deploy()
        return answer == QMessageBox.StandardButton.Discard

    def _file_chosen(self, index: int) -> None:
        if index == self._shown_index:
            return
        chosen = index
        # the text on screen still belongs to the file shown before the switch
        self.file_box.blockSignals(True)
        self.file_box.setCurrentIndex(self._shown_index)
        safe = self.settle_unsaved()
        if safe:
            self.file_box.setCurrentIndex(chosen)
        self.file_box.blockSignals(False)
        if safe:
            self.open_selected()

    # -- validation ---------------------------------------------------------------------

    def validate(self) -> None:
        """What `sufler rules check` says, on the text being edited."""
        self._timer.stop()
        ruleset = parse_rules(self.editor.toPlainText(), str(self.path))
        self.problems = list(ruleset.problems)
        self.rule_count = len(ruleset.rules)
        self.problem_list.clear()
        for problem in self.problems:
            item = QListWidgetItem(self.tr("line {0}: {1}").format(
                problem.line, str(problem).split(": ", 1)[-1]))
            item.setData(Qt.ItemDataRole.UserRole, problem.line)
            item.setForeground(QColor(theme.current().bad))
            self.problem_list.addItem(item)
        broken = bool(self.problems)
        self.deploy_button.setEnabled(not broken)
        self.backtest_button.setEnabled(not broken and self.rule_count > 0)
        colours = theme.current()
        if broken:
            self.deploy_button.setToolTip(self.tr("Fix the problems first"))
            self.status.setText(status_html("cross", self.tr(
                "{0} problem(s): deploying is blocked").format(len(self.problems))))
            self.status.setStyleSheet(f"color: {colours.bad}; font-weight: 600;")
        else:
            self.deploy_button.setToolTip("")
            self.status.setText(status_html("check", self.tr("{0} rules, no problems").format(
                self.rule_count)))
            self.status.setStyleSheet(f"color: {colours.ok}; font-weight: 600;")
        self._mark_lines([problem.line for problem in self.problems])

    def _mark_lines(self, lines: list[int]) -> None:
        selections = []
        for line in sorted(set(lines)):
            block = self.editor.document().findBlockByNumber(max(0, line - 1))
            if not block.isValid():
                continue
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(theme.current().muted_bg))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            cursor = QTextCursor(block)
            selection.cursor = cursor
            selections.append(selection)
        self.editor.setExtraSelections(selections)

    def jump_to_problem(self, item: QListWidgetItem) -> None:
        self.jump_to_line(int(item.data(Qt.ItemDataRole.UserRole) or 1))

    def jump_to_line(self, line: int) -> None:
        block = self.editor.document().findBlockByNumber(max(0, line - 1))
        cursor = QTextCursor(block)
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()
        self.editor.setFocus()

    def current_line(self) -> int:
        return self.editor.textCursor().blockNumber() + 1

    # -- back-test ----------------------------------------------------------------------

    def run_backtest(self) -> None:
        self.validate()
        if self.problems:
            return
        ruleset = parse_rules(self.editor.toPlainText(), str(self.path))
        folder = self.config.storage.calls_path()
        calls = [info.path for info in saved_calls(folder)][:MAX_BACKTEST_CALLS]
        if not calls:
            self.backtest_label.setText(self.tr("No saved calls in {0} yet.").format(folder))
            return
        self.backtest_button.setEnabled(False)
        self.backtest_label.setText(self.tr("Back-testing on {0} calls…").format(len(calls)))
        rules_config = self.config.rules

        def work() -> object:
            loaded = []
            for path in calls:
                try:
                    loaded.append(load_call(path))
                except AssistError:
                    continue  # a call with nothing said, or a foreign file
            result = backtest(loaded, ruleset.rules, rules_config)
            return (result, rows(result))

        self._background.run(work)

    def _show_backtest(self, outcome: object) -> None:
        self.backtest_button.setEnabled(not self.problems)
        if isinstance(outcome, Exception):
            self.backtest_label.setText(self.tr("Back-test failed: {0}").format(outcome))
            return
        # what work() returned; Backtest is not part of the public face of `assist`
        result, records = cast("tuple[Any, list[dict[str, Any]]]", outcome)
        self.backtest_label.setText(self.tr(
            "{0} calls, {1:.0f} min: {2} rules never fired, {3} fire often").format(
            result.calls, result.call_seconds / 60,
            sum(1 for record in records if record.get("flag") == "never"),
            sum(1 for record in records if record.get("flag") == "noisy")))
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            for column, key in enumerate(TABLE_COLUMNS):
                value = record.get(key, "")
                if value is None:
                    text = ""
                elif key == "calls_share" and isinstance(value, (int, float)):
                    text = f"{value * 100:.0f} %"
                elif isinstance(value, float):
                    text = f"{value:.1f}"
                else:
                    text = str(value)
                item = QTableWidgetItem(text)
                if isinstance(value, (int, float)):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    # -- deploy -------------------------------------------------------------------------

    def deploy(self) -> bool:
        """Replace the live file atomically; refused while the text has problems."""
        self.validate()
        if self.problems:
            self.jump_to_line(self.problems[0].line)
            return False
        target = self.path
        try:
            write_atomic(target, self.editor.toPlainText())
        except OSError as exc:
            self.status.setText(self.tr("Cannot write {0}: {1}").format(target, exc.strerror))
            return False
        self.saved_text = self.editor.toPlainText()
        self._show_title()
        self.status.setText(status_html("check", self.tr(
            "Deployed {0} rules to {1}; the running call picks them up within a second").format(
            self.rule_count, target)))
        self.deployed.emit(str(target))
        return True

    def closeEvent(self, event: Any) -> None:
        if not self.settle_unsaved():
            event.ignore()
            return
        self._background.shutdown()
        super().closeEvent(event)
