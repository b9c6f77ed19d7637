"""The `openai` recognizer backend against a stdlib HTTP server on loopback: the request it
sends, the answers it reads (absent confidences too), keep-alive and the in-flight limit,
failover to the local recognizer and back, 4xx errors, and the config's privacy rules. The
real server (faster-whisper-server over the real model) is in
tests/integration/test_remote_asr.py."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

from assist.asr.backends import backends, create_recognizer
from assist.asr.options import DecodeOptions
from assist.asr.recognizer import Switching
from assist.asr.remote import RemoteRecognizer, RemoteRejected, parse_verbose
from assist.asr.worker import AsrWorker, Outcome
from assist.config import AsrConfig, ConfigError, load_config, load_config_text, replace_config
from assist.endpointer import Window
from assist.errors import AssistError
from assist.events import RemoteTimes, TranscriptUpdated
from assist.records import latency_record
from tests.helpers.fakes import ScriptedRecognizer, silence, tone

KEY = "test-key-5f2a9c"


@dataclass
class Behaviour:
    """What the stub server does; the tests change it between requests."""

    status: int = 200
    answer: dict[str, Any] = field(default_factory=lambda: {
        "text": " Hello there.", "language": "english",
        "segments": [{"text": " Hello", "tokens": [1, 2, 3], "avg_logprob": -0.2,
                      "no_speech_prob": 0.1, "compression_ratio": 1.1},
                     {"text": " there.", "tokens": [4], "avg_logprob": -0.6,
                      "no_speech_prob": 0.3, "compression_ratio": 0.9}]})
    delay_s: float = 0.0
    server_ms: str | None = "120.0"
    requests: list[dict[str, Any]] = field(default_factory=list)
    clients: set[int] = field(default_factory=set)  # client ports: one per connection
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Stub:
    def __init__(self) -> None:
        self.behaviour = Behaviour()
        behaviour = self.behaviour

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, data: Any, extra: dict[str, str]) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._send(200, {"object": "list", "data": []}, {})

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                raw = self.rfile.read(length)
                with behaviour.lock:
                    behaviour.in_flight += 1
                    behaviour.most_in_flight = max(behaviour.most_in_flight,
                                                   behaviour.in_flight)
                    behaviour.clients.add(self.client_address[1])
                try:
                    message = BytesParser(policy=HTTP).parsebytes(
                        f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + raw)
                    fields = {part.get_param("name", header="content-disposition"):
                              part.get_payload(decode=True) for part in message.iter_parts()}
                    behaviour.requests.append({
                        "path": self.path, "auth": self.headers.get("Authorization"),
                        "fields": {name: value.decode() for name, value in fields.items()
                                   if name != "file"},
                        "wav": fields.get("file", b"")})
                    time.sleep(behaviour.delay_s)
                    if behaviour.status != 200:
                        self._send(behaviour.status, {"error": {
                            "message": "Incorrect API key provided.\nSee the docs."}}, {})
                        return
                    extra = {"openai-processing-ms": behaviour.server_ms} \
                        if behaviour.server_ms is not None else {}
                    self._send(200, behaviour.answer, extra)
                finally:
                    with behaviour.lock:
                        behaviour.in_flight -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub() -> Iterator[Stub]:
    server = Stub()
    yield server
    server.stop()


def remote_config(url: str, **changes: Any) -> AsrConfig:
    base = {"backend": "openai", "url": url, "remote_model": "whisper-large-v3-turbo",
            "api_key_env": "SUFLER_TEST_ASR_KEY", "timeout_s": 1.0, "probe_s": 0.05}
    return AsrConfig(**{**base, **changes})


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUFLER_TEST_ASR_KEY", KEY)


class Local(ScriptedRecognizer):
    """The local fallback, counting the windows it took."""

    def __init__(self, config: AsrConfig) -> None:
        super().__init__(text="heard locally")


def recognizer(url: str, switches: list[tuple[bool, str]] | None = None,
               **changes: Any) -> RemoteRecognizer:
    remote = RemoteRecognizer(remote_config(url, **changes), Local)
    if switches is not None:
        remote.set_listener(lambda is_remote, reason: switches.append((is_remote, reason)))
    return remote


# -- the request and the answer ---------------------------------------------------------

def test_backend_is_registered(stub: Stub) -> None:
    assert "openai" in backends()
    made = create_recognizer(remote_config(stub.url))
    assert isinstance(made, RemoteRecognizer) and isinstance(made, Switching)
    assert made.describe().location == stub.url


def test_a_window_is_one_request(stub: Stub) -> None:
    remote = recognizer(stub.url, prompt="Sufler support line")
    stub.behaviour.delay_s, stub.behaviour.server_ms = 0.05, "40.0"
    audio = tone(1.5)
    result = remote.recognize(audio, "ru")
    request = stub.behaviour.requests[-1]
    assert request["path"] == "/v1/audio/transcriptions"
    assert request["auth"] == f"Bearer {KEY}"
    assert request["fields"] == {"model": "whisper-large-v3-turbo",
                                 "response_format": "verbose_json", "temperature": "0.0",
                                 "language": "ru", "prompt": "Sufler support line"}
    samples = np.frombuffer(request["wav"][44:], dtype="<i2")  # the canonical 44-byte header
    assert len(samples) == len(audio)
    assert np.abs(samples / 32767 - audio).max() < 1e-4
    # a locked leg's language is what was asked; the confidences are token-weighted
    assert result.text == "Hello there." and result.language == "ru"
    assert result.avg_logprob == pytest.approx((-0.2 * 3 - 0.6) / 4)
    assert (result.no_speech_prob, result.compression_ratio) == (0.3, 1.1)
    assert result.remote is not None and result.remote.server == pytest.approx(0.04)
    assert result.remote.network == pytest.approx(result.remote.total - 0.04)


def test_auto_language_and_window_prompt(stub: Stub) -> None:
    remote = recognizer(stub.url, prompt="fixed")
    result = remote.recognize(tone(1.0), "auto", DecodeOptions(prompt="Phone number:",
                                                              beam_size=5, alternatives=2))
    fields = stub.behaviour.requests[-1]["fields"]
    assert "language" not in fields and fields["prompt"] == "Phone number:"
    # the answer's language name is read as its code, sure enough to lock a leg
    assert (result.language, result.language_prob) == ("en", 1.0)
    assert result.alternatives == ()  # n-best is local-only


def test_absent_confidences_are_tolerated(stub: Stub) -> None:
    stub.behaviour.answer = {"text": " Hi."}
    stub.behaviour.server_ms = None
    result = recognizer(stub.url).recognize(tone(1.0), "en")
    assert (result.text, result.avg_logprob, result.no_speech_prob,
            result.compression_ratio) == ("Hi.", None, None, None)
    assert result.remote is not None and result.remote.server is None
    assert result.remote.network is None


def test_parse_verbose_languages() -> None:
    found = parse_verbose({"text": "x", "language": "de"}, "auto", ("ru", "en"))
    assert (found.language, found.language_prob) == ("de", 0.0)  # not a candidate: no lock
    reported = parse_verbose({"text": "x", "language": "ru", "language_probability": 0.6},
                             "auto", ("ru", "en"))
    assert (reported.language, reported.language_prob) == ("ru", 0.6)
    empty = parse_verbose({"text": "", "segments": []}, "en", ())
    assert empty.text == "" and empty.no_speech_prob == 1.0


def test_one_keep_alive_connection_and_at_most_n_in_flight(stub: Stub) -> None:
    remote = recognizer(stub.url, max_in_flight=2)
    for _ in range(3):
        remote.recognize(tone(0.5), "en")
    assert len(stub.behaviour.clients) == 1  # one connection, kept alive
    stub.behaviour.delay_s = 0.15
    threads = [threading.Thread(target=remote.recognize, args=(tone(0.5), "en"))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stub.behaviour.most_in_flight == 2
    assert len(stub.behaviour.clients) == 2


# -- failover -----------------------------------------------------------------------------

def test_5xx_runs_the_window_locally_and_the_probe_switches_back(stub: Stub) -> None:
    switches: list[tuple[bool, str]] = []
    remote = recognizer(stub.url, switches)
    stub.behaviour.status = 503
    result = remote.recognize(tone(1.0), "en")
    assert result.text == "heard locally" and result.remote is None  # the window is not lost
    assert switches == [(False, "Recognizer: local (server error 503)")]
    assert not remote.remote
    assert remote.recognize(tone(1.0), "en").text == "heard locally"
    stub.behaviour.status = 200
    deadline = time.monotonic() + 5
    while not remote.remote and time.monotonic() < deadline:
        time.sleep(0.02)
    assert switches[-1] == (True, f"Recognizer: remote (127.0.0.1:{stub.port})")
    assert remote.recognize(tone(1.0), "en").text == "Hello there."
    remote.close()


@pytest.mark.parametrize("status", [429, 408])
def test_a_busy_server_falls_back_like_a_5xx(stub: Stub, status: int) -> None:
    # "too many requests" from a shared server is "not now", not "no": the window runs locally
    switches: list[tuple[bool, str]] = []
    remote = recognizer(stub.url, switches, probe_s=60.0)
    stub.behaviour.status = status
    assert remote.recognize(tone(1.0), "en").text == "heard locally"
    assert switches == [(False, f"Recognizer: local (server error {status})")]
    remote.close()


def test_a_timeout_falls_back(stub: Stub) -> None:
    switches: list[tuple[bool, str]] = []
    remote = recognizer(stub.url, switches, timeout_s=0.2, probe_s=60.0)
    stub.behaviour.delay_s = 0.6
    assert remote.recognize(tone(1.0), "en").text == "heard locally"
    assert switches == [(False, "Recognizer: local (server timed out)")]
    remote.close()


def test_an_unreachable_server_at_start_hands_over_while_warming_up(stub: Stub) -> None:
    url = stub.url
    stub.stop()
    switches: list[tuple[bool, str]] = []
    remote = recognizer(url, switches, probe_s=60.0)
    remote.warm_up()
    assert switches == [(False, "Recognizer: local (server unreachable)")]
    assert remote.describe().source == "local fallback (test)"
    remote.close()


def test_no_fallback_is_an_error(stub: Stub) -> None:
    stub.behaviour.status = 502
    remote = recognizer(stub.url, fallback="none")
    with pytest.raises(AssistError, match=r"server error 502.*asr.fallback = \"none\""):
        remote.recognize(tone(1.0), "en")


def test_a_4xx_is_a_clear_error_without_the_key(stub: Stub,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    switches: list[tuple[bool, str]] = []
    remote = recognizer(stub.url, switches)
    stub.behaviour.status = 401
    with pytest.raises(RemoteRejected) as caught:
        remote.recognize(tone(1.0), "en")
    message = str(caught.value)
    assert "\n" not in message and KEY not in message
    assert re.search(r"HTTP 401 Incorrect API key provided\. See the docs\. "
                     r"\(check the key in \$SUFLER_TEST_ASR_KEY\)$", message)
    assert switches == [] and remote.remote  # no silent fallback
    assert KEY not in caplog.text


def test_the_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                            stub: Stub) -> None:
    monkeypatch.delenv("SUFLER_TEST_ASR_KEY")
    with pytest.raises(ConfigError, match="SUFLER_TEST_ASR_KEY holds no key"):
        recognizer(stub.url)
    monkeypatch.setenv("SUFLER_TEST_ASR_KEY", KEY)
    assert recognizer(stub.url, api_key_env="").recognize(tone(0.5), "en").text
    assert stub.behaviour.requests[-1]["auth"] is None


def test_remote_times_are_the_asr_remote_stage() -> None:
    from assist.events import StageTimes

    event = TranscriptUpdated(1, "operator", 0, "x", 1.0, 2.0, True, "en",
                              StageTimes(2.0, 2.1, 2.1, 2.5, 2.5), "pause",
                              remote=RemoteTimes(0.4, 0.25))
    record = latency_record(event, 0.0)
    assert record is not None
    assert record["asr_remote"] == {"total": 0.4, "network": 0.15, "server": 0.25}
    plain = latency_record(TranscriptUpdated(1, "operator", 0, "x", 1.0, 2.0, True, "en",
                                             StageTimes(2.0, 2.1, 2.1, 2.5, 2.5), "pause"), 0.0)
    assert plain is not None and "asr_remote" not in plain


# -- the worker: windows in flight together, each leg in order -----------------------------

class Slow(ScriptedRecognizer):
    """Channel 0's first window is slow: the other windows overtake it in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.active = 0
        self.most = 0
        self.lock = threading.Lock()

    @property
    def concurrency(self) -> int:
        return 2

    def recognize(self, audio: Any, language: str,
                  options: DecodeOptions | None = None) -> Any:
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
        time.sleep(0.3 if len(audio) == 16000 else 0.02)
        with self.lock:
            self.active -= 1
        return super().recognize(audio, language, options)


