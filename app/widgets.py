"""The panel's parts: transcript, entity and hint cards, late hints, checklist, the call bar
(timer, who is speaking, level meters, latency)."""

from __future__ import annotations

import functools
import html
import re
import time

from PySide6.QtCore import QEvent, QLocale, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPixmap
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

from app import theme
from assist import (
    ChecklistUpdated,
    EntityExtracted,
    ReadbackChecked,
    SuggestionDropped,
    SuggestionShown,
    TranscriptUpdated,
    entity_display,
    entity_label,
)

MAX_TRANSCRIPT_LINES = 400  # older lines stay in the saved call; the panel stays light
COPIED_FOR_MS = 1500  # how long "Copied" stays beside the copy button
SPEAKING_DBFS = -42.0  # a leg louder than this is speaking
SPEAKING_HOLD_MS = 600  # ... and stays marked so between words
MAX_LATE_SHOWN = 8  # late hints listed when expanded (the count covers them all)


def ui_language() -> str:
    """en or ru: the language the UI was started in (i18n.install sets the default locale)."""
    return "ru" if QLocale().language() == QLocale.Language.Russian else "en"


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def scaled(font: QFont, factor: float, bold: bool = False) -> QFont:
    out = QFont(font)
    out.setPointSizeF(max(6.0, font.pointSizeF() * factor))
    if bold:
        out.setBold(True)
    return out


def _button(tip: str, name: str) -> QToolButton:
    """A small icon button named `name` (tests find it by that name)."""
    button = QToolButton()
    button.setIcon(theme.icon(name))
    button.setIconSize(QSize(16, 16))
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setObjectName(name)
    button.setAutoRaise(True)
    button.setProperty("icon_name", name)
    return button


