"""The `openai` recognizer backend: each window is one request to an OpenAI-compatible
server (`POST {url}/audio/transcriptions`, `response_format=verbose_json`), with failover
to the local model.

What a window's request holds: the audio as 16-bit PCM WAV built in memory, the model the
server expects (`asr.remote_model`), the leg's language once it is fixed or locked, the
fixed prompt (or the window's prompt, when the decode policy gives one) and the first
configured temperature. Beam size, hotwords, suppressed tokens (the script lock) and n-best
alternatives are local-only: the protocol has no field for them.

HTTP goes through the standard library's `http.client`: one keep-alive connection per
request slot (`asr.max_in_flight` of them, so the two legs' windows may overlap), with no
new dependency on every seat; httpx would add httpcore, h11, anyio, certifi and idna for
the same few requests. Nothing on this path touches the disk: the WAV, the reply and the
key live in memory only, and the key is never logged or put in a message.

Failover (`asr.fallback = "local"`): a timeout, a connection error or a 5xx answer makes the
local model (`asr.model`; loaded at first need, or at start with `asr.fallback_load =
"eager"`) take over, starting with the window that failed, so no window is lost. The
listener (the engine) hears the reason, e.g. "Recognizer: local (server unreachable)"; a
probe asks the server for `{url}/models` every `asr.probe_s` seconds, and the first answer
below 500 switches back. A 4xx answer (a wrong key, an unknown model) is a `RemoteRejected`
error, one line, never a silent fallback.

Timing: a window's `Recognition.remote` holds the request's total time and, when the
server reports it in the `openai-processing-ms` header (as OpenAI's own API does), the
server's share; the rest is network and queueing. The latency log writes it as the
utterance's `asr_remote` stage.
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import math
import os
import queue
import ssl
import threading
import time
import uuid
import wave
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from assist.asr.options import DecodeOptions
from assist.asr.recognizer import (
    Recognition,
    Recognizer,
    RecognizerInfo,
    WhisperRecognizer,
)
from assist.config import LANGUAGE_AUTO, WHISPER_LANGUAGES, AsrConfig
from assist.errors import AssistError, ConfigError
from assist.events import RemoteTimes
from assist.vad import SAMPLE_RATE, Audio

log = logging.getLogger(__name__)

SERVER_TIME_HEADER = "openai-processing-ms"  # the server's own time per request, when sent
LOCAL_REASON = "Recognizer: local ({why})"
REMOTE_REASON = "Recognizer: remote ({host})"
# 4xx that say "not now" (request timeout, too many requests from a shared server), not "no":
# they fail over to the local model like a 5xx instead of stopping the call with an error
BUSY = frozenset({408, 429})
MESSAGE_CHARS = 200  # of a server's error message, in ours
# Whisper's language names (OpenAI answers "english"), for servers that answer with a name.
_NAMES = {
    "english": "en", "russian": "ru", "ukrainian": "uk", "kazakh": "kk", "belarusian": "be",
    "german": "de", "french": "fr", "spanish": "es", "chinese": "zh", "turkish": "tr",
    "uzbek": "uz", "tatar": "tt", "georgian": "ka", "armenian": "hy", "azerbaijani": "az",
}


class RemoteRejected(AssistError):
    """The server refused a request (4xx): a wrong key, an unknown model, a bad request."""


class RemoteUnavailable(AssistError):
    """The server could not answer: a timeout, a connection error or a 5xx."""

    def __init__(self, why: str, detail: str) -> None:
        self.why = why  # short, for the panel: "server unreachable", "server error 503"
        super().__init__(f"{why}: {detail}")


def wav_bytes(audio: Audio) -> bytes:
    """16 kHz mono 16-bit PCM WAV of `audio` (float samples in [-1, 1]), in memory."""
    samples = np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0)
    pcm = (samples * 32767.0).round().astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def multipart(fields: dict[str, str], audio: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body of text fields and the WAV file; and its content type."""
    boundary = f"sufler-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     .encode() + value.encode("utf-8") + b"\r\n")
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="window.wav"\r\nContent-Type: audio/wav\r\n\r\n'.encode()
                 + audio + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"


