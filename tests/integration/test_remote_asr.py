"""The `openai` backend against a real OpenAI-compatible server process on 127.0.0.1:
faster-whisper-server 0.0.3 (PyPI) serving tiny.en from the local model package, started by
tests/helpers/openai_server.py (which adds the bearer-key check and the processing-time
header vLLM and OpenAI have). The same WER as the local backend; the server killed mid-call
hands over to the local model with no window lost and the switch in the JSON Lines; the
server back switches back; a wrong key is a clear one-line error."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assist import Engine, FileSource, load_config, replace_config
from assist.asr.models import resolve_model
from assist.asr.remote import RemoteRecognizer, RemoteRejected
from assist.cli import JsonLinesWriter
from assist.config import EngineConfig
from assist.events import (
    EngineError,
    EngineStateChanged,
    Event,
    TranscriptUpdated,
    UtteranceSuppressed,
)
from assist.wer import word_errors
from tests.conftest import ROOT, reference
from tests.helpers.openai_server import free_port

pytestmark = [pytest.mark.model, pytest.mark.shared]

KEY_ENV = "SUFLER_TEST_SERVER_KEY"
KEY = "sufler-test-3b9d"
FILES = ("en_jfk.16k.wav", "en_librispeech_testclean_1089_x4.16k.wav")


class Server:
    """faster-whisper-server as a child process on a fixed port; kill and start again."""

    def __init__(self, model: str, port: int) -> None:
        self.model, self.port = model, port
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        env = {**os.environ, KEY_ENV: KEY}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.openai_server", self.model, "--port",
             str(self.port), "--key-env", KEY_ENV, "--threads", "1"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.process.stdout is not None
        lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("listening on"):
                # keep draining its output (per-request logs), or a full pipe would stall
                # the server and look like a failover
                threading.Thread(target=self.process.stdout.read, daemon=True,
                                 name="test-server-output").start()
                return
        self.kill()
        raise RuntimeError("the test server did not start:\n" + "".join(lines[-20:]))

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture(scope="module")
def server(tiny_model: str, shared_audio: Path) -> Iterator[Server]:
    pytest.importorskip("faster_whisper_server", reason="pip install -e '.[dev]'")
    running = Server(str(resolve_model(tiny_model).location), free_port())
    running.start()
    yield running
    running.kill()


def config_for(server: Server | None, **changes: Any) -> EngineConfig:
    overrides: dict[str, Any] = {"asr.model": "tiny.en", "channels.languages": ("en", "en"),
                                 **changes}
    if server is not None:
        overrides.update({"asr.backend": "openai", "asr.url": server.url,
                          "asr.remote_model": "whisper-1", "asr.api_key_env": KEY_ENV,
                          "asr.timeout_s": 10.0, "asr.probe_s": 0.3})
    return replace_config(load_config(), **overrides)


def finals(events: list[Event]) -> list[TranscriptUpdated]:
    return sorted((e for e in events if isinstance(e, TranscriptUpdated) and e.final),
                  key=lambda e: (e.start, e.channel))


@pytest.fixture(scope="module")
def local_runs(tiny_model: str, shared_audio: Path) -> dict[str, list[Event]]:
    """Each file through the local backend: the baseline."""
    engine = Engine(config_for(None, pace="simulated"))
    runs: dict[str, list[Event]] = {}
    for name in FILES:
        events: list[Event] = []
        engine.transcribe(FileSource(shared_audio / name), sinks=[events.append])
        runs[name] = events
    return runs


def test_same_words_as_the_local_backend(server: Server, shared_audio: Path,
                                         local_runs: dict[str, list[Event]],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    engine = Engine(config_for(server, pace="simulated"))
    for name in FILES:
        events: list[Event] = []
        stats = engine.transcribe(FileSource(shared_audio / name), sinks=[events.append])
        remote = finals(events)
        assert remote and all(e.remote is not None for e in remote)  # the server did them
        assert all(e.remote is not None and e.remote.server is not None for e in remote)
        assert stats.errors == 0
        truth = reference(shared_audio, name)
        remote_errors = word_errors(truth, " ".join(e.text for e in remote)).edits
        local_errors = word_errors(truth, " ".join(e.text for e in finals(local_runs[name])))
        assert abs(remote_errors - local_errors.edits) <= 1, (name, remote_errors,
                                                               local_errors)


def test_killed_server_hands_over_with_no_window_lost_and_comes_back(
        server: Server, shared_audio: Path, local_runs: dict[str, list[Event]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    name = FILES[1]
    out = io.StringIO()
    writer = JsonLinesWriter(out)
    events: list[Event] = []

    def kill_after_the_first(event: Event) -> None:
        events.append(event)
        if isinstance(event, TranscriptUpdated) and event.final and event.remote is not None:
            server.kill()  # mid-call: the next windows (one may be in flight) find it gone

    engine = Engine(config_for(server, pace="fast"), writer)
    engine.load()
    try:
        stats = engine.transcribe(FileSource(shared_audio / name),
                                  sinks=[kill_after_the_first])
        # no window lost: as many windows came out as the local backend's run gave
        windows = [e for e in events if isinstance(e, TranscriptUpdated | UtteranceSuppressed)
                   and getattr(e, "final", True)]
        local = [e for e in local_runs[name] if isinstance(e, TranscriptUpdated
                                                          | UtteranceSuppressed)
                 and getattr(e, "final", True)]
        assert len(windows) == len(local)
        assert (stats.errors, stats.shed) == (0, 0)
        assert not [e for e in events if isinstance(e, EngineError)]
        done = finals(events)
        assert done[0].remote is not None and done[-1].remote is None  # then the local model
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        switches = [r for r in records if r["type"] == "recognizer"]
        assert switches[0]["recognizer"] == "local"
        assert switches[0]["reason"] == "Recognizer: local (server unreachable)"
        assert [e.detail for e in events if isinstance(e, EngineStateChanged)
                and e.detail.startswith("Recognizer:")] == [switches[0]["reason"]]

        server.start()  # back: the probe switches to it
        recognizer = engine.recognizer
        assert isinstance(recognizer, RemoteRecognizer)
        deadline = time.monotonic() + 30
        while not recognizer.remote and time.monotonic() < deadline:
            time.sleep(0.1)
        assert recognizer.remote
        again: list[Event] = []
        engine.transcribe(FileSource(shared_audio / FILES[0]), sinks=[again.append])
        assert finals(again) and all(e.remote is not None for e in finals(again))
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        back = [r for r in records if r["type"] == "recognizer"][-1]
        assert back["recognizer"] == "remote"
        assert back["reason"] == f"Recognizer: remote (127.0.0.1:{server.port})"
    finally:
        if server.process is None or server.process.poll() is not None:
            server.start()


def test_a_wrong_key_is_a_clear_error(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "not-the-key")
    engine = Engine(config_for(server, pace="fast"))
    with pytest.raises(RemoteRejected) as caught:
        engine.load()
    message = str(caught.value)
    assert "\n" not in message and "not-the-key" not in message
    assert message == (f"recognizer server 127.0.0.1:{server.port} refused the request: "
                       f"HTTP 401 Incorrect API key provided. (check the key in ${KEY_ENV})")


def test_the_cli_reports_a_wrong_key_in_one_line(server: Server, tmp_path: Path,
                                                 shared_audio: Path) -> None:
    config = tmp_path / "seat.toml"
    config.write_text(f'[asr]\nbackend = "openai"\nurl = "{server.url}"\n'
                      f'remote_model = "whisper-1"\napi_key_env = "{KEY_ENV}"\n'
                      'model = "tiny.en"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "assist", "transcribe", str(shared_audio / FILES[0]),
         "--config", str(config)], capture_output=True, text=True, timeout=120,
        env={**os.environ, KEY_ENV: "wrong"}, cwd=ROOT)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "HTTP 401 Incorrect API key provided." in lines[0], lines
    assert "wrong" not in lines[0]  # the key is never shown