def status_html(icon: str, text: str) -> str:
    """A status line: a coloured SVG icon, then the text."""
    return f"{theme.icon_html(icon)}&nbsp;{html.escape(text)}"


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

    def _colour(self, item: QListWidgetItem) -> None:
        colours = theme.current()
        final = item.data(Qt.ItemDataRole.UserRole) == "final"
        speaker = item.data(Qt.ItemDataRole.UserRole + 1)
        by_speaker = {"operator": colours.operator, "customer": colours.customer}
        item.setForeground(QColor(by_speaker.get(speaker, colours.caption) if final
                                  else colours.interim))
        if final:
            item.setData(Qt.ItemDataRole.FontRole, None)  # the view's font, whatever its size
        else:
            font = QFont(self.font())
            font.setItalic(True)
            item.setFont(font)

    def restyle(self) -> None:
        """Recolour (a theme change) and refit the fonts (a size change)."""
        for row in range(self.count()):
            self._colour(self.item(row))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.restyle()

    def show_update(self, event: TranscriptUpdated) -> None:
        follow = self.verticalScrollBar().value() >= self.verticalScrollBar().maximum() - 4
        item = self._interim.pop(event.speaker, None)
        if item is None:
            item = QListWidgetItem()
            self.addItem(item)
        name = self.names.get(event.speaker, event.speaker)
        item.setText(f"{clock_text(event.start)}  {name}: {event.text}")
        item.setData(Qt.ItemDataRole.UserRole, "final" if event.final else "interim")
        item.setData(Qt.ItemDataRole.UserRole + 1, event.speaker)
        self._colour(item)
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
    """A rounded panel with a title row and a body; its fonts follow the panel's size."""

    copied = Signal(str)  # the text put on the clipboard

    def __init__(self, accent: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accent = accent
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(8, 6, 6, 6)
        self.layout_.setSpacing(3)
        self.header = QHBoxLayout()
        self.header.setSpacing(2)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.header.addWidget(self.title, 1)
        self.copied_label = QLabel(self.tr("Copied"))
        self.copied_label.setObjectName("copied")
        self.copied_label.setVisible(False)
        self.header.addWidget(self.copied_label)
        self.layout_.addLayout(self.header)
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(COPIED_FOR_MS)
        self._copied_timer.timeout.connect(lambda: self.copied_label.setVisible(False))

    def copy_to_clipboard(self, text: str) -> None:
        """Put `text` on the clipboard and say so beside the button for a moment."""
        QGuiApplication.clipboard().setText(text)
        self.copied_label.setVisible(True)
        self._copied_timer.start()
        self.copied.emit(text)

    def restyle(self) -> None:
        colours = theme.current()
        self.setStyleSheet(
            f"Card {{ border: 1px solid {colours.border}; border-left: 4px solid "
            f"{self.accent}; border-radius: 6px; background: palette(base); }}")
        self.copied_label.setStyleSheet(f"color: {colours.ok}; font-weight: 600;")
        for button in self.findChildren(QToolButton):
            name = button.property("icon_name")
            if isinstance(name, str):
                button.setIcon(theme.icon(name))

    def fit_fonts(self) -> None:
        """Sizes relative to the panel's font (View → font size)."""
        self.copied_label.setFont(scaled(self.font(), 0.85, bold=True))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_fonts()


DIFFERENCE = re.compile(r"^(?P<part>[a-z ]+?)(?: (?P<number>\d+))?:\s*(?P<given>.*) given, "
                        r"(?P<repeated>.*) repeated$")


def marked_value(display: str, value: str, uncertain: tuple[str, ...], colour: str = "#a35a00",
                 background: str = "#fff1d6") -> str:
    """The displayed value as rich text with its unsure digits (or all of it) marked (a
    tinted background, not an underline that reads as a link): "digit N" counts the value's
    characters as the read-back check does ("+" is 0)."""
    style = f"color: {colour}; background-color: {background};"
    if "all" in uncertain or not any(part.startswith("digit ") for part in uncertain):
        return f'<span style="{style}">{html.escape(display)}</span>'
    positions = {int(part.split()[1]) for part in uncertain
                 if part.startswith("digit ") and part.split()[1].isdigit()}
    unsure = {sum(1 for char in value[:index] if char.isdigit())
              for index in positions if index < len(value)}
    out: list[str] = []
    seen = 0
    for char in display:
        if char.isdigit():
            text = html.escape(char)
            out.append(f'<span style="{style}">{text}</span>' if seen in unsure else text)
            seen += 1
        else:
            out.append(html.escape(char))
    return "".join(out)


class EntityCard(Card):
    """An entity (phone, address, e-mail, any registered kind): formatted as its kind says,
    one-click copy, read-back status."""

    # Shadows QWidget.event(): PySide6 would call this non-callable as the event handler
    # (a crash) had no event reached the widget before the assignment; Card.__init__'s
    # widgets send one first, and PySide caches the override lookup. Tests read
    # `card.event`, so renaming it is left for a change that updates them.
    event: EntityExtracted  # type: ignore[assignment]

    def __init__(self, event: EntityExtracted, parent: QWidget | None = None) -> None:
        super().__init__(theme.current().entity, parent)
        self.setObjectName("entity-card")
        self.event = event
        kind = entity_label(event.kind, ui_language())
        who = self.tr("customer") if event.speaker == "customer" else self.tr("operator")
        self.title.setText(f"{kind} · {who}")
        self.copy = _button(self.tr("Copy"), "copy")
        self.copy.clicked.connect(self.copy_value)
        self.header.addWidget(self.copy)
        self.value = QLabel()
        self.value.setObjectName("value")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.value.setWordWrap(True)
        self.layout_.addWidget(self.value)
        self.status = QLabel()
        self.status.setObjectName("readback")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(self.status)
        self.readback = "confirmed" if event.source == "readback" else ""
        self.check: ReadbackChecked | None = None
        self.restyle()
        self.fit_fonts()

    @property
    def display_value(self) -> str:
        return entity_display(self.event.kind, self.event.value, self.event.raw)

    def copy_value(self) -> None:
        self.copy_to_clipboard(self.display_value)

    def show_readback(self, check: ReadbackChecked) -> None:
        self.check = check
        self.readback = "confirmed" if check.matched else "mismatch"
        self.restyle()

    def restyle(self) -> None:
        colours = theme.current()
        self.accent = colours.entity
        super().restyle()
        self.title.setStyleSheet(f"color: {colours.caption};")
        event = self.event
        if event.uncertain and self.readback != "confirmed":
            # a guess is never shown as fact: the unsure part is marked, and confirmed by ear
            self.value.setTextFormat(Qt.TextFormat.RichText)
            self.value.setText(marked_value(self.display_value, event.value, event.uncertain,
                                            colours.warn, colours.snooze_bg))
        else:
            self.value.setTextFormat(Qt.TextFormat.PlainText)
            self.value.setText(self.display_value)
        if self.check is not None and not self.check.matched:
            details = "; ".join(self.difference_text(item) for item in self.check.differences)
            self._status("cross", self.tr("read-back differs: {0}").format(details), colours.bad)
        elif self.readback == "confirmed":
            text = self.tr("corrected by the read-back") if event.corrected and \
                self.check is None else self.tr("confirmed by read-back")
            self._status("check", text, colours.ok)
        elif event.uncertain:
            parts = ", ".join(event.uncertain) if "all" not in event.uncertain else \
                self.tr("the whole value")
            self._status("warning", self.tr("unsure of {0}: confirm with the customer")
                         .format(parts), colours.warn)
        else:
            self.status.setText(html.escape(self.tr("not read back yet")))
            self.status.setStyleSheet(f"color: {colours.caption};")

    def difference_text(self, difference: str) -> str:
        """"apartment: 12 given, 21 repeated" in the operator's words and language."""
        match = DIFFERENCE.match(difference)
        if match is None:
            return difference
        part, number = match["part"], match["number"] or ""
        parts = {"street": self.tr("street"), "house": self.tr("house"),
                 "building": self.tr("building"), "structure": self.tr("structure"),
                 "apartment": self.tr("apartment"), "postcode": self.tr("postcode"),
                 "local part": self.tr("local part"), "domain": self.tr("domain"),
                 "digit": self.tr("digit")}
        name = (parts.get(part, part) + (f" {number}" if number else "")).strip()
        return self.tr("{0}: {1} said, {2} read back").format(
            name, match["given"], match["repeated"])

    def _status(self, icon: str, text: str, colour: str) -> None:
        self.status.setText(status_html(icon, text))
        self.status.setStyleSheet(f"color: {colour}; font-weight: 600;")

    def fit_fonts(self) -> None:
        super().fit_fonts()
        base = self.font()
        self.title.setFont(scaled(base, 0.85))
        self.status.setFont(scaled(base, 0.85, bold=True))
        self.value.setFont(scaled(base, 1.15, bold=True))


class HintCard(Card):
    """A suggestion: title, text, copy, thumbs up/down, dismiss, "not this call". It removes
    itself when its time is up (`expires_at`, on the engine clock, counted from when it was
    shown)."""

    feedback = Signal(int, str)  # card id, action: up | down | dismiss | mute_rule
    expired = Signal(int)
    event: SuggestionShown  # type: ignore[assignment]  # shadows QWidget.event(): see EntityCard

    def __init__(self, event: SuggestionShown, parent: QWidget | None = None) -> None:
        super().__init__(self._accent_for(event), parent)
        self.setObjectName("hint-card")
        self.event = event
        self.title.setText(event.title)
        buttons = [
            (self.tr("Copy the text"), "copy", self.copy_text),
            (self.tr("Helpful"), "up", lambda: self._send("up")),
            (self.tr("Not helpful"), "down", lambda: self._send("down")),
            (self.tr("Not this call: mute this hint until the call ends"), "mute_rule",
             lambda: self._send("mute_rule")),
            (self.tr("Dismiss (Ctrl+D: the top card)"), "dismiss", lambda: self._send("dismiss")),
        ]
        self.buttons: dict[str, QToolButton] = {}
        for tip, name, slot in buttons:
            button = _button(tip, name)
            button.clicked.connect(slot)
            self.header.addWidget(button)
            self.buttons[name] = button
        for name in ("up", "down"):
            self.buttons[name].setCheckable(True)
        self.text = QLabel(event.text)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.text)
        self.rated = ""
        self.restyle()
        self.fit_fonts()
        lifetime_ms = max(1000, int((event.expires_at - event.at) * 1000))
        QTimer.singleShot(lifetime_ms, self, lambda: self.expired.emit(self.event.card_id))

    def fit_fonts(self) -> None:
        super().fit_fonts()
        self.title.setFont(scaled(self.font(), 1.0, bold=True))
        self.text.setFont(self.font())

    @staticmethod
    def _accent_for(event: SuggestionShown) -> str:
        colours = theme.current()
        return colours.warn if event.priority < 70 else colours.bad

    def restyle(self) -> None:
        self.accent = self._accent_for(self.event)
        super().restyle()
        # the chosen thumb stays marked, the other is greyed out: which one was chosen shows
        colours = theme.current()
        for name in ("up", "down"):
            chosen = self.rated == name
            self.buttons[name].setStyleSheet(
                f"QToolButton {{ background: {colours.border}; border-radius: 4px; }}"
                if chosen else "")

    def copy_text(self) -> None:
        self.copy_to_clipboard(self.event.text)

    def _send(self, action: str) -> None:
        if action in ("up", "down"):
            if self.rated:
                self.buttons[action].setChecked(self.rated == action)
                return  # rated once: a second click changes nothing
            self.rated = action
            for name in ("up", "down"):
                self.buttons[name].setChecked(name == action)
                self.buttons[name].setEnabled(name == action)
            self.restyle()
        self.feedback.emit(self.event.card_id, action)


