"""The latency log: JSON Lines for supervisors, one file per operator per day.

One record per final utterance (its stage timestamps on the engine clock: captured,
endpointed, asr_start, asr_end, emitted, extracted, matched; the real-time factor then) and
one per card decision (shown, or dropped with its reason and age). No transcript text, and
card evidence only with its digits masked (it is never a phone number or address: entity
rules log the entity kind). Each line is written whole and flushed, so a crash can tear at
most the last line, which `read_log` skips with a warning.

The operator id is kept as given in every record («Анна» and «Мария» stay two operators);
the file name carries a safe ASCII slug of it plus a short hash of the id as given, so
two ids never share a file. Files are 0600 in a 0700 folder. A record field that is free
text (none today but card evidence would be) is masked like a transcript, and refused
unmasked, unless `storage.mask_pii` is off.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from assist import __version__
from assist.errors import ConfigError
from assist.events import Event, TranscriptUpdated, UtteranceProcessed
from assist.files import open_private, private_dir
from assist.privacy import mask_text, refuse_unmasked
from assist.records import latency_record, processed_latency

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^a-z0-9]+")
_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
})
# Fields that hold names, ids and choices, never what was said: written as they are.
_PLAIN_FIELDS = frozenset({
    "kind", "call", "operator", "model", "version", "speaker", "window", "language", "rule",
    "rule_kind", "outcome", "reason",
})


def operator_file_part(operator: str) -> str:
    """A file-name part for an operator id in any script: an ASCII slug (Cyrillic
    transliterated) and 8 hex digits of the id's hash: «Анна» → anna-<hash>."""
    folded = unicodedata.normalize("NFKD", operator.lower().translate(_LATIN))
    slug = _UNSAFE.sub("-", folded.encode("ascii", "ignore").decode()).strip("-")[:32]
    digest = hashlib.sha256(operator.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug.rstrip('-') or 'operator'}-{digest}"


class LatencyLog:
    """An event sink that appends latency records; use one per call."""

    def __init__(self, folder: str | Path, operator: str, call_id: str, model: str,
                 day: date | None = None, started: float | None = None,
                 mask_pii: bool = True) -> None:
        operator = operator or "operator"
        self.path = Path(folder).expanduser() / f"{(day or date.today()).isoformat()}" \
            f"_{operator_file_part(operator)}.jsonl"
        self.mask_pii = mask_pii
        try:
            private_dir(self.path.parent)
            self._stream: IO[str] | None = open_private(self.path)
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

    def _masked(self, record: dict[str, Any]) -> dict[str, Any]:
        """Free-text fields masked like a transcript; names, ids and numbers as they are."""
        masked = dict(record)
        for key, value in record.items():
            if isinstance(value, str) and key not in _PLAIN_FIELDS:
                masked[key] = refuse_unmasked(mask_text(value), f"latency log {self.path}")
        return masked

    def _write(self, record: dict[str, Any]) -> None:
        if self.mask_pii:
            record = self._masked(record)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (an id from undecodable bytes)
            line = json.dumps(record) + "\n"
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
            except (json.JSONDecodeError, RecursionError) as exc:  # or nested too deeply
                torn = not line.endswith("\n") and not isinstance(exc, RecursionError)
                log.warning("%s:%d: %s skipped", path, number,
                            "torn last line (a crash while writing?)" if torn
                            else "not a JSON record")
                continue
            if isinstance(record, dict):
                yield record
