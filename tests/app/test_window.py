"""The panel at the signal seam: events in through the bridge, widgets and controls out."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.bridge import EngineBridge
from app.gui import build_window
from app.widgets import EntityCard, HintCard
from app.window import MainWindow
from assist import (
    EngineConfig,
    EntityExtracted,
    HintsControlled,
    LevelsMeasured,
    ReadbackChecked,
    StageTimes,
    SuggestionRetired,
    SuggestionShown,
    TranscriptUpdated,
)


def said(speaker: str, text: str, final: bool = True, uid: int = 1, end: float = 3.0
         ) -> TranscriptUpdated:
    times = StageTimes(end, end, end + 0.1, end + 0.6, end + 0.7)
    return TranscriptUpdated(uid if final else 0, speaker, 0 if speaker == "operator" else 1,
                             text, end - 2.0, end, final, "en", times, "silence", -0.2, 0.01)


def card(card_id: int, priority: int = 50, rule: str = "refund") -> SuggestionShown:
    return SuggestionShown(card_id, rule, f"Card {card_id}", "Offer a redelivery first.",
                           "phrase", "policy", priority, "customer", "refund", 3.0, 3.5, 0.5,
                           33.5)


def phone(entity_id: int = 1, value: str = "+14155550132") -> EntityExtracted:
    return EntityExtracted(entity_id, "phone", "four one five ...", value, "customer", 2,
                           (0, 10), 1.0, 3.0, 3.6)


@pytest.fixture
def window(qtbot: QtBot, app_config: EngineConfig, prefs: QSettings) -> MainWindow:
    window = build_window(app_config, prefs)
    qtbot.addWidget(window)
    window.show()
    return window


def deliver(qtbot: QtBot, bridge: EngineBridge, *events: object) -> None:
    """Post from a worker thread, as the engine does, and wait until the GUI has them."""
    before = bridge.delivered
    thread = threading.Thread(target=lambda: [bridge.post(event) for event in events])
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bridge.delivered >= before + len(events), timeout=3000)


def test_bridge_delivers_in_order_on_the_gui_thread(qtbot: QtBot) -> None:
    bridge = EngineBridge()
    seen: list[tuple[int, bool]] = []
    gui = threading.current_thread()
    bridge.transcript_updated.connect(
        lambda event: seen.append((event.utterance_id, threading.current_thread() is gui)))
    deliver(qtbot, bridge, *[said("customer", f"line {n}", uid=n) for n in range(1, 201)])
    assert seen == [(n, True) for n in range(1, 201)]


def test_interim_text_is_replaced_by_the_final(qtbot: QtBot, window: MainWindow) -> None:
    deliver(qtbot, window.bridge, said("customer", "my parcel did", final=False),
            said("operator", "Hello", uid=1),
            said("customer", "my parcel did not arrive", final=True, uid=2))
    lines = window.transcript.lines()
    assert [(speaker, kind) for speaker, _, kind in lines] == [("customer", "final"),
                                                               ("operator", "final")]
    assert lines[0][1].endswith("Customer: my parcel did not arrive")
    assert window.latency_label.text() == "Latency 0.7 s"


def test_entity_card_copies_and_shows_the_read_back(qtbot: QtBot, window: MainWindow) -> None:
    deliver(qtbot, window.bridge, phone())
    entity = window.findChild(EntityCard)
    assert entity.value.text() == "+1 415-555-0132"
    entity.copy.click()
    assert QGuiApplication.clipboard().text() == "+1 415-555-0132"
    deliver(qtbot, window.bridge, ReadbackChecked(
        "phone", False, ("digit 10: 3 given, 2 repeated",), "+14155550132", "customer", 1,
        "+14155550123", "operator", 2, 5.0))
    assert entity.readback == "mismatch" and "digit 10" in entity.status.text()
    # a correction replaces the card
    deliver(qtbot, window.bridge, EntityExtracted(
        3, "phone", "...", "+14155550133", "customer", 3, (0, 5), 5.0, 6.0, 6.5, True, 1))
    assert list(window.entity_cards) == [3]


def test_an_email_card_shows_its_kind_copies_and_flags_a_wrong_read_back(
        qtbot: QtBot, window: MainWindow) -> None:
    deliver(qtbot, window.bridge, EntityExtracted(
        7, "email", "ivan точка petrov собака mail точка ru", "ivan.petrov@mail.ru", "customer",
        4, (0, 38), 3.0, 6.0, 6.4))
    entity = window.findChild(EntityCard)
    assert entity.title.text().startswith("E-mail")
    assert entity.value.text() == "ivan.petrov@mail.ru"
    entity.copy.click()
    assert QGuiApplication.clipboard().text() == "ivan.petrov@mail.ru"
    deliver(qtbot, window.bridge, ReadbackChecked(
        "email", False, ("local part: ivan.petrov given, ivan.petrof repeated",),
        "ivan.petrov@mail.ru", "customer", 7, "ivan.petrof@mail.ru", "operator", 8, 9.0))
    assert entity.readback == "mismatch" and "local part" in entity.status.text()


def test_an_unsure_card_marks_its_digits_and_the_read_back_replaces_it(
        qtbot: QtBot, window: MainWindow) -> None:
    unsure = EntityExtracted(1, "phone", "415 555 0182", "+14155550182", "customer", 2,
                             (0, 12), 3.0, 6.0, 6.4, uncertain=("digit 10",))
    deliver(qtbot, window.bridge, unsure)
    card = window.entity_cards[1]
    assert '">8</span>' in card.value.text()  # the unsure digit, and only it
    assert card.value.text().count("<span") == 1
    assert "digit 10" in card.status.text() and "confirm" in card.status.text()
    deliver(qtbot, window.bridge, EntityExtracted(
        5, "phone", "415 555 0182", "+14155550132", "customer", 2, (0, 12), 3.0, 6.0, 9.0,
        True, 1, source="readback"))
    assert list(window.entity_cards) == [5]
    fixed = window.entity_cards[5]
    assert fixed.value.text() == "+1 415-555-0132" and "read-back" in fixed.status.text()


def test_hint_cards_feedback_dismiss_and_retire(qtbot: QtBot, window: MainWindow,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(window.session, "feedback", lambda cid, action: sent.append((cid, action)))
    deliver(qtbot, window.bridge, card(1, 50), card(2, 90, "escalate"))
    hints = [window.hints_box.itemAt(i).widget() for i in range(window.hints_box.count())]
    assert [hint.event.card_id for hint in hints] == [2, 1]  # most important first
    first = window.hint_cards[1]
    first.buttons["up"].click()
    assert sent == [(1, "up")] and not first.buttons["down"].isEnabled()
    first.buttons["dismiss"].click()
    assert sent[-1] == (1, "dismiss") and 1 not in window.hint_cards
    window.hint_cards[2].buttons["mute_rule"].click()
    assert sent[-1] == (2, "mute_rule") and window.hint_count() == 0
    deliver(qtbot, window.bridge, card(3), SuggestionRetired(3, "refund", "replaced", 9.0))
    assert window.hint_count() == 0


def test_mute_hides_cards_at_once_and_keeps_new_ones_off(qtbot: QtBot,
                                                          window: MainWindow) -> None:
    deliver(qtbot, window.bridge, card(1), card(2))
    assert window.hint_count() == 2
    qtbot.keyClick(window, "M", modifier=Qt.KeyboardModifier.ControlModifier)
    assert window.mute_action.isChecked() and window.session.muted
    assert window.hint_count() == 0 and window.muted_banner.isVisible()
    deliver(qtbot, window.bridge, card(3))  # raced with the click: never on screen
    assert window.hint_count() == 0
    # the engine answers the unmute with its own state (from the controls' thread): let it
    # arrive before the snooze below, or it would clear the snooze banner after the fact
    with qtbot.waitSignal(window.bridge.hints_controlled, timeout=3000,
                          check_params_cb=lambda event: not event.muted):
        window.mute_action.trigger()
    assert not window.session.muted and not window.muted_banner.isVisible()
    deliver(qtbot, window.bridge, HintsControlled(False, 300.0, (), 0.0))
    assert window.snooze_banner.isVisible()


def test_status_line_levels_and_layouts(qtbot: QtBot, window: MainWindow) -> None:
    deliver(qtbot, window.bridge, LevelsMeasured((-12.0, -90.0), ("operator", "customer"), 1.0))
    assert window.meters["operator"].value() == -12 and window.meters["customer"].value() == -60
    assert window.health() == "ok"
    window.resize(1000, 600)
    qtbot.waitUntil(lambda: window.wide)
    window.resize(380, 700)
    qtbot.waitUntil(lambda: not window.wide)
    labels = {label.objectName(): label.text() for label in window.statusBar().findChildren(QLabel)}
    assert labels["state"] == "Idle" and "OK" in labels["health"]


def test_hint_card_expires_on_its_own(qtbot: QtBot, window: MainWindow) -> None:
    short = SuggestionShown(9, "r", "T", "x", "phrase", "c", 50, "customer", "e", 1.0, 1.2,
                            0.2, 2.2)
    deliver(qtbot, window.bridge, short)
    assert isinstance(window.hint_cards.get(9), HintCard)
    qtbot.waitUntil(lambda: window.hint_count() == 0, timeout=3000)


def test_no_saved_state_leaks_outside_tmp(window: MainWindow, tmp_path: Path) -> None:
    storage = window.session.config.storage
    assert str(storage.calls_path()).startswith(str(tmp_path))
