"""Typed engine settings loaded from TOML; errors name the file, line and key."""

from __future__ import annotations

import atexit
import dataclasses
import functools
import json
import os
import re
import tomllib
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, Literal, get_args, get_type_hints

from assist.errors import ConfigError
from assist.files import write_atomic

Pace = Literal["realtime", "fast", "simulated"]
PACES: tuple[str, ...] = get_args(Pace)
LANGUAGE_AUTO = "auto"

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
DEMO_AUDIO = resource_path("demo", "demo_call.flac")


@dataclass(frozen=True)
class AsrConfig:
    """Speech recognition settings."""

    backend: str = "whisper"  # a registered recognizer backend (assist.asr.backends)
    model: str = "base"
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 0  # encoder threads; 0 = all cores, at most 4
    # Greedy decoding of one short window is faster on one thread than on several (thread
    # hand-offs dominate its small matrix products); a value other than the encoder's loads
    # the model a second time for decoding. 0 = the encoder's instance and threads.
    decoder_threads: int = 1
    beam_size: int = 1
    temperatures: tuple[float, ...] = (0.0,)
    prompt: str = ""
    hotwords: str = ""
    # Languages "auto" may pick from; restricting them avoids wild guesses on short windows.
    auto_languages: tuple[str, ...] = ("ru", "en")

    def __post_init__(self) -> None:
        for name in ("cpu_threads", "decoder_threads"):
            if getattr(self, name) < 0:
                raise ConfigError(f"asr.{name}: must be 0 (automatic) or more")
        if self.beam_size < 1:
            raise ConfigError("asr.beam_size: must be at least 1")
        if not self.backend.strip():
            raise ConfigError("asr.backend: must name a recognizer backend, e.g. \"whisper\"")


@dataclass(frozen=True)
class ChannelConfig:
    """How audio channels map to speakers and which language each speaker uses."""

    speakers: tuple[str, ...] = ("operator", "customer")
    languages: tuple[str, ...] = (LANGUAGE_AUTO, LANGUAGE_AUTO)


@dataclass(frozen=True)
class EndpointConfig:
    """Per-channel voice activity endpointing and window limits."""

    vad_threshold: float = 0.5
    min_silence_ms: int = 500
    early_silence_ms: int = 96
    soft_max_s: float = 6.0
    soft_silence_ms: int = 120
    max_window_s: float = 12.0
    cut_search_s: float = 3.0
    min_speech_ms: int = 200
    pad_ms: int = 400


@dataclass(frozen=True)
class GuardConfig:
    """Thresholds that reject hallucinated text before anyone sees it."""

    no_speech_prob: float = 0.6
    logprob_with_no_speech: float = -1.0
    min_logprob: float = -1.6
    compression_ratio: float = 2.4
    repeat_limit: int = 4
    extra_blocklist: tuple[str, ...] = ()


@dataclass(frozen=True)
class BacklogConfig:
    """When the recognizer falls behind: fold queued windows, then shed the oldest."""

    max_pending: int = 6
    max_lag_s: float = 8.0
    fold_max_s: float = 24.0


@dataclass(frozen=True)
class ExtractConfig:
    """Phone and address extraction on final utterances."""

    enabled: bool = True
    region_ru: str = "RU"  # default region for numbers said without a country code
    region_en: str = "US"
    context_utterances: int = 3  # a speaker's previous utterances read together with the new one
    context_gap_s: float = 15.0  # ...if they ended at most this long before it started
    readback_window_s: float = 300.0  # a repeat this long after the original is still compared
    gazetteer: tuple[str, ...] = ()  # street names that correct misheard ones (fuzzy match)
    gazetteer_min_score: float = 85.0

    def region_for(self, language: str) -> str:
        """The default region for numbers said without a country code in a `language` call."""
        return self.region_ru if language == "ru" else self.region_en


@dataclass(frozen=True)
class RulesConfig:
    """Suggestion rules and the gate every card passes before it is shown."""

    enabled: bool = True
    # rule files; a relative path is looked up beside the config file, then in resources/
    files: tuple[str, ...] = ("rules/ru.toml", "rules/en.toml")
    budget_s: float = 3.0  # a card older than this (end of evidence → shown) is dropped
    max_visible: int = 3  # cards on screen at once; a more important one replaces the least
    card_ttl_s: float = 30.0  # a card leaves the screen after this long
    snooze_min: float = 5.0  # default length of a snooze
    duplicate_window_s: float = 120.0  # the same card again within this is a duplicate
    reload_check_s: float = 1.0  # how often rule files are checked for changes

    def __post_init__(self) -> None:
        for name in ("budget_s", "card_ttl_s", "snooze_min", "reload_check_s"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"rules.{name}: must be positive")
        if self.max_visible < 1:
            raise ConfigError("rules.max_visible: must be at least 1")

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
class CaptureConfig:
    """Live input devices: one per leg, or one stereo device with a channel per leg."""

    operator_device: str = ""  # index, name or Pulse source ("" = none)
    customer_device: str = ""  # e.g. the softphone output's .monitor
    operator_channel: int = 0
    customer_channel: int = -1  # -1: 0, or 1 when both legs share one device

    def __post_init__(self) -> None:
        if self.operator_channel < 0 or self.customer_channel < -1:
            raise ConfigError("capture: channels must be 0 or more (customer: -1 = auto)")


