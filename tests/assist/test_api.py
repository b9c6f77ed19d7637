"""The events API (assist/api.py): a real `websockets` server on loopback and real clients.

Authentication (good, bad, no token), loopback-only binding, masked and clear values, the
commands (through fake controls and through a real engine's control API), 1,000 events/s to
5 clients with none dropped, a client that stops reading cut off with its reason, and the
README's Python client run as written against a server."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from assist.api import (
    CLOSE_TOO_SLOW,
    CLOSE_UNAUTHORIZED,
    ApiError,
    ApiServer,
    CommandError,
    EngineControls,
    api_token,
    api_token_path,
    parse_command,
    send_command,
)
from assist.bench.api import fan_out, slow_client
from assist.cli import main as cli_main
from assist.config import ApiConfig, load_config, load_config_text
from assist.engine import Engine
from assist.errors import ConfigError
from assist.events import (
    EngineStateChanged,
    EntityExtracted,
    FeedbackAction,
    ReadbackChecked,
    StageTimes,
    TranscriptUpdated,
)
from tests.conftest import ROOT
from tests.helpers.fakes import tone, write_wav

PHONE = "+79164821735"
SAID = "Мой номер восемь девятьсот шестнадцать 482 17 35, записывайте."


class FakeControls:
    """Records every command; `fail` makes the next one raise."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.fail: Exception | None = None

    def _record(self, *call: Any) -> str:
        if self.fail is not None:
            error, self.fail = self.fail, None
            raise error
        self.calls.append(call)
        return " ".join(map(str, call))

    def mute(self, muted: bool) -> str:
        return self._record("mute", muted)

    def snooze(self, minutes: float | None) -> str:
        return self._record("snooze", minutes)

    def feedback(self, card: int, action: FeedbackAction) -> str:
        return self._record("feedback", card, action)

    def call(self, action: str) -> str:
        return self._record("call", action)


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg"


def start(xdg: Path, controls: Any = None, **settings: Any) -> ApiServer:
    server = ApiServer(ApiConfig(listen="127.0.0.1:0", **settings))
    server.start(controls)
    return server


@pytest.fixture
def server(xdg: Path) -> Iterator[ApiServer]:
    api = start(xdg, FakeControls())
    yield api
    api.close(drain_s=0.5)


def client(server: ApiServer, token: str | None = None, header: bool = True) -> ClientConnection:
    token = server.token if token is None else token
    if header:
        return connect(server.url, additional_headers={"Authorization": f"Bearer {token}"})
    return connect(f"{server.url}?token={token}")


def records(connection: ClientConnection, until: str,
            timeout: float = 10.0) -> list[dict[str, Any]]:
    """Records received up to and including the first of type `until`."""
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while not got or got[-1]["type"] != until:
        got.append(json.loads(connection.recv(timeout=max(0.01, deadline - time.monotonic()))))
    return got


def said(text: str, utterance: int = 1) -> TranscriptUpdated:
    times = StageTimes(1.0, 1.0, 1.0, 1.2, 1.2)
    return TranscriptUpdated(utterance, "customer", 1, text, 0.0, 1.0, True, "ru", times,
                             "silence")


def phone(value: str = PHONE, entity: int = 1) -> EntityExtracted:
    return EntityExtracted(entity, "phone", "восемь девятьсот шестнадцать 482 17 35", value,
                           "customer", 1, (0, 10), 1.2, 1.2, 1.2, uncertain=("digits",))


# -- the token ----------------------------------------------------------------------------


def test_the_token_is_made_once_0600_under_xdg_config_home(xdg: Path) -> None:
    token = api_token()
    path = xdg / "sufler" / "api-token"
    assert api_token_path() == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(token) >= 40 and path.read_text(encoding="utf-8").strip() == token
    assert api_token() == token  # the second start reads it
    path.chmod(0o644)
    assert api_token() == token and stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("short\n", encoding="utf-8")
    with pytest.raises(ApiError, match=r"no valid API token.*delete it"):
        api_token()
    path.unlink()
    with pytest.raises(ApiError, match="no API token yet"):
        api_token(create=False)


def test_processes_starting_at_once_agree_on_one_token(xdg: Path) -> None:
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(api_token())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(tokens)) == 1
    assert [path.name for path in (xdg / "sufler").iterdir()] == ["api-token"]  # no leftovers


# -- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize("header", [True, False], ids=["bearer-header", "query"])
def test_the_right_token_gets_the_stream(server: ApiServer, header: bool) -> None:
    with client(server, header=header) as connection:
        hello = json.loads(connection.recv(timeout=5))
        assert hello["type"] == "hello" and hello["values"] == "masked"
        server.sink(EngineStateChanged("running", "realtime", 0.0))
        assert records(connection, "state")[-1]["state"] == "running"


