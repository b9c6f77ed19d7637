"""The operator's panel: compact and always on top, wider when resized."""

from __future__ import annotations

import html
import logging
import re
import time
from pathlib import Path
from typing import cast

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QFont,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSystemTrayIcon,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import i18n, theme
from app.bridge import CallEnded, EngineBridge
from app.hotkeys import HotkeyError, HotkeyRelay
from app.session import CallPlan, CallSession
from app.widgets import (
    CallBar,
    Card,
    ChecklistView,
    EntityCard,
    HintCard,
    LateHints,
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
    demo_audio,
)

log = logging.getLogger(__name__)

WIDE_AT = 720  # px: side by side from this width, stacked below it
MAX_ENTITY_CARDS = 6
DEGRADED_FOR_S = 30.0  # a shed window, an error or a lost device keeps "degraded" this long
FONT_RANGE = (7.0, 24.0)  # pt, View → text size
MIN_TRANSCRIPT_PX = 120  # the cards never squeeze the transcript below this
# global hotkeys (X11 and Windows; app/hotkeys.py says why not Wayland or macOS)
GLOBAL_HOTKEYS = {"Ctrl+Alt+M": "mute", "Ctrl+Alt+C": "copy_entity"}
# the engine's detail when the recognizer switches (assist/asr/remote.py LOCAL/REMOTE_REASON)
RECOGNIZER_DETAIL = re.compile(r"Recognizer: (local|remote) \((.*)\)\Z", re.DOTALL)


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" to the room it has (the full text is
    its tooltip), so it never runs under its neighbours or widens the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(20)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight,
                                              max(0, self.width() - 2))
        if shown != self.text():
            self.setText(shown)


class SideScroll(QScrollArea):
    """The cards' column: as tall as its cards when the panel is narrow (no empty grey
    above the transcript), scrolling when they do not fit."""

    def sizeHint(self) -> QSize:
        inner = self.widget()
        hint = super().sizeHint()
        if inner is None:
            return hint
        width = self.viewport().width()
        layout = inner.layout()
        # wrapped text is as tall as it is at the width it has, not at its preferred width
        height = layout.totalHeightForWidth(width) if layout is not None and width > 0 and \
            layout.hasHeightForWidth() else inner.sizeHint().height()
        return QSize(hint.width(), height + 2 * self.frameWidth())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # a new width changes how tall the wrapped cards are

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)


