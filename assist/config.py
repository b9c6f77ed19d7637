"""Typed engine settings loaded from TOML; errors name the file, line and key."""

from __future__ import annotations

import atexit
import dataclasses
import difflib
import functools
import ipaddress
import json
import logging
import math
import os
import re
import tomllib
import unicodedata
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_type_hints
from urllib.parse import urlsplit

from assist.errors import ConfigError
from assist.files import write_atomic

log = logging.getLogger(__name__)

Pace = Literal["realtime", "fast", "simulated"]
PACES: tuple[str, ...] = get_args(Pace)
LANGUAGE_AUTO = "auto"
# The languages Whisper knows (faster_whisper.tokenizer._LANGUAGE_CODES, kept equal by a
# test): listed here so loading a config does not import the recognizer's stack.
WHISPER_LANGUAGES: tuple[str, ...] = (
    "af", "am", "ar", "as", "az", "ba", "be", "bg", "bn", "bo", "br", "bs", "ca", "cs", "cy",
    "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fo", "fr", "gl", "gu", "ha", "haw",
    "he", "hi", "hr", "ht", "hu", "hy", "id", "is", "it", "ja", "jw", "ka", "kk", "km", "kn",
    "ko", "la", "lb", "ln", "lo", "lt", "lv", "mg", "mi", "mk", "ml", "mn", "mr", "ms", "mt",
    "my", "ne", "nl", "nn", "no", "oc", "pa", "pl", "ps", "pt", "ro", "ru", "sa", "sd", "si",
    "sk", "sl", "sn", "so", "sq", "sr", "su", "sv", "sw", "ta", "te", "tg", "th", "tk", "tl",
    "tr", "tt", "uk", "ur", "uz", "vi", "yi", "yo", "zh", "yue",
)

# The repository's resources/ folder, installed as this package (pyproject.toml: package-dir).
RESOURCE_PACKAGE = "assist.resources"
_EXTRACTED = ExitStack()  # resources extracted from a zipped install, deleted at exit
atexit.register(_EXTRACTED.close)


@functools.cache
def resource_path(*parts: str) -> Path:
    """A file or folder shipped with Sufler (rules, demo call, translations, icons) as a real
    path, for PyAV, Qt, globbing and copying: every reader of resources goes through here.
    Installed from a wheel or editable, the package is a folder and this is a path in it; from
    a zip, a file is extracted for the life of the process."""
    try:
        root = files(RESOURCE_PACKAGE)
    except ModuleNotFoundError as exc:  # an editable install made before resources/ was one
        raise ImportError(f"{RESOURCE_PACKAGE} is not installed: run `pip install -e .` again "
                          "in the checkout") from exc
    return _EXTRACTED.enter_context(as_file(root.joinpath(*parts)))


RESOURCES = resource_path()
DEFAULT_CONFIG_PATH = resource_path("config.toml")
DEMO_LANGUAGES = ("en", "ru")
DEMO_AUDIO = resource_path("demo", "demo_en.flac")  # the English demo call


def demo_audio(language: str) -> Path:
    """The built-in demo call in `language` (en or ru): stereo, left the operator, right the
    customer; its script (turns, entities, read-backs) is beside it as demo_LANG.jsonl."""
    if language not in DEMO_LANGUAGES:
        raise ConfigError(f"no demo call in {language!r} (have: {', '.join(DEMO_LANGUAGES)})")
    return resource_path("demo", f"demo_{language}.flac")


# -- what a setting may hold ------------------------------------------------------------
#
# Each field of a settings section declares its range (and any other check) in its field
# metadata through `setting(...)`; `_validate` checks every field of a section against its
# type and that metadata when the section is made, whether from a file, `replace_config` or
# code. A new key is one `setting(...)` line; a new section is one dataclass deriving from
# `Settings` and one entry in `_SECTIONS`.

_T = TypeVar("_T")
Check = Callable[[str], "str | None"]  # a problem with one string value, or None


class SettingError(ConfigError):
    """A setting has a wrong value. `keys` are the dotted names it concerns, the first the
    one to blame; the loader points at the line of the first one the file sets."""

    def __init__(self, keys: str | tuple[str, ...], message: str) -> None:
        self.keys = (keys,) if isinstance(keys, str) else keys
        self.message = message
        super().__init__(f"{self.keys[0]}: {message}")


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


