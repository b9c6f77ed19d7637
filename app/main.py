"""`sufler`: the desktop panel; engine subcommands (transcribe, rules, ...) go to the engine's
command line (`assist.run_command`)."""

from __future__ import annotations

import argparse
import dataclasses
import io
import logging
import logging.handlers
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import FrameType, TracebackType

from assist import (
    DEMO_LANGUAGES,
    AssistError,
    ConfigError,
    EngineConfig,
    demo_audio,
    load_config,
    mask_log_text,
    open_private,
    private_dir,
    purge_calls,
    replace_config,
    resource_path,
    run_command,
    user_config_path,
    write_atomic,
)

log = logging.getLogger("app")

ENGINE_COMMANDS = ("transcribe", "devices", "extract", "rules", "report", "call")


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "sufler"


def app_config(path: str | None = None) -> EngineConfig:
    """The user's engine settings, or the defaults with the user's folder as their home,
    so relative rule files resolve to the user's (seeded) copies the admin edits."""
    if path:
        return load_config(path)
    user = user_config_path()
    if user.is_file():
        return load_config(user)
    seed_user_rules(user.parent)
    return dataclasses.replace(load_config(), origin=str(user.parent))


def seed_user_rules(folder: Path) -> None:
    """First start: copy the default rule files beside the user's config (admins edit those;
    the packaged defaults stay untouched)."""
    defaults = resource_path("rules")
    try:
        private_dir(folder / "rules", tighten=False)
        for rules in defaults.glob("*.toml"):
            target = folder / "rules" / rules.name
            if not target.exists():  # 0600, like every file the editor deploys
                write_atomic(target, rules.read_text(encoding="utf-8"))
    except OSError as exc:
        log.warning("cannot seed rule files in %s: %s", folder, exc.strerror)


class PrivateLogFile(logging.handlers.RotatingFileHandler):
    """The app's log file: 0600 in a 0700 folder (also each file rotation opens), and what
    may be personal data in a message or traceback masked (`assist.mask_log_text`)."""

    def _open(self) -> io.TextIOWrapper:
        return open_private(self.baseFilename)

    def format(self, record: logging.LogRecord) -> str:
        return mask_log_text(super().format(record))


def setup_logging(verbose: bool) -> Path | None:
    """A rotating log file (what a crash report reads) and warnings on stderr."""
    root = logging.getLogger()
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    stderr = logging.StreamHandler()
    stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(stderr)
    path = state_dir() / "sufler.log"
    try:
        private_dir(path.parent)
        for older in path.parent.glob("sufler.log.*"):  # rotated by an older version
            older.chmod(0o600)
        handler = PrivateLogFile(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    stderr.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("assist.decisions").propagate = False  # card decisions: own files
    return path


def install_crash_handlers() -> None:
    """Uncaught errors in any thread go to the log instead of vanishing (or killing Qt)."""

    def excepthook(kind: type[BaseException], value: BaseException,
                   tb: TracebackType | None) -> None:
        log.critical("uncaught error:\n%s", "".join(traceback.format_exception(kind, value, tb)))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        log.critical("uncaught error in thread %s:\n%s",
                     args.thread.name if args.thread else "?",
                     "".join(traceback.format_exception(args.exc_type, args.exc_value,
                                                        args.exc_traceback)))

    sys.excepthook = excepthook
    threading.excepthook = thread_hook


def quit_on_signals() -> list[int]:
    """Ctrl+C (SIGINT) or SIGTERM quits the window's event loop, so the call stops and its
    logs close as on a normal quit (a saved call is on disk as it goes in any case). Qt's
    loop runs no Python, so a timer lets the interpreter see the signal. Returns the list
    the signal's number is put in."""
    from PySide6.QtCore import QTimer

    from app.gui import application

    qt = application()
    stopped: list[int] = []

    def handler(number: int, frame: FrameType | None) -> None:
        stopped.append(number)
        qt.exit(128 + number)  # not quit(): that asks the window, which may ask the user

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, handler)
    timer = QTimer(qt)
    timer.timeout.connect(lambda: None)
    timer.start(200)
    return stopped


