"""The operator's panel: compact and always on top, wider when resized."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import cast

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.bridge import CallEnded, EngineBridge
from app.session import DEMO, CallPlan, CallSession
from app.widgets import (
    ChecklistView,
    EntityCard,
    HintCard,
    LevelMeter,
    TranscriptView,
)
from assist import (
    BacklogReported,
    CaptureChanged,
    ChecklistUpdated,
    EngineConfig,
    EngineError,
    EngineStateChanged,
    EntityExtracted,
    FeedbackAction,
    HintsControlled,
    LevelsMeasured,
    ReadbackChecked,
    RulesLoaded,
    SuggestionDropped,
    SuggestionRetired,
    SuggestionShown,
    TranscriptUpdated,
)

log = logging.getLogger(__name__)

WIDE_AT = 720  # px: side by side from this width, stacked below it
MAX_ENTITY_CARDS = 6
DEGRADED_FOR_S = 30.0  # a shed window, an error or a lost device keeps "degraded" this long


class MainWindow(QMainWindow):
    """Transcript, entity cards, hint cards, Mute, and a status line."""

    def __init__(self, session: CallSession, bridge: EngineBridge,
                 settings: QSettings | None = None, plan: CallPlan | None = None) -> None:
        super().__init__()
        self.session = session
        self.bridge = bridge
        self.prefs = settings or QSettings()
        self.plan = plan or CallPlan()
        self.setObjectName("sufler-main")
        self.setWindowTitle(self.tr("Sufler"))
        self.hint_cards: dict[int, HintCard] = {}
        self.entity_cards: dict[int, EntityCard] = {}
        self.state = "stopped"
        self.degraded_at = float("-inf")
        self.degraded_why = ""
        self.last_latency: float | None = None
        self.muted_rules: tuple[str, ...] = ()
        self._build()
        self._connect()
        self._restore()
        self._health_timer = QTimer(self)
        self._health_timer.setInterval(1000)
        self._health_timer.timeout.connect(self._update_health)
        self._health_timer.start()
        self._update_health()

    # -- building -----------------------------------------------------------------------

    def _build(self) -> None:
        toolbar = self.addToolBar(self.tr("Call"))
        toolbar.setObjectName("call-toolbar")
        toolbar.setMovable(False)
        self.call_action = QAction(self.tr("Start call"), self)
        self.call_action.setObjectName("call")
        self.call_action.setShortcut(QKeySequence("Ctrl+Return"))
        self.call_action.triggered.connect(self.toggle_call)
        toolbar.addAction(self.call_action)

        self.mute_action = QAction(self.tr("Mute hints"), self)
        self.mute_action.setObjectName("mute")
        self.mute_action.setCheckable(True)
        self.mute_action.setShortcut(QKeySequence("Ctrl+M"))
        self.mute_action.setToolTip(self.tr("Mute hints (Ctrl+M): no cards until unmuted"))
        self.mute_action.toggled.connect(self.set_muted)
        toolbar.addAction(self.mute_action)
        self.mute_button = toolbar.widgetForAction(self.mute_action)
        self.mute_button.setObjectName("mute-button")

        self.snooze_menu = QMenu(self.tr("Snooze"), self)
        for minutes in (5, 15, 30):
            action = self.snooze_menu.addAction(self.tr("Snooze for {0} min").format(minutes))
            action.triggered.connect(lambda _=False, m=minutes: self.snooze(m))
        self.snooze_menu.addSeparator()
        end = self.snooze_menu.addAction(self.tr("End snooze"))
        end.triggered.connect(lambda: self.snooze(0))
        snooze = QToolButton()
        snooze.setObjectName("snooze")
        snooze.setText(self.tr("Snooze"))
        snooze.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        snooze.setMenu(self.snooze_menu)
        toolbar.addWidget(snooze)

        menu = self.menuBar()
        call_menu = menu.addMenu(self.tr("&Call"))
        call_menu.addAction(self.call_action)
        play = call_menu.addAction(self.tr("Play a recording…"))
        play.triggered.connect(self.play_recording)
        demo = call_menu.addAction(self.tr("Play the demo call"))
        demo.triggered.connect(lambda: self.start_call(DEMO))
        call_menu.addSeparator()
        call_menu.addAction(self.mute_action)
        call_menu.addMenu(self.snooze_menu)
        call_menu.addSeparator()
        quit_action = call_menu.addAction(self.tr("Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        view = menu.addMenu(self.tr("&View"))
        self.on_top_action = view.addAction(self.tr("Always on top"))
        self.on_top_action.setCheckable(True)
        self.on_top_action.toggled.connect(self.set_on_top)
        self.tools_menu = menu.addMenu(self.tr("&Tools"))
        self.settings_action = self.tools_menu.addAction(self.tr("Settings…"))
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.rules_action = self.tools_menu.addAction(self.tr("Rules editor (admin)…"))
        self.review_action = self.tools_menu.addAction(self.tr("Latency review (supervisor)…"))

        central = QWidget()
        self.main_layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, central)
        self.main_layout.setContentsMargins(6, 6, 6, 6)
        self.main_layout.setSpacing(6)

        self.side = QWidget()
        self.side.setObjectName("cards")
        side = QVBoxLayout(self.side)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(4)
        self.muted_banner = QLabel(self.tr("🔕 Hints muted — Ctrl+M to unmute"))
        self.muted_banner.setObjectName("muted-banner")
        self.muted_banner.setStyleSheet(
            "background: #fde7e7; color: #8c1d18; padding: 3px; border-radius: 4px;")
        self.muted_banner.setVisible(False)
        side.addWidget(self.muted_banner)
        self.snooze_banner = QLabel()
        self.snooze_banner.setObjectName("snooze-banner")
        self.snooze_banner.setStyleSheet(
            "background: #fff4d6; color: #6b4e00; padding: 3px; border-radius: 4px;")
        self.snooze_banner.setVisible(False)
        side.addWidget(self.snooze_banner)
        self.hints_box = QVBoxLayout()
        self.hints_box.setSpacing(4)
        side.addLayout(self.hints_box)
        self.checklist = ChecklistView()
        side.addWidget(self.checklist)
        self.entities_box = QVBoxLayout()
        self.entities_box.setSpacing(4)
        side.addLayout(self.entities_box)
        side.addStretch(1)
        self.side_scroll = QScrollArea()
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setWidget(self.side)
        self.side_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.side_scroll.setSizePolicy(QSizePolicy.Policy.Preferred,
                                       QSizePolicy.Policy.Preferred)

        self.transcript = TranscriptView()
        self.placeholder = QLabel(self.tr(
            "Press “Start call” (Ctrl+Enter) to listen to the call.\n"
            "Hints appear here only while they are still timely."))
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #6b6b6b;")
        self.main_layout.addWidget(self.side_scroll, 1)
        self.main_layout.addWidget(self.placeholder, 0)
        self.main_layout.addWidget(self.transcript, 1)
        self.setCentralWidget(central)

        status = self.statusBar()
        self.state_label = QLabel()
        self.state_label.setObjectName("state")
        self.health_label = QLabel()
        self.health_label.setObjectName("health")
        self.latency_label = QLabel("—")
        self.latency_label.setObjectName("latency")
        self.latency_label.setToolTip(self.tr("Last end-to-end latency: end of speech to text"))
        self.meters = {"operator": LevelMeter(self.tr("Operator input level")),
                       "customer": LevelMeter(self.tr("Customer input level"))}
        status.addWidget(self.state_label)
        status.addWidget(self.health_label)
        status.addPermanentWidget(self.latency_label)
        for meter in self.meters.values():
            status.addPermanentWidget(meter)
        self._show_state("stopped")

    def _connect(self) -> None:
        bridge = self.bridge
        bridge.transcript_updated.connect(self.on_transcript)
        bridge.entity_extracted.connect(self.on_entity)
        bridge.readback_checked.connect(self.on_readback)
        bridge.suggestion_shown.connect(self.on_suggestion)
        bridge.suggestion_retired.connect(self.on_retired)
        bridge.suggestion_dropped.connect(self.on_dropped)
        bridge.checklist_updated.connect(self.on_checklist)
        bridge.hints_controlled.connect(self.on_hints_controlled)
        bridge.engine_state_changed.connect(self.on_state)
        bridge.engine_error.connect(self.on_error)
        bridge.backlog_reported.connect(self.on_backlog)
        bridge.capture_changed.connect(self.on_capture)
        bridge.levels_measured.connect(self.on_levels)
        bridge.rules_loaded.connect(self.on_rules_loaded)
        bridge.call_ended.connect(self.on_call_ended)

    def _restore(self) -> None:
        geometry = self.prefs.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(400, 680)
        on_top = self.prefs.value("window/on_top", True, type=bool)
        self.on_top_action.setChecked(bool(on_top))
        self.set_on_top(bool(on_top))

    # -- layout -------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = event.size().width() >= WIDE_AT
        direction = QBoxLayout.Direction.RightToLeft if wide else \
            QBoxLayout.Direction.TopToBottom
        if self.main_layout.direction() != direction:
            self.main_layout.setDirection(direction)

    @property
    def wide(self) -> bool:
        return self.main_layout.direction() == QBoxLayout.Direction.RightToLeft

    def set_on_top(self, on_top: bool) -> None:
        self.prefs.setValue("window/on_top", on_top)
        visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on_top)
        if visible:
            self.show()  # changing flags hides a shown window

    # -- calls --------------------------------------------------------------------------

    def toggle_call(self) -> None:
        if self.session.running:
            self.session.stop()
            self.call_action.setEnabled(False)  # until the call has wound down
        else:
            self.start_call(self.plan)

    def start_call(self, plan: CallPlan) -> None:
        if self.session.running:
            return
        self.transcript.clear_call()
        self.checklist.clear_call()
        for card in list(self.hint_cards.values()) + list(self.entity_cards.values()):
            card.deleteLater()
        self.hint_cards.clear()
        self.entity_cards.clear()
        self.placeholder.setVisible(False)
        self.last_latency = None
        self.latency_label.setText("—")
        self.call_action.setText(self.tr("Stop call"))
        self.session.start(plan)

    def play_recording(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Play a recording"), "",
            self.tr("Audio (*.wav *.flac *.mp3 *.ogg *.m4a);;All files (*)"))
        if name:
            self.start_call(CallPlan(Path(name), "realtime"))

    def on_call_ended(self, ended: CallEnded) -> None:
        self.call_action.setText(self.tr("Start call"))
        self.call_action.setEnabled(True)
        self._show_state("stopped")
        for meter in self.meters.values():
            meter.set_level(-90)
        if ended.error:
            self.statusBar().showMessage(self.tr("Call failed: {0}").format(ended.error), 15000)
        elif ended.saved is not None:
            self.statusBar().showMessage(
                self.tr("Call saved: {0}").format(ended.saved.name), 8000)

    # -- hint controls ------------------------------------------------------------------

    def set_muted(self, muted: bool) -> None:
        """One click: cards go at once (here), and the engine drops new ones as `muted`."""
        if self.mute_action.isChecked() != muted:
            self.mute_action.setChecked(muted)  # re-enters through `toggled`
            return
        self.session.set_muted(muted)
        if muted:
            for card_id in list(self.hint_cards):
                self._remove_hint(card_id)
        self.muted_banner.setVisible(muted)
        self.mute_action.setText(self.tr("Unmute hints") if muted else self.tr("Mute hints"))
        self.mute_button.setStyleSheet(
            "background: #b3261e; color: white; font-weight: 600;" if muted else "")

    def snooze(self, minutes: float) -> None:
        self.session.snooze(minutes)

    def on_card_feedback(self, card_id: int, action: str) -> None:
        # the cards' buttons send only the four actions FeedbackAction names
        self.session.feedback(card_id, cast("FeedbackAction", action))
        if action in ("dismiss", "mute_rule"):
            self._remove_hint(card_id)

    def _remove_hint(self, card_id: int) -> None:
        card = self.hint_cards.pop(card_id, None)
        if card is not None:
            card.hide()
            card.deleteLater()

    # -- engine events ------------------------------------------------------------------

    def on_transcript(self, event: TranscriptUpdated) -> None:
        self.placeholder.setVisible(False)
        self.transcript.show_update(event)
        if event.final and event.latency >= 0:  # negative: a file fed faster than real time
            self.last_latency = event.latency
            self.latency_label.setText(self.tr("{0:.1f} s").format(event.latency))

    def on_entity(self, event: EntityExtracted) -> None:
        if event.supersedes is not None:
            old = self.entity_cards.pop(event.supersedes, None)
            if old is not None:
                old.deleteLater()
        card = EntityCard(event)
        self.entity_cards[event.entity_id] = card
        self.entities_box.insertWidget(0, card)
        while len(self.entity_cards) > MAX_ENTITY_CARDS:
            oldest = min(self.entity_cards)
            self.entity_cards.pop(oldest).deleteLater()

    def on_readback(self, check: ReadbackChecked) -> None:
        card = self.entity_cards.get(check.given_entity)
        if card is not None:
            card.show_readback(check)

    def on_suggestion(self, event: SuggestionShown) -> None:
        if self.mute_action.isChecked():
            return  # raced with the click: the engine logs it, the operator never sees it
        card = HintCard(event)
        card.feedback.connect(self.on_card_feedback)
        card.expired.connect(self._remove_hint)
        self.hint_cards[event.card_id] = card
        # most important first
        position = sum(1 for other in self.hint_cards.values()
                       if other is not card and other.event.priority >= event.priority)
        self.hints_box.insertWidget(position, card)

    def on_retired(self, event: SuggestionRetired) -> None:
        self._remove_hint(event.card_id)

    def on_dropped(self, event: SuggestionDropped) -> None:
        log.debug("card %s dropped: %s (%s)", event.rule_id, event.reason, event.detail)

    def on_checklist(self, event: ChecklistUpdated) -> None:
        self.checklist.show_update(event)

    def on_hints_controlled(self, event: HintsControlled) -> None:
        self.muted_rules = event.muted_rules
        if event.snoozed_until is not None:
            until = time.time() + (event.snoozed_until - event.at)
            self.snooze_banner.setText(self.tr("Hints snoozed until {0}").format(
                time.strftime("%H:%M", time.localtime(until))))
            self.snooze_banner.setVisible(True)
            QTimer.singleShot(int((event.snoozed_until - event.at) * 1000) + 500, self,
                              lambda: self.snooze_banner.setVisible(False))
        else:
            self.snooze_banner.setVisible(False)

    def on_state(self, event: EngineStateChanged) -> None:
        self._show_state(event.state, event.detail)

    def on_error(self, event: EngineError) -> None:
        self.degraded_at = time.monotonic()
        self.degraded_why = event.message
        self.statusBar().showMessage(event.message, 15000)
        self._update_health()

    def on_backlog(self, event: BacklogReported) -> None:
        if event.action == "shed":
            self.degraded_at = time.monotonic()
            self.degraded_why = self.tr("fell behind: {0:.0f} s of speech skipped").format(
                event.seconds)
            self._update_health()

    def on_capture(self, event: CaptureChanged) -> None:
        name = self.transcript.names.get(event.speaker, event.speaker)
        if event.state == "lost":
            self.degraded_at = time.monotonic()
            self.degraded_why = self.tr("{0} audio lost").format(name)
            self.statusBar().showMessage(self.degraded_why, 10000)
        elif event.state == "resumed":
            self.statusBar().showMessage(
                self.tr("{0} audio back after {1:.1f} s").format(name, event.gap_s), 8000)
        self._update_health()

    def on_levels(self, event: LevelsMeasured) -> None:
        for speaker, level in zip(event.speakers, event.levels, strict=False):
            meter = self.meters.get(speaker)
            if meter is not None:
                meter.set_level(level)

    def on_rules_loaded(self, event: RulesLoaded) -> None:
        if event.problems:
            kept = self.tr(" (the last good rules stay in force)") if event.kept_previous \
                else ""
            self.statusBar().showMessage(
                self.tr("Rule file problems: {0}").format(event.problems[0]) + kept, 15000)

    # -- status line --------------------------------------------------------------------

    def _show_state(self, state: str, detail: str = "") -> None:
        self.state = state
        names = {"loading": self.tr("Loading model…"), "warming_up": self.tr("Warming up…"),
                 "ready": self.tr("Ready"), "running": self.tr("Listening"),
                 "catching_up": self.tr("Catching up"), "stopped": self.tr("Idle")}
        self.state_label.setText(names.get(state, state))
        self._update_health()

    def health(self) -> str:
        """ok, catching_up or degraded (what the status line shows)."""
        if time.monotonic() - self.degraded_at < DEGRADED_FOR_S:
            return "degraded"
        if self.state == "catching_up":
            return "catching_up"
        return "ok"

    def _update_health(self) -> None:
        health = self.health()
        text = {"ok": self.tr("● OK"), "catching_up": self.tr("● catching up"),
                "degraded": self.tr("● degraded")}[health]
        colour = {"ok": "#1e7a46", "catching_up": "#c27c0e", "degraded": "#b3261e"}[health]
        self.health_label.setText(text)
        self.health_label.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.health_label.setToolTip(self.degraded_why if health == "degraded" else "")

    # -- closing ------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.prefs.setValue("window/geometry", self.saveGeometry())
        if self.session.running:
            answer = QMessageBox.question(
                self, self.tr("Sufler"), self.tr("A call is running. Stop it and quit?"))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.session.shutdown()
        super().closeEvent(event)

    def hint_count(self) -> int:
        return len(self.hint_cards)

    def configure(self, config: EngineConfig) -> None:
        self.session.configure(config)
