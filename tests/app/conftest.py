"""App fixtures: a window on the offscreen platform with everything it writes in tmp_path."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from assist import EngineConfig, load_config, replace_config


@pytest.fixture
def app_config(tmp_path: Path) -> EngineConfig:
    """Defaults, with saved calls, logs and the rule files under tmp_path."""
    rules = tmp_path / "rules"
    rules.mkdir()
    for name in ("ru.toml", "en.toml"):
        source = Path(__file__).resolve().parents[2] / "resources" / "rules" / name
        (rules / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    config = replace_config(load_config(), **{
        "storage.calls_dir": str(tmp_path / "calls"),
        "storage.logs_dir": str(tmp_path / "logs"),
        "storage.operator_id": "op-test",
    })
    return dataclasses.replace(config, origin=str(tmp_path))


@pytest.fixture
def prefs(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