def server_message(body: bytes) -> str:
    """The error message of a server's answer: OpenAI's {"error": {"message": ...}}, FastAPI's
    {"detail": ...}, or the body's text; one line."""
    text = body.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return _one_line(text) or "no message"
    for path in (("error", "message"), ("detail", "error", "message"), ("detail",),
                 ("message",), ("error",)):
        found: Any = data
        for key in path:
            found = found.get(key) if isinstance(found, dict) else None
        if isinstance(found, str) and found.strip():
            return _one_line(found)
    return _one_line(text)


@dataclass(frozen=True)
class Reply:
    """A server's answer: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes


class ConnectionPool:
    """At most `size` keep-alive connections to one server, each used by one request at a
    time: `request` waits for a free one, so at most `size` requests are in flight."""

    def __init__(self, url: str, timeout_s: float, size: int) -> None:
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if self.https else 80)
        self.path = parts.path.rstrip("/")
        self.timeout_s = timeout_s
        self._context = ssl.create_default_context() if self.https else None
        self._slots: queue.LifoQueue[http.client.HTTPConnection | None] = queue.LifoQueue()
        for _ in range(size):
            self._slots.put(None)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def connect(self) -> http.client.HTTPConnection:
        if self.https:
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout_s,
                                               context=self._context)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout_s)

    def request(self, method: str, path: str, body: bytes | None,
                headers: dict[str, str]) -> Reply:
        """One request on a free connection. A kept-alive connection the server closed while
        idle is retried once on a new one; any other failure is the caller's to judge."""
        connection = self._slots.get()
        try:
            reused = connection is not None
            if connection is None:
                connection = self.connect()
            try:
                reply = self._send(connection, method, path, body, headers)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                if not reused:
                    raise
                connection = self.connect()
                reply = self._send(connection, method, path, body, headers)
            if reply.headers.get("connection", "").lower() == "close":
                connection.close()
                connection = None
            return reply
        except BaseException:
            if connection is not None:
                connection.close()
            connection = None
            raise
        finally:
            self._slots.put(connection)

    def _send(self, connection: http.client.HTTPConnection, method: str, path: str,
              body: bytes | None, headers: dict[str, str]) -> Reply:
        connection.request(method, self.path + path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return Reply(response.status, {name.lower(): value
                                       for name, value in response.getheaders()}, data)

    def close(self) -> None:
        while True:
            try:
                connection = self._slots.get_nowait()
            except queue.Empty:
                return
            if connection is not None:
                connection.close()


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value) else None


def parse_verbose(data: Any, language: str, auto_languages: tuple[str, ...]) -> Recognition:
    """A Recognition from a verbose_json answer; absent confidences stay None (the guards
    that need them are skipped). `language` is what was asked for ("auto": detect)."""
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise RemoteUnavailable("server answer unreadable", "no 'text' in the answer")
    text = " ".join(data["text"].split())
    segments = [segment for segment in data.get("segments") or [] if isinstance(segment, dict)]
    heard = data.get("language")
    code = heard.lower() if isinstance(heard, str) else ""
    code = _NAMES.get(code, code)
    if language != LANGUAGE_AUTO:
        detected, language_prob = language, 1.0
    elif code in WHISPER_LANGUAGES:
        # the protocol reports no probability for the language; some servers add one
        reported = _number(data.get("language_probability"))
        detected = code
        language_prob = reported if reported is not None else (
            1.0 if not auto_languages or code in auto_languages else 0.0)
    else:
        detected, language_prob = (auto_languages or ("en",))[0], 0.0
    if not text and not segments:
        return Recognition("", detected, 0.0, 1.0, 0.0, language_prob)
    logprobs = [(_number(s.get("avg_logprob")), max(1, len(s.get("tokens") or ())))
                for s in segments]
    known = [(value, weight) for value, weight in logprobs if value is not None]
    avg_logprob = (sum(value * weight for value, weight in known)
                   / sum(weight for _, weight in known)) if known else None
    no_speech = [v for s in segments if (v := _number(s.get("no_speech_prob"))) is not None]
    ratios = [v for s in segments if (v := _number(s.get("compression_ratio"))) is not None]
    return Recognition(text, detected, avg_logprob, max(no_speech) if no_speech else None,
                       max(ratios) if ratios else None, language_prob)


