"""The panel's issue-19 fixes and additions, at the signal seam: events in through the bridge
(posted from a worker thread, as the engine does), widgets, controls and QSettings out."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings, Qt, QTranslator
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app import i18n, theme
from app.bridge import CallEnded, EngineBridge
from app.gui import SingleInstance, build_window
from app.session import CallPlan
from app.widgets import EntityCard, HintCard, LateHints
from app.window import MainWindow
from assist import (
    EngineConfig,
    EngineStateChanged,
    EntityExtracted,
    LevelsMeasured,
    ReadbackChecked,
    StageTimes,
    SuggestionDropped,
    SuggestionShown,
    TranscriptUpdated,
    demo_audio,
)
from tests.conftest import ROOT

TRANSLATIONS = ROOT / "resources" / "translations"


def said(speaker: str, text: str, uid: int = 1, end: float = 3.0) -> TranscriptUpdated:
    times = StageTimes(end, end, end + 0.1, end + 0.6, end + 0.7)
    return TranscriptUpdated(uid, speaker, 0 if speaker == "operator" else 1, text,
                             end - 2.0, end, True, "en", times, "silence", -0.2, 0.01)


def card(card_id: int, priority: int = 50, rule: str = "refund") -> SuggestionShown:
    return SuggestionShown(card_id, rule, f"Card {card_id}", "Offer a redelivery first.",
                           "phrase", "policy", priority, "customer", "refund", 3.0, 3.5, 0.5,
                           33.5)


def entity(entity_id: int, kind: str, value: str, supersedes: int | None = None
           ) -> EntityExtracted:
    return EntityExtracted(entity_id, kind, value, value, "customer", 2, (0, 10), 1.0, 3.0,
                           3.6, supersedes is not None, supersedes)


def late(rule: str = "en-refund", age: float = 3.9) -> SuggestionDropped:
    return SuggestionDropped(rule, "Refund request", "phrase", "over_budget",
                             f"{age:.2f} s old, budget 1.5 s", "customer", "refund", 2.0,
                             2.0 + age, age)


def deliver(qtbot: QtBot, bridge: EngineBridge, *events: object) -> None:
    before = bridge.delivered
    thread = threading.Thread(target=lambda: [bridge.post(event) for event in events])
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bridge.delivered >= before + len(events), timeout=3000)


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    """The English translation (its plural forms), as `sufler` installs it."""
    translator = i18n.translator("en")
    assert translator is not None
    qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)


@pytest.fixture
def russian(qapp: QApplication) -> Iterator[QTranslator]:
    translator = i18n.translator("ru")
    assert translator is not None
    qapp.installTranslator(translator)
    yield translator
    qapp.removeTranslator(translator)


@pytest.fixture
def window(qtbot: QtBot, app_config: EngineConfig, prefs: QSettings,
           english: None) -> Iterator[MainWindow]:
    window = build_window(app_config, prefs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.set_theme("system")


# -- item 3: late hints ---------------------------------------------------------------


def test_late_hints_show_as_a_quiet_line_never_a_card(qtbot: QtBot,
                                                      window: MainWindow) -> None:
    deliver(qtbot, window.bridge, late())
    line = window.late_hints
    assert line.isVisible() and line.text == "1 hint arrived too late"
    assert window.hint_count() == 0 and not window.findChildren(HintCard)
    assert not line.details.isVisible()
    deliver(qtbot, window.bridge, late("en-escalate", 13.7),
            SuggestionDropped("x", "X", "phrase", "cooldown", "", "customer", "", 1.0, 2.0, 1.0))
    assert line.text == "2 hints arrived too late"  # a cooldown is no late hint
    line.toggle.click()
    budget = window.session.config.rules.budget_s
    details = line.details.text()
    assert line.details.isVisible()
    assert "Refund request (en-refund): 3.9 s old" in details and "13.7 s old" in details
    assert f"budget {budget:g} s" in details
    window.start_call(CallPlan(Path("/nonexistent.wav"), "fast"))  # a new call starts clean
    assert not line.isVisible()
    window.session.wait(10)


def test_late_hints_line_in_russian(qtbot: QtBot, russian: QTranslator) -> None:
    line = LateHints()
    qtbot.addWidget(line)
    counts = {1: "1 подсказка опоздала", 2: "2 подсказки опоздали", 5: "5 подсказок опоздали"}
    for count, text in counts.items():
        line.clear_call()
        for _ in range(count):
            line.add(late(), 1.5)
        assert line.text == text


# -- item 4: defects ---------------------------------------------------------------------


def test_status_line_texts_never_overlap(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(400, 680)
    window.notify("Log: /home/operator/.local/state/sufler/a/very/long/folder/sufler.log")
    deliver(qtbot, window.bridge, EngineStateChanged("loading", "", 0.0),
            CallEnded(None, Path("/calls/2026-12-01T18-00-00_0123456789ab.jsonl"), None))
    qtbot.wait(50)
    status = window.statusBar()
    shown = [child for child in status.findChildren(QWidget)
             if child.isVisible() and child.parent() is not None and child.width() > 0
             and child.objectName() in ("state", "health", "message")]
    assert len(shown) == 3
    for index, first in enumerate(shown):
        for second in shown[index + 1:]:
            assert not first.geometry().intersects(second.geometry()), (
                first.objectName(), second.objectName())
    message = window.message_label
    assert message.toolTip().startswith("Call saved: 2026-12-01T18-00-00")
    assert message.geometry().right() <= status.width()
    assert message.fontMetrics().horizontalAdvance(message.text()) <= message.width()
    assert window.width() <= 400  # a long message shortens, it never widens the panel


def test_call_failure_is_readable_and_offers_settings(qtbot: QtBot, window: MainWindow) -> None:
    opened: list[bool] = []
    window.settings_action.triggered.disconnect()
    window.settings_action.triggered.connect(lambda: opened.append(True))
    window.start_call(CallPlan())  # live, and no devices are configured: the real error
    qtbot.waitUntil(lambda: window.error_box is not None and window.error_box.isVisible(),
                    timeout=10000)
    box = window.error_box
    assert box is not None
    assert "no input devices configured" in box.text() and "in Settings" in box.text()
    assert window.message_label.toolTip().startswith("Call failed: no input devices")
    settings = box.findChild(QWidget, "open-settings")
    assert settings is not None
    qtbot.mouseClick(settings, Qt.MouseButton.LeftButton)
    assert opened == [True]


EMOJI_RANGES = ((0x2300, 0x23FF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x1F000, 0x1FAFF))


def emoji_in(text: str) -> list[str]:
    return [f"{char} U+{ord(char):04X} {unicodedata.name(char, '?')}" for char in set(text)
            if any(low <= ord(char) <= high for low, high in EMOJI_RANGES)]


def test_no_emoji_glyphs_anywhere_in_the_ui(window: MainWindow) -> None:
    """🔕 drew as an empty box: no font on the machine had it. Icons are SVGs instead."""
    panel = [ROOT / "app" / f"{name}.py" for name in ("window", "widgets", "settings", "admin",
                                                      "gui", "theme", "review")]
    for path in [*panel, *sorted(TRANSLATIONS.glob("*.ts"))]:
        assert emoji_in(path.read_text(encoding="utf-8")) == [], path.name
    window.set_muted(True)
    assert window.muted_banner.isVisible()
    assert not window.muted_icon.pixmap().isNull()
    assert emoji_in(window.muted_text.text()) == []
    window.set_muted(False)


def test_copy_says_copied_for_a_moment(qtbot: QtBot, window: MainWindow) -> None:
    deliver(qtbot, window.bridge, entity(1, "phone", "+14155550132"), card(2))
    phone = window.entity_cards[1]
    phone.copy.click()
    assert QGuiApplication.clipboard().text() == "+1 415-555-0132"
    assert phone.copied_label.isVisible() and phone.copied_label.text() == "Copied"
    assert window.message_label.text() == "Copied"
    hint = window.hint_cards[2]
    hint.buttons["copy"].click()
    assert QGuiApplication.clipboard().text() == "Offer a redelivery first."
    assert hint.copied_label.isVisible()
    qtbot.waitUntil(lambda: not phone.copied_label.isVisible(), timeout=3000)


def test_copied_in_russian(russian: QTranslator) -> None:
    assert russian.translate("Card", "Copied") == "Скопировано"


def test_stop_asks_first_and_the_setting_turns_it_off(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    stopped: list[bool] = []
    asked: list[bool] = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(window.session, "stop", lambda: stopped.append(True))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: asked.append(True) or answer[0])
    assert window.confirm_stop_enabled  # on by default
    window.session._active.set()  # a call runs (no engine needed for the question)
    try:
        window.call_action.trigger()
        assert asked == [True] and stopped == []  # "No": the call goes on
        answer[0] = QMessageBox.StandardButton.Yes
        window.call_action.trigger()
        assert stopped == [True]
        window.call_action.setEnabled(True)
        window.prefs.setValue("call/confirm_stop", False)
        window.call_action.trigger()
        assert asked == [True, True] and stopped == [True, True]
    finally:  # before pytest-qt closes the window, which would ask about the running call
        window.session._active.clear()


def test_stop_never_lands_where_mute_is_in_russian(qtbot: QtBot, app_config: EngineConfig,
                                                    prefs: QSettings,
                                                    russian: QTranslator) -> None:
    window = build_window(app_config, prefs)
    qtbot.addWidget(window)
    window.resize(400, 680)
    window.show()
    qtbot.waitExposed(window)
    assert window.call_action.text() == "Начать звонок"
    before = (window.call_button.geometry(), window.mute_button.geometry())
    window.call_action.setText("Завершить звонок")  # as when a call starts
    qtbot.wait(20)
    call, mute = window.call_button.geometry(), window.mute_button.geometry()
    assert (call, mute) == before  # nothing moves or grows under the pointer
    assert not call.intersects(mute) and mute.left() - call.right() > 40
    metrics = window.call_button.fontMetrics()
    assert metrics.horizontalAdvance("Завершить звонок") < call.width()


def test_only_the_chosen_thumb_stays_marked(qtbot: QtBot, window: MainWindow,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(window.session, "feedback", lambda cid, action: sent.append((cid, action)))
    deliver(qtbot, window.bridge, card(1))
    up, down = window.hint_cards[1].buttons["up"], window.hint_cards[1].buttons["down"]
    up.click()
    assert up.isChecked() and up.isEnabled() and up.styleSheet()
    assert not down.isChecked() and not down.isEnabled() and not down.styleSheet()
    up.click()  # a second click changes nothing and sends nothing
    assert up.isChecked() and sent == [(1, "up")]


def test_no_dead_space_above_the_transcript(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(400, 680)
    window.placeholder.setVisible(False)  # as in a call
    deliver(qtbot, window.bridge, said("customer", "my number is 415 555 0132"),
            entity(1, "phone", "+14155550132"))
    qtbot.waitUntil(lambda: window.entity_cards[1].height() > 20)
    qtbot.wait(50)
    cards = window.side_scroll.geometry()
    transcript = window.transcript.geometry()
    card_height = window.entity_cards[1].height()
    assert cards.height() < card_height + 40  # the column is as tall as its one card
    assert transcript.top() - cards.bottom() < 20
    assert transcript.height() > 350


def test_cards_keep_a_stable_order(qtbot: QtBot, window: MainWindow) -> None:
    deliver(qtbot, window.bridge, entity(1, "phone", "+14155550132"),
            entity(2, "address", "12 Baker Street, Springfield"))
    assert window.entity_order() == [1, 2]
    deliver(qtbot, window.bridge, entity(3, "phone", "+14155550133", supersedes=1))
    assert window.entity_order() == [3, 2]  # the correction takes the old card's place
    deliver(qtbot, window.bridge, entity(4, "email", "ivan@mail.ru"))
    assert window.entity_order() == [3, 2, 4]
    side = window.side.layout()
    assert side is not None
    order = [side.itemAt(i).widget() for i in range(side.count())]
    assert order.index(window.late_hints) < order.index(window.checklist)


def test_a_read_back_leaves_one_card_with_its_verdict(qtbot: QtBot, window: MainWindow) -> None:
    operator = EntityExtracted(2, "address", "2410 Maple Avenue Unit 21",
                               "2410 Maple Avenue Unit 21", "operator", 5, (0, 20), 8.0, 9.0,
                               9.5)
    deliver(qtbot, window.bridge, entity(1, "address", "2410 Maple Avenue Unit 12"), operator,
            ReadbackChecked("address", False, ("apartment: 12 given, 21 repeated",),
                            "2410 Maple Avenue Unit 12", "customer", 1,
                            "2410 Maple Avenue Unit 21", "operator", 2, 9.6))
    assert window.entity_order() == [1]  # no second card saying "not read back yet"
    status = window.entity_cards[1].status.text()
    assert "apartment: 12 said, 21 read back" in status


def test_call_timer_speaking_now_and_labelled_meters(qtbot: QtBot, window: MainWindow) -> None:
    bar = window.call_bar
    assert [leg.name.text() for leg in bar.legs.values()] == ["Operator", "Customer"]
    assert bar.latency_label.text() == "Latency —"
    window.session._active.set()  # a call runs
    try:
        deliver(qtbot, window.bridge, EngineStateChanged("running", "", 0.0),
                LevelsMeasured((-20.0, -75.0), ("operator", "customer"), 0.2))
    finally:
        window.session._active.clear()
    assert bar.started is not None and bar.timer_label.text() == "00:00"
    assert bar.legs["operator"].speaking and not bar.legs["customer"].speaking
    deliver(qtbot, window.bridge, LevelsMeasured((-80.0, -18.0), ("operator", "customer"), 0.4))
    assert bar.legs["customer"].speaking
    qtbot.waitUntil(lambda: not bar.legs["operator"].speaking, timeout=3000)  # after a pause
    assert window.meters["customer"].value() == -18
    bar.started -= 65
    qtbot.waitUntil(lambda: bar.timer_label.text().startswith("01:0"), timeout=2000)
    deliver(qtbot, window.bridge, CallEnded(None, None, None))
    assert bar.started is None and not bar.legs["customer"].speaking


def test_shortcuts_copy_dismiss_and_f1_lists_them(qtbot: QtBot, window: MainWindow,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(window.session, "feedback", lambda cid, action: None)
    deliver(qtbot, window.bridge, entity(1, "phone", "+14155550132"),
            entity(2, "address", "12 Baker Street, Springfield"),
            entity(3, "email", "ivan@mail.ru"), entity(4, "phone", "+14155550199"),
            card(10, 50), card(11, 90, "escalate"))
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    for key, expected in ((Qt.Key.Key_P, "+1 415-555-0199"),
                          (Qt.Key.Key_A, "12 Baker Street, Springfield"),
                          (Qt.Key.Key_E, "ivan@mail.ru")):
        qtbot.keyClick(window, key, modifier=ctrl_shift)
        assert QGuiApplication.clipboard().text() == expected
    qtbot.keyClick(window, Qt.Key.Key_D, modifier=Qt.KeyboardModifier.ControlModifier)
    assert list(window.hint_cards) == [10]  # the top (most important) one went
    qtbot.keyClick(window, Qt.Key.Key_F1)
    box = window.help_box
    assert box is not None and box.isVisible()
    for keys in ("Ctrl+Shift+P", "Ctrl+Shift+A", "Ctrl+Shift+E", "Ctrl+D", "Ctrl+M", "F1"):
        assert keys in box.text()
    box.close()


def test_recognizer_switch_shows_in_the_status_line(qtbot: QtBot, window: MainWindow) -> None:
    """Issue 20: the engine's "Recognizer: local (…)" detail stays in the status line, the
    local fallback in the warning colour, until the recognizer switches back."""
    label = window.recognizer_label
    assert not label.isVisible()  # nothing said yet: no remote recognizer configured
    deliver(qtbot, window.bridge,
            EngineStateChanged("running", "Recognizer: local (server unreachable)", 1.0))
    assert label.isVisible() and label.text() == "Recognizer: local (server unreachable)"
    assert theme.current().warn in label.styleSheet()
    assert window.state_label.text() == "Listening"
    deliver(qtbot, window.bridge, EngineStateChanged("catching_up", "", 2.0))
    assert label.isVisible() and "local" in label.text()  # other states keep it
    deliver(qtbot, window.bridge,
            EngineStateChanged("running", "Recognizer: remote (127.0.0.1:8000)", 3.0))
    assert label.text() == "Recognizer: remote (127.0.0.1:8000)"
    assert theme.current().warn not in label.styleSheet()


def test_recognizer_switch_in_russian(qtbot: QtBot, window: MainWindow,
                                      russian: QTranslator) -> None:
    deliver(qtbot, window.bridge,
            EngineStateChanged("ready", "Recognizer: local (server unreachable)", 1.0))
    assert window.recognizer_label.text() == "Распознавание: локально (server unreachable)"


def test_global_hotkeys_drive_mute_and_copy(qtbot: QtBot, window: MainWindow) -> None:
    """Issue 21: the relay's `pressed` names reach the mute toggle and the newest card of
    any kind (the X11 grab itself: tests/app/test_hotkeys.py)."""
    window.on_hotkey("copy_entity")
    assert window.message_label.full_text == "Nothing to copy yet"
    deliver(qtbot, window.bridge, entity(1, "phone", "+14155550132"),
            entity(2, "email", "ivan@mail.ru"), entity(3, "address", "12 Baker Street"))
    window.on_hotkey("copy_entity")
    assert QGuiApplication.clipboard().text() == "12 Baker Street"
    window.on_hotkey("mute")
    assert window.mute_action.isChecked() and window.muted_banner.isVisible()
    window.on_hotkey("mute")
    assert not window.mute_action.isChecked()


def test_f1_says_when_global_hotkeys_are_off(qtbot: QtBot, window: MainWindow,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    if sys.platform in ("win32", "darwin"):
        pytest.skip("a Wayland session is a Linux one")
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    assert window.install_hotkeys() is None and window.hotkeys is None
    window.show_shortcuts()
    box = window.help_box
    assert box is not None and box.isVisible()
    assert "Global hotkeys are off" in box.text() and "Wayland" in box.text()
    assert "Ctrl+Alt+M" not in box.text()
    box.close()


def test_demo_menu_plays_the_call_in_the_ui_language(window: MainWindow,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    plans: list[CallPlan] = []
    monkeypatch.setattr(window, "start_call", plans.append)
    demo = next(action for action in window.menuBar().actions()[0].menu().actions()
                if action.text() == "Play the demo call")
    for language in ("ru", "en"):
        window.language = language
        demo.trigger()
        assert plans[-1].audio == demo_audio(language) and plans[-1].pace == "realtime"


def test_font_size_from_the_view_menu_is_remembered(qtbot: QtBot, app_config: EngineConfig,
                                                    prefs: QSettings, window: MainWindow
                                                    ) -> None:
    deliver(qtbot, window.bridge, entity(1, "phone", "+14155550132"))
    value = window.entity_cards[1].value
    before, size = value.font().pointSizeF(), window.font_size
    window.font_actions["larger"].trigger()
    window.font_actions["larger"].trigger()
    assert window.font_size == size + 2
    assert value.font().pointSizeF() > before  # cards follow the panel's size
    assert window.transcript.font().pointSizeF() == size + 2
    again = build_window(app_config, prefs)
    qtbot.addWidget(again)
    assert again.font_size == size + 2
    window.font_actions["default"].trigger()
    assert window.font_size == window.default_font_size


def test_dark_and_light_themes(qtbot: QtBot, window: MainWindow) -> None:
    deliver(qtbot, window.bridge, said("operator", "Hello"), entity(1, "phone", "+14155550132"))
    window.theme_actions["dark"].trigger()
    assert window.prefs.value("ui/theme") == "dark"
    assert QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 100
    line = window.transcript.item(0)
    assert line.foreground().color().name() == theme.DARK.operator
    window.theme_actions["light"].trigger()
    assert QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() > 150
    assert window.transcript.item(0).foreground().color().name() == theme.LIGHT.operator
    assert isinstance(window.entity_cards[1], EntityCard)


def test_tray_icon_mutes_and_shows_the_panel(qtbot: QtBot, window: MainWindow) -> None:
    tray = window.install_tray(available=True)
    assert tray is not None
    menu = tray.contextMenu()
    assert menu is not None and window.mute_action in menu.actions()
    window.mute_action.trigger()
    assert window.session.muted and tray.toolTip() == "Sufler: hints muted"
    window.mute_action.trigger()
    assert not window.session.muted and tray.toolTip() == "Sufler"
    assert window.install_tray(available=False) is None  # no tray on this desktop: none


def test_one_instance_per_user(qtbot: QtBot, tmp_path: Path) -> None:
    first = SingleInstance(tmp_path / "state")
    assert first.claim()
    second = SingleInstance(tmp_path / "state")
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert not second.claim()
    assert second.owner_pid() == os.getpid()
    first.release()
    third = SingleInstance(tmp_path / "state")
    assert third.claim()  # free again once the first has gone
    third.release()


def test_a_second_sufler_wakes_the_first_and_exits(qtbot: QtBot, tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = SingleInstance(state / "sufler")
    assert first.claim()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_STATE_HOME": str(state),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "HOME": str(tmp_path)}
    with qtbot.waitSignal(first.activated, timeout=60000):
        process = subprocess.Popen([sys.executable, "-m", "app.main"], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _out, err = process.communicate(timeout=60)
    first.release()
    assert process.returncode == 0, err
    assert "already running" in err and f"pid {os.getpid()}" in err


def test_english_ui_opens_en_rules_first_and_russian_ru(qtbot: QtBot,
                                                         app_config: EngineConfig) -> None:
    from app.admin import RulesEditor

    editor = RulesEditor(app_config)
    qtbot.addWidget(editor)
    assert editor.path.name == "en.toml"
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Russian))
    try:
        russian = RulesEditor(app_config)
        qtbot.addWidget(russian)
        assert russian.path.name == "ru.toml"
    finally:
        QLocale.setDefault(previous)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen has no stacking
def test_one_rules_editor_a_second_click_focuses_it(qtbot: QtBot, window: MainWindow) -> None:
    from app.admin import RulesEditor

    window.rules_action.trigger()
    window.rules_action.trigger()
    editors = [editor for editor in window.findChildren(RulesEditor) if editor.isVisible()]
    assert len(editors) == 1
    editors[0].close()