@dataclass(frozen=True)
class Bounds:
    """The values a number setting (each item of a list of numbers) may take; finite always."""

    low: float | None = None  # at least
    high: float | None = None  # at most
    above: float | None = None  # more than

    def problem(self, value: float) -> str | None:
        if not math.isfinite(value):
            return f"must be a finite number, got {value}"
        if (self.low is not None and value < self.low) or (
                self.high is not None and value > self.high) or (
                self.above is not None and value <= self.above):
            return f"must be {self}, got {_number_text(value)}"
        return None

    def __str__(self) -> str:
        if self.above is not None:
            lower, low_text = "(", _number_text(self.above)
        elif self.low is not None:
            lower, low_text = "[", _number_text(self.low)
        else:
            return f"at most {_number_text(self.high)}" if self.high is not None else "finite"
        if self.high is None:
            return f"{'more than' if lower == '(' else 'at least'} {low_text}"
        return f"in {lower}{low_text}, {_number_text(self.high)}]"


def setting(default: _T, *, low: float | None = None, high: float | None = None,
            above: float | None = None, min_items: int = 0, check: Check | None = None) -> _T:
    """A settings field with its range (numbers, or each number of a list: `low` ≤ v ≤
    `high`, v > `above`; always finite), the fewest items of a list, and a `check` of each
    string (or each string of a list)."""
    metadata: dict[str, Any] = {}
    if low is not None or high is not None or above is not None:
        metadata["bounds"] = Bounds(low, high, above)
    if min_items:
        metadata["min_items"] = min_items
    if check is not None:
        metadata["check"] = check
    return field(default=default, metadata=metadata)


def _closest(value: str, choices: tuple[str, ...] | frozenset[str]) -> str:
    close = difflib.get_close_matches(value, sorted(choices), n=3, cutoff=0.5)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def whisper_language(value: str) -> str | None:
    """A problem with a language code for Whisper, or None."""
    if value in WHISPER_LANGUAGES:
        return None
    return (f"unknown language {value!r}{_closest(value.lower(), WHISPER_LANGUAGES)}; "
            f"Whisper's codes: {', '.join(WHISPER_LANGUAGES)}")


def call_language(value: str) -> str | None:
    """A problem with a leg's language: "auto" or a Whisper code."""
    return None if value == LANGUAGE_AUTO else whisper_language(value)


def phone_region(value: str) -> str | None:
    """A problem with a region for phone numbers: one phonenumbers knows (ISO 3166 alpha-2)."""
    import phonenumbers  # loaded by the extractor anyway; imported here when first needed

    regions = frozenset(phonenumbers.SUPPORTED_REGIONS)
    if value in regions:
        return None
    hint = _closest(value.upper(), regions) if value.upper() not in regions \
        else f" (did you mean {value.upper()}?)"
    return (f"unknown region {value!r}{hint}; a two-letter ISO 3166 code known to phonenumbers "
            f"({len(regions)} of them), e.g. RU, US, GB, DE, KZ")


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _typed(value: Any, hint: Any, key: str) -> Any:
    """`value` as the type `hint` wants (a list as a tuple, an integer as a float), or a
    SettingError."""
    origin = getattr(hint, "__origin__", None)
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError:
                raise SettingError(key, f"must be a finite number, got {value}") from None
        raise SettingError(key, f"expected float, got {type(value).__name__}")
    if hint in (int, str, bool):
        if type(value) is not hint:
            raise SettingError(key, f"expected {hint.__name__}, got {type(value).__name__}")
        return value
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise SettingError(key, f"expected a list, got {type(value).__name__}")
        return tuple(_typed(item, hint.__args__[0], key) for item in value)
    if origin is Literal:
        if not isinstance(value, str) or value not in hint.__args__:
            choices = ", ".join(map(str, hint.__args__))
            raise SettingError(key, f"must be one of {choices}, got {value!r}")
        return value
    if isinstance(hint, type) and not isinstance(value, hint):
        raise SettingError(key, f"expected a table, got {type(value).__name__}")
    return value


def _validate(settings: Any, section: str) -> None:
    """Check every field of a settings dataclass against its type and metadata."""
    hints = _hints(type(settings))
    for item in dataclasses.fields(settings):
        key = f"{section}.{item.name}" if section else item.name
        value = _typed(getattr(settings, item.name), hints[item.name], key)
        object.__setattr__(settings, item.name, value)  # frozen: normalised in place
        values = value if isinstance(value, tuple) else (value,)
        if len(values) < item.metadata.get("min_items", 0):
            raise SettingError(key, f"needs at least {item.metadata['min_items']} item(s)")
        bounds: Bounds | None = item.metadata.get("bounds")
        check: Check | None = item.metadata.get("check")
        for one in values:
            problem = None
            if bounds is not None and isinstance(one, int | float):
                problem = bounds.problem(one)
            elif check is not None and isinstance(one, str):
                problem = check(one)
            if problem is not None:
                raise SettingError(key, problem)


