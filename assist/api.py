"""The local events API: a WebSocket at /events that streams a call's records to a CRM page
on this PC and takes the operator's commands (mute, snooze, feedback, call start/stop).

Built on the `websockets` package (imported when a server or client starts). The server
runs its own asyncio loop on a named thread (`sufler-api`); the engine hands it events
through `ApiServer.sink`, which never waits for a client: each record is encoded (and
masked) once, then put into one bounded queue per client. A client whose queue fills (it
reads slower than the call talks) is cut off with close code 4429 and a reason; nothing
else is dropped and no buffer grows without bound.

Clients authenticate with the token in `api_token_path()` (made at first start, 0600), as
`Authorization: Bearer TOKEN` or `?token=TOKEN`; a wrong or missing token is closed with
4401. Values (transcripts, entity values, read-backs, card evidence) go in clear only with
`api.send_values = true`; otherwise they are masked as saved calls are.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import hmac
import json
import logging
import math
import os
import secrets
import socket
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import parse_qs, urlsplit

from assist.calls import RecordMasker
from assist.config import (
    ApiConfig,
    loopback_host,
    remote_refusal,
    split_listen,
    user_config_path,
)
from assist.errors import AssistError, ConfigError
from assist.events import Event, FeedbackAction
from assist.files import PRIVATE_FILE, private_dir
from assist.records import live_record

if TYPE_CHECKING:  # websockets (and asyncio's server) load when a server or client starts
    from websockets.asyncio.server import Server, ServerConnection
    from websockets.http11 import Request, Response

log = logging.getLogger(__name__)

PATH = "/events"
DEFAULT_LISTEN = "127.0.0.1:8765"
CLOSE_UNAUTHORIZED = 4401  # as HTTP 401: no token, or a wrong one
CLOSE_TOO_SLOW = 4429  # as HTTP 429: the client fell too far behind the call
CLOSE_GOING_AWAY = 1001  # Sufler stops (the app quits, a transcription ends)
REPLAY = 500  # records of the current call a client gets when it connects mid-call
CUT_CLOSE_S = 5.0  # a cut-off client has this long to read up to the close frame
MAX_MESSAGE = 64 * 1024  # a command is a few dozen bytes
SEND_BUFFER = 64 * 1024  # the kernel's send buffer per client (fixed: no autotuning to MBs)
_TOKEN_FILE = "api-token"

CallAction = Literal["start", "stop"]
_FEEDBACK: tuple[FeedbackAction, ...] = ("up", "down", "dismiss", "mute_rule")
_COMMANDS = ("mute", "unmute", "snooze", "feedback", "call")


class ApiError(AssistError):
    """The events API cannot start, or a client cannot reach it."""


class CommandError(AssistError):
    """A command that is malformed or that the app refuses; its text goes to the client."""


# -- the token --------------------------------------------------------------------------


def api_token_path() -> Path:
    """$XDG_CONFIG_HOME/sufler/api-token (~/.config/sufler/api-token), beside the config."""
    return user_config_path().parent / _TOKEN_FILE


def _read_token(path: Path) -> str | None:
    try:
        info = path.stat()
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ApiError(f"{path}: cannot read the API token: {exc}") from exc
    if len(token) < 16 or not token.isascii() or not token.isprintable() or " " in token:
        raise ApiError(f"{path}: holds no valid API token (16 or more printable ASCII "
                       "characters); delete it and a new one is made at the next start")
    if hasattr(os, "getuid") and stat.S_IMODE(info.st_mode) & 0o077 \
            and info.st_uid == os.getuid():
        log.warning("%s was readable by other accounts: made 0600", path)
        path.chmod(PRIVATE_FILE)
    return token


def api_token(path: Path | None = None, create: bool = True) -> str:
    """The API token: read from `path` (default `api_token_path()`), or, when there is none
    and `create`, made there (32 random bytes, URL-safe; 0600 in a 0700 folder). Two
    processes starting at once agree on one token: the file is linked into place, never
    overwritten."""
    path = path or api_token_path()
    token = _read_token(path)
    if token is not None:
        return token
    if not create:
        raise ApiError(f"{path}: no API token yet; it is made when the app (with [api] listen "
                       "set) or `sufler transcribe --api` starts")
    token = secrets.token_urlsafe(32)
    try:
        private_dir(path.parent, tighten=False)
        descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with open(descriptor, "w", encoding="utf-8") as handle:
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), PRIVATE_FILE)
                handle.write(token + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(name, path)
            except FileExistsError:  # another process made it first: use theirs
                return api_token(path, create=False)
        finally:
            Path(name).unlink(missing_ok=True)
    except OSError as exc:
        raise ApiError(f"{path}: cannot write the API token: {exc.strerror or exc}") from exc
    log.info("events API: made a new token in %s", path)
    return token


# -- commands ---------------------------------------------------------------------------


class Controls(Protocol):
    """What the API's commands do; each returns a short line for the reply, or raises
    CommandError. Called on the API's one control thread, never on the asyncio loop."""

    def mute(self, muted: bool) -> str: ...

    def snooze(self, minutes: float | None) -> str: ...

    def feedback(self, card: int, action: FeedbackAction) -> str: ...

    def call(self, action: CallAction) -> str: ...


