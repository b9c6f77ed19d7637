"""Run as `python -m tests.app.shoot OUT_DIR LANG PACE` on a real X display (Xvfb).

Plays the built-in demo call in LANG through the real engine and model (the configured
default, base) into the panel at PACE (realtime or fast), and saves what the X server shows:
the panel mid-demo in the light and the dark theme (taken when it holds the most: hint cards,
entity cards with their read-backs, the checklist), the Settings dialog (after Find devices)
and the rules editor showing an error. The last line printed is a JSON summary of what the
panel showed during the call, for the test to check.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app import i18n
from app.admin import RulesEditor
from app.bridge import CallEnded
from app.gui import application, build_window
from app.session import CallPlan
from app.settings import SettingsDialog
from app.window import MainWindow
from assist import (
    ChecklistUpdated,
    EntityExtracted,
    ReadbackChecked,
    SuggestionDropped,
    SuggestionShown,
    demo_audio,
    load_config,
    replace_config,
)

ROOT = Path(__file__).resolve().parents[2]
PANEL_SIZE = (420, 860)
CALL_LIMIT_S = 240


def grab(widget: QWidget, path: Path) -> None:
    """What the X server shows in the widget's window (not a render of the widget)."""
    widget.raise_()
    for _ in range(20):
        QApplication.processEvents()
    frame = widget.frameGeometry()
    screen = QApplication.primaryScreen()
    image = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    if image.isNull() or not image.save(str(path)):
        raise SystemExit(f"cannot save {path}")
    print(path, image.width(), image.height(), flush=True)


class Watcher:
    """Counts what the panel is shown and shoots it when it holds the most."""

    def __init__(self, window: MainWindow, out: Path, language: str) -> None:
        self.window = window
        self.out = out
        self.language = language
        self.kinds: dict[str, int] = {}
        self.confirmed = 0
        self.mismatched = 0
        self.shown = 0
        self.late = 0
        self.checklist_done = False
        self.best = 0
        self.error: str | None = None
        self.ended = False
        self._pending = QTimer(window)
        self._pending.setSingleShot(True)
        self._pending.setInterval(400)
        self._pending.timeout.connect(self.maybe_shoot)
        bridge = window.bridge
        bridge.entity_extracted.connect(self.on_entity)
        bridge.readback_checked.connect(self.on_readback)
        bridge.suggestion_shown.connect(self.on_shown)
        bridge.suggestion_dropped.connect(self.on_dropped)
        bridge.checklist_updated.connect(self.on_checklist)
        bridge.call_ended.connect(self.on_ended)

    def on_entity(self, event: EntityExtracted) -> None:
        if event.supersedes is None:
            self.kinds[event.kind] = self.kinds.get(event.kind, 0) + 1
        self._pending.start()

    def on_readback(self, check: ReadbackChecked) -> None:
        if check.matched:
            self.confirmed += 1
        else:
            self.mismatched += 1
        self._pending.start()

    def on_shown(self, event: SuggestionShown) -> None:
        self.shown += 1
        self._pending.start()

    def on_dropped(self, event: SuggestionDropped) -> None:
        self.late += event.reason == "over_budget"

    def on_checklist(self, event: ChecklistUpdated) -> None:
        self.checklist_done = self.window.checklist.complete
        self._pending.start()

    def score(self) -> int:
        """How much the panel shows now: each visible card, read-back and checklist item."""
        window = self.window
        readbacks = sum(1 for card in window.entity_cards.values() if card.readback)
        ticked = sum(len(item.done) for item in window.checklist.lists.values())
        return (3 * min(2, window.hint_count()) + 2 * len(window.entity_cards) + 2 * readbacks
                + ticked + int(window.late_hints.isVisible()))

    def maybe_shoot(self) -> None:
        score = self.score()
        if score <= self.best or self.window.hint_count() == 0:
            return
        self.best = score
        self.shoot_panel()

    def shoot_panel(self) -> None:
        window = self.window
        grab(window, self.out / f"panel_{self.language}_light.png")
        window.set_theme("dark")
        grab(window, self.out / f"panel_{self.language}_dark.png")
        window.set_theme("light")

    def on_ended(self, ended: CallEnded) -> None:
        self.error = ended.error
        self.ended = True
        QTimer.singleShot(300, QApplication.instance().quit)  # type: ignore[union-attr]

    def summary(self) -> dict[str, Any]:
        return {"language": self.language, "entities": self.kinds,
                "confirmed_readbacks": self.confirmed, "mismatched_readbacks": self.mismatched,
                "suggestions_shown": self.shown, "dropped_late": self.late,
                "checklist_complete": self.checklist_done,
                "checklist": {rule: {"done": list(item.done), "remaining": list(item.remaining)}
                              for rule, item in self.window.checklist.lists.items()},
                "ended": self.ended, "error": self.error, "best_score": self.best}


def main(out: Path, language: str, pace: str) -> None:
    app = application()
    i18n.install(app, language)
    home = Path(tempfile.mkdtemp())
    (home / "rules").mkdir()
    config = dataclasses.replace(replace_config(load_config(), **{
        "storage.calls_dir": str(home / "calls"), "storage.logs_dir": str(home / "logs")}),
        origin=str(home))
    for name in ("ru.toml", "en.toml"):
        source = ROOT / "resources" / "rules" / name
        (home / "rules" / name).write_text(source.read_text(encoding="utf-8"), "utf-8")
    prefs = QSettings(str(home / "ui.ini"), QSettings.Format.IniFormat)
    prefs.setValue("ui/theme", "light")
    window = build_window(config, prefs)
    window.resize(*PANEL_SIZE)
    window.show()
    out.mkdir(parents=True, exist_ok=True)
    watcher = Watcher(window, out, language)
    window.session.preload()
    QTimer.singleShot(0, lambda: window.start_call(CallPlan(demo_audio(language), pace)))
    QTimer.singleShot(CALL_LIMIT_S * 1000, app.quit)
    app.exec()
    if watcher.best == 0:  # never a hint on screen: show what there is, for the person
        watcher.shoot_panel()

    settings = SettingsDialog(config, prefs, window)
    settings.show()
    settings.refresh_devices()  # no audio server here: the dialog says so
    grab(settings, out / f"settings_{language}.png")
    settings.tabs.setCurrentIndex(3)
    grab(settings, out / f"settings_privacy_{language}.png")
    settings.close()

    editor = RulesEditor(config, window)
    text = editor.editor.toPlainText()
    broken = text.replace("priority = 70", 'priority = "high"', 1)
    if broken == text:
        broken = text.replace("[[rule]]", "[[rule]]\npriority = \"high\"", 1)
    editor.editor.setPlainText(broken)
    editor.validate()
    if editor.problems:
        editor.jump_to_line(editor.problems[0].line)
    editor.show()
    grab(editor, out / f"rules_editor_{language}.png")
    editor.editor.setPlainText(text)  # nothing left unsaved to ask about
    window.session.shutdown()
    print(json.dumps(watcher.summary(), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "realtime")