def remote_url_problem(url: str) -> str | None:
    """A problem with a recognizer server's base URL, or None: https://, or http:// only to a
    loopback or private IP address written in the URL (a host name could resolve anywhere);
    no credentials or query in it; the path ends in /v1."""
    if not url:
        return "backend \"openai\" needs the server's base URL, e.g. https://asr.example/v1"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"not a URL: {exc}"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return f"must start with https:// (or http:// to a private address), got {url!r}"
    if parts.username is not None or parts.password is not None or parts.query \
            or parts.fragment:
        return "must hold no user, password, query or fragment (the key comes from api_key_env)"
    if port == 0:
        return "port 0 is no server's port"
    if not parts.path.rstrip("/").endswith("/v1"):
        return f"must be the base URL ending in /v1, got path {parts.path or '/'!r}"
    if parts.scheme == "http":
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            address = None
        if parts.hostname != "localhost" and (
                address is None or not (address.is_loopback or address.is_private)):
            return (f"http:// only to a loopback or private IP address (audio would cross "
                    f"the network unencrypted); use https:// for {parts.hostname!r}")
    return None


def available_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


class Settings:
    """A settings section: made, its fields are checked against their types and ranges."""

    def __post_init__(self) -> None:
        _validate(self, _SECTION_NAMES.get(type(self), ""))


@dataclass(frozen=True)
class AsrConfig(Settings):
    """Speech recognition settings."""

    backend: str = "whisper"  # a registered recognizer backend (assist.asr.backends)
    model: str = "base"
    # A hub model name (small, medium, ...) not in the local hub cache is downloaded only when
    # this is true; nothing else in Sufler goes online.
    allow_download: bool = False
    device: str = "cpu"
    compute_type: str = "int8"
    # encoder threads; 0 = all cores, at most 4; more than this machine's CPUs: its CPUs
    cpu_threads: int = setting(0, low=0)
    # Greedy decoding of one short window is faster on one thread than on several (thread
    # hand-offs dominate its small matrix products); a value other than the encoder's loads
    # the model a second time for decoding. 0 = the encoder's instance and threads.
    decoder_threads: int = setting(1, low=0)
    beam_size: int = setting(1, low=1, high=16)
    temperatures: tuple[float, ...] = setting((0.0,), low=0.0, high=1.0, min_items=1)
    prompt: str = ""
    hotwords: str = ""
    # A leg locked to Russian never emits Latin letters, one locked to English no Cyrillic
    # (Whisper base writes misheard Russian words in Latin letters on telephone audio).
    script_lock: bool = True
    # An English model that decodes English dictation windows too (a local model name or
    # folder; "" = none): its hypotheses join the choice among them. Base and tiny.en mishear
    # different digits of the same telephone dictation.
    second_opinion: str = "tiny.en"
    # Languages "auto" may pick from; restricting them avoids wild guesses on short windows.
    auto_languages: tuple[str, ...] = setting(("ru", "en"), check=whisper_language)
    # backend = "openai": an OpenAI-compatible server (assist.asr.remote); `model` above is
    # then the local fallback. https://, or http:// to a loopback or private IP address.
    url: str = ""  # the base URL, ending in /v1
    remote_model: str = ""  # the model name the server expects
    api_key_env: str = ""  # the NAME of an environment variable holding the key ("" = none)
    timeout_s: float = setting(3.0, above=0.0, high=60.0)  # one request, connect to answer
    fallback: Literal["local", "none"] = "local"  # on a timeout, connection error or 5xx
    fallback_load: Literal["lazy", "eager"] = "lazy"  # the local model: at first need or at once
    max_in_flight: int = setting(2, low=1, high=16)  # requests at once (the two legs overlap)
    probe_s: float = setting(5.0, above=0.0, high=600.0)  # health probe period while local

    @property
    def label(self) -> str:
        """What recognizes, as the latency log's `model` names it: the model, or
        "openai:REMOTE_MODEL" for a recognition server (the report breaks down by it)."""
        return f"openai:{self.remote_model}" if self.backend == "openai" else self.model

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.backend.strip():
            raise SettingError("asr.backend", "must name a recognizer backend, e.g. \"whisper\"")
        if self.api_key_env and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.api_key_env):
            raise SettingError("asr.api_key_env", "must name an environment variable that "
                               "holds the key (e.g. SUFLER_ASR_KEY), never the key itself")
        if self.backend == "openai":
            if not self.remote_model.strip():
                raise SettingError(("asr.remote_model", "asr.backend"), "backend \"openai\" "
                                   "needs the model name the server expects")
            problem = remote_url_problem(self.url)
            if problem is not None:
                raise SettingError(("asr.url", "asr.backend"), problem)
        cpus = available_cpus()
        for name in ("cpu_threads", "decoder_threads"):
            # thousands of threads crash CTranslate2; more threads than CPUs only contend
            if getattr(self, name) > cpus:
                log.warning("asr.%s = %d is more than the %d CPUs here: using %d", name,
                            getattr(self, name), cpus, cpus)
                object.__setattr__(self, name, cpus)