class EngineControls:
    """The commands on an engine with no window: `sufler transcribe --api`, which runs one
    call (from a file or live devices); `call stop` ends it early, as Ctrl+C would."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine  # an assist.engine.Engine (not imported: it loads the model code)
        self.finished = False

    def mute(self, muted: bool) -> str:
        self._engine.mute(muted)
        return "hints muted" if muted else "hints unmuted"

    def snooze(self, minutes: float | None) -> str:
        self._engine.snooze(minutes)
        return "snooze ended" if minutes == 0 else "hints snoozed"

    def feedback(self, card: int, action: FeedbackAction) -> str:
        self._engine.feedback(card, action)
        return f"feedback {action} on card {card}"

    def call(self, action: CallAction) -> str:
        if action == "stop":
            if self.finished:
                return "no call is running"
            self._engine.stop()
            return "stopping the call"
        if self.finished:
            raise CommandError("this `sufler transcribe` ran its one call and it has ended; "
                               "the app starts new calls")
        return "a call is already running (`sufler transcribe` runs one)"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def parse_command(text: str | bytes) -> dict[str, Any]:
    """A client's message as a checked command: {"cmd", ...}; CommandError says what is
    wrong in one line."""
    if isinstance(text, bytes):
        raise CommandError("send commands as JSON text, not binary frames")
    try:
        message = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise CommandError('not JSON: send e.g. {"cmd": "mute"}') from None
    if not isinstance(message, dict):
        raise CommandError('a command is a JSON object, e.g. {"cmd": "mute"}')
    cmd = message.get("cmd")
    if cmd not in _COMMANDS:
        raise CommandError(f"unknown cmd {cmd!r}; known: {', '.join(_COMMANDS)}")
    command: dict[str, Any] = {"cmd": cmd}
    if cmd == "snooze":
        minutes = message.get("minutes")
        if minutes is not None:
            number = _number(minutes)
            if number is None or not 0 <= number <= 1440:
                raise CommandError(f"snooze: minutes must be a number from 0 (end the snooze) "
                                   f"to 1440, got {minutes!r}")
            minutes = number
        command["minutes"] = minutes
    elif cmd == "feedback":
        card, value = message.get("card"), message.get("value")
        if isinstance(card, bool) or not isinstance(card, int) or card < 0:
            raise CommandError(f"feedback: card must be a card id (an integer), got {card!r}")
        if value not in _FEEDBACK:
            raise CommandError(f"feedback: value must be one of {', '.join(_FEEDBACK)}, "
                               f"got {value!r}")
        command.update(card=card, value=value)
    elif cmd == "call":
        action = message.get("action")
        if action not in ("start", "stop"):
            raise CommandError(f'call: action must be "start" or "stop", got {action!r}')
        command["action"] = action
    return command


def run_command(controls: Controls, command: dict[str, Any]) -> str:
    """Run a checked command on `controls`; the reply's detail."""
    cmd = command["cmd"]
    if cmd in ("mute", "unmute"):
        return controls.mute(cmd == "mute")
    if cmd == "snooze":
        return controls.snooze(command["minutes"])
    if cmd == "feedback":
        return controls.feedback(command["card"], command["value"])
    return controls.call(command["action"])


# -- the server -------------------------------------------------------------------------