class MainWindow(QMainWindow):
    """Call bar, hint cards, late hints, checklist, entity cards, transcript; Mute; a status
    line that never overlaps itself."""

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
        self.error_box: QMessageBox | None = None
        self.help_box: QMessageBox | None = None
        self.tray: QSystemTrayIcon | None = None
        self.hotkeys: HotkeyRelay | None = None
        self.hotkeys_off = ""  # why global hotkeys are not bound ("" when they are)
        self.recognizer = ""  # remote or local, once the engine has said
        # the demo call's language: the UI's (run_gui sets the one --lang chose)
        self.language = i18n.ui_language(str(self.prefs.value("ui/language", "system")))
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(lambda: self.message_label.set_full_text(""))
        self._build()
        self._connect()
        self._restore()
        self._health_timer = QTimer(self)
        self._health_timer.setInterval(1000)
        self._health_timer.timeout.connect(self._update_health)
        self._health_timer.start()
        self._update_health()

    # -- building -----------------------------------------------------------------------

    def _action(self, text: str, name: str, shortcut: str | QKeySequence.StandardKey = "",
                slot: object = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if slot is not None:
            action.triggered.connect(slot)
        self.addAction(action)  # its shortcut works with the menus closed
        return action

    def _build(self) -> None:
        self.call_action = self._action(self.tr("Start call"), "call", "Ctrl+Return",
                                        self.toggle_call)
        self.mute_action = self._action(self.tr("Mute hints"), "mute", "Ctrl+M")
        self.mute_action.setCheckable(True)
        self.mute_action.setToolTip(self.tr("Mute hints (Ctrl+M): no cards until unmuted"))
        self.mute_action.toggled.connect(self.set_muted)
        self.copy_actions = {
            "phone": self._action(self.tr("Copy the last phone number"), "copy-phone",
                                  "Ctrl+Shift+P", lambda: self.copy_last("phone")),
            "address": self._action(self.tr("Copy the last address"), "copy-address",
                                    "Ctrl+Shift+A", lambda: self.copy_last("address")),
            "email": self._action(self.tr("Copy the last e-mail"), "copy-email",
                                  "Ctrl+Shift+E", lambda: self.copy_last("email")),
        }
        self.dismiss_action = self._action(self.tr("Dismiss the top hint"), "dismiss-top",
                                           "Ctrl+D", self.dismiss_top)
        self.help_action = self._action(self.tr("Keyboard shortcuts"), "shortcut-help",
                                        QKeySequence.StandardKey.HelpContents,
                                        self.show_shortcuts)
        self.help_action.setIcon(theme.icon("keyboard"))

        toolbar = self.addToolBar(self.tr("Call"))
        toolbar.setObjectName("call-toolbar")
        toolbar.setMovable(False)
        # Start/Stop on the left, at one width whatever its text; Mute and Snooze on the
        # right: the two never trade places between states or languages
        self.call_button = QToolButton()
        self.call_button.setObjectName("call-button")
        self.call_button.setDefaultAction(self.call_action)
        self.call_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addWidget(self.call_button)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.mute_button = QToolButton()
        self.mute_button.setObjectName("mute-button")
        self.mute_button.setDefaultAction(self.mute_action)
        toolbar.addWidget(self.mute_button)

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
        demo.triggered.connect(self.play_demo)
        call_menu.addSeparator()
        call_menu.addAction(self.mute_action)
        call_menu.addMenu(self.snooze_menu)
        call_menu.addSeparator()
        quit_action = self._action(self.tr("Quit"), "quit", QKeySequence.StandardKey.Quit,
                                   self.close)
        call_menu.addAction(quit_action)
        cards_menu = menu.addMenu(self.tr("C&ards"))
        for action in self.copy_actions.values():
            cards_menu.addAction(action)
        cards_menu.addSeparator()
        cards_menu.addAction(self.dismiss_action)

        view = menu.addMenu(self.tr("&View"))
        self.on_top_action = view.addAction(self.tr("Always on top"))
        self.on_top_action.setCheckable(True)
        self.on_top_action.toggled.connect(self.set_on_top)
        view.addSeparator()
        self.font_actions = {
            "larger": self._action(self.tr("Larger text"), "font-larger",
                                   QKeySequence.StandardKey.ZoomIn,
                                   lambda: self.set_font_size(self.font_size + 1)),
            "smaller": self._action(self.tr("Smaller text"), "font-smaller",
                                    QKeySequence.StandardKey.ZoomOut,
                                    lambda: self.set_font_size(self.font_size - 1)),
            "default": self._action(self.tr("Default text size"), "font-default", "Ctrl+0",
                                    lambda: self.set_font_size(self.default_font_size)),
        }
        for action in self.font_actions.values():
            view.addAction(action)
        view.addSeparator()
        theme_menu = view.addMenu(self.tr("Theme"))
        self.theme_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for choice, text in (("system", self.tr("As the system")), ("light", self.tr("Light")),
                             ("dark", self.tr("Dark"))):
            action = theme_menu.addAction(text)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, c=choice: self.set_theme(c))
            group.addAction(action)
            self.theme_actions[choice] = action
        self.tools_menu = menu.addMenu(self.tr("&Tools"))
        self.settings_action = self.tools_menu.addAction(self.tr("Settings…"))
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.rules_action = self.tools_menu.addAction(self.tr("Rules editor (admin)…"))
        self.review_action = self.tools_menu.addAction(self.tr("Latency review (supervisor)…"))
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self.help_action)

        central = QWidget()
        central.setObjectName("central")
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 4, 6, 6)
        outer.setSpacing(4)
        self.transcript = TranscriptView()
        self.call_bar = CallBar(self.transcript.names)
        outer.addWidget(self.call_bar)
        self.main_layout = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.main_layout.setSpacing(6)
        outer.addLayout(self.main_layout, 1)

        self.side = QWidget()
        self.side.setObjectName("cards")
        side = QVBoxLayout(self.side)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(4)
        # a fixed order from top to bottom: banners, hints, late hints, checklist, entities
        self.muted_banner = QFrame()
        self.muted_banner.setObjectName("muted-banner")
        banner = QHBoxLayout(self.muted_banner)
        banner.setContentsMargins(6, 3, 6, 3)
        self.muted_icon = QLabel()
        self.muted_text = QLabel(self.tr("Hints muted — Ctrl+M to unmute"))
        self.muted_text.setWordWrap(True)
        banner.addWidget(self.muted_icon)
        banner.addWidget(self.muted_text, 1)
        self.muted_banner.setVisible(False)
        side.addWidget(self.muted_banner)
        self.snooze_banner = QLabel()
        self.snooze_banner.setObjectName("snooze-banner")
        self.snooze_banner.setVisible(False)
        side.addWidget(self.snooze_banner)
        self.hints_box = QVBoxLayout()
        self.hints_box.setSpacing(4)
        side.addLayout(self.hints_box)
        self.late_hints = LateHints()
        side.addWidget(self.late_hints)
        self.checklist = ChecklistView()
        side.addWidget(self.checklist)
        self.entities_box = QVBoxLayout()
        self.entities_box.setSpacing(4)
        side.addLayout(self.entities_box)
        side.addStretch(1)
        self.side_scroll = SideScroll()
        self.side_scroll.setObjectName("cards-scroll")
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setWidget(self.side)
        self.side.installEventFilter(self.side_scroll)
        self.side_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.placeholder = QLabel(self.tr(
            "Press “Start call” (Ctrl+Enter) to listen to the call.\n"
            "Hints appear here only while they are still timely. F1: shortcuts."))
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.transcript.setMinimumHeight(MIN_TRANSCRIPT_PX)
        self.main_layout.addWidget(self.side_scroll)
        self.main_layout.addWidget(self.placeholder)
        self.main_layout.addWidget(self.transcript)
        self.setCentralWidget(central)
        self._fit_layout(wide=False)

        status = self.statusBar()
        status.setSizeGripEnabled(False)
        self.state_label = QLabel()
        self.state_label.setObjectName("state")
        self.health_label = QLabel()
        self.health_label.setObjectName("health")
        self.recognizer_label = QLabel()  # remote or local recognition, once it switched
        self.recognizer_label.setObjectName("recognizer")
        self.recognizer_label.setVisible(False)
        self.message_label = ElidedLabel()
        self.message_label.setObjectName("message")
        # own widgets only, no QStatusBar.showMessage: a temporary message is drawn over
        # the normal widgets when it comes before the window is shown
        status.addWidget(self.state_label)
        status.addWidget(self.health_label)
        status.addWidget(self.recognizer_label)
        status.addWidget(self.message_label, 1)
        self.latency_label = self.call_bar.latency_label
        self.meters = {speaker: leg.meter for speaker, leg in self.call_bar.legs.items()}
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
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    def _restore(self) -> None:
        geometry = self.prefs.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(400, 680)
        on_top = self.prefs.value("window/on_top", True, type=bool)
        self.on_top_action.setChecked(bool(on_top))
        self.set_on_top(bool(on_top))
        self.default_font_size = QApplication.font().pointSizeF()
        if self.default_font_size <= 0:
            self.default_font_size = 10.0
        size = self.prefs.value("ui/font_pt", self.default_font_size, type=float)
        self.font_size = self.default_font_size
        self.set_font_size(float(cast("float", size)))
        choice = str(self.prefs.value("ui/theme", "system"))
        self.set_theme(choice if choice in theme.THEMES else "system")

    # -- layout, text size, theme -------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = event.size().width() >= WIDE_AT
        if wide != self.wide:
            self._fit_layout(wide)

    def _fit_layout(self, wide: bool) -> None:
        """Wide: cards beside the transcript, both full height. Narrow: the cards as tall
        as they are (up to what leaves the transcript its minimum), the transcript below
        takes the rest."""
        self.main_layout.setDirection(QBoxLayout.Direction.RightToLeft if wide
                                      else QBoxLayout.Direction.TopToBottom)
        vertical = QSizePolicy.Policy.Expanding if wide else QSizePolicy.Policy.Maximum
        self.side_scroll.setSizePolicy(QSizePolicy.Policy.Preferred, vertical)
        self.main_layout.setStretch(0, 1 if wide else 0)
        self.main_layout.setStretch(2, 1)

    @property
    def wide(self) -> bool:
        return self.main_layout.direction() == QBoxLayout.Direction.RightToLeft

    def set_on_top(self, on_top: bool) -> None:
        self.prefs.setValue("window/on_top", on_top)
        visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on_top)
        if visible:
            self.show()  # changing flags hides a shown window

    def set_font_size(self, points: float) -> None:
        """The panel's text size (View menu), remembered across starts."""
        points = max(FONT_RANGE[0], min(FONT_RANGE[1], float(points)))
        self.font_size = points
        central = self.centralWidget()
        if central is not None:
            font = QFont(central.font())
            font.setPointSizeF(points)
            central.setFont(font)
            # a widget with a style sheet keeps the font it was polished with: hand it on
            for widget in central.findChildren(QWidget):
                if isinstance(widget, Card) or (widget.styleSheet() and not any(
                        isinstance(parent, Card) for parent in self._parents(widget))):
                    widget.setFont(font)
        self.prefs.setValue("ui/font_pt", points)
        self._fit_call_button()

    @staticmethod
    def _parents(widget: QWidget) -> list[QWidget]:
        found = []
        parent = widget.parentWidget()
        while parent is not None:
            found.append(parent)
            parent = parent.parentWidget()
        return found

    def _panel_font(self, card: QWidget) -> None:
        central = self.centralWidget()
        if central is not None:
            card.setFont(central.font())

    def set_theme(self, choice: str) -> None:
        """system (follow it, also when it changes), light or dark; remembered."""
        self.theme_choice = choice
        self.prefs.setValue("ui/theme", choice)
        action = self.theme_actions.get(choice)
        if action is not None:
            action.setChecked(True)
        theme.apply(choice)
        self.restyle()

    def _system_scheme_changed(self) -> None:
        if self.theme_choice == "system":
            theme.apply("system")
            self.restyle()

    def restyle(self) -> None:
        """Colours for the theme in force (cards, banners, bars, transcript)."""
        colours = theme.current()
        self.muted_banner.setStyleSheet(
            f"#muted-banner {{ background: {colours.muted_bg}; border-radius: 4px; }}"
            f" QLabel {{ color: {colours.muted_fg}; }}")
        self.muted_icon.setPixmap(theme.pixmap("mute_rule", 16, colours.muted_fg))
        self.snooze_banner.setStyleSheet(
            f"background: {colours.snooze_bg}; color: {colours.snooze_fg}; padding: 3px;"
            " border-radius: 4px;")
        self.placeholder.setStyleSheet(f"color: {colours.caption};")
        self.mute_button.setStyleSheet(
            f"background: {colours.bad}; color: white; font-weight: 600;"
            if self.mute_action.isChecked() else "")
        self.help_action.setIcon(theme.icon("keyboard"))
        for card in [*self.hint_cards.values(), *self.entity_cards.values()]:
            card.restyle()
        self.late_hints.restyle()
        self.checklist.refresh()
        self.call_bar.restyle()
        self.transcript.restyle()
        self._style_recognizer()
        self._update_health()

    def _fit_call_button(self) -> None:
        """Wide enough for both "Start call" and "Stop call" in this language and size."""
        button = self.call_button
        metrics = button.fontMetrics()
        texts = (self.tr("Start call"), self.tr("Stop call"))
        button.setFixedWidth(max(metrics.horizontalAdvance(text) for text in texts) + 20)

    # -- calls --------------------------------------------------------------------------

    @property
    def confirm_stop_enabled(self) -> bool:
        return bool(self.prefs.value("call/confirm_stop", True, type=bool))

    def confirm_stop(self) -> bool:
        """Ask before ending a call (Settings → Interface turns it off)."""
        answer = QMessageBox.question(
            self, self.tr("Stop the call"),
            self.tr("Stop listening to this call? Hints and cards stop until the next call."))
        return answer == QMessageBox.StandardButton.Yes

    def toggle_call(self) -> None:
        if self.session.running:
            if self.confirm_stop_enabled and not self.confirm_stop():
                return
            self.session.stop()
            self.call_action.setEnabled(False)  # until the call has wound down
        else:
            self.start_call(self.plan)

    def start_call(self, plan: CallPlan) -> None:
        if self.session.running:
            return
        self.transcript.clear_call()
        self.checklist.clear_call()
        self.late_hints.clear_call()
        for card in list(self.hint_cards.values()) + list(self.entity_cards.values()):
            card.deleteLater()
        self.hint_cards.clear()
        self.entity_cards.clear()
        self.placeholder.setVisible(False)
        self.last_latency = None
        self.call_bar.set_latency(None)
        self.call_action.setText(self.tr("Stop call"))
        self.session.start(plan)

    def play_demo(self) -> None:
        """The built-in demo call in the UI's language (ru or en)."""
        self.start_call(CallPlan(demo_audio(self.language), "realtime"))

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
        self.call_bar.stop()
        if ended.error:
            self.notify(self.tr("Call failed: {0}").format(ended.error), 30000)
            self.show_call_error(ended.error)
        elif ended.saved is not None:
            self.notify(self.tr("Call saved: {0}").format(ended.saved.name), 8000)

    def show_call_error(self, error: str) -> None:
        """The whole message in a dialog that offers the Settings (devices, model)."""
        if self.error_box is not None:
            self.error_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("The call failed"),
                          self.tr("The call failed: {0}").format(error),
                          QMessageBox.StandardButton.Close, self)
        box.setObjectName("call-error")
        settings = box.addButton(self.tr("Open Settings…"), QMessageBox.ButtonRole.AcceptRole)
        settings.setObjectName("open-settings")
        settings.clicked.connect(self.settings_action.trigger)
        box.setDefaultButton(settings)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.error_box = box
        box.open()

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
        self.restyle()
        if self.tray is not None:
            self.tray.setIcon(QIcon(theme.pixmap("sufler_muted" if muted else "sufler", 64)))
            self.tray.setToolTip(self.tr("Sufler: hints muted") if muted else self.tr("Sufler"))

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

    def top_hint(self) -> HintCard | None:
        for index in range(self.hints_box.count()):
            item = self.hints_box.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, HintCard) and widget.event.card_id in self.hint_cards:
                return widget
        return None

    def dismiss_top(self) -> None:
        card = self.top_hint()
        if card is not None:
            self.on_card_feedback(card.event.card_id, "dismiss")

    def copy_last(self, kind: str | None = None) -> None:
        """Copy the newest card of a kind (Ctrl+Shift+P/A/E), or of any kind (the global
        Ctrl+Alt+C)."""
        cards = [card for card in self.entity_cards.values()
                 if kind is None or card.event.kind == kind]
        if not cards:
            names = {"phone": self.tr("No phone number yet"), "address": self.tr("No address yet"),
                     "email": self.tr("No e-mail yet")}
            self.notify(names.get(kind, kind) if kind else self.tr("Nothing to copy yet"), 4000)
            return
        max(cards, key=lambda card: card.event.entity_id).copy_value()

    def _copied(self, text: str) -> None:
        self.notify(self.tr("Copied"), 2000)

    # -- engine events ------------------------------------------------------------------

    def on_transcript(self, event: TranscriptUpdated) -> None:
        self.placeholder.setVisible(False)
        self.transcript.show_update(event)
        if event.final and event.latency >= 0:  # negative: a file fed faster than real time
            self.last_latency = event.latency
            self.call_bar.set_latency(event.latency)

    def on_entity(self, event: EntityExtracted) -> None:
        """Cards keep their place: a new one goes below the others, a correction takes the
        place of the card it replaces."""
        position = self.entities_box.count()
        if event.supersedes is not None:
            old = self.entity_cards.pop(event.supersedes, None)
            if old is not None:
                position = self.entities_box.indexOf(old)
                self.entities_box.removeWidget(old)
                old.hide()
                old.deleteLater()
        card = EntityCard(event)
        self._panel_font(card)
        card.copied.connect(self._copied)
        self.entity_cards[event.entity_id] = card
        self.entities_box.insertWidget(max(0, position), card)
        while len(self.entity_cards) > MAX_ENTITY_CARDS:
            oldest = min(self.entity_cards)
            dropped = self.entity_cards.pop(oldest)
            self.entities_box.removeWidget(dropped)
            dropped.hide()
            dropped.deleteLater()

    def entity_order(self) -> list[int]:
        """Entity ids from top to bottom (tests)."""
        found = []
        for index in range(self.entities_box.count()):
            item = self.entities_box.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, EntityCard):
                found.append(widget.event.entity_id)
        return found

    def on_readback(self, check: ReadbackChecked) -> None:
        card = self.entity_cards.get(check.given_entity)
        if card is not None:
            card.show_readback(check)
            # the read-back's own card said "not read back yet" about the read-back itself:
            # its verdict is on the card it repeated
            repeated = self.entity_cards.get(check.repeated_entity)
            if repeated is not None and repeated is not card:
                del self.entity_cards[check.repeated_entity]
                self.entities_box.removeWidget(repeated)
                repeated.hide()
                repeated.deleteLater()

    def on_suggestion(self, event: SuggestionShown) -> None:
        if self.mute_action.isChecked():
            return  # raced with the click: the engine logs it, the operator never sees it
        card = HintCard(event)
        self._panel_font(card)
        card.feedback.connect(self.on_card_feedback)
        card.expired.connect(self._remove_hint)
        card.copied.connect(self._copied)
        self.hint_cards[event.card_id] = card
        # most important first
        position = sum(1 for other in self.hint_cards.values()
                       if other is not card and other.event.priority >= event.priority)
        self.hints_box.insertWidget(position, card)

    def on_retired(self, event: SuggestionRetired) -> None:
        self._remove_hint(event.card_id)

    def on_dropped(self, event: SuggestionDropped) -> None:
        log.debug("card %s dropped: %s (%s)", event.rule_id, event.reason, event.detail)
        if event.reason == "over_budget":  # too late: said quietly, never as a card
            self.late_hints.add(event, self.session.config.rules.budget_s)

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
        self.show_recognizer(event.detail)
        if event.state == "running" and self.call_bar.started is None and self.session.running:
            self.call_bar.start()

    def on_error(self, event: EngineError) -> None:
        self.degraded_at = time.monotonic()
        self.degraded_why = event.message
        self.notify(event.message, 15000)
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
            self.notify(self.degraded_why, 10000)
        elif event.state == "resumed":
            self.notify(self.tr("{0} audio back after {1:.1f} s").format(name, event.gap_s),
                        8000)
        self._update_health()

    def on_levels(self, event: LevelsMeasured) -> None:
        for speaker, level in zip(event.speakers, event.levels, strict=False):
            leg = self.call_bar.legs.get(speaker)
            if leg is not None:
                leg.set_level(level)

    def on_rules_loaded(self, event: RulesLoaded) -> None:
        if event.problems:
            kept = self.tr(" (the last good rules stay in force)") if event.kept_previous \
                else ""
            self.notify(self.tr("Rule file problems: {0}").format(event.problems[0]) + kept,
                        15000)

    # -- status line --------------------------------------------------------------------

    def notify(self, text: str, timeout_ms: int = 8000) -> None:
        """A message in the status line, shortened to fit (whole in its tooltip)."""
        self.message_label.set_full_text(text)
        self._message_timer.start(timeout_ms)

    def _show_state(self, state: str, detail: str = "") -> None:
        self.state = state
        names = {"loading": self.tr("Loading model…"), "warming_up": self.tr("Warming up…"),
                 "ready": self.tr("Ready"), "running": self.tr("Listening"),
                 "catching_up": self.tr("Listening"),  # the health beside it says the rest
                 "stopped": self.tr("Idle")}
        self.state_label.setText(names.get(state, state))
        self._update_health()

    def show_recognizer(self, detail: str) -> None:
        """"Recognizer: local (server unreachable)" from the engine, in the UI's language, in
        the status line for as long as it holds; the local fallback in the warning colour."""
        found = RECOGNIZER_DETAIL.match(detail.strip())
        if found is None:
            return
        self.recognizer, reason = found.group(1), found.group(2)
        text = (self.tr("Recognizer: remote ({0})") if self.recognizer == "remote"
                else self.tr("Recognizer: local ({0})")).format(reason)
        self.recognizer_label.setText(text)
        self.recognizer_label.setToolTip(text)
        self.recognizer_label.setVisible(True)
        self._style_recognizer()

    def _style_recognizer(self) -> None:
        colours = theme.current()
        self.recognizer_label.setStyleSheet(
            f"color: {colours.warn}; font-weight: 600;" if self.recognizer == "local" else "")

    def health(self) -> str:
        """ok, catching_up or degraded (what the status line shows)."""
        if time.monotonic() - self.degraded_at < DEGRADED_FOR_S:
            return "degraded"
        if self.state == "catching_up":
            return "catching_up"
        return "ok"

    def _update_health(self) -> None:
        health = self.health()
        colours = theme.current()
        text = {"ok": self.tr("OK"), "catching_up": self.tr("catching up"),
                "degraded": self.tr("degraded")}[health]
        colour = {"ok": colours.ok, "catching_up": colours.warn, "degraded": colours.bad}[health]
        style = f"color: {colour}; font-weight: 600;"
        if self.health_label.text() != text or self.health_label.styleSheet() != style:
            # (every second: a style sheet set again repolishes the label for nothing)
            self.health_label.setText(text)
            self.health_label.setStyleSheet(style)
        self.health_label.setToolTip(self.degraded_why if health == "degraded" else "")

    # -- help, tray ---------------------------------------------------------------------

    def shortcuts(self) -> list[tuple[str, str]]:
        """(what, keys) for every action with a shortcut, as F1 lists them."""
        found = []
        for action in self.findChildren(QAction):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys and action.text():
                found.append((action.text().replace("&", ""), keys))
        return sorted(set(found), key=lambda row: row[1])

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>"
                       for what, keys in self.shortcuts())
        if self.help_box is None:
            self.help_box = QMessageBox(QMessageBox.Icon.NoIcon, self.tr("Keyboard shortcuts"),
                                        "", QMessageBox.StandardButton.Close, self)
            self.help_box.setObjectName("shortcut-help")
            self.help_box.setTextFormat(Qt.TextFormat.RichText)
        if self.hotkeys is not None:
            rows += "".join(f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>"
                            for keys, what in self.global_shortcuts())
            note = self.tr("Global hotkeys (Ctrl+Alt+…) work in any program.")
        else:
            note = self.tr("Global hotkeys are off: {0}").format(
                self.hotkeys_off or self.tr("not bound"))
        self.help_box.setText(f"<table>{rows}</table><p>{html.escape(note)}</p>")
        self.help_box.show()

    def global_shortcuts(self) -> list[tuple[str, str]]:
        """(keys, what) for the global hotkeys, as F1 lists them."""
        what = {"mute": self.tr("Mute or unmute hints (any program)"),
                "copy_entity": self.tr("Copy the last card's value (any program)")}
        return [(keys, what[name]) for keys, name in GLOBAL_HOTKEYS.items()]

    def install_hotkeys(self) -> HotkeyRelay | None:
        """Bind the global hotkeys where the platform allows it (X11, Windows); where not, one
        log line, and F1 says why."""
        try:
            relay = HotkeyRelay(GLOBAL_HOTKEYS, self)
        except HotkeyError as exc:
            self.hotkeys_off = str(exc)
            log.info("global hotkeys off: %s", exc)
            return None
        relay.pressed.connect(self.on_hotkey)
        self.hotkeys = relay
        self.hotkeys_off = ""
        return relay

    def on_hotkey(self, name: str) -> None:
        if name == "mute":
            self.mute_action.toggle()
        elif name == "copy_entity":
            self.copy_last()

    def install_tray(self, available: bool | None = None) -> QSystemTrayIcon | None:
        """A tray icon (where the desktop has a tray): show the panel, mute, quit."""
        system = QSystemTrayIcon.isSystemTrayAvailable()
        if available is None:
            available = system
        if not available:
            return None
        tray = QSystemTrayIcon(QIcon(theme.pixmap("sufler", 64)), self)
        tray.setObjectName("tray")
        menu = QMenu(self)
        show = menu.addAction(self.tr("Show the panel"))
        show.triggered.connect(self.bring_to_front)
        menu.addAction(self.mute_action)
        menu.addSeparator()
        quit_action = menu.addAction(self.tr("Quit"))
        quit_action.triggered.connect(self.close)
        tray.setContextMenu(menu)
        tray.setToolTip(self.tr("Sufler"))
        tray.activated.connect(
            lambda reason: self.bring_to_front()
            if reason == QSystemTrayIcon.ActivationReason.Trigger else None)
        self.tray = tray
        self.set_muted(self.mute_action.isChecked())
        if system:  # (a test may build the menu where there is no tray to show it in)
            tray.show()
        return tray

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    # -- closing ------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.prefs.setValue("window/geometry", self.saveGeometry())
        if self.session.running:
            answer = QMessageBox.question(
                self, self.tr("Sufler"), self.tr("A call is running. Stop it and quit?"))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        if self.tray is not None:
            self.tray.hide()
        if self.hotkeys is not None:
            self.hotkeys.close()
            self.hotkeys = None
        self.session.shutdown()
        super().closeEvent(event)

    def hint_count(self) -> int:
        return len(self.hint_cards)

    def configure(self, config: EngineConfig) -> None:
        self.session.configure(config)