@dataclass(frozen=True)
class ChannelConfig(Settings):
    """How audio channels map to speakers and which language each speaker uses."""

    speakers: tuple[str, ...] = setting(("operator", "customer"), min_items=1)
    languages: tuple[str, ...] = setting((LANGUAGE_AUTO, LANGUAGE_AUTO), check=call_language)

    def __post_init__(self) -> None:
        super().__post_init__()
        if any(not speaker.strip() for speaker in self.speakers):
            raise SettingError("channels.speakers", "a speaker's name must not be empty")
        if len(set(self.speakers)) != len(self.speakers):
            raise SettingError("channels.speakers", f"names repeat: {list(self.speakers)}")
        if len(self.speakers) != len(self.languages):
            raise SettingError(
                ("channels.languages", "channels.speakers"),
                f"{len(self.languages)} language(s) for {len(self.speakers)} speaker(s) "
                f"{list(self.speakers)}: give one language per speaker")


@dataclass(frozen=True)
class EndpointConfig(Settings):
    """Per-channel voice activity endpointing and window limits."""

    vad_threshold: float = setting(0.5, above=0.0, high=0.99)  # speech probability
    min_silence_ms: int = setting(500, low=1, high=10_000)
    early_silence_ms: int = setting(96, low=0, high=10_000)
    soft_max_s: float = setting(6.0, above=0.0, high=29.0)
    soft_silence_ms: int = setting(120, low=1, high=10_000)
    max_window_s: float = setting(12.0, low=1.0, high=29.0)  # Whisper reads 30 s at most
    cut_search_s: float = setting(3.0, low=0.0, high=29.0)
    min_speech_ms: int = setting(200, low=0, high=10_000)
    pad_ms: int = setting(400, low=0, high=1000)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.soft_max_s > self.max_window_s:
            raise SettingError(("endpoint.soft_max_s", "endpoint.max_window_s"),
                               f"must not exceed max_window_s ({self.soft_max_s:g} > "
                               f"{self.max_window_s:g})")


@dataclass(frozen=True)
class GuardConfig(Settings):
    """Thresholds that reject hallucinated text before anyone sees it."""

    no_speech_prob: float = setting(0.6, low=0.0, high=1.0)
    logprob_with_no_speech: float = setting(-1.0, high=0.0)
    min_logprob: float = setting(-1.6, high=0.0)
    compression_ratio: float = setting(2.4, above=0.0, high=100.0)
    repeat_limit: int = setting(4, low=1, high=100)
    extra_blocklist: tuple[str, ...] = ()


@dataclass(frozen=True)
class BacklogConfig(Settings):
    """When the recognizer falls behind: fold queued windows, then shed the oldest."""

    max_pending: int = setting(6, low=1, high=1000)  # 0 would block the producer for good
    max_lag_s: float = setting(8.0, above=0.0, high=3600.0)
    fold_max_s: float = setting(24.0, above=0.0, high=30.0)


