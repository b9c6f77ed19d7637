"""The one seam between the engine's threads and the GUI thread."""

from __future__ import annotations

import collections
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance

from assist import CallStats, event_name

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallEnded:
    """The app's own notice: a call finished (or failed) and what was saved."""

    stats: CallStats | None
    saved: Path | None
    error: str | None


class EngineBridge(QObject):
    """Receives events from any thread into a queue and rings one queued signal; on the GUI
    thread it drains the queue and dispatches typed signals. `post` never blocks on the GUI.

    Each event goes to the signal named after its class (`assist.event_name`): an
    `EngineStateChanged` to `engine_state_changed`; an event with no such signal is skipped.
    """

    transcript_updated = Signal(object)
    entity_extracted = Signal(object)
    readback_checked = Signal(object)
    suggestion_shown = Signal(object)
    suggestion_dropped = Signal(object)
    suggestion_retired = Signal(object)
    checklist_updated = Signal(object)
    feedback_recorded = Signal(object)
    hints_controlled = Signal(object)
    engine_state_changed = Signal(object)
    engine_error = Signal(object)
    backlog_reported = Signal(object)
    utterance_suppressed = Signal(object)
    capture_changed = Signal(object)
    levels_measured = Signal(object)
    rules_loaded = Signal(object)
    call_ended = Signal(object)

    _ring = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: collections.deque[object] = collections.deque()
        self._lock = threading.Lock()
        self._rung = False
        self.delivered = 0
        # the longest the GUI thread spent handling one batch, and what was in it: tells a
        # stall the panel caused from one the machine or the engine's threads did
        self.drain_max_s = 0.0
        self.drain_slowest: list[str] = []
        self._ring.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    def post(self, event: object) -> None:
        """Queue an event from any thread (the engine's sink)."""
        with self._lock:
            self._queue.append(event)
            if self._rung:
                return
            self._rung = True
        self._ring.emit()

    def _drain(self) -> None:
        began = time.perf_counter()
        with self._lock:
            events = list(self._queue)
            self._queue.clear()
            self._rung = False
        for event in events:
            signal = getattr(self, event_name(type(event)), None)
            if not isinstance(signal, SignalInstance):
                log.debug("no signal for %s", type(event).__name__)
                continue
            try:
                signal.emit(event)
            except Exception:  # one widget's bug must not lose the other events
                log.exception("handling %s failed", type(event).__name__)
            self.delivered += 1
        spent = time.perf_counter() - began
        if spent > self.drain_max_s:
            self.drain_max_s = spent
            self.drain_slowest = sorted({type(event).__name__ for event in events})