def _json_line(record: dict[str, Any]) -> str:
    try:
        return json.dumps(record, ensure_ascii=False).encode("utf-8").decode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from undecodable input: escaped
        return json.dumps(record)


class _Client:
    """One connection's bounded queue, filled from any thread, emptied by its writer task."""

    def __init__(self, connection: ServerConnection, loop: asyncio.AbstractEventLoop,
                 limit: int, cut: Callable[[_Client], None]) -> None:
        self.connection = connection
        self.loop = loop
        self.limit = limit
        self.queue: collections.deque[str] = collections.deque()
        self.wake = asyncio.Event()
        self.ringing = False
        self.cut = False
        self.sent = 0
        self.peak = 0
        self._on_cut = cut

    def offer(self, line: str) -> None:
        """Queue a line; never blocks. A full queue cuts the client off."""
        if self.cut:
            return
        if len(self.queue) >= self.limit:
            self.cut = True
            self._call(self._on_cut, self)
            return
        self.queue.append(line)
        self.peak = max(self.peak, len(self.queue))
        if not self.ringing:
            self.ringing = True
            self._call(self.wake.set)

    def _call(self, function: Callable[..., None], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: the server is gone
            self.loop.call_soon_threadsafe(function, *args)


class ApiServer:
    """The events API server. `sink` takes engine events (any thread); `start` binds and
    serves with `controls`; `close` sends what is queued (up to `drain_s`) and stops."""

    def __init__(self, config: ApiConfig, listen: str | None = None,
                 token: str | None = None, token_path: Path | None = None) -> None:
        address = listen if listen is not None else config.listen
        try:
            self._host, self._port = split_listen(address)
        except ValueError as exc:
            raise ConfigError(f"api.listen: {exc}") from None
        if not config.allow_remote and not loopback_host(self._host):
            raise ConfigError(f"api.listen: {remote_refusal(address)}")
        self.config = config
        self.token = token if token is not None else api_token(token_path)
        self._masker = None if config.send_values else RecordMasker()
        self._lock = threading.Lock()  # clients, replay, state, the masker's order
        self._clients: set[_Client] = set()
        self._replay: collections.deque[str] = collections.deque(maxlen=REPLAY)
        self._state: dict[str, Any] | None = None
        self._controls: Controls | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._drain_s = 2.0
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: str | None = None
        self._bound: tuple[str, int] | None = None
        self._closing: set[asyncio.Future[None]] = set()
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="sufler-api-controls")
        self.cut_off = 0
        self.delivered = 0
        self.peak_queue = 0

    # -- the engine's side: any thread, never waits for a client ----------------------

    def sink(self, event: Event) -> None:
        """An engine event to every client (an `EventSink`)."""
        record = live_record(event)
        if record is None:
            return
        with self._lock:
            if self._masker is not None:
                record = self._masker.mask(record, "events API")
            line = _json_line(record)
            if record["type"] == "state":
                previous = self._state["state"] if self._state else None
                if record["state"] == "running" and previous not in ("running", "catching_up"):
                    self._replay.clear()  # a new call: what a client catches up on starts here
                self._state = record
            self._replay.append(line)
            for client in self._clients:
                client.offer(line)

    # -- life ---------------------------------------------------------------------------

    @property
    def address(self) -> tuple[str, int]:
        """Where it listens (the port chosen when `listen` gave port 0)."""
        return self._bound or (self._host, self._port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"ws://{f'[{host}]' if ':' in host else host}:{port}{PATH}"

    def start(self, controls: Controls | None = None, timeout: float = 10.0) -> None:
        """Bind and serve on the `sufler-api` thread; ApiError when it cannot listen."""
        self._controls = controls
        self._thread = threading.Thread(target=self._run, name="sufler-api", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise ApiError(f"events API: not listening on {self._host}:{self._port} after "
                           f"{timeout:g} s")
        if self._failure is not None:
            self._thread.join()
            raise ApiError(self._failure)
        log.info("events API on %s", self.url)

    def close(self, drain_s: float = 2.0) -> None:
        """Send clients what is queued (at most `drain_s`), close them with 1001, stop."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None or loop is None or stopping is None:
            return
        self._drain_s = drain_s
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(stopping.set)
        thread.join(drain_s + CUT_CLOSE_S + 5)
        self._executor.shutdown(wait=False)
        self._thread = None

    def stats(self) -> dict[str, int]:
        with self._lock:
            clients = len(self._clients)
            peak = max([self.peak_queue, *(client.peak for client in self._clients)])
        return {"clients": clients, "delivered": self.delivered, "cut_off": self.cut_off,
                "peak_queue": peak}

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        finally:
            loop.close()

    async def _serve(self) -> None:
        from websockets.asyncio.server import serve

        self._stopping = asyncio.Event()
        try:
            server = await serve(
                self._handle, self._host, self._port, process_request=self._route,
                compression=None, max_size=MAX_MESSAGE, close_timeout=2,
                ping_interval=20, ping_timeout=20, server_header=None,
                logger=logging.getLogger("assist.api.websockets"))
        except OSError as exc:
            self._failure = (f"events API: cannot listen on {self._host}:{self._port}: "
                             f"{exc.strerror or exc} (is another Sufler running? change "
                             "api.listen or --api)")
            self._ready.set()
            return
        self._bound = server.sockets[0].getsockname()[:2] if server.sockets else None
        self._ready.set()
        await self._stopping.wait()
        await self._shut(server)

    async def _shut(self, server: Server) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._drain_s
        server.close(close_connections=False)  # no new clients
        while loop.time() < deadline:
            with self._lock:
                waiting = any(client.queue and not client.cut for client in self._clients)
            if not waiting:
                break
            await asyncio.sleep(0.02)
        with self._lock:
            clients = list(self._clients)
        await asyncio.gather(*(self._close(client.connection, CLOSE_GOING_AWAY,
                                           "Sufler stopped") for client in clients))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), CUT_CLOSE_S)

    # -- connections (on the loop) ------------------------------------------------------

    def _route(self, connection: ServerConnection, request: Request) -> Response | None:
        if urlsplit(request.path).path != PATH:
            return connection.respond(HTTPStatus.NOT_FOUND,
                                      f"Sufler's events API is a WebSocket at {PATH}\n")
        return None

    def _authorized(self, request: Request) -> bool:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            offered = value.strip()
        else:
            offered = parse_qs(urlsplit(request.path).query).get("token", [""])[0]
        return bool(offered) and hmac.compare_digest(offered.encode(), self.token.encode())

    async def _close(self, connection: ServerConnection, code: int, reason: str) -> None:
        """Close with a code and reason; a client that does not read them in time is
        dropped (its TCP connection aborted)."""
        from websockets.exceptions import ConnectionClosed

        try:
            await asyncio.wait_for(connection.close(code, reason), CUT_CLOSE_S)
        except (TimeoutError, ConnectionClosed, OSError):
            connection.transport.abort()

    def _cut(self, client: _Client) -> None:
        """On the loop: a client fell `limit` events behind."""
        self.cut_off += 1
        self.peak_queue = max(self.peak_queue, client.peak)
        reason = (f"too slow: {client.limit} events waiting unread; reconnect to go on "
                  "(the current call's records are sent again)")
        log.warning("events API: cut off %s: %s", client.connection.remote_address, reason)
        client.wake.set()
        task = asyncio.ensure_future(self._close(client.connection, CLOSE_TOO_SLOW, reason))
        self._closing.add(task)  # kept until done (the loop holds tasks weakly)
        task.add_done_callback(self._closing.discard)

    async def _handle(self, connection: ServerConnection) -> None:
        from websockets.exceptions import ConnectionClosed

        if connection.request is None or not self._authorized(connection.request):
            log.warning("events API: refused %s: no token or a wrong one",
                        connection.remote_address)
            await self._close(connection, CLOSE_UNAUTHORIZED,
                              "unauthorized: send the token from the api-token file as "
                              "Authorization: Bearer TOKEN or ?token=TOKEN")
            return
        tcp = connection.transport.get_extra_info("socket")
        if tcp is not None:  # the kernel's share of a slow client's backlog stays small too
            with contextlib.suppress(OSError):
                tcp.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        loop = asyncio.get_running_loop()
        client = _Client(connection, loop, self.config.client_queue, self._cut)
        hello = _json_line({"type": "hello", "version": _version(),
                            "values": "masked" if self._masker is not None else "clear",
                            "state": self._state["state"] if self._state else None})
        with self._lock:  # hello, then the call so far, then what happens from now on
            client.queue.append(hello)
            client.queue.extend(list(self._replay)[: max(0, client.limit - 1)])
            client.ringing = True
            client.wake.set()
            self._clients.add(client)
        writer = asyncio.create_task(self._write(client))
        try:
            async for message in connection:
                client.offer(await self._answer(message))
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self._clients.discard(client)
                self.delivered += client.sent
                self.peak_queue = max(self.peak_queue, client.peak)
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)

    async def _write(self, client: _Client) -> None:
        from websockets.exceptions import ConnectionClosed

        connection = client.connection
        with contextlib.suppress(ConnectionClosed):
            while not client.cut:
                await client.wake.wait()
                client.wake.clear()
                client.ringing = False
                while client.queue and not client.cut:
                    await connection.send(client.queue.popleft())
                    client.sent += 1

    async def _answer(self, message: str | bytes) -> str:
        """The reply to one message: {"type": "reply", "cmd", "ok", "detail" | "error"}."""
        ident: Any = None
        cmd: Any = None
        try:
            command = parse_command(message)
            cmd = command["cmd"]
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                ident = json.loads(message).get("id")
            controls = self._controls
            if controls is None:
                raise CommandError("this Sufler takes no commands")
            loop = asyncio.get_running_loop()
            detail = await loop.run_in_executor(self._executor, run_command, controls, command)
            reply: dict[str, Any] = {"type": "reply", "cmd": cmd, "ok": True, "detail": detail}
        except CommandError as exc:
            reply = {"type": "reply", "cmd": cmd, "ok": False, "error": str(exc)}
        except Exception as exc:  # a control's bug must not end the connection or server
            log.exception("events API: command %r failed", cmd)
            reply = {"type": "reply", "cmd": cmd, "ok": False,
                     "error": f"{cmd} failed: {type(exc).__name__}: {exc}"}
        if ident is not None and isinstance(ident, str | int | float):
            reply["id"] = ident
        return _json_line(reply)


def _version() -> str:
    from assist import __version__

    return __version__


# -- a client: `sufler call start|stop` --------------------------------------------------


def client_url(listen: str) -> str:
    """The URL a client on this PC uses for a server listening on `listen`."""
    try:
        host, port = split_listen(listen)
    except ValueError as exc:
        raise ConfigError(f"api.listen: {exc}") from None
    if host in ("", "0.0.0.0", "::"):  # every interface: loopback is one of them
        host = "127.0.0.1"
    return f"ws://{f'[{host}]' if ':' in host else host}:{port}{PATH}"


def send_command(listen: str, command: dict[str, Any], token: str,
                 timeout: float = 10.0) -> dict[str, Any]:
    """Send one command to the Sufler listening on `listen`; its reply record. ApiError
    when no Sufler answers there, the token is refused or no reply comes in `timeout`."""
    from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
    from websockets.sync.client import connect

    url = client_url(listen)
    ident = secrets.token_hex(4)
    try:
        with connect(url, additional_headers={"Authorization": f"Bearer {token}"},
                     open_timeout=timeout, close_timeout=1, compression=None,
                     max_size=2**22) as connection:
            connection.send(json.dumps({**command, "id": ident}))
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                try:
                    message = connection.recv(timeout=left)
                except TimeoutError:
                    break
                record = json.loads(message)
                if record.get("type") == "reply" and record.get("id") == ident:
                    return dict(record)
    except ConnectionClosed as exc:
        code = exc.rcvd.code if exc.rcvd is not None else None
        if code == CLOSE_UNAUTHORIZED:
            raise ApiError(f"Sufler at {url} refused the token in {api_token_path()} "
                           "(made by another user or an older start?)") from None
        raise ApiError(f"Sufler at {url} closed the connection: "
                       f"{exc.rcvd.reason if exc.rcvd else 'no reason'}") from None
    except (OSError, InvalidHandshake, InvalidURI) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise ApiError(f"no Sufler events API at {url}: {reason} (is the app running with "
                       "[api] listen set, or `sufler transcribe --api`?)") from None
    raise ApiError(f"Sufler at {url} did not answer {command['cmd']} within {timeout:g} s")