@dataclass(frozen=True)
class ExtractConfig(Settings):
    """Phone and address extraction on final utterances."""

    enabled: bool = True
    # default region for numbers said without a country code
    region_ru: str = setting("RU", check=phone_region)
    region_en: str = setting("US", check=phone_region)
    # a speaker's utterances read together, the new one included
    context_utterances: int = setting(3, low=1, high=20)
    # ...if they ended at most this long before it started
    context_gap_s: float = setting(15.0, low=0.0, high=3600.0)
    # a repeat this long after the original is still compared
    readback_window_s: float = setting(300.0, low=0.0, high=86_400.0)
    gazetteer: tuple[str, ...] = ()  # street names that correct misheard ones (fuzzy match)
    gazetteer_min_score: float = setting(85.0, low=0.0, high=100.0)

    def region_for(self, language: str) -> str:
        """The default region for numbers said without a country code in a `language` call."""
        return self.region_ru if language == "ru" else self.region_en


@dataclass(frozen=True)
class RulesConfig(Settings):
    """Suggestion rules and the gate every card passes before it is shown."""

    enabled: bool = True
    # rule files; a relative path is looked up beside the config file, then in resources/
    files: tuple[str, ...] = ("rules/ru.toml", "rules/en.toml")
    # a card older than this (end of evidence → shown) is dropped
    budget_s: float = setting(3.0, above=0.0, high=600.0)
    # cards on screen at once; a more important one replaces the least
    max_visible: int = setting(3, low=1, high=10)
    card_ttl_s: float = setting(30.0, above=0.0, high=86_400.0)  # a card leaves after this
    snooze_min: float = setting(5.0, above=0.0, high=1440.0)  # default length of a snooze
    # the same card again within this is a duplicate
    duplicate_window_s: float = setting(120.0, low=0.0, high=86_400.0)
    # how often rule files are checked for changes
    reload_check_s: float = setting(1.0, low=0.1, high=3600.0)

    def paths(self, base: Path | None = None) -> tuple[Path, ...]:
        """The rule files as paths: absolute ones as given, relative ones beside `base`
        (the config file's folder) when there, else in resources/."""
        found = []
        for name in self.files:
            path = Path(name).expanduser()
            if not path.is_absolute():
                local = (base / path) if base is not None else path
                path = local if local.exists() else resource_path(*path.parts)
            found.append(path)
        return tuple(found)


@dataclass(frozen=True)
class CaptureConfig(Settings):
    """Live input devices: one per leg, or one stereo device with a channel per leg."""

    operator_device: str = ""  # index, name or Pulse source ("" = none)
    customer_device: str = ""  # e.g. the softphone output's .monitor
    operator_channel: int = setting(0, low=0, high=255)
    # -1: 0, or 1 when both legs share one device
    customer_channel: int = setting(-1, low=-1, high=255)
    # auto: soundcard on Windows (WASAPI loopback), sounddevice (PortAudio) elsewhere
    backend: Literal["auto", "soundcard", "sounddevice"] = "auto"
    # Calls start and end by themselves (assist.audio.autocall): a call starts when every leg
    # had voice within auto_start_within_s; it ends after auto_stop_silence_s of silence on
    # every leg, or (auto_stop_when_idle) when nothing plays to the customer's device.
    auto_call: bool = False
    auto_start_within_s: float = setting(5.0, above=0.0, high=600.0)
    auto_stop_silence_s: float = setting(30.0, above=0.0, high=3600.0)
    auto_stop_when_idle: bool = True
    voice_dbfs: float = setting(-45.0, low=-90.0, high=0.0)  # a level heard as voice (standby)


@dataclass(frozen=True)
class StorageConfig(Settings):
    """What the app keeps on disk, where, and for how long."""

    calls_dir: str = "~/.local/share/sufler/calls"  # saved calls (transcript, entities, cards)
    logs_dir: str = "~/.local/share/sufler/logs"  # latency logs (no text, no PII)
    save_calls: bool = True
    mask_pii: bool = True  # phone numbers, addresses and digits masked in saved calls
    # saved calls older than this are deleted
    retention_days: int = setting(30, low=1, high=36_500)
    operator_id: str = ""  # name in the latency log ("" = the login name)

    def calls_path(self) -> Path:
        return Path(self.calls_dir).expanduser()

    def logs_path(self) -> Path:
        return Path(self.logs_dir).expanduser()