def run_worker(windows: list[Window], recognizer: Slow, **options: Any) -> list[Outcome]:
    """Every window through an `AsrWorker` (its threads taking them from one queue), and the
    outcomes in the order it reported them."""
    queue = list(windows)
    lock = threading.Lock()

    def take() -> Window | None:
        with lock:
            return queue.pop(0) if queue else None

    done: list[Outcome] = []
    worker = AsrWorker(recognizer, load_config(), take, done.append, time.perf_counter,
                       **options)
    worker.start()
    worker.join(10)
    return done


def test_concurrent_worker_reports_each_leg_in_order() -> None:
    windows = [Window(channel, silence(1.0 if (channel, seq) == (0, 1) else 0.5),
                      float(seq), float(seq) + 1, float(seq) + 1, float(seq) + 1, "silence",
                      0.5, seq)
               for seq in (1, 2, 3) for channel in (0, 1)]
    slow = Slow()
    done = run_worker(windows, slow, concurrency=slow.concurrency)
    assert slow.most == 2
    for channel in (0, 1):
        assert [o.window.seq for o in done if o.window.channel == channel] == [1, 2, 3]
    assert done[0].window.channel == 1  # the other leg went on meanwhile


# -- the config -----------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "problem"), [
    ("http://asr.example.com/v1", "http:// only to a loopback or private IP address"),
    ("http://8.8.8.8:8000/v1", "http:// only to a loopback or private IP address"),
    ("ftp://10.0.0.2/v1", "must start with https://"),
    ("https://user:secret@asr.example.com/v1", "must hold no user, password"),
    ("https://asr.example.com/v1?key=x", "must hold no user, password, query"),
    ("https://asr.example.com/v1/audio", "must be the base URL ending in /v1"),
    ("", "needs the server's base URL"),
])
def test_url_rules_name_file_line_and_key(url: str, problem: str) -> None:
    text = (f'[asr]\nbackend = "openai"\nremote_model = "m"\nurl = "{url}"\n'
            if url else '[asr]\nbackend = "openai"\nremote_model = "m"\n')
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, "seat.toml")
    line = 4 if url else 2
    assert str(caught.value).startswith(f"seat.toml:{line}: asr.")
    assert problem in str(caught.value)


