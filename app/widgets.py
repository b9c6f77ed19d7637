"""The panel's parts: transcript, entity and hint cards, checklist, level meters."""

from __future__ import annotations

import html

from PySide6.QtCore import QLocale, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assist import (
    ChecklistUpdated,
    EntityExtracted,
    ReadbackChecked,
    SuggestionShown,
    TranscriptUpdated,
    entity_display,
    entity_label,
    resource_path,
)

SPEAKER_COLOURS = {"operator": "#1f5fa8", "customer": "#1e7a46"}
ICONS = resource_path("icons")
MAX_TRANSCRIPT_LINES = 400  # older lines stay in the saved call; the panel stays light


def ui_language() -> str:
    """en or ru: the language the UI was started in (i18n.install sets the default locale)."""
    return "ru" if QLocale().language() == QLocale.Language.Russian else "en"


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def icon(name: str) -> QIcon:
    return QIcon(str(ICONS / f"{name}.svg"))


def _button(tip: str, name: str) -> QToolButton:
    """A small icon button named `name` (tests find it by that name)."""
    button = QToolButton()
    button.setIcon(icon(name))
    button.setIconSize(QSize(16, 16))
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setObjectName(name)
    button.setAutoRaise(True)
    return button


class TranscriptView(QListWidget):
    """Both speakers, in order; a speaker's interim text is grey and italic until its final
    text replaces it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript")
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.setAlternatingRowColors(False)
        self._interim: dict[str, QListWidgetItem] = {}
        self.names = {"operator": self.tr("Operator"), "customer": self.tr("Customer")}

    def clear_call(self) -> None:
        self.clear()
        self._interim.clear()

    def show_update(self, event: TranscriptUpdated) -> None:
        follow = self.verticalScrollBar().value() >= self.verticalScrollBar().maximum() - 4
        item = self._interim.pop(event.speaker, None)
        if item is None:
            item = QListWidgetItem()
            self.addItem(item)
        name = self.names.get(event.speaker, event.speaker)
        item.setText(f"{clock_text(event.start)}  {name}: {event.text}")
        font = QFont(self.font())
        font.setItalic(not event.final)
        item.setFont(font)
        colour = QColor(SPEAKER_COLOURS.get(event.speaker, "#333333"))
        item.setForeground(QColor("#8a8a8a") if not event.final else colour)
        item.setData(Qt.ItemDataRole.UserRole, "final" if event.final else "interim")
        item.setData(Qt.ItemDataRole.UserRole + 1, event.speaker)
        if not event.final:
            self._interim[event.speaker] = item
        while self.count() > MAX_TRANSCRIPT_LINES:
            dropped = self.takeItem(0)
            for speaker, interim in list(self._interim.items()):
                if interim is dropped:
                    del self._interim[speaker]
        if follow:
            self.scrollToBottom()

    def lines(self) -> list[tuple[str, str, str]]:
        """(speaker, text, final|interim) of each line, for tests and copying."""
        found = []
        for row in range(self.count()):
            item = self.item(row)
            found.append((item.data(Qt.ItemDataRole.UserRole + 1), item.text(),
                          item.data(Qt.ItemDataRole.UserRole)))
        return found


class Card(QFrame):
    """A rounded panel with a title row and a body."""

    def __init__(self, accent: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"Card {{ border: 1px solid #c9ced6; border-left: 4px solid {accent};"
            " border-radius: 6px; background: palette(base); }")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(8, 6, 6, 6)
        self.layout_.setSpacing(3)
        self.header = QHBoxLayout()
        self.header.setSpacing(2)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600;")
        self.title.setWordWrap(True)
        self.header.addWidget(self.title, 1)
        self.layout_.addLayout(self.header)


UNSURE = "color: #b06000; text-decoration: underline;"


def marked_value(display: str, value: str, uncertain: tuple[str, ...]) -> str:
    """The displayed value as rich text with its unsure digits (or all of it) marked:
    "digit N" counts the value's characters as the read-back check does ("+" is 0)."""
    if "all" in uncertain or not any(part.startswith("digit ") for part in uncertain):
        return f'<span style="{UNSURE}">{html.escape(display)}</span>'
    positions = {int(part.split()[1]) for part in uncertain
                 if part.startswith("digit ") and part.split()[1].isdigit()}
    unsure = {sum(1 for char in value[:index] if char.isdigit())
              for index in positions if index < len(value)}
    out: list[str] = []
    seen = 0
    for char in display:
        if char.isdigit():
            text = html.escape(char)
            out.append(f'<span style="{UNSURE}">{text}</span>' if seen in unsure else text)
            seen += 1
        else:
            out.append(html.escape(char))
    return "".join(out)


