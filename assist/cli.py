"""The `sufler` command line: transcribe, extract, devices, rules and reports (the desktop
panel is `app`, which hands these subcommands here).

Exit status: 0 done; 2 bad input, config or option (one line on stderr, never a
traceback); 130 interrupted (Ctrl+C; a line on stderr says where it stopped, and what was
said before is written); 141 the reader of the output went away (`| head`: the run stops
quietly); 1 anything else (one line; `-v` adds the traceback).
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import json
import logging
import os
import sys
import threading
import traceback
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from assist.api import DEFAULT_LISTEN, ApiServer, EngineControls, api_token, send_command
from assist.audio.devices import BACKENDS, capture_devices
from assist.audio.live import Leg, LiveSource
from assist.audio.source import FileSource
from assist.config import (
    DEMO_AUDIO,
    LANGUAGE_AUTO,
    PACES,
    EngineConfig,
    ExtractConfig,
    load_config,
    loopback_host,
    remote_refusal,
    replace_config,
    split_listen,
    user_config_path,
)
from assist.engine import Engine, run_call
from assist.errors import AssistError
from assist.events import (
    BacklogReported,
    EngineError,
    Event,
    EventSink,
    RulesLoaded,
    TranscriptUpdated,
    UtteranceSuppressed,
)
from assist.extract.extractor import extract_with
from assist.extract.registry import outputs
from assist.latency_log import LatencyLog
from assist.records import to_record
from assist.report import BUDGET_S, latency_report, percent, render_text
from assist.report_html import render_html
from assist.rules.backtest import backtest, diff_rows, load_call, render, rows
from assist.rules.book import RuleBook
from assist.rules.loader import Rule, load_rules
from assist.rules.report import feedback_report

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a program Ctrl+C stopped
EXIT_OUTPUT_CLOSED = 141  # 128 + SIGPIPE, as for a program whose reader went away


class UsageError(AssistError):
    """A bad command-line option."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


class OutputClosed(Exception):
    """The reader of our standard output went away (`sufler ... | head`)."""


def _closed_output(exc: OSError) -> bool:
    return isinstance(exc, BrokenPipeError) or exc.errno in (errno.EPIPE, errno.EINVAL)