@pytest.mark.parametrize("url", ["https://asr.example.com/v1", "http://127.0.0.1:8000/v1",
                                 "http://10.1.2.3:8000/v1", "http://192.168.0.9/v1/",
                                 "http://localhost:8000/v1", "http://[::1]:9000/v1"])
def test_allowed_urls(url: str) -> None:
    config = replace_config(load_config(), **{"asr.backend": "openai", "asr.url": url,
                                              "asr.remote_model": "m"})
    assert config.asr.url == url


def test_the_key_is_never_in_the_file() -> None:
    with pytest.raises(ConfigError, match=r"^seat.toml:2: asr.api_key_env: must name an "
                                          r"environment variable"):
        load_config_text('[asr]\napi_key_env = "sk-abc123"\n', "seat.toml")
    # a key the file does not set is blamed on the line of one it sets
    with pytest.raises(ConfigError, match=r"^seat.toml:2: asr.backend: backend \"openai\" "
                                          r"needs the model name"):
        load_config_text('[asr]\nbackend = "openai"\nurl = "https://a.b/v1"\n', "seat.toml")


def test_backend_unset_is_the_local_recognizer() -> None:
    config = load_config()
    assert config.asr.backend == "whisper"
    assert (config.asr.url, config.asr.fallback, config.asr.timeout_s) == ("", "local", 3.0)
    assert config.asr.label == config.asr.model  # the latency log's model, as before
    remote = replace_config(config, **{"asr.backend": "openai", "asr.url": "https://a.b/v1",
                                       "asr.remote_model": "openai/whisper-large-v3-turbo"})
    assert remote.asr.label == "openai:openai/whisper-large-v3-turbo"