class LateHints(QFrame):
    """A quiet line for hints dropped as too late ("2 hints arrived too late"); a click
    shows which rules, how old they were and the budget. Never a card."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("late-hints")
        self.dropped: list[SuggestionDropped] = []
        self.budget_s = 0.0
        self.toggle = QToolButton()
        self.toggle.setObjectName("late-toggle")
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setIconSize(QSize(14, 14))
        self.toggle.toggled.connect(self._expand)
        self.details = QLabel()
        self.details.setObjectName("late-details")
        self.details.setWordWrap(True)
        self.details.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details)
        self.setVisible(False)
        self.restyle()

    def clear_call(self) -> None:
        self.dropped.clear()
        self.toggle.setChecked(False)
        self.setVisible(False)

    def add(self, event: SuggestionDropped, budget_s: float) -> None:
        self.dropped.append(event)
        self.budget_s = budget_s
        count = len(self.dropped)
        self.toggle.setText(self.tr("%n hint(s) arrived too late", "", count))
        self.toggle.setToolTip(self.tr("Dropped because they were older than the latency "
                                       "budget; click for details"))
        self._fill()
        self.setVisible(True)

    def _fill(self) -> None:
        lines = [self.tr("{0} ({1}): {2:.1f} s old, budget {3:g} s").format(
            event.title or event.rule_id, event.rule_id, event.age, self.budget_s)
            for event in self.dropped[-MAX_LATE_SHOWN:]]
        self.details.setText("\n".join(lines))

    def _expand(self, on: bool) -> None:
        self.details.setVisible(on)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    @property
    def text(self) -> str:
        return self.toggle.text()

    def restyle(self) -> None:
        colours = theme.current()
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if self.toggle.isChecked()
                                 else Qt.ArrowType.RightArrow)
        self.toggle.setStyleSheet(f"QToolButton {{ color: {colours.caption}; border: none; }}")
        self.details.setStyleSheet(f"color: {colours.caption}; padding-left: 18px;")


class ChecklistView(QFrame):
    """Script items still to say; done ones are ticked and struck through."""

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

    @property
    def complete(self) -> bool:
        return bool(self.lists) and all(not item.remaining for item in self.lists.values())

    def show_update(self, event: ChecklistUpdated) -> None:
        self.lists[event.rule_id] = event
        self.refresh()
        self.setVisible(True)

    def refresh(self) -> None:
        parts = []
        for item in self.lists.values():  # in the order each list first appeared
            done = " ".join(f"{theme.icon_html('box_checked')}&nbsp;<s>{html.escape(name)}</s>"
                            for name in item.done)
            todo = " ".join(f"{theme.icon_html('box')}&nbsp;<b>{html.escape(name)}</b>"
                            for name in item.remaining)
            parts.append(f"{html.escape(item.title)}: {done} {todo}")
        self.label.setText("<br>".join(parts))


class LevelMeter(QProgressBar):
    """An input level in dBFS, -60 to 0."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setRange(-60, 0)
        self.setValue(-60)
        self.setTextVisible(False)
        self.setFixedSize(QSize(40, 8))
        self.setToolTip(name)
        self.setAccessibleName(name)

    def set_level(self, dbfs: float) -> None:
        self.setValue(int(max(-60.0, min(0.0, dbfs))))
        self.setToolTip(f"{self.name}: {dbfs:.0f} dBFS")


