"""Run as `python -m tests.app.shoot OUT_DIR LANG` on a real X display (Xvfb): shows the
panel in a call-like state and the rules editor with an error, and saves screenshots."""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from app import i18n
from app.admin import RulesEditor
from app.gui import application, build_window
from assist import (
    ChecklistUpdated,
    EntityExtracted,
    LevelsMeasured,
    ReadbackChecked,
    StageTimes,
    SuggestionShown,
    TranscriptUpdated,
    load_config,
    replace_config,
)

SCENES = {
    "en": {
        "lines": [("operator", "Thank you for calling Northwind Delivery, my name is Anna."),
                  ("customer", "Hi, my parcel did not arrive and I would like a refund."),
                  ("operator", "I'm sorry to hear that. What number can we reach you on?"),
                  ("customer", "It is four one five, five five five, zero one three two."),
                  ("operator", "So that's 415 555 0132, right?")],
        "interim": ("customer", "Yes, and the address is twelve Baker"),
        "address": "12 Baker Street, apartment 4, Springfield",
        "cards": [("en-refund", "Refund request", "Offer a free redelivery first; a refund "
                   "needs the order number and takes 5-7 days.", 70),
                  ("en-phone-readback", "Read the number back",
                   "Read the phone number back digit by digit.", 50)],
        "checklist": ("Greeting script", ("company", "name"), ("offer",)),
    },
    "ru": {
        "lines": [("operator", "Компания «Северный ветер», меня зовут Анна, слушаю вас."),
                  ("customer", "Здравствуйте, посылка не пришла, хочу вернуть деньги."),
                  ("operator", "Сожалею. Продиктуйте, пожалуйста, номер для связи."),
                  ("customer", "Восемь девятьсот шестнадцать, сто двадцать три, сорок пять, "
                               "шестьдесят семь."),
                  ("operator", "Записываю: 8 916 123-45-67, верно?")],
        "interim": ("customer", "Да, а адрес — улица Ленина, дом"),
        "address": "улица Ленина, дом 12, квартира 4, Москва",
        "cards": [("ru-refund", "Возврат денег", "Сначала предложите бесплатную повторную "
                   "доставку; возврат — по номеру заказа, 5–7 дней.", 70),
                  ("ru-phone-readback", "Повторите номер",
                   "Продиктуйте номер обратно по цифрам.", 50)],
        "checklist": ("Приветствие", ("компания", "имя"), ("предложение помощи",)),
    },
}


def fill(window: object, language: str) -> None:
    scene = SCENES[language]
    bridge = window.bridge  # type: ignore[attr-defined]
    end = 2.0
    for uid, (speaker, text) in enumerate(scene["lines"], start=1):
        times = StageTimes(end, end, end + 0.1, end + 0.7, end + 0.8)
        bridge.post(TranscriptUpdated(uid, speaker, int(speaker == "customer"), text,
                                      end - 2.5, end, True, language, times, "silence",
                                      -0.2, 0.01))
        end += 4.0
    speaker, text = scene["interim"]
    times = StageTimes(end, end, end, end, end)
    bridge.post(TranscriptUpdated(0, speaker, 1, text, end - 2.0, end, False, language, times,
                                  "tentative", -0.3, 0.01))
    value = "+14155550132" if language == "en" else "+79161234567"
    bridge.post(EntityExtracted(1, "phone", "", value, "customer", 4, (0, 10), 12, 14, 14.6))
    bridge.post(EntityExtracted(2, "address", scene["address"], scene["address"], "customer",
                                6, (0, 20), 20, 22, 22.7))
    bridge.post(ReadbackChecked("phone", True, (), value, "customer", 1, value, "operator", 3,
                                18.8))
    for card_id, (rule, title, text, priority) in enumerate(scene["cards"], start=1):
        bridge.post(SuggestionShown(card_id, rule, title, text, "phrase", "policy", priority,
                                    "customer", "", 6.0, 6.6, 0.6, 600.0))
    name, done, remaining = scene["checklist"]
    bridge.post(ChecklistUpdated("greeting", name, done, remaining, 5.0))
    bridge.post(LevelsMeasured((-18.0, -24.0), ("operator", "customer"), 20.0))


def grab(widget: QWidget, path: Path) -> None:
    """What the X server shows in the widget's window (not a render of the widget)."""
    widget.raise_()
    for _ in range(20):
        QApplication.processEvents()
    frame = widget.frameGeometry()
    image = QApplication.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(),
                                                    frame.height())
    if image.isNull() or not image.save(str(path)):
        raise SystemExit(f"cannot save {path}")
    print(path, image.width(), image.height())


def main(out: Path, language: str) -> None:
    app = application()
    i18n.install(app, language)
    home = Path(tempfile.mkdtemp())
    (home / "rules").mkdir()
    config = dataclasses.replace(replace_config(load_config(), **{
        "storage.calls_dir": str(home / "calls"), "storage.logs_dir": str(home / "logs")}),
        origin=str(home))
    for name in ("ru.toml", "en.toml"):
        source = Path(__file__).resolve().parents[2] / "resources" / "rules" / name
        (home / "rules" / name).write_text(source.read_text(encoding="utf-8"), "utf-8")
    prefs = QSettings(str(home / "ui.ini"), QSettings.Format.IniFormat)
    window = build_window(config, prefs)
    window.resize(420, 760)
    window.show()
    fill(window, language)
    for _ in range(20):
        QApplication.processEvents()
    out.mkdir(parents=True, exist_ok=True)
    grab(window, out / f"main_{language}.png")
    if language == "en":
        editor = RulesEditor(config, window)
        editor.file_box.setCurrentIndex(1)
        text = editor.editor.toPlainText().replace("priority = 70", 'priority = "high"', 1)
        editor.editor.setPlainText(text)
        editor.validate()
        editor.jump_to_line(editor.problems[0].line)
        editor.show()
        grab(editor, out / "rules_editor_en.png")
    window.session.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
