"""The latency log: JSON Lines for supervisors, one file per operator per day.

One record per final utterance (its stage timestamps on the engine clock: captured,
endpointed, asr_start, asr_end, emitted, extracted, matched; the real-time factor then) and
one per card decision (shown, or dropped with its reason and age). No transcript text, and
card evidence only with its digits masked (it is never a phone number or address: entity
rules log the entity kind). Each line is written whole and flushed, so a crash can tear at
most the last line, which `read_log` skips with a warning.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from assist import __version__
from assist.errors import ConfigError
from assist.events import Event, TranscriptUpdated, UtteranceProcessed
from assist.records import latency_record, processed_latency

log = logging.getLogger(__name__)

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class LatencyLog:
    """An event sink that appends latency records; use one per call."""

    def __init__(self, folder: str | Path, operator: str, call_id: str, model: str,
                 day: date | None = None, started: float | None = None) -> None:
        operator = _SAFE.sub("_", operator).strip("._-") or "operator"
        self.path = Path(folder).expanduser() / f"{(day or date.today()).isoformat()}" \
            f"_{operator}.jsonl"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._stream: IO[str] | None = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise ConfigError(f"latency log: cannot write {self.path}: {exc.strerror}") from exc
        self._lock = threading.Lock()
        # wall-clock seconds at engine time 0: each record's `ts` (for date ranges)
        self.started = time.time() if started is None else started
        self._common = {"call": call_id, "operator": operator, "model": model,
                        "version": __version__}
        # an utterance's record waits for its extraction and matching stamps
        self._pending: dict[int, dict[str, Any]] = {}

    def __call__(self, event: Event) -> None:
        if isinstance(event, UtteranceProcessed):
            with self._lock:
                pending = self._pending.pop(event.utterance_id, None)
            if pending is not None:
                self._write({**self._common, **processed_latency(pending, event)})
            return
        record = latency_record(event, self.started)
        if record is None:
            return
        if isinstance(event, TranscriptUpdated):
            with self._lock:
                self._pending[event.utterance_id] = record
            return
        self._write({**self._common, **record})

    def _write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            if self._stream is None:
                return
            try:
                self._stream.write(line)
                self._stream.flush()
            except OSError:  # a full disk must not stop the call; say so once per line
                log.exception("latency log: cannot write %s", self.path)

    def close(self) -> None:
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
        for record in pending:  # the call ended before their matching finished
            self._write({**self._common, **record})
        with self._lock:
            if self._stream is not None:
                self._stream.close()
                self._stream = None


def read_log(path: str | Path) -> Iterator[dict[str, Any]]:
    """The records of a latency log; a torn or foreign line is skipped with a warning."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                torn = not line.endswith("\n")
                log.warning("%s:%d: %s skipped", path, number,
                            "torn last line (a crash while writing?)" if torn
                            else "not a JSON record")
                continue
            if isinstance(record, dict):
                yield record
