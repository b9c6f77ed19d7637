"""Starts the Qt application: translations, the panel, dialogs, and the demo."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import i18n
from app.autocall import start_auto_call
from app.bridge import CallEnded, EngineBridge
from app.events_api import start_api
from app.probe import StallProbe
from app.session import CallPlan, CallSession
from app.window import MainWindow
from assist import DEMO_LANGUAGES, EngineConfig, EngineStateChanged, demo_audio, resource_path

log = logging.getLogger(__name__)


def application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv or ["sufler"])
    app.setOrganizationName("Sufler")
    app.setApplicationName("Sufler")
    app.setWindowIcon(QIcon(str(resource_path("icons", "sufler.svg"))))
    return app


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


def open_rules_editor(window: MainWindow) -> None:
    from app.admin import RulesEditor

    editor = RulesEditor(window.session.config, window)
    editor.show()


def open_review(window: MainWindow) -> None:
    from app.review import ReviewWindow

    config = window.session.config  # the budget the logs ran under marks the plots
    review = ReviewWindow(config.storage.logs_path(), window, config.rules.budget_s)
    review.show()


def run_gui(args: argparse.Namespace, config: EngineConfig, log_path: Path | None) -> int:
    app = application()
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
    api = start_api(window, config)  # the events API, when [api] listen is set
    auto_call = start_auto_call(window, config)  # [capture] auto_call
    if log_path is not None:
        window.statusBar().showMessage(window.tr("Log: {0}").format(log_path), 5000)
    window.show()
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
    return int(code)
