"""Settings (TOML + QSettings, the privacy page) and the admin's rules editor."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTranslator
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.admin import RulesEditor
from app.settings import SettingsDialog
from assist import EngineConfig, load_config, parse_rules
from tests.conftest import ROOT

TRANSLATIONS = ROOT / "resources" / "translations"


def test_settings_write_the_toml_and_the_ui_language(qtbot: QtBot, app_config: EngineConfig,
                                                     prefs: QSettings, tmp_path: Path) -> None:
    target = tmp_path / "user" / "config.toml"
    dialog = SettingsDialog(app_config, prefs, config_path=target)
    qtbot.addWidget(dialog)
    dialog.operator_device.setEditText("operator_mic")
    dialog.customer_device.setEditText("customer_out.monitor")
    dialog.budget.setValue(2.5)
    dialog.languages[1].setCurrentText("ru")
    dialog.mask_pii.setChecked(False)
    dialog.retention.setValue(7)
    dialog.language.setCurrentIndex(dialog.language.findData("ru"))
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    assert dialog.confirm_stop.isChecked()  # on by default
    dialog.confirm_stop.setChecked(False)
    dialog.accept()
    saved = load_config(target)
    assert saved.capture.operator_device == "operator_mic"
    assert saved.capture.customer_device == "customer_out.monitor"
    assert saved.rules.budget_s == 2.5 and saved.channels.languages == ("auto", "ru")
    assert saved.storage.mask_pii is False and saved.storage.retention_days == 7
    assert dialog.result_config.rules.budget_s == 2.5
    assert prefs.value("ui/language") == "ru"
    assert prefs.value("ui/theme") == "dark"
    assert prefs.value("call/confirm_stop", type=bool) is False


@pytest.mark.parametrize("outcome", ["none", "error"])
def test_find_devices_says_why_there_are_none(qtbot: QtBot, app_config: EngineConfig,
                                              prefs: QSettings, monkeypatch: pytest.MonkeyPatch,
                                              outcome: str) -> None:
    """No audio server: the dialog says what `sufler devices` says instead of nothing."""
    from assist import AudioDeviceError

    asked: list[str] = []

    def listing(backend: str) -> list[object]:
        asked.append(backend)
        if outcome == "error":
            raise AudioDeviceError("PortAudio library not found: install libportaudio2")
        return []

    monkeypatch.setattr("app.settings.capture_devices", listing)
    dialog = SettingsDialog(app_config, prefs)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.devices_note.isVisible()
    dialog.refresh_devices()
    assert asked == [app_config.capture.backend]  # through the configured capture backend
    assert dialog.devices_note.isVisible()
    text = dialog.devices_note.text()
    if outcome == "none":
        assert "No input devices found" in text and "PulseAudio/PipeWire" in text
        assert "sufler devices" in text
    else:
        assert "libportaudio2" in text


def test_privacy_page_says_what_is_kept_and_deletes_saved_calls(
        qtbot: QtBot, app_config: EngineConfig, prefs: QSettings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = app_config.storage.calls_path()
    calls.mkdir(parents=True)
    for name in ("a", "b"):
        (calls / f"2026_{name}.jsonl").write_text("{}\n", encoding="utf-8")
    dialog = SettingsDialog(app_config, prefs)
    qtbot.addWidget(dialog)
    text = dialog.privacy_text.text()
    assert str(calls) in text and "30 days" in text and "masked" in text
    assert "Audio is never stored" in text
    assert dialog.delete_button.text() == "Delete saved calls (2)"
    from PySide6.QtWidgets import QMessageBox
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    dialog.delete_button.click()
    assert list(calls.glob("*.jsonl")) == []
    assert not dialog.delete_button.isEnabled()


BROKEN = 'priority = "high"'


def test_editor_blocks_a_broken_deploy_and_shows_where(qtbot: QtBot,
                                                       app_config: EngineConfig) -> None:
    editor = RulesEditor(app_config)
    qtbot.addWidget(editor)
    live = editor.path
    original = live.read_text(encoding="utf-8")
    assert editor.deploy_button.isEnabled() and editor.problems == []
    text = original.replace("priority = 70", BROKEN, 1)
    editor.editor.setPlainText(text)
    qtbot.waitUntil(lambda: bool(editor.problems), timeout=2000)  # live, after typing stops
    broken_line = text.splitlines().index(BROKEN) + 1
    assert [problem.line for problem in editor.problems] == [broken_line]
    assert not editor.deploy_button.isEnabled()
    assert editor.problem_list.item(0).text().startswith(f"line {broken_line}:")
    editor.jump_to_line(1)
    editor.problem_list.itemClicked.emit(editor.problem_list.item(0))
    assert editor.current_line() == broken_line
    assert editor.deploy() is False
    assert live.read_text(encoding="utf-8") == original  # the live file is untouched
    editor.editor.setPlainText(original)  # nothing left unsaved when the test closes it


def test_editor_back_tests_then_deploys_atomically(qtbot: QtBot, app_config: EngineConfig,
                                                   tmp_path: Path) -> None:
    calls = app_config.storage.calls_path()
    calls.mkdir(parents=True)
    records = [
        {"type": "transcript", "speaker": "customer", "text": "I want my money back",
         "start": 1.0, "end": 3.0, "emitted": 3.5, "language": "en", "id": 1},
        {"type": "transcript", "speaker": "operator", "text": "Sure, let me check",
         "start": 4.0, "end": 5.0, "emitted": 5.4, "language": "en", "id": 2},
    ]
    (calls / "call.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records),
                                      encoding="utf-8")
    editor = RulesEditor(app_config)
    qtbot.addWidget(editor)
    editor.file_box.setCurrentIndex(editor.file_box.findData(
        str(tmp_path / "rules" / "en.toml")))
    editor.backtest_button.click()
    qtbot.waitUntil(lambda: editor.table.rowCount() > 0, timeout=10000)
    table = {editor.table.item(row, 0).text(): editor.table.item(row, 2).text()
             for row in range(editor.table.rowCount())}
    assert table["en-refund"] == "1"
    edited = editor.editor.toPlainText() + (
        '\n[[rule]]\nid = "en-new"\ntitle = "New"\ntext = "A new hint."\nphrases = ["parcel"]\n')
    editor.editor.setPlainText(edited)
    assert editor.deploy() is True
    deployed = editor.path.read_text(encoding="utf-8")
    assert deployed == edited and not parse_rules(deployed).problems
    assert not list(editor.path.parent.glob("*.tmp"))


def test_editor_asks_before_dropping_unsaved_edits(qtbot: QtBot, app_config: EngineConfig,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    editor = RulesEditor(app_config)
    qtbot.addWidget(editor)
    editor.show()
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.Cancel]

    def ask() -> QMessageBox.StandardButton:
        asked.append(editor.path.name)
        return answer[0]

    monkeypatch.setattr(editor, "ask_unsaved", ask)
    first = editor.path
    edited = editor.editor.toPlainText() + "\n# an edit\n"
    editor.editor.setPlainText(edited)
    assert editor.dirty and editor.windowTitle().endswith("*")
    editor.file_box.setCurrentIndex(1)  # Cancel: stay on the file, keep the edit
    assert asked == [first.name] and editor.path == first
    assert editor.file_box.currentIndex() == 0 and editor.editor.toPlainText() == edited
    assert not editor.close() and editor.isVisible()  # Cancel on close too
    answer[0] = QMessageBox.StandardButton.Discard
    editor.file_box.setCurrentIndex(1)
    assert editor.path != first and not editor.dirty
    assert first.read_text(encoding="utf-8") != edited  # discarded, never written
    second = editor.path
    editor.editor.setPlainText(editor.editor.toPlainText() + "\n# kept\n")
    answer[0] = QMessageBox.StandardButton.Save
    assert editor.close()  # Save deploys, then closes
    assert second.read_text(encoding="utf-8").endswith("# kept\n")


def _messages() -> list[ET.Element]:
    return list(ET.parse(TRANSLATIONS / "sufler_ru.ts").getroot().iter("message"))


def test_russian_translation_is_complete_and_covers_every_ui_string(tmp_path: Path) -> None:
    def done(message: ET.Element) -> bool:
        translation = message.find("translation")
        if translation is None or translation.get("type") == "unfinished":
            return False
        if message.get("numerus") == "yes":  # "%n hint(s)": every plural form filled
            forms = translation.findall("numerusform")
            return bool(forms) and all((form.text or "").strip() for form in forms)
        return bool((translation.text or "").strip())

    unfinished = [m.findtext("source") for m in _messages() if not done(m)]
    assert unfinished == []
    copy = tmp_path / "check.ts"
    copy.write_bytes((TRANSLATIONS / "sufler_ru.ts").read_bytes())
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    result = subprocess.run([str(lupdate), *map(str, sorted((ROOT / "app").glob("*.py"))),
                             "-ts", str(copy)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    new = re.search(r"\((\d+) new", result.stdout)
    assert new is not None and int(new.group(1)) == 0, (
        "UI strings without a Russian translation; run pyside6-lupdate and translate:\n"
        + result.stdout)
    compiled = tmp_path / "check.qm"
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([str(lrelease), str(TRANSLATIONS / "sufler_ru.ts"), "-qm", str(compiled)],
                   capture_output=True, check=True, timeout=120)
    assert compiled.read_bytes() == (TRANSLATIONS / "sufler_ru.qm").read_bytes(), (
        "sufler_ru.qm is older than sufler_ru.ts: run pyside6-lrelease")


def test_compiled_translation_translates(qtbot: QtBot) -> None:
    translator = QTranslator()
    assert translator.load(str(TRANSLATIONS / "sufler_ru.qm"))
    assert translator.translate("MainWindow", "Start call") == "Начать звонок"
    assert translator.translate("SettingsDialog", "Data && privacy") == "Данные и приватность"