def split_listen(value: str) -> tuple[str, int]:
    """HOST:PORT (an IPv6 host in brackets: [::1]:8765) as host and port; ValueError says
    what is wrong."""
    host, colon, port = value.rpartition(":")
    if not colon or not host or not (port.isascii() and port.isdigit()):
        raise ValueError(f"expected HOST:PORT such as 127.0.0.1:8765, got {value!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ValueError(f"an IPv6 host goes in brackets, e.g. [::1]:8765, got {value!r}")
    if not 0 <= int(port) <= 65535:
        raise ValueError(f"port must be 0 to 65535, got {port}")
    return host, int(port)


def loopback_host(host: str) -> bool:
    """True for a host only this PC can reach (127.0.0.0/8, ::1, localhost); no name is
    looked up."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen_problem(value: str) -> str | None:
    if not value:
        return None
    try:
        split_listen(value)
    except ValueError as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class ApiConfig(Settings):
    """The local events API (`assist.api`): a WebSocket for the CRM page and softphone hooks."""

    listen: str = setting("", check=_listen_problem)  # HOST:PORT; "" = off
    # binding to anything but loopback (other PCs could connect) must be asked for
    allow_remote: bool = False
    # entity values and transcripts in clear to authenticated clients; else masked as in logs
    send_values: bool = False
    # events queued for one client before it is cut off as too slow
    client_queue: int = setting(2000, low=10, high=1_000_000)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.listen and not self.allow_remote and not loopback_host(
                split_listen(self.listen)[0]):
            raise SettingError(("api.listen", "api.allow_remote"), remote_refusal(self.listen))


def remote_refusal(listen: str) -> str:
    """Why a non-loopback address is refused (the config check and `--api` say the same)."""
    return (f"{listen!r} is not a loopback address: other PCs could connect; use "
            "127.0.0.1:PORT, or set api.allow_remote = true to serve the network")


@dataclass(frozen=True)
class EngineConfig(Settings):
    asr: AsrConfig = field(default_factory=AsrConfig)
    channels: ChannelConfig = field(default_factory=ChannelConfig)
    endpoint: EndpointConfig = field(default_factory=EndpointConfig)
    guards: GuardConfig = field(default_factory=GuardConfig)
    backlog: BacklogConfig = field(default_factory=BacklogConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    capture: CaptureConfig = field(default_factory=CaptureConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    api: ApiConfig = field(default_factory=ApiConfig)
    pace: Pace = "realtime"
    origin: str = field(default="", compare=False)  # folder of the config file it came from
    # audio block size fed to the endpointer (its end-of-speech granularity)
    chunk_ms: int = setting(50, low=10, high=1000)


_SECTIONS: dict[str, type[Any]] = {
    "asr": AsrConfig,
    "channels": ChannelConfig,
    "endpoint": EndpointConfig,
    "guards": GuardConfig,
    "backlog": BacklogConfig,
    "extract": ExtractConfig,
    "rules": RulesConfig,
    "capture": CaptureConfig,
    "storage": StorageConfig,
    "api": ApiConfig,
}


_SECTION_NAMES: dict[type[Any], str] = {cls: name for name, cls in _SECTIONS.items()}
_TOP_KEYS = ("pace", "chunk_ms")  # the keys outside any section a file may set


def _line_of(text: str, section: str | None, key: str) -> int:
    """Best-effort line number of `key` (inside `[section]`, or `section.key = ...`) in TOML
    text; the section's header line when the key is not found there; 0 when unknown."""
    current: str | None = None
    header_line = 0
    name = rf"""(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')"""
    dotted = re.compile(rf"^{re.escape(section)}\s*\.\s*{name}\s*=") if section else None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]\[]+?)\s*\]", stripped)
        if header:
            current = header.group(1)
            if section is not None and current == section:
                header_line = number
                if key == "":
                    return number
            continue
        if key and current == section and re.match(rf"^{name}\s*=", stripped):
            return number
        if dotted is not None and current is None and dotted.match(stripped):
            return number
    return header_line


def _where(error: SettingError, text: str, path: str) -> ConfigError:
    """A setting's error at the line of the first of its keys the file sets."""
    for dotted in error.keys:
        section, _, key = dotted.rpartition(".")
        line = _line_of(text, section or None, key)
        if line and (key == "" or _line_of(text, section or None, "") != line):
            return ConfigError(f"{path}:{line}: {dotted}: {error.message}")
    section = error.keys[0].rpartition(".")[0]
    line = _line_of(text, section, "") if section else 0
    return ConfigError(f"{path}:{line}: {error.keys[0]}: {error.message}")


def _printable(text: str) -> str:
    """A key as an error may show it: line breaks, controls and bidi marks escaped."""
    return "".join(char if char.isprintable() and unicodedata.category(char) != "Cf"
                   else f"\\u{ord(char):04x}" for char in text)


