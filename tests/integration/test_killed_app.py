"""A killed app keeps the call up to the kill: the real app plays the demo call at real-time
pace, is killed with SIGKILL mid-call, and its saved call holds every line said until then
(masked, 0600), readable by the back-test. Ctrl+C quits the app with 130."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assist import load_call
from assist.config import DEMO_AUDIO
from tests.conftest import ROOT

pytestmark = pytest.mark.model


def start_app(tmp_path: Path, model: str, *args: str) -> tuple[subprocess.Popen[str], Path]:
    calls = tmp_path / "calls"
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ncalls_dir = "{calls}"\nlogs_dir = "{tmp_path / "logs"}"\n'
                      'operator_id = "Анна"\n', encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_STATE_HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.main", "--config", str(config), "--model", model,
         "--pace", "realtime", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    return process, calls


def transcript_lines(calls: Path) -> list[dict[str, object]]:
    files = list(calls.glob("*.jsonl"))
    if not files:
        return []
    lines = files[0].read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines[:-1] if '"transcript"' in line]


def wait_for(calls: Path, count: int, process: subprocess.Popen[str]) -> list[dict[str, object]]:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        said = transcript_lines(calls)
        if len(said) >= count:
            return said
        assert process.poll() is None, process.communicate()[1][-2000:]
        time.sleep(0.2)
    raise AssertionError(f"no {count} utterances saved in time")


def test_a_killed_app_keeps_the_call_up_to_the_kill(tmp_path: Path, tiny_model: str) -> None:
    process, calls = start_app(tmp_path, tiny_model, "--play", str(DEMO_AUDIO))
    try:
        before = wait_for(calls, 4, process)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    (saved,) = calls.glob("*.jsonl")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE(calls.stat().st_mode) == 0o700
    after = transcript_lines(calls)
    assert after[:len(before)] == before  # everything seen before the kill is still there
    assert max(float(line["end"]) for line in after) < 45  # killed mid-call (51 s)
    call = load_call(saved)  # the back-test reads it (a torn last line would be skipped)
    assert len(call.transcripts) == len(after)
    text = saved.read_text(encoding="utf-8")
    assert "7734162095" not in text and "2095" not in text  # the customer's number, masked
    logs = list((tmp_path / "logs").glob("*_anna-*.jsonl"))
    assert len(logs) == 1 and '"operator": "Анна"' in logs[0].read_text(encoding="utf-8")


def test_ctrl_c_quits_the_app_with_130(tmp_path: Path, tiny_model: str) -> None:
    process, calls = start_app(tmp_path, tiny_model, "--demo")
    try:
        wait_for(calls, 1, process)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr[-2000:]
    assert "Traceback" not in stderr
    assert f"sufler: interrupted (SIGINT); the call so far is saved in {calls}" in stderr