@functools.lru_cache(maxsize=16)
def dot_pixmap(colour: str, size: int = 9) -> QPixmap:
    image = QPixmap(size * 2, size * 2)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(0, 0, size * 2, size * 2)
    painter.end()
    image.setDevicePixelRatio(2.0)
    return image


class LegIndicator(QWidget):
    """One leg of the call: its name, a dot lit while it speaks, and its input level."""

    def __init__(self, name: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leg")
        self.speaking = False
        self.dot = QLabel()
        self.dot.setFixedSize(QSize(9, 9))
        self.name = QLabel(name)
        self.meter = LevelMeter(tip)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.dot)
        layout.addWidget(self.name)
        layout.addWidget(self.meter)
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setInterval(SPEAKING_HOLD_MS)
        self._hold.timeout.connect(lambda: self._set_speaking(False))
        self.restyle()

    def set_level(self, dbfs: float) -> None:
        self.meter.set_level(dbfs)
        if dbfs > SPEAKING_DBFS:
            self._hold.start()
            self._set_speaking(True)

    def reset(self) -> None:
        self.meter.set_level(-90)
        self._hold.stop()
        self._set_speaking(False)

    def _set_speaking(self, speaking: bool) -> None:
        if speaking != self.speaking:
            self.speaking = speaking
            self.restyle()

    def restyle(self) -> None:
        """The dot's colour only: a pixmap swap, no style sheet to re-apply five times a
        second while people talk."""
        colours = theme.current()
        colour = colours.speaking if self.speaking else colours.silent
        self.dot.setPixmap(dot_pixmap(colour))
        self.dot.setToolTip(self.tr("speaking") if self.speaking else self.tr("silent"))


