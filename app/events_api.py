"""The events API in the app: started when [api] listen is set; its commands act through the
window on the GUI thread, as the operator's clicks do (the mute button and banner follow)."""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from app.bridge import CallEnded
from assist import ApiServer, AssistError, CommandError, EngineConfig, EngineError, FeedbackAction

if TYPE_CHECKING:
    from app.window import MainWindow

log = logging.getLogger(__name__)

GUI_TIMEOUT_S = 5.0  # a command waits this long for the GUI thread


class AppControls(QObject):
    """`assist.api.Controls` for the panel. Called on the API's control thread; each command
    runs on the GUI thread and its answer comes back through a future."""

    _job = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._stopping = False  # a stop was asked for and the call has not ended yet
        self._start_when_ended = False
        self._job.connect(self._run, Qt.ConnectionType.QueuedConnection)
        window.bridge.call_ended.connect(self._call_ended)

    # -- assist.api.Controls (the API's control thread) ---------------------------------

    def mute(self, muted: bool) -> str:
        return self._on_gui(lambda: self._mute(muted))

    def snooze(self, minutes: float | None) -> str:
        return self._on_gui(lambda: self._snooze(minutes))

    def feedback(self, card: int, action: FeedbackAction) -> str:
        return self._on_gui(lambda: self._feedback(card, action))

    def call(self, action: str) -> str:
        return self._on_gui(self._start if action == "start" else self._stop)

    def _on_gui(self, action: Callable[[], str]) -> str:
        future: concurrent.futures.Future[str] = concurrent.futures.Future()
        self._job.emit((action, future))
        try:
            return future.result(timeout=GUI_TIMEOUT_S)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise CommandError(f"the app did not answer within {GUI_TIMEOUT_S:g} s") from None

    # -- on the GUI thread ---------------------------------------------------------------

    def _run(self, job: tuple[Callable[[], str], concurrent.futures.Future[str]]) -> None:
        action, future = job
        if not future.set_running_or_notify_cancel():
            return  # the caller gave up waiting: do not act late
        try:
            future.set_result(action())
        except BaseException as exc:  # the API thread reports it to the client
            future.set_exception(exc)

    def _mute(self, muted: bool) -> str:
        self._window.set_muted(muted)
        return "hints muted" if muted else "hints unmuted"

    def _snooze(self, minutes: float | None) -> str:
        length = minutes if minutes is not None else self._window.session.config.rules.snooze_min
        self._window.snooze(length)
        return "snooze ended" if length == 0 else f"hints snoozed for {length:g} min"

    def _feedback(self, card: int, action: FeedbackAction) -> str:
        self._window.on_card_feedback(card, action)
        return f"feedback {action} on card {card}"

    def _start(self) -> str:
        window = self._window
        if not window.session.running:
            window.start_call(window.plan)
            return "call started"
        if self._stopping:  # a hook's start right after its stop: start when this one ends
            self._start_when_ended = True
            return "the last call is ending; a new one starts when it has"
        return "a call is already running"

    def _stop(self) -> str:
        window = self._window
        self._start_when_ended = False
        if not window.session.running:
            return "no call is running"
        if not self._stopping:
            self._stopping = True
            window.session.stop()  # as the Stop button, without asking (a hook cannot answer)
            window.call_action.setEnabled(False)  # until the call has wound down
        return "stopping the call"

    def _call_ended(self, ended: CallEnded) -> None:
        self._stopping = False
        if self._start_when_ended:
            self._start_when_ended = False
            self._window.start_call(self._window.plan)


def start_api(window: MainWindow, config: EngineConfig) -> ApiServer | None:
    """The events API for this window when [api] listen is set; a problem (the port taken,
    an unreadable token) is shown as an engine error and the app runs on without it."""
    if not config.api.listen:
        return None
    try:
        server = ApiServer(config.api)
        window.session.add_listener(server.sink)
        server.start(AppControls(window))
    except AssistError as exc:
        log.warning("events API not started: %s", exc)
        window.bridge.post(EngineError(f"events API not started: {exc}", True, 0.0))
        return None
    return server