class EntityCard(Card):
    """An entity (phone, address, e-mail, any registered kind): formatted as its kind says,
    one-click copy, read-back status."""

    # Shadows QWidget.event(): PySide6 would call this non-callable as the event handler
    # (a crash) had no event reached the widget before the assignment; Card.__init__'s
    # setStyleSheet sends one first, and PySide caches the override lookup. Tests read
    # `card.event`, so renaming it is left for a change that updates them.
    event: EntityExtracted  # type: ignore[assignment]

    def __init__(self, event: EntityExtracted, parent: QWidget | None = None) -> None:
        super().__init__("#6a4fb3", parent)
        self.setObjectName("entity-card")
        self.event = event
        kind = entity_label(event.kind, ui_language())
        who = self.tr("customer") if event.speaker == "customer" else self.tr("operator")
        self.title.setText(f"{kind} · {who}")
        self.title.setStyleSheet("color: #5f6368; font-size: 11px;")
        self.copy = _button(self.tr("Copy"), "copy")
        self.copy.clicked.connect(self.copy_value)
        self.header.addWidget(self.copy)
        self.value = QLabel(self.display_value)
        self.value.setObjectName("value")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.value.setWordWrap(True)
        big = QFont(self.value.font())
        big.setPointSizeF(big.pointSizeF() * 1.15)
        big.setBold(True)
        self.value.setFont(big)
        self.layout_.addWidget(self.value)
        self.status = QLabel(self.tr("not read back yet"))
        self.status.setObjectName("readback")
        self.status.setStyleSheet("color: #6b6b6b; font-size: 11px;")
        self.status.setWordWrap(True)
        self.layout_.addWidget(self.status)
        self.readback = ""
        if event.uncertain:
            # a guess is never shown as fact: the unsure part is marked, and confirmed by ear
            self.value.setTextFormat(Qt.TextFormat.RichText)
            self.value.setText(marked_value(self.display_value, event.value, event.uncertain))
            parts = ", ".join(event.uncertain) if "all" not in event.uncertain else \
                self.tr("the whole value")
            self.status.setText("⚠ " + self.tr("unsure of {0}: confirm with the customer")
                                .format(parts))
            self.status.setStyleSheet("color: #b06000; font-weight: 600; font-size: 11px;")
        elif event.source == "readback":
            self.readback = "confirmed"
            self.status.setText("✔ " + (self.tr("corrected by the read-back") if event.corrected
                                        else self.tr("confirmed by read-back")))
            self.status.setStyleSheet("color: #1e7a46; font-weight: 600; font-size: 11px;")

    @property
    def display_value(self) -> str:
        return entity_display(self.event.kind, self.event.value, self.event.raw)

    def copy_value(self) -> None:
        QGuiApplication.clipboard().setText(self.display_value)

    def show_readback(self, check: ReadbackChecked) -> None:
        if check.matched:
            self.readback = "confirmed"
            self.status.setText("✔ " + self.tr("confirmed by read-back"))
            self.status.setStyleSheet("color: #1e7a46; font-weight: 600; font-size: 11px;")
        else:
            self.readback = "mismatch"
            details = "; ".join(check.differences)
            self.status.setText("✖ " + self.tr("read-back differs: {0}").format(details))
            self.status.setStyleSheet("color: #b3261e; font-weight: 600; font-size: 11px;")


class HintCard(Card):
    """A suggestion: title, text, copy, 👍/👎, dismiss, "not this call". It removes itself
    when its time is up (`expires_at`, on the engine clock, counted from when it was shown)."""

    feedback = Signal(int, str)  # card id, action: up | down | dismiss | mute_rule
    expired = Signal(int)
    event: SuggestionShown  # type: ignore[assignment]  # shadows QWidget.event(): see EntityCard

    def __init__(self, event: SuggestionShown, parent: QWidget | None = None) -> None:
        accent = "#c27c0e" if event.priority < 70 else "#b3261e"
        super().__init__(accent, parent)
        self.setObjectName("hint-card")
        self.event = event
        self.title.setText(event.title)
        buttons = [
            (self.tr("Copy the text"), "copy", self.copy_text),
            (self.tr("Helpful"), "up", lambda: self._send("up")),
            (self.tr("Not helpful"), "down", lambda: self._send("down")),
            (self.tr("Not this call: mute this hint until the call ends"), "mute_rule",
             lambda: self._send("mute_rule")),
            (self.tr("Dismiss"), "dismiss", lambda: self._send("dismiss")),
        ]
        self.buttons: dict[str, QToolButton] = {}
        for tip, name, slot in buttons:
            button = _button(tip, name)
            button.clicked.connect(slot)
            self.header.addWidget(button)
            self.buttons[name] = button
        self.text = QLabel(event.text)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.text)
        self.rated = ""
        lifetime_ms = max(1000, int((event.expires_at - event.at) * 1000))
        QTimer.singleShot(lifetime_ms, self, lambda: self.expired.emit(self.event.card_id))

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.event.text)

    def _send(self, action: str) -> None:
        if action in ("up", "down"):
            self.rated = action
            for name in ("up", "down"):
                self.buttons[name].setEnabled(False)
        self.feedback.emit(self.event.card_id, action)


class ChecklistView(QFrame):
    """Script items still to say; done ones are struck through."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklist")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.label)
        self.lists: dict[str, ChecklistUpdated] = {}
        self.setVisible(False)

    def clear_call(self) -> None:
        self.lists.clear()
        self.setVisible(False)

    def show_update(self, event: ChecklistUpdated) -> None:
        self.lists[event.rule_id] = event
        parts = []
        for item in self.lists.values():
            done = " ".join(f"<s>☑ {name}</s>" for name in item.done)
            todo = " ".join(f"<b>☐ {name}</b>" for name in item.remaining)
            parts.append(f"{item.title}: {done} {todo}")
        self.label.setText("<br>".join(parts))
        self.setVisible(True)


class LevelMeter(QProgressBar):
    """An input level in dBFS, -60 to 0."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setRange(-60, 0)
        self.setValue(-60)
        self.setTextVisible(False)
        self.setFixedSize(QSize(48, 10))
        self.setToolTip(name)
        self.setAccessibleName(name)

    def set_level(self, dbfs: float) -> None:
        self.setValue(int(max(-60.0, min(0.0, dbfs))))
        self.setToolTip(f"{self.name}: {dbfs:.0f} dBFS")