class CallBar(QFrame):
    """Above the cards: the call timer, each leg (speaking now, level) and the last
    end-to-end latency, all labelled."""

    def __init__(self, names: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("call-bar")
        self.timer_label = QLabel("00:00")
        self.timer_label.setObjectName("call-timer")
        self.timer_label.setToolTip(self.tr("Call time"))
        self.legs = {
            "operator": LegIndicator(names["operator"], self.tr("Operator input level")),
            "customer": LegIndicator(names["customer"], self.tr("Customer input level")),
        }
        self.latency_label = QLabel(self.tr("Latency —"))
        self.latency_label.setObjectName("latency")
        self.latency_label.setToolTip(self.tr("Last end-to-end latency: end of speech to text"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(10)
        layout.addWidget(self.timer_label)
        for leg in self.legs.values():
            layout.addWidget(leg)
        layout.addStretch(1)
        layout.addWidget(self.latency_label)
        self.started: float | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(500)
        self._tick.timeout.connect(self._show_time)
        self.restyle()

    def start(self) -> None:
        self.started = time.monotonic()
        self._show_time()
        self._tick.start()

    def stop(self) -> None:
        self._tick.stop()
        self._show_time()
        self.started = None
        for leg in self.legs.values():
            leg.reset()

    def elapsed(self) -> float:
        return 0.0 if self.started is None else time.monotonic() - self.started

    def _show_time(self) -> None:
        if self.started is not None:
            self.timer_label.setText(clock_text(self.elapsed()))

    def set_latency(self, seconds: float | None) -> None:
        self.latency_label.setText(self.tr("Latency —") if seconds is None
                                   else self.tr("Latency {0:.1f} s").format(seconds))

    def restyle(self) -> None:
        colours = theme.current()
        self.timer_label.setStyleSheet("font-weight: 600;")
        self.latency_label.setStyleSheet(f"color: {colours.caption};")
        for leg in self.legs.values():
            leg.name.setStyleSheet(f"color: {colours.caption};")
            leg.restyle()
