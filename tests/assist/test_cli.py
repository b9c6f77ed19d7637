"""Every CLI error path exits 2 with one line on stderr, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.helpers.fakes import write_wav


def sufler(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assist", *args], capture_output=True,
                          text=True, timeout=timeout)


def wav(path: Path, channels: int = 1, seconds: float = 1.0) -> Path:
    return write_wav(path, np.zeros((int(16000 * seconds), channels), dtype=np.float32))


def assert_one_line_error(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sufler: error:"), result.stderr
    assert needle in lines[0]
    assert result.stdout == ""


def test_missing_file(tmp_path: Path) -> None:
    assert_one_line_error(sufler("transcribe", str(tmp_path / "nope.wav")), "no such file")


def test_undecodable_audio(tmp_path: Path) -> None:
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF....this is not audio" * 10)
    assert_one_line_error(sufler("transcribe", str(junk)), "cannot decode audio")


def test_unknown_model(tmp_path: Path) -> None:
    audio = wav(tmp_path / "a.wav")
    assert_one_line_error(sufler("transcribe", str(audio), "--model", "nope"), "unknown model")
    assert_one_line_error(sufler("transcribe", str(audio), "--model", str(tmp_path / "m")),
                          "does not exist")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--pace", "warp"], "--pace"),
        (["--language", "klingon!"], "--language"),
        (["--speakers", "a,a"], "--speakers"),
        (["--speakers", "a,b,c"], "--speakers"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_options(tmp_path: Path, args: list[str], needle: str) -> None:
    audio = wav(tmp_path / "a.wav")
    assert_one_line_error(sufler("transcribe", str(audio), *args), needle)


def test_stereo_needs_two_speakers(tmp_path: Path) -> None:
    audio = wav(tmp_path / "stereo.wav", channels=2)
    assert_one_line_error(sufler("transcribe", str(audio), "--speakers", "agent"), "2 channels")


def test_unwritable_output(tmp_path: Path) -> None:
    audio = wav(tmp_path / "a.wav")
    out = tmp_path / "missing-dir" / "out.jsonl"
    assert_one_line_error(sufler("transcribe", str(audio), "--out", str(out)), "--out")


def test_no_command_is_an_error() -> None:
    result = sufler()
    assert result.returncode == 2 and "transcribe" in result.stdout