def _build(cls: type[Any], data: dict[str, Any], text: str, path: str, section: str) -> Any:
    names = {item.name for item in dataclasses.fields(cls)}
    for key in data:
        if key not in names:
            raise ConfigError(f"{path}:{_line_of(text, section, key)}: {section}."
                              f"{_printable(key)}: unknown key (known: "
                              f"{', '.join(sorted(names))})")
    return cls(**data)


def load_config(path: str | Path | None = None, **overrides: Any) -> EngineConfig:
    """Load engine settings from TOML (defaults from resources/config.toml)."""
    config_path = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    try:
        text = config_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{config_path}: cannot read config: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        line = config_path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{config_path}:{line}: not UTF-8 text (byte {exc.start})") from exc
    config = load_config_text(text, str(config_path))
    if overrides:
        config = replace_config(config, **overrides)
    return dataclasses.replace(config, origin=str(config_path.resolve().parent))


def config_from_dict(
    data: dict[str, Any], *, text: str = "", path: str = "<config>", **overrides: Any
) -> EngineConfig:
    kwargs: dict[str, Any] = {}
    try:
        for key, value in data.items():
            if key in _SECTIONS:
                if not isinstance(value, dict):
                    raise SettingError(key, "expected a table")
                kwargs[key] = _build(_SECTIONS[key], value, text, path, key)
            elif key in _TOP_KEYS:
                kwargs[key] = value
            else:
                raise SettingError(_printable(key), "unknown key (known: "
                                   f"{', '.join(sorted([*_SECTIONS, *_TOP_KEYS]))})")
        config = EngineConfig(**kwargs)
    except SettingError as exc:
        raise _where(exc, text, path) from exc
    return replace_config(config, **overrides) if overrides else config


def replace_config(config: EngineConfig, **overrides: Any) -> EngineConfig:
    """Override settings by dotted names, e.g. `replace_config(c, **{"asr.model": "tiny.en"})`."""
    sections: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for dotted, value in overrides.items():
        section, _, key = dotted.partition(".")
        if key:
            sections.setdefault(section, {})[key] = value
        elif section in _TOP_KEYS:
            top[section] = value
        else:
            raise ConfigError(f"{section}: unknown setting")
    for section, values in sections.items():
        if section not in _SECTIONS:
            raise ConfigError(f"{section}: unknown config section")
        names = {item.name for item in dataclasses.fields(_SECTIONS[section])}
        for key in values:
            if key not in names:
                raise ConfigError(f"{section}.{key}: unknown key")
        top[section] = dataclasses.replace(getattr(config, section), **values)
    return dataclasses.replace(config, **top)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise ConfigError(f"cannot write {type(value).__name__} to TOML")


def dump_config(config: EngineConfig) -> str:
    """TOML text of every setting; `load_config` of it gives `config` back."""
    lines = ["# Sufler engine settings (written by the app; every key is optional).", "",
             f"pace = {_toml_value(config.pace)}", f"chunk_ms = {config.chunk_ms}"]
    for name in _SECTIONS:
        lines += ["", f"[{name}]"]
        section = getattr(config, name)
        for item in dataclasses.fields(section):
            lines.append(f"{item.name} = {_toml_value(getattr(section, item.name))}")
    return "\n".join(lines) + "\n"


def save_config(config: EngineConfig, path: str | Path) -> Path:
    """Write `config` as TOML atomically (a crash leaves the old file, never half a file)."""
    target = Path(path).expanduser()
    text = dump_config(config)
    load_config_text(text, str(target))  # never write what would not load
    try:
        return write_atomic(target, text)
    except OSError as exc:
        raise ConfigError(f"{target}: cannot write config: {exc.strerror}") from exc


def load_config_text(text: str, path: str = "<config>") -> EngineConfig:
    """Engine settings from TOML text; any problem is a one-line ConfigError naming
    `path`, the line and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = str(exc)[: found.start()].strip() if found else str(exc)
        raise ConfigError(f"{path}:{found.group(1) if found else 0}: {message}") from exc
    except RecursionError as exc:  # arrays nested thousands deep
        raise ConfigError(f"{path}: values nested too deeply") from exc
    return config_from_dict(data, text=text, path=path)


def user_config_path() -> Path:
    """Where the app keeps the user's engine settings ($XDG_CONFIG_HOME/sufler/config.toml)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sufler" / "config.toml"
