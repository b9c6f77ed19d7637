"""Starts the Qt application: translations, one instance per user, the panel, its tray icon,
dialogs, and the demo."""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

from app import i18n
from app.autocall import start_auto_call
from app.bridge import CallEnded, EngineBridge
from app.events_api import start_api
from app.probe import StallProbe
from app.session import CallPlan, CallSession
from app.window import MainWindow
from assist import DEMO_LANGUAGES, EngineConfig, EngineStateChanged, demo_audio, resource_path

log = logging.getLogger(__name__)

ACTIVATE = b"show\n"


def application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv or ["sufler"])
    app.setOrganizationName("Sufler")
    app.setApplicationName("Sufler")
    app.setWindowIcon(QIcon(str(resource_path("icons", "sufler.svg"))))
    return app


class SingleInstance(QObject):
    """One Sufler per user (per state folder): the first holds a lock file and listens on a
    local socket; a second start finds the lock, asks the first to come to the front and
    exits. A lock left by a killed process is taken over (QLockFile checks its pid)."""

    activated = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        folder.mkdir(parents=True, exist_ok=True)
        self.lock = QLockFile(str(folder / "sufler.lock"))
        self.lock.setStaleLockTime(0)  # only a dead owner makes it stale, never its age
        digest = hashlib.sha1(str(folder.resolve()).encode("utf-8")).hexdigest()[:12]
        self.name = f"sufler-{getpass.getuser()}-{digest}"
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        """True: this is the first instance (and listens). False: another one runs and was
        asked to show itself."""
        if not self.lock.tryLock(100):
            self._wake_the_first()
            return False
        QLocalServer.removeServer(self.name)  # a socket file left by a killed instance
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.warning("single-instance socket %s: %s", self.name, server.errorString())
        server.newConnection.connect(self._connection)
        self.server = server
        return True

    def owner_pid(self) -> int:
        info = self.lock.getLockInfo()  # (pid, host, application); pid 0 when unknown
        return int(info[0]) if info and info[0] else 0

    def _wake_the_first(self) -> None:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if socket.waitForConnected(1000):
            socket.write(ACTIVATE)
            socket.flush()
            socket.waitForBytesWritten(1000)
            socket.disconnectFromServer()

    def _connection(self) -> None:
        server = self.server
        while server is not None and server.hasPendingConnections():
            socket = server.nextPendingConnection()  # the server owns it and deletes it
            socket.readyRead.connect(lambda s=socket: self._read(s))
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(ACTIVATE.strip()):
            socket.readyRead.disconnect()
            socket.abort()
            self.activated.emit()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
        self.lock.unlock()


def build_window(config: EngineConfig, settings: QSettings | None = None,
                 plan: CallPlan | None = None) -> MainWindow:
    """The panel wired to a fresh bridge and call session (tests use this too)."""
    bridge = EngineBridge()
    session = CallSession(config, bridge)
    window = MainWindow(session, bridge, settings, plan)
    bridge.setParent(window)
    window.settings_action.triggered.connect(lambda: open_settings(window))
    window.rules_action.triggered.connect(lambda: open_rules_editor(window))
    window.review_action.triggered.connect(lambda: open_review(window))
    return window


def open_settings(window: MainWindow) -> None:
    from app.settings import SettingsDialog

    dialog = SettingsDialog(window.session.config, window.prefs, window)
    if dialog.exec():
        window.configure(dialog.result_config)
        window.set_theme(str(window.prefs.value("ui/theme", window.theme_choice)))


def open_rules_editor(window: MainWindow) -> QWidget:
    """One editor: a second click brings the open one to the front."""
    from app.admin import RulesEditor

    existing = window.findChild(RulesEditor, "rules-editor")
    if isinstance(existing, RulesEditor) and existing.isVisible():
        existing.raise_()
        existing.activateWindow()
        return existing
    editor = RulesEditor(window.session.config, window)
    editor.show()
    return editor


def open_review(window: MainWindow) -> None:
    from app.review import ReviewWindow

    config = window.session.config  # the budget the logs ran under marks the plots
    review = ReviewWindow(config.storage.logs_path(), window, config.rules.budget_s)
    review.show()


def run_gui(args: argparse.Namespace, config: EngineConfig, log_path: Path | None) -> int:
    app = application()
    from app.main import state_dir

    instance = SingleInstance(state_dir())
    if not instance.claim():
        pid = instance.owner_pid()
        asked = bool(args.demo or args.play)
        print(f"sufler: already running{f' (pid {pid})' if pid else ''}; its window was "
              "brought to the front" + (", and this call was not started" if asked else "")
              + ". One Sufler runs per user.", file=sys.stderr)
        return 1 if asked else 0
    prefs = QSettings()
    language = args.lang or str(prefs.value("ui/language", "system"))
    used = i18n.install(app, language)
    plan: CallPlan | None = None
    if args.demo:
        plan = CallPlan(demo_audio(args.demo if args.demo in DEMO_LANGUAGES else used),
                        args.pace)
    elif args.play:
        plan = CallPlan(Path(args.play), args.pace)
    window = build_window(config, prefs, plan)
    window.language = used  # the Demo menu's call in the UI's language
    api = start_api(window, config)  # the events API, when [api] listen is set
    auto_call = start_auto_call(window, config)  # [capture] auto_call
    instance.activated.connect(window.bring_to_front)
    window.show()
    window.install_tray()
    window.install_hotkeys()  # X11 and Windows; elsewhere F1 says why not
    if log_path is not None:  # after show(): nothing is drawn over the state and health
        window.notify(window.tr("Log: {0}").format(log_path), 5000)
    # two probes: from the window's start through model loading, and while the call plays
    startup = StallProbe(parent=window) if args.stall_report else None
    probe = StallProbe(parent=window) if args.stall_report else None
    if startup is not None:
        startup.start()
    window.session.preload()

    def playing(event: EngineStateChanged) -> None:
        if probe is not None and event.state == "running" and not probe.late:
            if startup is not None:
                startup.stop()
            probe.start()

    def ended(event: CallEnded) -> None:
        if probe is not None and startup is not None:
            probe.stop()
            loading = startup.report()
            report = {"figure": "gui_stall", **probe.report(),
                      "startup_stall_max_ms": loading["stall_max_ms"],
                      "startup_over_20ms_at": loading["over_20ms_at"],
                      "delivered_events": window.bridge.delivered,
                      "drain_max_ms": round(window.bridge.drain_max_s * 1000, 1),
                      "drain_slowest": window.bridge.drain_slowest,
                      "error": event.error}
            Path(args.stall_report).write_text(json.dumps(report) + "\n", encoding="utf-8")
        if args.screenshot:
            window.grab().save(args.screenshot)
        if args.exit_when_done:
            QTimer.singleShot(0, app.quit)

    window.bridge.call_ended.connect(ended)
    window.bridge.engine_state_changed.connect(playing)
    if plan is not None:
        QTimer.singleShot(0, lambda: window.start_call(plan))
    code = app.exec()
    if auto_call is not None:
        auto_call.close()
    if api is not None:
        api.close(drain_s=0.5)
    window.session.shutdown()
    prefs.sync()
    instance.release()
    return int(code)