def _json_line(record: dict[str, Any]) -> str:
    """One record as a JSON line: UTF-8 as it is, or with escapes where it holds what
    UTF-8 cannot carry (a lone surrogate from undecodable input)."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record)
    return line + "\n"


class JsonLinesWriter:
    """Writes final utterances as JSON Lines, flushed line by line, from any thread. When
    the reader goes away (a closed pipe) it stops writing and calls `on_closed` once."""

    def __init__(self, stream: IO[str], on_closed: Callable[[], None] | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._on_closed = on_closed
        self.count = 0
        self.closed = False
        self.last_end = 0.0  # end of the last utterance written, seconds into the audio

    def __call__(self, event: Event) -> None:
        if isinstance(event, TranscriptUpdated) and not event.final:
            return  # interim text is for the screen; the final replaces it
        record = to_record(event)
        if record is not None:
            if self._write(record) and isinstance(event, TranscriptUpdated):
                with self._lock:
                    self.count += 1
                    self.last_end = max(self.last_end, event.end)
        elif isinstance(event, RulesLoaded) and event.problems:
            log.warning("rules: %s", "; ".join(event.problems))
        elif isinstance(event, EngineError):
            log.warning("engine: %s", event.message)
        elif isinstance(event, BacklogReported):
            log.warning("backlog %s %.1f s of %s (lag %.1f s)", event.action, event.seconds,
                        event.speaker, event.lag)
        elif isinstance(event, UtteranceSuppressed):
            log.info("suppressed %s %.2f-%.2f: %s", event.speaker, event.start, event.end,
                     event.reason)

    def _write(self, record: dict[str, Any]) -> bool:
        line = _json_line(record)
        with self._lock:
            if self.closed:
                return False
            try:
                self._stream.write(line)
                self._stream.flush()
                return True
            except OSError as exc:
                if not _closed_output(exc):
                    raise
                self.closed = True
        if self._on_closed is not None:
            self._on_closed()
        return False


def _speakers(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if not names or len(names) > 2 or len(set(names)) != len(names):
        raise UsageError(f"--speakers: expected one or two distinct names, got {value!r}")
    return names


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sufler", description="Sufler: real-time agent assist")
    parser.add_argument("--demo", action="store_true", help="run the built-in demo call")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    transcribe = commands.add_parser("transcribe", help="transcribe an audio file to JSON Lines")
    transcribe.add_argument("audio", nargs="?",
                            help="audio file (any format ffmpeg decodes); omit with --live")
    transcribe.add_argument("--live", action="store_true",
                            help="capture the call from input devices instead of a file")
    transcribe.add_argument("--operator-device", metavar="DEV",
                            help="live: the operator's microphone (index, name, Pulse source)")
    transcribe.add_argument("--customer-device", metavar="DEV",
                            help="live: where the softphone plays, e.g. a sink's .monitor")
    transcribe.add_argument("--operator-channel", type=int, default=0, metavar="N",
                            help="live: input channel of the operator device (default 0)")
    transcribe.add_argument("--customer-channel", type=int, default=None, metavar="N",
                            help="live: input channel of the customer device (default 0, "
                                 "or 1 when both legs share one device)")
    transcribe.add_argument("--seconds", type=float, default=None,
                            help="live: stop after this many seconds (default: Ctrl+C)")
    transcribe.add_argument("--backend", choices=BACKENDS, default=None,
                            help="live: capture backend (default: config capture.backend)")
    transcribe.add_argument("--model",
                            help="model folder, package model (base, tiny.en) or hub name")
    transcribe.add_argument("--language", default=None,
                            help="auto, ru, en, ... for every speaker (default: config)")
    transcribe.add_argument("--speakers", default=None,
                            help="speaker names by channel, e.g. operator,customer (left,right)")
    transcribe.add_argument("--channels", default=None, metavar="L[,R]",
                            help="the file's channels that are the legs, in speaker order "
                                 "(e.g. 0,1; needed for more than 2 channels)")
    transcribe.add_argument("--pace", choices=PACES, default="fast")
    transcribe.add_argument("--config", help="engine config TOML (default: resources/config.toml)")
    transcribe.add_argument("--out", help="write JSON Lines here instead of stdout")
    transcribe.add_argument("--latency-log", metavar="DIR",
                            help="append latency records (no text) to DIR/DATE_OPERATOR.jsonl")
    transcribe.add_argument("--operator-id", default=None,
                            help="operator name in the latency log, as given in any script "
                                 "(default: $USER)")
    transcribe.add_argument("--rules", nargs="+", metavar="FILE",
                            help="rule files (default: config rules.files)")
    transcribe.add_argument("--no-rules", action="store_true", help="no suggestion rules")
    transcribe.add_argument("--api", metavar="HOST:PORT",
                            help="serve the events API (WebSocket /events) during the call, "
                                 "e.g. 127.0.0.1:8765 (config [api] for the rest)")

    extract = commands.add_parser(
        "extract", help="phones, addresses and e-mails of JSON Lines texts on stdin, one line "
        "out per line")
    extract.add_argument("--lang", choices=("ru", "en"), default=None,
                         help="language of lines that do not name one (default: by script)")
    extract.add_argument("--config", help="engine config TOML (regions, gazetteer)")

    call = commands.add_parser(
        "call", help="start or stop a call in the running app (softphone hooks; events API)")
    call.add_argument("action", choices=("start", "stop"))
    call.add_argument("--api", metavar="HOST:PORT",
                      help="where the app listens (default: config api.listen, else "
                           "127.0.0.1:8765)")
    call.add_argument("--config", help="config TOML (default: the user's)")
    call.add_argument("--timeout", type=float, default=10.0, help="seconds to wait (10)")

    devices = commands.add_parser(
        "devices", help="list input devices; monitor (loopback) sources are marked")
    devices.add_argument("--backend", choices=BACKENDS, default=None,
                         help="soundcard lists every output's loopback (Windows: WASAPI) "
                              "(default: config capture.backend)")
    devices.add_argument("--config", help="engine config TOML (its capture.backend)")

    rules = commands.add_parser("rules", help="suggestion rule files")
    rule_commands = rules.add_subparsers(dest="rules_command", parser_class=_Parser)
    check = rule_commands.add_parser("check", help="validate a rule file; list every problem")
    check.add_argument("file")
    test = rule_commands.add_parser(
        "test", help="back-test rules on saved calls (sufler transcribe output)")
    test.add_argument("rules", nargs="+", metavar="RULES", help="rule files")
    test.add_argument("--calls", nargs="+", required=True, metavar="PATH",
                      help="saved calls: JSON Lines files, or folders of *.jsonl")
    test.add_argument("--diff", nargs="+", metavar="OLD_RULES",
                      help="compare with these rule files on the same calls")
    test.add_argument("--format", choices=("table", "csv", "json"), default="table")
    test.add_argument("--noisy", type=float, default=3.0, metavar="N",
                      help="flag rules firing more than N times per call (default 3)")
    test.add_argument("--config", help="engine config TOML (the [rules] gate settings)")
    latency = commands.add_parser(
        "report", help="latency report over latency logs: per stage, operator, rule, minute")
    latency.add_argument("logs", nargs="+", metavar="LOGS", help="latency logs or folders")
    latency.add_argument("--html", metavar="OUT", help="also write a self-contained HTML report")
    latency.add_argument("--since", metavar="T", help="from this date/time (ISO, local)")
    latency.add_argument("--until", metavar="T", help="before this date/time (ISO, local)")
    latency.add_argument("--operator", metavar="ID", help="one operator only")
    latency.add_argument("--rule", metavar="ID", help="card figures for one rule only")
    latency.add_argument("--budget", type=float, default=BUDGET_S, metavar="S",
                         help=f"the latency budget the logs ran under (rules.budget_s, "
                              f"default {BUDGET_S:g})")
    latency.add_argument("--format", choices=("table", "json"), default="table")
    report = rule_commands.add_parser(
        "report", help="per rule: shown, dropped by reason, muted, thumbs up/down")
    report.add_argument("logs", nargs="+", metavar="LOG", help="decision logs (JSON Lines)")
    report.add_argument("--format", choices=("table", "csv", "json"), default="table")
    return parser


def _engine_config(args: argparse.Namespace) -> EngineConfig:
    config = load_config(args.config) if args.config else load_config()
    overrides: dict[str, Any] = {"pace": args.pace}
    speakers = _speakers(args.speakers) if args.speakers else config.channels.speakers
    languages = config.channels.languages
    if args.language:
        language = args.language.strip().lower()
        if language != LANGUAGE_AUTO and (len(language) not in (2, 3) or not language.isalpha()):
            raise UsageError(f"--language: expected auto or a language code, got {language!r}")
        languages = (language,) * len(speakers)
    elif len(languages) != len(speakers):
        languages = (languages + (LANGUAGE_AUTO,) * len(speakers))[: len(speakers)]
    overrides["channels.speakers"] = speakers
    overrides["channels.languages"] = languages
    if args.model:
        overrides["asr.model"] = args.model
    if getattr(args, "no_rules", False):
        overrides["rules.enabled"] = False
    elif getattr(args, "rules", None):
        overrides["rules.files"] = tuple(str(Path(name).resolve()) for name in args.rules)
    return replace_config(config, **overrides)


def _live_source(args: argparse.Namespace) -> LiveSource:
    if args.audio:
        raise UsageError("--live: give devices, not an audio file")
    legs: list[Leg] = []
    if args.operator_device:
        legs.append(Leg(args.operator_device, args.operator_channel))
    if args.customer_device:
        shared = args.customer_device == args.operator_device
        channel = args.customer_channel if args.customer_channel is not None else int(shared)
        legs.append(Leg(args.customer_device, channel))
    if not legs:
        raise UsageError("--live: name --operator-device and/or --customer-device "
                         "(see `sufler devices`)")
    if args.seconds is not None and args.seconds <= 0:
        raise UsageError("--seconds: must be positive")
    backend = args.backend or (load_config(args.config) if args.config
                               else load_config()).capture.backend
    return LiveSource(legs, args.seconds, backend)


def cmd_devices(args: argparse.Namespace) -> int:
    backend = getattr(args, "backend", None) or (
        load_config(args.config) if getattr(args, "config", None) else load_config()
    ).capture.backend
    devices = capture_devices(backend)
    if not devices:
        print("no input devices found (Linux: is PulseAudio/PipeWire running, and "
              "libasound2-plugins installed?)")
        return EXIT_FAILED
    for device in devices:
        mark = "  [monitor: what this output plays]" if device.monitor else ""
        about = f" - {device.description}" if device.description else ""
        rate = f", {device.default_rate:.0f} Hz" if device.default_rate else ""
        print(f"{device.index:3d}  {device.name}{about}  ({device.hostapi}, "
              f"{device.channels} ch{rate}){mark}")
    return EXIT_OK


def _channel_map(value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    try:
        channels = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise UsageError(f"--channels: expected channel numbers such as 0,1, got {value!r}"
                         ) from None
    if not 1 <= len(channels) <= 2 or any(channel < 0 for channel in channels):
        raise UsageError(f"--channels: expected one or two channel numbers (0, 1, ...), got "
                         f"{value!r}")
    return channels


def _operator_id(args: argparse.Namespace) -> str:
    """The operator id as given (any script), else the login name."""
    operator = args.operator_id if args.operator_id is not None else (
        os.environ.get("USER") or "operator")
    try:
        operator.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("--operator-id: not valid UTF-8 text") from None
    if not operator.strip() or not operator.isprintable():
        raise UsageError(f"--operator-id: expected a printable name, got {operator!r}")
    return operator


def _check_languages(config: EngineConfig, engine: Engine) -> None:
    """A language the model cannot transcribe is an option error, before any audio."""
    recognizer = engine.recognizer
    if recognizer.multilingual:
        return
    foreign = sorted({language for language in config.channels.languages
                      if language not in (LANGUAGE_AUTO, "en")})
    if foreign:
        raise UsageError(f"--language {','.join(foreign)}: model {config.asr.model!r} is "
                         "English-only; use a multilingual model such as base")


def cmd_transcribe(args: argparse.Namespace) -> int:
    channel_map = _channel_map(getattr(args, "channels", None))
    if args.live:
        if channel_map is not None:
            raise UsageError("--channels: for files; live legs take --operator-channel and "
                             "--customer-channel")
        source: FileSource | LiveSource = _live_source(args)
        if not args.speakers:
            names = (["operator"] if args.operator_device else []) + (
                ["customer"] if args.customer_device else [])
            args.speakers = ",".join(names)
        args.pace = "realtime"
    elif not args.audio:
        raise UsageError("transcribe: give an audio file, or --live with devices")
    else:
        source = FileSource(args.audio, channel_map=channel_map)
    config = _engine_config(args)
    if source.channels > len(config.channels.speakers):
        raise UsageError(
            f"--speakers: the audio has {source.channels} channels; name "
            f"{source.channels} speakers"
        )
    operator = _operator_id(args) if getattr(args, "latency_log", None) else ""
    out: IO[str]
    if args.out:
        try:
            out = open(args.out, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise UsageError(f"--out: cannot write {args.out}: {exc.strerror}") from exc
    else:
        out = sys.stdout
    # the API listens before the model loads, so a page can connect before the first word
    api = _api_server(args.api, config) if getattr(args, "api", None) else None
    engine = Engine(config, api.sink if api is not None else None)
    controls = EngineControls(engine)
    writer = JsonLinesWriter(out, on_closed=engine.stop)
    try:
        if api is not None:
            api.start(controls)
        _check_languages(config, engine)
        sinks: list[EventSink] = [writer]
        latency = None
        if operator:
            latency = LatencyLog(args.latency_log, operator, uuid.uuid4().hex[:12],
                                 config.asr.label, mask_pii=config.storage.mask_pii)
            sinks.append(latency)
        try:
            stats = run_call(config, source, sinks, engine)
        except KeyboardInterrupt:  # what was said is written; say where it stopped
            at = source.position if isinstance(source, FileSource) else writer.last_end
            where = args.audio or "the live call"
            print(f"sufler: interrupted at {at:.1f} s of {where}; {writer.count} utterances "
                  "written", file=sys.stderr)
            return EXIT_INTERRUPTED
        finally:
            if latency is not None:
                latency.close()
    finally:
        controls.finished = True
        if api is not None:
            api.close()  # what is queued reaches the clients first
        if out is not sys.stdout:
            out.close()
    if writer.closed:
        raise OutputClosed
    log.info("%d utterances from %.1f s of audio, rtf %.2f", stats.utterances, stats.audio_s,
             stats.rtf)
    if isinstance(source, LiveSource) and (source.overflows or source.gaps):
        log.warning("live capture: %d overflows, %d device gaps (%.1f s in all)",
                    source.overflows, len(source.gaps),
                    sum(end - begin for _, begin, end in source.gaps))
    return EXIT_OK


def _api_server(listen: str, config: EngineConfig) -> ApiServer:
    """The events API for `--api HOST:PORT` (its other settings from the config)."""
    try:
        host, _ = split_listen(listen)
    except ValueError as exc:
        raise UsageError(f"--api: {exc}") from None
    if not config.api.allow_remote and not loopback_host(host):
        raise UsageError(f"--api: {remote_refusal(listen)}")
    return ApiServer(config.api, listen)


def cmd_call(args: argparse.Namespace) -> int:
    """`sufler call start|stop`: the running app starts or stops a call (softphone hooks)."""
    if args.api:
        listen = args.api
    else:
        path = args.config or (user_config_path() if user_config_path().is_file() else None)
        listen = (load_config(path) if path else load_config()).api.listen or DEFAULT_LISTEN
    reply = send_command(listen, {"cmd": "call", "action": args.action}, api_token(create=False),
                         args.timeout)
    if not reply.get("ok"):
        raise UsageError(f"call {args.action}: {reply.get('error')}")
    print(f"call {args.action}: {reply.get('detail')}")
    return EXIT_OK


def extract_line(line: str, default_language: str | None, config: ExtractConfig) -> dict[str, Any]:
    """One output record for one input line; a bad line gives an error record, never raises."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"not JSON: {exc.msg} at column {exc.colno}"}
    except RecursionError:
        return {"id": None, "error": "not JSON this program reads: nested too deeply"}
    if not isinstance(item, dict):
        return {"id": None, "error": "expected a JSON object"}
    ident = item.get("id")
    language = item.get("lang", default_language)  # "lang": the input format's key
    if language is not None and language not in ("ru", "en"):
        return {"id": ident, "error": f"lang: expected ru or en, got {language!r}"}
    if "segments" in item:
        segments = item["segments"]
        if not isinstance(segments, list) or not all(isinstance(seg, str) for seg in segments):
            return {"id": ident, "error": "segments: expected a list of strings"}
        text = " ".join(segments)
    elif isinstance(item.get("text"), str):
        text = item["text"]
    else:
        return {"id": ident, "error": "expected a string 'text' or a list 'segments'"}
    return {"id": ident, **outputs(extract_with(config, text, language))}