@pytest.mark.parametrize("token", ["wrong-token-0123456789", ""], ids=["bad", "none"])
def test_a_wrong_or_missing_token_is_closed_with_4401(server: ApiServer, token: str) -> None:
    url = server.url if not token else f"{server.url}?token={token}"
    with connect(url) as connection, pytest.raises(ConnectionClosed) as closed:
        connection.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_UNAUTHORIZED
    assert "unauthorized" in closed.value.rcvd.reason
    with client(server) as connection:  # the server goes on serving
        assert json.loads(connection.recv(timeout=5))["type"] == "hello"


def test_a_bad_bearer_header_is_refused_too(server: ApiServer) -> None:
    with client(server, token="x" * 43) as connection, pytest.raises(ConnectionClosed) as closed:
        connection.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_UNAUTHORIZED


def test_only_events_is_served(server: ApiServer) -> None:
    with pytest.raises(InvalidStatus, match="404"):
        connect(server.url.replace("/events", "/other") + f"?token={server.token}")


# -- binding ------------------------------------------------------------------------------


@pytest.mark.parametrize("listen", ["0.0.0.0:8765", "192.168.1.20:8765", "[::]:8765",
                                    "crm.example:8765"])
def test_binding_beyond_loopback_needs_allow_remote(listen: str) -> None:
    with pytest.raises(ConfigError, match=r"not a loopback address.*api\.allow_remote = true"):
        ApiConfig(listen=listen)
    assert ApiConfig(listen=listen, allow_remote=True).listen == listen
    text = f'[api]\nsend_values = true\nlisten = "{listen}"\n'
    with pytest.raises(ConfigError, match=r"^<config>:3: api.listen: .*not a loopback"):
        load_config_text(text)


@pytest.mark.parametrize("listen", ["127.0.0.1:8765", "localhost:1", "[::1]:8765",
                                    "127.3.2.1:0"])
def test_loopback_addresses_need_no_flag(listen: str) -> None:
    assert ApiConfig(listen=listen).listen == listen


@pytest.mark.parametrize("listen", ["8765", "127.0.0.1", "127.0.0.1:http", "::1:8765", "1.2.3.4:²",
                                    "127.0.0.1:70000"])
def test_a_malformed_address_is_a_config_error(listen: str) -> None:
    with pytest.raises(ConfigError, match=r"api\.listen"):
        ApiConfig(listen=listen)


def test_the_api_is_off_by_default() -> None:
    config = load_config()
    assert config.api.listen == "" and not config.api.allow_remote
    assert not config.api.send_values