@dataclass(frozen=True)
class StorageConfig:
    """What the app keeps on disk, where, and for how long."""

    calls_dir: str = "~/.local/share/sufler/calls"  # saved calls (transcript, entities, cards)
    logs_dir: str = "~/.local/share/sufler/logs"  # latency logs (no text, no PII)
    save_calls: bool = True
    mask_pii: bool = True  # phone numbers, addresses and digits masked in saved calls
    retention_days: int = 30  # saved calls older than this are deleted
    operator_id: str = ""  # name in the latency log ("" = the login name)

    def __post_init__(self) -> None:
        if self.retention_days < 1:
            raise ConfigError("storage.retention_days: must be at least 1")

    def calls_path(self) -> Path:
        return Path(self.calls_dir).expanduser()

    def logs_path(self) -> Path:
        return Path(self.logs_dir).expanduser()


@dataclass(frozen=True)
class EngineConfig:
    asr: AsrConfig = field(default_factory=AsrConfig)
    channels: ChannelConfig = field(default_factory=ChannelConfig)
    endpoint: EndpointConfig = field(default_factory=EndpointConfig)
    guards: GuardConfig = field(default_factory=GuardConfig)
    backlog: BacklogConfig = field(default_factory=BacklogConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    capture: CaptureConfig = field(default_factory=CaptureConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    pace: Pace = "realtime"
    origin: str = field(default="", compare=False)  # folder of the config file it came from
    chunk_ms: int = 50

    def __post_init__(self) -> None:
        if self.pace not in PACES:
            raise ConfigError(f"pace: must be one of {', '.join(PACES)}, got {self.pace!r}")
        if len(self.channels.speakers) != len(self.channels.languages):
            raise ConfigError("channels: 'speakers' and 'languages' must have the same length")
        if self.endpoint.max_window_s > 29.0:
            raise ConfigError("endpoint.max_window_s: must be at most 29 s (Whisper's window)")
        if self.endpoint.soft_max_s > self.endpoint.max_window_s:
            raise ConfigError("endpoint.soft_max_s: must not exceed max_window_s")


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
}


def _line_of(text: str, section: str | None, key: str) -> int:
    """Best-effort line number of `key` (inside `[section]`) in TOML text; 0 when unknown."""
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[([^\]]+)\]", stripped)
        if header:
            current = header.group(1).strip()
            if section is not None and current == section and key == "":
                return number
            continue
        if current == section and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return number
    return 0


def _coerce(value: Any, hint: Any, where: str) -> Any:
    origin = getattr(hint, "__origin__", None)
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint in (int, str, bool):
        if type(value) is not hint:
            raise ConfigError(f"{where}: expected {hint.__name__}, got {type(value).__name__}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {type(value).__name__}")
        item_hint = hint.__args__[0]
        return tuple(_coerce(item, item_hint, where) for item in value)
    if origin is Literal:
        if value not in hint.__args__:
            choices = ", ".join(map(str, hint.__args__))
            raise ConfigError(f"{where}: must be one of {choices}, got {value!r}")
        return value
    return value


def _build(cls: type[Any], data: dict[str, Any], text: str, path: str, section: str) -> Any:
    hints = get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        line = _line_of(text, section, key)
        where = f"{path}:{line}: {section}.{key}"
        if key not in names:
            raise ConfigError(f"{where}: unknown key (known: {', '.join(sorted(names))})")
        kwargs[key] = _coerce(value, hints[key], where)
    try:
        return cls(**kwargs)
    except ConfigError as exc:
        raise ConfigError(f"{path}:{_line_of(text, section, '')}: {exc}") from exc


def load_config(path: str | Path | None = None, **overrides: Any) -> EngineConfig:
    """Load engine settings from TOML (defaults from resources/config.toml)."""
    config_path = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    try:
        text = config_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{config_path}: cannot read config: {exc.strerror}") from exc
    config = load_config_text(text, str(config_path))
    if overrides:
        config = replace_config(config, **overrides)
    return dataclasses.replace(config, origin=str(config_path.resolve().parent))


def config_from_dict(
    data: dict[str, Any], *, text: str = "", path: str = "<config>", **overrides: Any
) -> EngineConfig:
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECTIONS:
            if not isinstance(value, dict):
                line = _line_of(text, None, key)
                raise ConfigError(f"{path}:{line}: {key}: expected a table")
            kwargs[key] = _build(_SECTIONS[key], value, text, path, key)
        elif key in ("pace", "chunk_ms"):
            kwargs[key] = value
        else:
            line = _line_of(text, None, key)
            raise ConfigError(f"{path}:{line}: {key}: unknown key")
    config = EngineConfig(**kwargs)
    return replace_config(config, **overrides) if overrides else config


def replace_config(config: EngineConfig, **overrides: Any) -> EngineConfig:
    """Override settings by dotted names, e.g. `replace_config(c, **{"asr.model": "tiny.en"})`."""
    sections: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for dotted, value in overrides.items():
        section, _, key = dotted.partition(".")
        if key:
            sections.setdefault(section, {})[key] = value
        else:
            top[section] = value
    for section, values in sections.items():
        if section not in _SECTIONS:
            raise ConfigError(f"{section}: unknown config section")
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
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return config_from_dict(data, text=text, path=path)


def user_config_path() -> Path:
    """Where the app keeps the user's engine settings ($XDG_CONFIG_HOME/sufler/config.toml)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sufler" / "config.toml"
