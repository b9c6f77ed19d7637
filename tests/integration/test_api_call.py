"""`sufler call start|stop` drives the running app: the real app (offscreen, tiny.en) with
[api] listen set plays a recording; `sufler call stop` stops its call, `sufler call start`
starts a new one that transcribes, `sufler call stop` stops it again; an events API client
sees each state change, and the app quits cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from assist.config import DEMO_AUDIO
from tests.conftest import ROOT

pytestmark = pytest.mark.model


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(connection: ClientConnection, match: Callable[[dict[str, Any]], bool],
             process: subprocess.Popen[str], log: Path, timeout: float = 60.0
             ) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(encoding="utf-8")[-2000:]
        try:
            record = json.loads(connection.recv(timeout=1))
        except TimeoutError:
            continue
        if match(record):
            return dict(record)
        seen.append(record["type"] + (f":{record['state']}" if "state" in record else ""))
    raise AssertionError(f"the expected record did not come in {timeout:g} s; came: {seen}; "
                         f"the app said: {log.read_text(encoding='utf-8')[-2000:]}")


def state(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda record: record["type"] == "state" and record["state"] == name


def test_sufler_call_start_and_stop_drive_the_running_app(tmp_path: Path,
                                                          tiny_model: str) -> None:
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ncalls_dir = "{tmp_path / "calls"}"\n'
                      f'logs_dir = "{tmp_path / "logs"}"\n'
                      f'[api]\nlisten = "127.0.0.1:{port}"\n', encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_STATE_HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    log = tmp_path / "app.err"  # a file, not a pipe: an app that logs much never blocks
    with log.open("w", encoding="utf-8") as errors:
        app = subprocess.Popen(
            [sys.executable, "-m", "app.main", "--config", str(config), "--model", tiny_model,
             "--pace", "realtime", "--play", str(DEMO_AUDIO)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors, text=True)

    def call(action: str) -> str:
        done = subprocess.run([sys.executable, "-m", "app.main", "call", action,
                               "--config", str(config)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (action, done.stderr)
        return done.stdout.strip()

    try:
        token_file = tmp_path / "xdg" / "sufler" / "api-token"
        deadline = time.monotonic() + 60
        while True:  # the app makes the token and listens before the model is loaded
            assert time.monotonic() < deadline and app.poll() is None, "no events API"
            try:
                token = token_file.read_text(encoding="utf-8").strip()
                client = connect(f"ws://127.0.0.1:{port}/events?token={token}")
                break
            except (OSError, ValueError):
                time.sleep(0.2)
        with client:
            hello = wait_for(client, lambda record: record["type"] == "hello", app, log)
            assert hello["values"] == "masked"  # api.send_values is off by default
            wait_for(client, state("running"), app, log)  # the recording started playing
            assert call("stop") == "call stop: stopping the call"
            wait_for(client, state("stopped"), app, log)
            started = call("start")
            assert started in ("call start: call started",
                               "call start: the last call is ending; a new one starts when "
                               "it has")
            wait_for(client, state("running"), app, log)
            said = wait_for(client, lambda record: record["type"] == "transcript", app, log)
            assert said["start"] < 10  # the recording plays again from its start
            assert call("start") == "call start: a call is already running"
            assert call("stop") == "call stop: stopping the call"
            wait_for(client, state("stopped"), app, log)
            assert call("stop") == "call stop: no call is running"
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
    stderr = log.read_text(encoding="utf-8")
    assert app.returncode == 143, stderr[-2000:]
    assert "Traceback" not in stderr