def test_the_report_reads_a_remote_seats_log(tmp_path: Any) -> None:
    from assist.events import StageTimes, UtteranceProcessed
    from assist.latency_log import LatencyLog, read_log
    from assist.report import latency_report

    config = replace_config(load_config(), **{"asr.backend": "openai", "asr.url": "https://a.b/v1",
                                              "asr.remote_model": "large-v3-turbo"})
    log = LatencyLog(tmp_path, "anna", "call1", config.asr.label)
    for number, remote in ((1, RemoteTimes(0.4, 0.3)), (2, None)):  # the second: fallback
        log(TranscriptUpdated(number, "customer", 1, "x", 1.0 * number, 2.0 * number, True,
                              "ru", StageTimes(2.0 * number, 2.1 * number, 2.1 * number,
                                               2.5 * number, 2.5 * number), "silence",
                              remote=remote))
        log(UtteranceProcessed(number, "customer", 2.6 * number, 2.7 * number, 0.2))
    log.close()
    records = list(read_log(log.path))
    assert [r.get("asr_remote") for r in records] == [
        {"total": 0.4, "network": 0.1, "server": 0.3}, None]
    report = latency_report([tmp_path])
    assert report.utterances == 2 and report.bad_lines == 0
    assert [row["model"] for row in report.models] == ["openai:large-v3-turbo"]


def test_a_window_that_fails_before_recognition_keeps_its_leg_going() -> None:
    """Several recognizer threads: a window whose options cannot be chosen is reported as an
    error in its turn, and the leg's later windows still come out (they waited for it)."""

    class Failing:
        def choose(self, state: Any) -> DecodeOptions | None:
            raise RuntimeError("policy broke")

    windows = [Window(0, silence(0.5), float(seq), float(seq) + 1, float(seq) + 1,
                      float(seq) + 1, "silence", 0.5, seq) for seq in (1, 2)]
    done = run_worker(windows, Slow(), policy=Failing(), concurrency=2)
    assert [outcome.window.seq for outcome in done] == [1, 2]
    assert all(outcome.error == "policy broke" for outcome in done)
