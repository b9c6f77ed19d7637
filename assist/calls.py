"""Saved calls: one call's transcript, entities and card decisions as JSON Lines.

The format is what `sufler transcribe` prints, so `sufler rules test` back-tests saved calls
as they are. Each record is appended and flushed the moment it arrives (one whole line per
write), so a crash or a kill keeps everything said up to it; a reader skips a torn last
line. The file is created at the first utterance (a call with nothing said leaves none),
mode 0600 in a 0700 folder.

By default nothing personal reaches the disk: each transcript line is masked as it is
written (`assist.privacy`: numbers in digits or words, e-mail and address shapes, what
follows a cue such as "my address is", and what the extractor finds in the line read
together with the speaker's previous one), because a line cannot be rewritten once an
entity found in the next utterance shows what it held. Entity values keep what their
kind's mask keeps, read-backs only which part differed. A record that still looks
unmasked after that is refused (written masked whole). Old calls are removed after the
retention period.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from assist.errors import ConfigError
from assist.events import Event, TranscriptUpdated
from assist.extract.registry import mask_entity
from assist.files import open_private, private_dir
from assist.privacy import MASK, TranscriptMasker, mask_text, refuse_unmasked
from assist.records import to_record
from assist.rules.evaluator import mask_digits

log = logging.getLogger(__name__)

CALL_SUFFIX = ".jsonl"
__all__ = ["CALL_SUFFIX", "MASK", "CallRecorder", "RecordMasker", "SavedCallInfo", "delete_calls",
           "masked_difference", "purge_calls", "saved_calls"]

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


class RecordMasker:
    """Masks a call's records as saved calls hold them: transcripts (each read with the
    speaker's previous one, so call it in arrival order), entity values as their kind's mask
    keeps them, read-backs, card evidence. The events API masks with it too."""

    def __init__(self) -> None:
        self._masker = TranscriptMasker()

    def mask(self, record: dict[str, Any], where: str) -> dict[str, Any]:
        """The record as it may leave the engine; `where` names the writer in a refusal."""
        kind = record["type"]
        if kind == "transcript":
            text = self._masker.mask(record["speaker"], record["text"], record["language"])
            return {**record, "text": refuse_unmasked(text, where)}
        if kind == "entity":
            return {**record, "value": mask_entity(record["kind"], record["value"]),
                    "raw": MASK * 3}
        if kind == "readback":
            return _masked_readback(record)
        if kind == "suggestion":
            masked = {**record, "evidence": refuse_unmasked(mask_text(record["evidence"]),
                                                            where)}
            if "body" in record:
                masked["body"] = refuse_unmasked(mask_text(record["body"]), where)
            return masked
        return record


@dataclass
class SavedCallInfo:
    path: Path
    started: datetime
    size: int


class CallRecorder:
    """An event sink that appends one call to its file as the call goes; `save` closes it."""

    def __init__(self, folder: str | Path, call_id: str, mask_pii: bool = True,
                 started: datetime | None = None) -> None:
        self.folder = Path(folder).expanduser()
        self.call_id = call_id
        self.mask_pii = mask_pii
        self.started = started or datetime.now()
        self.path = self.folder / f"{self.started.strftime('%Y%m%d-%H%M%S')}_{call_id}" \
            f"{CALL_SUFFIX}"
        self._lock = threading.Lock()
        self._masker = RecordMasker()
        self._records: list[dict[str, Any]] = []
        self._waiting: list[str] = []  # lines before the first utterance: no file yet
        self._stream: IO[str] | None = None
        self._said = False
        self._closed = False
        self._error: str | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, TranscriptUpdated) and not event.final:
            return  # interim text is replaced by the final one
        record = to_record(event)
        if record is None:
            return
        with self._lock:
            if self._closed:
                return
            if self.mask_pii:
                record = self._masked(record)
            self._records.append(record)
            self._waiting.append(json.dumps(record, ensure_ascii=False) + "\n")
            self._said = self._said or record["type"] == "transcript"
            if self._said:
                self._flush()

    def _masked(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record as it may be written (called in arrival order, under the lock)."""
        return self._masker.mask(record, f"saved call {self.call_id}")

    def _flush(self) -> None:
        """Append the waiting lines, each in one write, flushed (under the lock)."""
        if self._error is not None:
            self._waiting.clear()
            return
        try:
            if self._stream is None:
                private_dir(self.folder)
                self._stream = open_private(self.path, append=False)
            for line in self._waiting:
                self._stream.write(line)
                self._stream.flush()
        except OSError as exc:  # a full disk must not stop the call: say so, once
            self._error = f"saved calls: cannot write {self.path}: {exc.strerror}"
            log.error("%s", self._error)
        self._waiting.clear()

    def records(self) -> list[dict[str, Any]]:
        """The call's records as written (masked unless configured otherwise)."""
        with self._lock:
            return [dict(record) for record in self._records]

    def save(self) -> Path | None:
        """End the call: close its file. The path, or None when nothing was said; a write
        that failed during the call is a ConfigError now."""
        with self._lock:
            self._closed = True
            self._waiting.clear()
            if self._stream is not None:
                try:
                    self._stream.close()
                except OSError as exc:
                    self._error = self._error or \
                        f"saved calls: cannot write {self.path}: {exc.strerror}"
                self._stream = None
            if self._error is not None:
                raise ConfigError(self._error)
            return self.path if self._said else None

    close = save


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
