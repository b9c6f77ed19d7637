"""The one seam between the engine's threads and the GUI thread."""

from __future__ import annotations

import collections
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from assist import (
    BacklogReported,
    CallStats,
    CaptureChanged,
    ChecklistUpdated,
    EngineError,
    EngineStateChanged,
    EntityExtracted,
    FeedbackRecorded,
    HintsControlled,
    LevelsMeasured,
    ReadbackChecked,
    RulesLoaded,
    SuggestionDropped,
    SuggestionRetired,
    SuggestionShown,
    TranscriptUpdated,
    UtteranceSuppressed,
)

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
    state_changed = Signal(object)
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
        self._ring.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        # event type → the name of the signal that carries it
        self._routes: dict[type, str] = {
            TranscriptUpdated: "transcript_updated",
            EntityExtracted: "entity_extracted",
            ReadbackChecked: "readback_checked",
            SuggestionShown: "suggestion_shown",
            SuggestionDropped: "suggestion_dropped",
            SuggestionRetired: "suggestion_retired",
            ChecklistUpdated: "checklist_updated",
            FeedbackRecorded: "feedback_recorded",
            HintsControlled: "hints_controlled",
            EngineStateChanged: "state_changed",
            EngineError: "engine_error",
            BacklogReported: "backlog_reported",
            UtteranceSuppressed: "utterance_suppressed",
            CaptureChanged: "capture_changed",
            LevelsMeasured: "levels_measured",
            RulesLoaded: "rules_loaded",
            CallEnded: "call_ended",
        }

    def post(self, event: object) -> None:
        """Queue an event from any thread (the engine's sink)."""
        with self._lock:
            self._queue.append(event)
            if self._rung:
                return
            self._rung = True
        self._ring.emit()

    def _drain(self) -> None:
        with self._lock:
            events = list(self._queue)
            self._queue.clear()
            self._rung = False
        for event in events:
            name = self._routes.get(type(event))
            if name is None:
                log.debug("no route for %s", type(event).__name__)
                continue
            try:
                getattr(self, name).emit(event)
            except Exception:  # one widget's bug must not lose the other events
                log.exception("handling %s failed", type(event).__name__)
            self.delivered += 1
