"""`sufler`: engine commands pass through; first start seeds the admin's rule files."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from app.main import app_config, main
from tests.conftest import ROOT


def test_engine_commands_go_to_the_engine_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check", str(ROOT / "resources" / "rules" / "en.toml")]) == 0
    assert "no problems" in capsys.readouterr().out


def test_first_start_seeds_rules_beside_the_user_config(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    config = app_config()
    folder = tmp_path / "sufler"
    assert config.origin == str(folder)
    paths = config.rules.paths(Path(config.origin))
    assert paths == (folder / "rules" / "ru.toml", folder / "rules" / "en.toml")
    assert all(path.read_text(encoding="utf-8") ==
               (ROOT / "resources" / "rules" / path.name).read_text(encoding="utf-8")
               for path in paths)
    paths[1].write_text("# edited\n", encoding="utf-8")
    app_config()  # a second start keeps the admin's edits
    assert paths[1].read_text(encoding="utf-8") == "# edited\n"


def test_no_display_is_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent-sufler-test")
    assert main(["--demo"]) == 1
    assert "--no-gui" in capsys.readouterr().err


def test_the_log_file_is_private_and_masked(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from app.main import setup_logging

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        path = setup_logging(False)
        assert path is not None
        logging.getLogger("app.test").warning("customer said 415-555-0132, ivan@mail.ru; "
                                              "12 utterances in 35.2 s")
    finally:
        for handler in root.handlers[len(handlers):]:
            handler.close()
            root.removeHandler(handler)
        root.setLevel(level)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    assert "12 utterances in 35.2 s" in text
    assert "0132" not in text and "ivan" not in text


def test_seeded_rules_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    umask = os.umask(0)  # whatever the umask
    try:
        config = app_config()
    finally:
        os.umask(umask)
    for path in config.rules.paths(Path(config.origin)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "sufler" / "rules").stat().st_mode) == 0o700


def test_no_gui_without_a_call_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-gui"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--demo" in err and "--play" in err


def test_no_gui_plays_the_given_file_not_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--play", "/nonexistent-sufler.wav", "--no-gui"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing was played
    assert captured.err.strip() == "sufler: error: /nonexistent-sufler.wav: no such file"


def test_no_gui_uses_the_given_model(tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-model-here"
    assert main(["--demo", "en", "--no-gui", "--model", str(missing), "--pace", "fast"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(missing) in captured.err and "\n" not in captured.err.strip()


def test_demo_and_play_together_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "--play", "call.wav", "--no-gui"]) == 2
    assert "choose one" in capsys.readouterr().err


@pytest.mark.parametrize(("demo", "lang", "locale", "expected"), [
    ("ru", "en", "en_US.UTF-8", "ru"),  # asked for
    ("ui", "ru", "en_US.UTF-8", "ru"),  # the interface language given
    ("ui", "system", "ru_RU.UTF-8", "ru"),  # the system's
    ("ui", None, "de_DE.UTF-8", "en"),
])
def test_the_demo_language_without_a_window(demo: str, lang: str | None, locale: str,
                                            expected: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from app.main import demo_language

    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", locale)
    assert demo_language(demo, lang) == expected
