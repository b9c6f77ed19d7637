"""End to end: the demo recording through the real engine and model into the window."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.gui import build_window
from app.session import CallPlan
from app.window import MainWindow
from assist import DEMO_AUDIO, EngineConfig, replace_config

pytestmark = pytest.mark.model


def play(qtbot: QtBot, window: MainWindow) -> object:
    with qtbot.waitSignal(window.bridge.call_ended, timeout=240_000) as ended:
        window.start_call(CallPlan(DEMO_AUDIO, "fast"))
    assert ended.args[0].error is None, ended.args[0].error
    assert not window.session.running  # a quit now closes without asking
    return ended.args[0]


def test_demo_call_fills_the_panel_and_mute_hides_and_logs(
        qtbot: QtBot, app_config: EngineConfig, prefs: QSettings, tiny_model: str) -> None:
    config = replace_config(app_config, **{"asr.model": tiny_model})
    window = build_window(config, prefs)
    qtbot.addWidget(window)
    window.show()
    first = play(qtbot, window)
    lines = window.transcript.lines()
    assert {speaker for speaker, _, _ in lines} == {"operator", "customer"}
    assert all(kind == "final" for _, _, kind in lines)
    assert any("refund" in text.lower() for _, text, _ in lines)
    kinds = {card.event.kind for card in window.entity_cards.values()}
    assert "phone" in kinds
    # tiny.en mishears the customer's "refund" on the telephone leg; the read-back hint shows
    assert "en-phone-readback" in {card.event.rule_id for card in window.hint_cards.values()}
    assert first.saved is not None  # type: ignore[attr-defined]

    window.mute_action.trigger()  # one click: cards go at once
    assert window.hint_count() == 0 and window.muted_banner.isVisible()
    second = play(qtbot, window)
    assert window.hint_count() == 0
    records = [json.loads(line) for line in
               second.saved.read_text(encoding="utf-8").splitlines()]  # type: ignore[attr-defined]
    muted = [r for r in records if r["type"] == "suggestion" and r["decision"] == "dropped"
             and r["reason"] == "muted"]
    assert {"en-phone-readback"} <= {r["rule"] for r in muted}
    assert not [r for r in records if r["type"] == "suggestion" and r["decision"] == "shown"]
    # saved calls are masked: the customer's number is not on disk
    text = second.saved.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    assert "7734162095" not in text and "2095" not in text
    # and the latency log has a record with every stage for each utterance
    logs = list(config.storage.logs_path().glob("*_op-test-*.jsonl"))  # slug + hash
    assert len(logs) == 1
    utterances = [json.loads(line) for line in logs[0].read_text().splitlines()
                  if '"utterance"' in line]
    assert utterances and all(set(u["stages"]) == {"captured", "endpointed", "asr_start",
                                                   "asr_end", "emitted", "extracted",
                                                   "matched"} for u in utterances)
    cards = [json.loads(line) for line in logs[0].read_text().splitlines()
             if '"card"' in line]
    assert {card["outcome"] for card in cards} == {"shown", "dropped"}
    assert all("text" not in u for u in utterances)