def _write_line(stream: IO[str], record: dict[str, Any]) -> None:
    """One flushed JSON line; a closed reader raises OutputClosed."""
    try:
        stream.write(_json_line(record))
        stream.flush()
    except OSError as exc:
        if _closed_output(exc):
            raise OutputClosed from exc
        raise


def cmd_extract(args: argparse.Namespace) -> int:
    """Lines are read as bytes and decoded one by one, so a line that is not UTF-8 gives an
    error record and the rest of the input is still read, whatever the locale."""
    config = (load_config(args.config) if args.config else load_config()).extract
    binary: Iterable[bytes] | None = getattr(sys.stdin, "buffer", None)
    if binary is None:  # a text stream in place of stdin (tests, embedding)
        binary = (line.encode("utf-8", "surrogateescape") for line in sys.stdin)
    for number, raw in enumerate(binary, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            record = {"id": None, "error": f"line {number}: not UTF-8 text (byte "
                                           f"{raw[exc.start]:#04x} at {exc.start})"}
        else:
            if not line.strip():
                continue
            record = extract_line(line, args.lang, config)
        _write_line(sys.stdout, record)
    return EXIT_OK


def _rules_of(files: Sequence[str]) -> tuple[Rule, ...]:
    """Rules of files for a back-test: any problem stops it (test what would deploy)."""
    book = RuleBook(files)
    book.reload()
    if book.problems:
        raise UsageError("rule problems:\n" + "\n".join(book.problems))
    return book.rules


def _call_paths(names: Sequence[str]) -> list[Path]:
    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            paths += sorted(path.glob("*.jsonl"))
        elif path.exists():
            paths.append(path)
        else:
            raise UsageError(f"--calls: no such file or folder: {name}")
    if not paths:
        raise UsageError("--calls: no *.jsonl calls found")
    return paths


def cmd_rules_test(args: argparse.Namespace) -> int:
    config = (load_config(args.config) if args.config else load_config()).rules
    rules = _rules_of(args.rules)
    calls = [load_call(path) for path in _call_paths(args.calls)]
    result = backtest(calls, rules, config, args.noisy)
    for warning in result.warnings:
        log.warning("%s", warning)
    summary = {"calls": result.calls, "call_minutes": round(result.call_seconds / 60, 1),
               "rules": len(result.stats), "budget_s": config.budget_s}
    if args.diff:
        old = backtest(calls, _rules_of(args.diff), config, args.noisy)
        records = diff_rows(old, result)
        summary["changed"] = sum(1 for record in records if record["change"] != "same")
    else:
        records = rows(result)
        summary["never"] = sum(1 for record in records if record["flag"] == "never")
        summary["noisy"] = sum(1 for record in records if record["flag"] == "noisy")
    print(render(records, args.format, summary))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    if not 0 < args.budget <= 600:
        raise UsageError(f"--budget: expected seconds in (0, 600], got {args.budget:g}")
    report = latency_report(args.logs, args.since, args.until, args.operator, args.rule,
                            budget_s=args.budget)
    if args.format == "json":
        print(json.dumps(dataclasses.asdict(report), ensure_ascii=False))
    else:
        print(render_text(report))
    if args.html:
        scope = " ".join(f"{name} {value};" for name, value in (
            ("since", args.since), ("until", args.until), ("operator", args.operator),
            ("rule", args.rule)) if value)
        try:
            Path(args.html).write_text(render_html(report, scope), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--html: cannot write {args.html}: {exc.strerror}") from exc
    return EXIT_OK


def cmd_rules_report(args: argparse.Namespace) -> int:
    records, summary = feedback_report(args.logs)
    if not records and args.format == "table":
        print(f"no suggestion or feedback records in {summary['files']} log files"
              + (f" ({summary['bad_lines']} bad lines skipped)" if summary["bad_lines"] else "")
              + ": rules report reads decision logs or saved calls (sufler transcribe output)")
        return EXIT_OK
    if args.format == "table":  # as people read it (CSV and JSON keep names and numbers)
        records = [{("dropped_late" if key == "dropped_over_budget" else key):
                    (percent(value) if key == "dismiss_rate" else value)
                    for key, value in row.items()} for row in records]
    print(render(records, args.format, summary))
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    if args.rules_command == "test":
        return cmd_rules_test(args)
    if args.rules_command == "report":
        return cmd_rules_report(args)
    if args.rules_command != "check":
        raise UsageError("rules: expected a subcommand: check, test or report")
    ruleset = load_rules(args.file)
    for problem in ruleset.problems:
        print(problem, file=sys.stderr)
    if ruleset.problems:
        return EXIT_BAD_INPUT
    print(f"{args.file}: {len(ruleset.rules)} rules, no problems")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """The demo call through the real engine at real-time pace, as JSON Lines."""
    namespace = argparse.Namespace(
        audio=str(DEMO_AUDIO), model=None, language=None, speakers=None, pace="realtime",
        config=None, out=None, rules=None, no_rules=False, live=False, latency_log=None,
    )
    return cmd_transcribe(namespace)


def _quiet_stdout() -> None:
    """The reader went away: point stdout at /dev/null so that the interpreter's last
    flush at exit does not print a BrokenPipeError."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    verbose = False
    try:
        args = parser.parse_args(argv)
        verbose = args.verbose
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.WARNING,
            format="%(levelname)s %(name)s: %(message)s",
        )
        if args.demo:
            return cmd_demo(args)
        if args.command == "transcribe":
            return cmd_transcribe(args)
        if args.command == "devices":
            return cmd_devices(args)
        if args.command == "extract":
            return cmd_extract(args)
        if args.command == "rules":
            return cmd_rules(args)
        if args.command == "report":
            return cmd_report(args)
        if args.command == "call":
            return cmd_call(args)
        parser.print_help()
        return EXIT_BAD_INPUT
    except AssistError as exc:
        print(f"sufler: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("sufler: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (OutputClosed, BrokenPipeError):  # `| head`: stop quietly
        _quiet_stdout()
        return EXIT_OUTPUT_CLOSED
    except Exception as exc:  # a bug: one line, the traceback with -v
        return _internal_error(exc, verbose)


def _internal_error(exc: BaseException, verbose: bool) -> int:
    if verbose:
        traceback.print_exception(exc)
    print(f"sufler: error: {type(exc).__name__}: {exc} (a bug; -v shows where)",
          file=sys.stderr)
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
