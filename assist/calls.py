"""Saved calls: one call's transcript, entities and card decisions as JSON Lines.

The format is what `sufler transcribe` prints, so `sufler rules test` back-tests saved calls
as they are. By default phone numbers, addresses and any digits are masked before anything
touches the disk; the file is written once, atomically, when the call ends. Old calls are
removed after the retention period.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from assist.errors import ConfigError
from assist.events import EntityExtracted, Event, TranscriptUpdated
from assist.extract.registry import mask_entity
from assist.files import write_atomic
from assist.records import to_record
from assist.rules.evaluator import mask_digits

log = logging.getLogger(__name__)

MASK = "•"
CALL_SUFFIX = ".jsonl"


def _masked_text(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for index in range(max(0, start), min(len(chars), end)):
            if not chars[index].isspace():
                chars[index] = MASK
    return mask_digits("".join(chars))


_DIFFERENCE = re.compile(r"^(?P<part>[^:]*):\s*.* given, .* repeated$")


def masked_difference(item: str) -> str:
    """'local part: ivan.petrov given, ivan.petrof repeated' keeps only which part differed;
    any other wording keeps no digits."""
    match = _DIFFERENCE.match(item)
    if match is None:
        return mask_digits(item)
    return f"{match['part']}: {MASK * 3} given, {MASK * 3} repeated"


def _masked_readback(record: dict[str, Any]) -> dict[str, Any]:
    kind = str(record["kind"])
    differences = [masked_difference(item) for item in record["differences"]]
    return {**record, "given": mask_entity(kind, record["given"]),
            "repeated": mask_entity(kind, record["repeated"]), "differences": differences}


@dataclass
class SavedCallInfo:
    path: Path
    started: datetime
    size: int


class CallRecorder:
    """An event sink that keeps one call and writes it when the call ends (`save`)."""

    def __init__(self, folder: str | Path, call_id: str, mask_pii: bool = True,
                 started: datetime | None = None) -> None:
        self.folder = Path(folder).expanduser()
        self.call_id = call_id
        self.mask_pii = mask_pii
        self.started = started or datetime.now()
        self._lock = threading.Lock()
        self._records: list[dict[str, Any]] = []
        # utterance id → (speaker, index of its record); entity spans to mask by utterance
        self._utterances: dict[int, int] = {}
        self._previous: dict[int, int] = {}  # utterance id → the speaker's utterance before
        self._last_of: dict[str, int] = {}
        self._spans: dict[int, list[tuple[int, int]]] = {}

    def __call__(self, event: Event) -> None:
        if isinstance(event, TranscriptUpdated) and not event.final:
            return  # interim text is replaced by the final one
        record = to_record(event)
        if record is None:
            return
        with self._lock:
            if isinstance(event, TranscriptUpdated):
                self._utterances[event.utterance_id] = len(self._records)
                if event.speaker in self._last_of:
                    self._previous[event.utterance_id] = self._last_of[event.speaker]
                self._last_of[event.speaker] = event.utterance_id
            elif isinstance(event, EntityExtracted):
                self._mark(event)
            self._records.append(record)

    def _mark(self, event: EntityExtracted) -> None:
        """Remember which characters of which utterances said the entity; a span starting
        before 0 began in the speaker's previous utterance(s)."""
        start, end = event.span
        utterance = event.utterance_id
        self._spans.setdefault(utterance, []).append((start, end))
        while start < 0 and utterance in self._previous:
            utterance = self._previous[utterance]
            index = self._utterances.get(utterance)
            if index is None:
                break
            length = len(self._records[index]["text"]) + 1  # joined with one space
            start += length
            self._spans.setdefault(utterance, []).append((start, length))

    def records(self) -> list[dict[str, Any]]:
        """The call's records as they will be saved (masked unless configured otherwise)."""
        with self._lock:
            records = [dict(record) for record in self._records]
            if not self.mask_pii:
                return records
            spans = {index: self._spans.get(utterance, [])
                     for utterance, index in self._utterances.items()}
        for index, record in enumerate(records):
            kind = record["type"]
            if kind == "transcript":
                record["text"] = _masked_text(record["text"], spans.get(index, []))
            elif kind == "entity":
                record["value"] = mask_entity(record["kind"], record["value"])
                record["raw"] = MASK * 3
            elif kind == "readback":
                records[index] = _masked_readback(record)
            elif kind == "suggestion":
                record["evidence"] = mask_digits(record["evidence"])
        return records

    def save(self) -> Path | None:
        """Write the call (atomically); None when nothing was said."""
        records = self.records()
        if not any(record["type"] == "transcript" for record in records):
            return None
        name = f"{self.started.strftime('%Y%m%d-%H%M%S')}_{self.call_id}{CALL_SUFFIX}"
        target = self.folder / name
        text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        try:
            return write_atomic(target, text)
        except OSError as exc:
            raise ConfigError(f"saved calls: cannot write {target}: {exc.strerror}") from exc


def saved_calls(folder: str | Path) -> list[SavedCallInfo]:
    """The saved calls in a folder, newest first."""
    path = Path(folder).expanduser()
    if not path.is_dir():
        return []
    found = []
    for item in path.glob(f"*{CALL_SUFFIX}"):
        try:
            stat = item.stat()
        except OSError:
            continue
        found.append(SavedCallInfo(item, datetime.fromtimestamp(stat.st_mtime), stat.st_size))
    return sorted(found, key=lambda info: info.started, reverse=True)


def purge_calls(folder: str | Path, retention_days: float, now: float | None = None) -> int:
    """Delete saved calls older than the retention period; the number deleted."""
    cutoff = (time.time() if now is None else now) - retention_days * 86400
    deleted = 0
    for info in saved_calls(folder):
        if info.started.timestamp() < cutoff:
            deleted += _unlink(info.path)
    return deleted


def delete_calls(folder: str | Path) -> int:
    """Delete every saved call in the folder; the number deleted."""
    return sum(_unlink(info.path) for info in saved_calls(folder))


def _unlink(path: Path) -> int:
    try:
        path.unlink()
    except OSError as exc:
        log.warning("cannot delete %s: %s", path, exc.strerror)
        return 0
    return 1