class RemoteRecognizer:
    """Windows to an OpenAI-compatible server; the local model when it cannot answer."""

    def __init__(self, config: AsrConfig,
                 local_factory: Callable[[AsrConfig], Recognizer] = WhisperRecognizer) -> None:
        self._config = config
        self._key = self._read_key(config)
        self._pool = ConnectionPool(config.url, config.timeout_s, config.max_in_flight)
        self._local_factory = local_factory
        self._local: Recognizer | None = None
        self._local_lock = threading.Lock()  # one local decode at a time; loading once
        self._lock = threading.Lock()  # the mode and the prober
        self._remote = True
        self._listener: Callable[[bool, str], None] | None = None
        self._stop = threading.Event()
        self._prober: threading.Thread | None = None
        self.requests = 0  # windows the server answered (the warm-up's too)...
        self.sent_s = 0.0  # ...and their seconds of audio: what a seat costs the server
        if config.fallback == "local" and config.fallback_load == "eager":
            self._local_recognizer()

    @staticmethod
    def _read_key(config: AsrConfig) -> str:
        if not config.api_key_env:
            return ""
        key = os.environ.get(config.api_key_env, "").strip()
        if not key:
            raise ConfigError(f"asr.api_key_env: the environment variable "
                              f"{config.api_key_env} holds no key (set it before starting)")
        return key

    # -- what the engine sees ---------------------------------------------------------------

    @property
    def multilingual(self) -> bool:
        return not self._config.remote_model.endswith(".en")

    @property
    def name(self) -> str:
        return self._config.remote_model

    @property
    def concurrency(self) -> int:
        """How many windows may be recognized at once (the worker runs this many)."""
        return self._config.max_in_flight

    @property
    def remote(self) -> bool:
        """True while windows go to the server."""
        return self._remote

    def set_listener(self, listener: Callable[[bool, str], None] | None) -> None:
        self._listener = listener

    def describe(self) -> RecognizerInfo:
        if self._remote:
            return RecognizerInfo("openai", self._config.remote_model, "server",
                                  f"{'https' if self._pool.https else 'http'}://"
                                  f"{self._pool.address}{self._pool.path}")
        local = self._local_recognizer().describe()
        return RecognizerInfo("openai", local.model, f"local fallback ({local.source})",
                              local.location)

    def warm_up(self) -> None:
        """Open a connection and check the key and model with a short window of silence; a
        server that cannot answer hands over to the local model now (or raises, without a
        fallback). The local model, if loaded, is warmed too."""
        try:
            self._request(np.zeros(SAMPLE_RATE // 2, dtype=np.float32), "en", None)
        except RemoteUnavailable as exc:
            self._fail_over(exc)
        if self._local is not None:
            with self._local_lock:
                self._local.warm_up()

    def recognize(self, audio: Audio, language: str,
                  options: DecodeOptions | None = None) -> Recognition:
        if self._remote:
            try:
                return self._request(audio, language, options)
            except RemoteUnavailable as exc:
                self._fail_over(exc)
        local = self._local_recognizer()
        with self._local_lock:
            return local.recognize(audio, language, options)

    def close(self) -> None:
        """Stop probing and close the connections (the local model stays loaded)."""
        self._stop.set()
        self._pool.close()

    # -- the server -----------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "sufler"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        return headers

    def _request(self, audio: Audio, language: str,
                 options: DecodeOptions | None) -> Recognition:
        config = self._config
        fields = {"model": config.remote_model, "response_format": "verbose_json",
                  "temperature": repr(float(config.temperatures[0]))}
        if language != LANGUAGE_AUTO and self.multilingual:
            fields["language"] = language
        prompt = options.prompt if options is not None and options.prompt is not None \
            else config.prompt
        if prompt:
            fields["prompt"] = prompt
        body, content_type = multipart(fields, wav_bytes(audio))
        headers = {**self._headers(), "Content-Type": content_type}
        begin = time.perf_counter()
        try:
            reply = self._pool.request("POST", "/audio/transcriptions", body, headers)
        except TimeoutError as exc:
            raise RemoteUnavailable("server timed out",
                                    f"no answer within {config.timeout_s:g} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise RemoteUnavailable("server unreachable",
                                    f"{self._pool.address}: {type(exc).__name__}") from exc
        total = time.perf_counter() - begin
        if reply.status >= 500 or reply.status in BUSY:
            raise RemoteUnavailable(f"server error {reply.status}", server_message(reply.body))
        if reply.status >= 400:
            hint = {401: f"check the key in ${config.api_key_env or '(asr.api_key_env unset)'}",
                    403: "the key may not use this model",
                    404: f"check asr.url ({config.url}) and asr.remote_model"}.get(
                        reply.status, "check asr.remote_model and the server's settings")
            raise RemoteRejected(f"recognizer server {self._pool.address} refused the "
                                 f"request: HTTP {reply.status} {server_message(reply.body)}"
                                 f" ({hint})")
        try:
            data = json.loads(reply.body)
        except ValueError as exc:
            raise RemoteUnavailable("server answer unreadable", "not JSON") from exc
        recognition = parse_verbose(data, language, config.auto_languages)
        with self._lock:
            self.requests += 1
            self.sent_s += len(audio) / SAMPLE_RATE
        server_ms = reply.headers.get(SERVER_TIME_HEADER, "")
        try:
            server = float(server_ms) / 1000.0 if server_ms else None
        except ValueError:
            server = None
        if server is not None and not (0.0 <= server <= total + 1.0):
            server = None  # a clock or unit we do not understand: leave it out
        return _with_remote(recognition, RemoteTimes(total, server))

    # -- failover ---------------------------------------------------------------------------

    def _local_recognizer(self) -> Recognizer:
        with self._local_lock:
            if self._local is None:
                log.info("loading the local recognizer %s (fallback)", self._config.model)
                self._local = self._local_factory(self._config)
            return self._local

    def _tell(self, remote: bool, reason: str) -> None:
        log.warning("%s", reason)
        listener = self._listener
        if listener is not None:
            try:
                listener(remote, reason)
            except Exception:  # a listener's bug must not cost the window
                log.exception("recognizer listener failed")

    def _fail_over(self, exc: RemoteUnavailable) -> None:
        if self._config.fallback == "none":
            raise AssistError(f"recognizer server {self._pool.address}: {exc} "
                              "(asr.fallback = \"none\")") from exc
        with self._lock:
            if not self._remote:
                return
            self._remote = False
            if self._prober is None or not self._prober.is_alive():
                self._prober = threading.Thread(target=self._probe, name="assist-asr-probe",
                                                daemon=True)
                self._prober.start()
        log.warning("recognizer server %s: %s", self._pool.address, exc)
        self._tell(False, LOCAL_REASON.format(why=exc.why))

    def healthy(self) -> bool:
        """The server answers `GET {url}/models` with anything below 500."""
        connection = self._pool.connect()
        try:
            connection.request("GET", self._pool.path + "/models", headers=self._headers())
            response = connection.getresponse()
            response.read()
            return response.status < 500
        except (OSError, http.client.HTTPException):
            return False
        finally:
            connection.close()

    def _probe(self) -> None:
        while not self._stop.wait(self._config.probe_s):
            if self.healthy():
                with self._lock:
                    self._remote = True
                    self._prober = None
                self._tell(True, REMOTE_REASON.format(host=self._pool.address))
                return


def _with_remote(recognition: Recognition, times: RemoteTimes) -> Recognition:
    return replace(recognition, remote=times)