def demo_language(demo: str, lang: str | None) -> str:
    """The demo call's language without a window: the one asked for, else --lang, else the
    system locale's (en unless it is Russian). The window uses its interface language."""
    if demo in DEMO_LANGUAGES:
        return demo
    if lang in DEMO_LANGUAGES:
        return str(lang)
    system = next((value for name in ("LC_ALL", "LC_MESSAGES", "LANG")
                   if (value := os.environ.get(name))), "")
    return "ru" if system.lower().startswith("ru") else "en"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sufler", description="Sufler: real-time agent assist (the desktop panel). "
        f"Engine commands: sufler {{{','.join(ENGINE_COMMANDS)}}} --help")
    parser.add_argument("--demo", nargs="?", const="ui", choices=(*DEMO_LANGUAGES, "ui"),
                        help="play the built-in demo call (en or ru; default: the interface "
                        "language) through the real engine")
    parser.add_argument("--play", metavar="AUDIO", help="play a recording as a call")
    parser.add_argument("--no-gui", action="store_true",
                        help="with --demo or --play: print the call as JSON Lines instead "
                        "of a window")
    parser.add_argument("--config", help="engine settings TOML (default: the user's)")
    parser.add_argument("--model", help="model folder, package model (base, tiny.en) or name")
    parser.add_argument("--pace", choices=("realtime", "fast"), default="realtime",
                        help="how a played recording is fed (default: realtime)")
    parser.add_argument("--lang", choices=("system", "en", "ru"), default=None,
                        help="interface language (default: settings, else the system's)")
    parser.add_argument("--exit-when-done", action="store_true",
                        help="quit when the played call ends (benchmarks, screenshots)")
    parser.add_argument("--stall-report", metavar="FILE",
                        help="measure GUI event-loop stalls during the call; JSON to FILE")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="save a screenshot of the window when the call ends")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = next((arg for arg in args_list if not arg.startswith("-")), None)
    if first in ENGINE_COMMANDS:
        return run_command(args_list)
    args = _parser().parse_args(args_list)
    if args.demo and args.play:
        print("sufler: error: --demo and --play: choose one call to play", file=sys.stderr)
        return 2
    if args.no_gui:  # the same call as JSON Lines, through the engine's command line
        if not (args.demo or args.play):
            print("sufler: error: --no-gui needs a call to play: --demo [en|ru] or --play "
                  "AUDIO", file=sys.stderr)
            return 2
        audio = args.play or str(demo_audio(demo_language(args.demo, args.lang)))
        return run_command(
            (["-v"] if args.verbose else [])
            + ["transcribe", audio, "--pace", args.pace]
            + (["--model", args.model] if args.model else [])
            + (["--config", args.config] if args.config else []))
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        print("sufler: no display to open the window on (DISPLAY is not set). Run it in a "
              "desktop session, or `sufler --demo --no-gui` for the JSON Lines.",
              file=sys.stderr)
        return 1
    log_path = setup_logging(args.verbose)
    install_crash_handlers()
    try:
        config = app_config(args.config)
        if args.model:
            config = replace_config(config, **{"asr.model": args.model})
    except ConfigError as exc:
        print(f"sufler: error: {exc}", file=sys.stderr)
        return 2
    try:
        from app.gui import run_gui
    except ImportError as exc:  # Qt's system libraries missing: say which
        print(f"sufler: cannot start the window: {exc}\n"
              "Install the system packages listed in README (libegl1 libgl1 libxkbcommon0 "
              "libfontconfig1 libdbus-1-3), or run `sufler --demo --no-gui`.", file=sys.stderr)
        return 1
    stopped = quit_on_signals()
    try:
        purge_calls(config.storage.calls_path(), config.storage.retention_days)
        code = run_gui(args, config, log_path)
    except AssistError as exc:
        print(f"sufler: error: {exc}", file=sys.stderr)
        return 2
    if stopped:
        name = signal.Signals(stopped[0]).name
        print(f"sufler: interrupted ({name}); the call so far is saved in "
              f"{config.storage.calls_path()}", file=sys.stderr)
        code = 128 + stopped[0]
    # The call is saved and its logs closed by now. Skip interpreter teardown: native thread
    # pools (CTranslate2, ONNX Runtime) and Qt objects finalised in arbitrary order have hung
    # or crashed the exit, which would turn a clean quit into a crash report.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