def test_transcribe_refuses_a_remote_api_address_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    audio = str(write_wav(tmp_path / "call.wav", tone(1.0)))
    assert cli_main(["transcribe", audio, "--api", "0.0.0.0:8765"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--api: '0.0.0.0:8765' is not a loopback" in error


def test_a_taken_port_is_a_clear_error(server: ApiServer, xdg: Path) -> None:
    host, port = server.address
    taken = ApiServer(ApiConfig(listen=f"{host}:{port}"))
    with pytest.raises(ApiError, match=f"cannot listen on 127.0.0.1:{port}"):
        taken.start()


# -- values: masked unless asked for -----------------------------------------------------


def test_values_are_masked_as_in_saved_calls_by_default(server: ApiServer) -> None:
    with client(server) as connection:
        connection.recv(timeout=5)
        server.sink(said(SAID))
        server.sink(phone())
        server.sink(ReadbackChecked("phone", False, ("digit 11: 3 given, 5 repeated",), PHONE,
                                    "customer", 1, "+79164821755", "operator", 2, 3.0))
        got = records(connection, "readback")
    text = json.dumps(got, ensure_ascii=False)
    for secret in ("482", "916", "восемь", "4821735", "1755"):
        assert secret not in text
    transcript, entity, readback = got
    assert transcript["text"].startswith("Мой номер") and "•" in transcript["text"]
    assert entity["value"].endswith("35") and entity["value"].count("•") >= 9
    assert entity["uncertain"] == ["digits"]  # the marks stay
    assert readback["differences"] == ["digit 11: ••• given, ••• repeated"]


def test_values_go_in_clear_with_send_values(xdg: Path) -> None:
    server = start(xdg, send_values=True)
    try:
        with client(server) as connection:
            assert json.loads(connection.recv(timeout=5))["values"] == "clear"
            server.sink(said(SAID))
            server.sink(phone())
            transcript, entity = records(connection, "entity")
    finally:
        server.close()
    assert transcript["text"] == SAID
    assert entity["value"] == PHONE and entity["raw"].startswith("восемь")


# -- commands -----------------------------------------------------------------------------


def ask(connection: ClientConnection, message: str) -> dict[str, Any]:
    connection.send(message)
    return records(connection, "reply")[-1]


def test_commands_reach_the_controls_and_are_answered(xdg: Path) -> None:
    controls = FakeControls()
    server = start(xdg, controls)
    try:
        with client(server) as connection:
            connection.recv(timeout=5)
            replies = [ask(connection, json.dumps(command)) for command in (
                {"cmd": "mute", "id": 1}, {"cmd": "unmute"}, {"cmd": "snooze", "minutes": 15},
                {"cmd": "snooze"}, {"cmd": "snooze", "minutes": 0},
                {"cmd": "feedback", "card": 3, "value": "up"},
                {"cmd": "feedback", "card": 4, "value": "down"},
                {"cmd": "call", "action": "stop"}, {"cmd": "call", "action": "start"})]
    finally:
        server.close()
    assert controls.calls == [("mute", True), ("mute", False), ("snooze", 15.0),
                              ("snooze", None), ("snooze", 0.0), ("feedback", 3, "up"),
                              ("feedback", 4, "down"), ("call", "stop"), ("call", "start")]
    assert all(reply["ok"] for reply in replies)
    assert replies[0] == {"type": "reply", "cmd": "mute", "ok": True, "detail": "mute True",
                          "id": 1}


BAD = [
    ("not json", "not JSON"),
    ("[1, 2]", "a command is a JSON object"),
    ('{"cmd": "reboot"}', "unknown cmd 'reboot'; known: mute, unmute, snooze, feedback, call"),
    ('{"command": "mute"}', "unknown cmd None"),
    ('{"cmd": "snooze", "minutes": "ten"}', "snooze: minutes must be a number from 0"),
    ('{"cmd": "snooze", "minutes": -1}', "snooze: minutes must be a number from 0"),
    ('{"cmd": "snooze", "minutes": 1e400}', "snooze: minutes must be a number from 0"),
    ('{"cmd": "feedback", "card": "3", "value": "up"}', "feedback: card must be a card id"),
    ('{"cmd": "feedback", "card": 3, "value": "meh"}', "feedback: value must be one of up,"),
    ('{"cmd": "call"}', 'call: action must be "start" or "stop"'),
    ("[" * 50_000, "not JSON"),
]


@pytest.mark.parametrize(("message", "error"), BAD, ids=[error for _, error in BAD])
def test_a_bad_command_gets_a_one_line_error_and_the_socket_stays(
        server: ApiServer, message: str, error: str) -> None:
    with client(server) as connection:
        connection.recv(timeout=5)
        reply = ask(connection, message)
        assert not reply["ok"] and reply["error"].startswith(error)
        assert "\n" not in reply["error"]
        assert ask(connection, '{"cmd": "mute"}')["ok"]  # same socket, still served


def test_a_failing_control_is_an_error_reply_not_a_dead_server(xdg: Path) -> None:
    controls = FakeControls()
    server = start(xdg, controls)
    try:
        with client(server) as connection:
            connection.recv(timeout=5)
            controls.fail = RuntimeError("boom")
            reply = ask(connection, '{"cmd": "mute"}')
            assert reply == {"type": "reply", "cmd": "mute", "ok": False,
                             "error": "mute failed: RuntimeError: boom"}
            controls.fail = CommandError("no call is running")
            assert ask(connection, '{"cmd": "unmute"}')["error"] == "no call is running"
            connection.send(b"\x00binary")
            assert "JSON text" in records(connection, "reply")[-1]["error"]
            assert ask(connection, '{"cmd": "mute"}')["ok"]
    finally:
        server.close()


def test_parse_command_never_raises_anything_but_command_error() -> None:
    for message, _ in BAD:
        with pytest.raises(CommandError):
            parse_command(message)


def test_commands_drive_a_real_engine_and_its_events_come_back(xdg: Path) -> None:
    """mute/snooze go through the engine's control API; its HintsControlled event comes back
    on the socket as a "hints" record (no model is loaded: the rules run between calls)."""
    config = load_config()
    server = ApiServer(ApiConfig(listen="127.0.0.1:0"))
    engine = Engine(config, server.sink)
    server.start(EngineControls(engine))
    try:
        with client(server) as connection:
            connection.recv(timeout=5)
            connection.send('{"cmd": "mute"}')
            hints, reply = records(connection, "reply")[-2:]  # the event, then the answer
            assert reply["detail"] == "hints muted" and engine.muted
            assert hints["type"] == "hints" and hints["muted"] is True
            connection.send('{"cmd": "snooze", "minutes": 5}')
            hints, reply = records(connection, "reply")[-2:]
            assert reply["ok"] and hints["snoozed_until"] == 300.0
            connection.send('{"cmd": "unmute"}')
            hints, reply = records(connection, "reply")[-2:]
            assert reply["ok"] and hints["muted"] is False and not engine.muted
            assert ask(connection, '{"cmd": "call", "action": "start"}')["ok"]
    finally:
        server.close()


# -- delivery -----------------------------------------------------------------------------


def test_a_client_joining_mid_call_gets_the_call_so_far(server: ApiServer) -> None:
    server.sink(EngineStateChanged("running", "fast", 0.0))
    server.sink(said("first call"))
    server.sink(EngineStateChanged("stopped", "", 5.0))
    server.sink(EngineStateChanged("running", "fast", 0.0))  # the next call
    server.sink(said("hello again", 1))
    with client(server) as connection:
        got = records(connection, "transcript")
    assert [record["type"] for record in got] == ["hello", "state", "transcript"]
    assert got[0]["state"] == "running" and got[2]["text"] == "hello again"


def test_close_sends_what_is_queued_then_1001(server: ApiServer) -> None:
    with client(server) as connection:
        connection.recv(timeout=5)
        for number in range(1, 201):
            server.sink(phone(entity=number))
        closing = threading.Thread(target=server.close)  # while this client reads
        closing.start()
        ids = []
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ids.append(json.loads(connection.recv(timeout=5))["id"])
    closing.join()
    assert ids == list(range(1, 201))
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001


def test_1000_events_a_second_reach_5_clients_with_none_dropped(xdg: Path) -> None:
    # 1,500 events: a client that falls behind by the whole run still fits its 2,000 queue
    figures = fan_out(rate=1000, clients=5, seconds=1.5, queue=2000)
    assert figures["complete_clients"] == 5, figures
    assert figures["dropped"] == 0 and figures["out_of_order"] == 0, figures
    assert figures["cut_off"] == 0 and figures["peak_queue"] <= 2000, figures


def test_a_client_that_stops_reading_is_cut_off_with_a_reason(xdg: Path) -> None:
    # 300 events/s: the reading client has two thirds of a second of slack on a busy runner
    figures = slow_client(rate=300, queue=200)
    assert figures["close_code"] == CLOSE_TOO_SLOW, figures
    assert figures["close_reason"].startswith("too slow: 200 events waiting unread"), figures
    assert figures["peak_queue"] <= 200 and figures["cut_off"] == 1, figures
    assert figures["reader_complete"], figures  # the reading client lost nothing meanwhile


# -- `sufler call` and the README's Python client ----------------------------------------


def test_send_command_says_when_no_sufler_listens(xdg: Path) -> None:
    with pytest.raises(ApiError, match=r"no Sufler events API at ws://127.0.0.1:9/events"):
        send_command("127.0.0.1:9", {"cmd": "call", "action": "stop"}, "x" * 43, timeout=2)


def test_send_command_says_when_the_token_is_refused(server: ApiServer) -> None:
    with pytest.raises(ApiError, match=r"refused the token in .*api-token"):
        send_command(f"127.0.0.1:{server.address[1]}", {"cmd": "mute"}, "y" * 43, timeout=5)


def test_sufler_call_drives_the_engine_controls(xdg: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    controls = FakeControls()
    server = start(xdg, controls)
    listen = f"127.0.0.1:{server.address[1]}"
    try:
        assert cli_main(["call", "stop", "--api", listen]) == 0
        assert capsys.readouterr().out == "call stop: call stop\n"
        controls.fail = CommandError("no call is running")
        assert cli_main(["call", "start", "--api", listen]) == 2
        assert capsys.readouterr().err == "sufler: error: call start: no call is running\n"
    finally:
        server.close()
    assert controls.calls == [("call", "stop")]
    assert cli_main(["call", "start", "--api", listen, "--timeout", "2"]) == 2
    assert "no Sufler events API" in capsys.readouterr().err


def readme_example(language: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Fitting Sufler into the workplace", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(rf"```{language}\n(.+?)\n```", section, flags=re.S)
    return code


def test_the_readme_python_client_runs_as_written(xdg: Path, tmp_path: Path) -> None:
    controls = FakeControls()
    server = start(xdg, controls, send_values=True)
    script = tmp_path / "client.py"
    script.write_text(readme_example("python").replace(
        "127.0.0.1:8765", f"127.0.0.1:{server.address[1]}"), encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "XDG_CONFIG_HOME": str(xdg)})
    try:
        deadline = time.monotonic() + 20
        while server.stats()["clients"] == 0:
            assert time.monotonic() < deadline and process.poll() is None, process.stderr
            time.sleep(0.05)
        server.sink(EngineStateChanged("running", "realtime", 0.0))
        while not controls.calls:  # the example's command, sent when the call runs
            assert time.monotonic() < deadline and process.poll() is None, process.stderr
            time.sleep(0.05)
        server.sink(said(SAID))
        server.sink(phone())
        server.sink(EngineStateChanged("stopped", "", 9.0))
    finally:
        server.close()
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert controls.calls == [("snooze", 5.0)]
    assert f"phone: {PHONE} (unsure: digits)" in out
    assert "closed: 1001 Sufler stopped" in out
