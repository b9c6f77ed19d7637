"""Back-testing: past calls replayed through rules with their original timing.

A saved call is the JSON Lines of `sufler transcribe` (or a call the app saved, same format):
`transcript` records carry `start`, `end` and `emitted` (engine-clock time the text
existed), `entity` records their `emitted` time. The replay feeds them to a fresh rule
session in time order and ticks its clock every 0.1 s in between, so timing rules, cooldowns
and the latency budget behave as they did (or would have) on the live call.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assist.config import RulesConfig
from assist.errors import RuleError
from assist.events import (
    DROP_REASONS,
    ChecklistUpdated,
    EntityExtracted,
    Event,
    SuggestionDropped,
    SuggestionShown,
    TranscriptUpdated,
)
from assist.records import from_record
from assist.rules.loader import Rule
from assist.rules.session import RuleSession

log = logging.getLogger(__name__)

TICK_S = 0.1
# A call replays in ticks up to its last time; a record past a day (a broken or hostile file,
# "end": 1e300) would replay for ever, so none may be later than this.
MAX_CALL_S = 24 * 3600.0
_REPLAYED = ("transcript", "entity")  # record types replay reads; it skips the others


@dataclass
class SavedCall:
    """One call's records, ready to replay."""

    path: str
    transcripts: list[TranscriptUpdated]
    entities: list[EntityExtracted]
    duration: float
    fast_paced: bool  # emitted before the speech ended: not live timing

    @property
    def speakers(self) -> tuple[str, ...]:
        speakers = {event.speaker for event in self.transcripts}
        return tuple(sorted(speakers)) or ("operator",)


def _complete_lines(path: str | Path) -> list[str]:
    """The lines of a saved call. Calls are appended line by line as they go, so a crash
    can leave a last line without its newline that is not a whole record: it is skipped
    with a warning (a last line that is whole JSON is kept)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RuleError(f"{path}: cannot read: {exc.strerror}") from exc
    raw = data.split(b"\n")
    last = raw.pop()  # b"" when the file ends with its newline
    if last.strip():
        try:
            json.loads(last.decode("utf-8"))
            raw.append(last)
        except (UnicodeDecodeError, ValueError, RecursionError):
            log.warning("%s:%d: torn last line skipped (a crash while writing?)", path,
                        len(raw) + 1)
    lines = []
    for number, line in enumerate(raw, start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise RuleError(f"{path}:{number}: not UTF-8 text") from exc
    return lines


def load_call(path: str | Path) -> SavedCall:
    """Read a saved call; a file with no transcript records is a RuleError."""
    lines = _complete_lines(path)
    transcripts: list[TranscriptUpdated] = []
    entities: list[EntityExtracted] = []
    fast = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or record.get("type") not in _REPLAYED:
                continue
            event = from_record(record)
            _check_times(event)
            if isinstance(event, TranscriptUpdated):
                fast = fast or event.times.emitted < event.end - 1e-6
                transcripts.append(_live_timing(event))
            elif isinstance(event, EntityExtracted):
                entities.append(_at_utterance(event, transcripts))
        except ValueError as exc:  # JSONDecodeError is one
            raise RuleError(f"{path}:{number}: not a saved-call record: {exc}") from exc
        except RecursionError as exc:  # JSON nested thousands deep
            raise RuleError(f"{path}:{number}: not a saved-call record: nested too deeply"
                            ) from exc
    if not transcripts:
        raise RuleError(f"{path}: no transcript records (expected `sufler transcribe` output)")
    duration = max(max(event.end for event in transcripts),
                   max(event.times.emitted for event in transcripts))
    return SavedCall(str(path), transcripts, entities, duration, fast)


def _check_times(event: Event) -> None:
    """Times of a replayed record within a call's possible length (ValueError if not)."""
    if isinstance(event, TranscriptUpdated):
        times = {"start": event.start, "end": event.end, "emitted": event.times.emitted}
    elif isinstance(event, EntityExtracted):
        times = {"emitted": event.at}
    else:
        return
    for key, value in times.items():
        if not 0.0 <= value <= MAX_CALL_S:
            raise ValueError(f"{key!r} must be in [0, {MAX_CALL_S:.0f}] s (a day), got {value}")


def _live_timing(event: TranscriptUpdated) -> TranscriptUpdated:
    """A call transcribed at `fast` pace has no live timing: assume zero delay there."""
    if event.times.emitted >= event.end:
        return event
    return replace(event, times=replace(event.times, emitted=event.end))


def _at_utterance(event: EntityExtracted, transcripts: list[TranscriptUpdated]
                  ) -> EntityExtracted:
    """An entity said at the end of its utterance, and found no earlier than that."""
    utterance = next((said for said in reversed(transcripts)
                      if said.utterance_id == event.utterance_id), None)
    end = utterance.end if utterance is not None else event.at
    return replace(event, start=end, end=end, at=max(event.at, end))


def replay(call: SavedCall, rules: Sequence[Rule], config: RulesConfig) -> list[Event]:
    """Every event the rules produce on one call, in time order."""
    if not 0.0 <= call.duration <= MAX_CALL_S:  # NaN too: the ticks would never end
        raise RuleError(f"{call.path}: a call of {call.duration} s cannot be replayed "
                        f"(at most {MAX_CALL_S:.0f} s)")
    events: list[Event] = []
    session = RuleSession(config, events.append, rules=rules)
    now = 0.0
    session.start(lambda: now, call.speakers)
    inputs: list[tuple[float, int, TranscriptUpdated | EntityExtracted]] = [
        (event.times.emitted, 0, event) for event in call.transcripts]
    inputs += [(event.at, 1, event) for event in call.entities]
    inputs.sort(key=lambda item: (item[0], item[1]))
    by_start = sorted(call.transcripts, key=lambda event: event.start)
    started = 0
    active: list[TranscriptUpdated] = []
    ticks = 0
    for at, _, item in [*inputs, (call.duration + TICK_S, 2, None)]:
        while (ticks + 1) * TICK_S <= at:
            ticks += 1
            now = ticks * TICK_S
            while started < len(by_start) and by_start[started].start <= now:
                active.append(by_start[started])
                started += 1
            active = [event for event in active if now < event.end]
            session.tick(now, [event.speaker for event in active])
        now = at
        if isinstance(item, TranscriptUpdated):
            session.transcript(item, at)
        elif isinstance(item, EntityExtracted):
            session.entity(item, at)
    return events


@dataclass
class RuleStats:
    """One rule over the back-tested calls."""

    rule: str
    kind: str
    shown: int = 0  # checklists: items ticked off
    dropped: Counter[str] = field(default_factory=Counter)
    calls_fired: int = 0
    first_fires: list[float] = field(default_factory=list)
    fire_times: list[float] = field(default_factory=list)
    flag: str = ""

    def row(self, calls: int) -> dict[str, Any]:
        return {
            "rule": self.rule, "kind": self.kind, "shown": self.shown,
            "per_call": round(self.shown / calls, 2) if calls else 0.0,
            "calls_share": round(self.calls_fired / calls, 3) if calls else 0.0,
            "first_s": _median(self.first_fires), "median_s": _median(self.fire_times),
            **{f"dropped_{reason}": self.dropped.get(reason, 0) for reason in DROP_REASONS},
            "flag": self.flag,
        }


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


@dataclass
class Backtest:
    calls: int
    call_seconds: float
    stats: dict[str, RuleStats]
    warnings: list[str]


def backtest(calls: Sequence[SavedCall], rules: Sequence[Rule], config: RulesConfig,
             noisy_per_call: float = 3.0) -> Backtest:
    """Per-rule fire counts and timing over `calls`; rules that never fire or fire too
    often are flagged (`never`, `noisy`)."""
    stats = {rule.id: RuleStats(rule.id, rule.kind) for rule in rules if rule.enabled}
    warnings = [f"{call.path}: transcribed at fast pace, so timing is not live timing "
                "(transcribe with --pace simulated for a faithful budget check)"
                for call in calls if call.fast_paced]
    for call in calls:
        fired: set[str] = set()
        ticks: dict[str, int] = {}
        for event in replay(call, rules, config):
            if isinstance(event, SuggestionShown):
                entry = stats[event.rule_id]
                entry.shown += 1
                entry.fire_times.append(event.at)
                if event.rule_id not in fired:
                    fired.add(event.rule_id)
                    entry.first_fires.append(event.at)
            elif isinstance(event, SuggestionDropped):
                stats[event.rule_id].dropped[event.reason] += 1
            elif isinstance(event, ChecklistUpdated):
                # a checklist "fires" when its script is complete; `shown` counts ticks
                entry = stats[event.rule_id]
                ticked = len(event.done) - ticks.get(event.rule_id, 0)
                ticks[event.rule_id] = len(event.done)
                entry.shown += ticked
                if ticked and not event.remaining and event.rule_id not in fired:
                    fired.add(event.rule_id)
                    entry.first_fires.append(event.at)
                    entry.fire_times.append(event.at)
        for rule_id in fired:
            stats[rule_id].calls_fired += 1
    for entry in stats.values():
        triggers = entry.shown + sum(entry.dropped.values())
        repeats = sum(entry.dropped[reason] for reason in ("cooldown", "duplicate", "capped"))
        if triggers == 0:
            entry.flag = "never"
        elif entry.kind == "checklist":
            entry.flag = "" if entry.calls_fired else "incomplete"
        elif calls and (triggers / len(calls) > noisy_per_call or repeats * 2 >= triggers):
            entry.flag = "noisy"
    return Backtest(len(calls), sum(call.duration for call in calls), stats, warnings)


_COLUMNS = ("rule", "kind", "shown", "per_call", "calls_share", "first_s", "median_s",
            *(f"dropped_{reason}" for reason in DROP_REASONS), "flag")
_HEADERS = {"calls_share": "calls%", "per_call": "per call", "first_s": "first s",
            "median_s": "median s", **{f"dropped_{reason}": reason for reason in DROP_REASONS}}


def rows(result: Backtest) -> list[dict[str, Any]]:
    return [entry.row(result.calls) for entry in result.stats.values()]


def diff_rows(old: Backtest, new: Backtest) -> list[dict[str, Any]]:
    """Rule by rule, old and new fire counts and call shares side by side."""
    out: list[dict[str, Any]] = []
    for rule_id in dict.fromkeys([*old.stats, *new.stats]):
        before, after = old.stats.get(rule_id), new.stats.get(rule_id)
        old_row = before.row(old.calls) if before else None
        new_row = after.row(new.calls) if after else None
        change = ("added" if before is None else "removed" if after is None
                  else "same" if old_row == new_row else "changed")
        out.append({
            "rule": rule_id, "change": change,
            "shown_old": old_row["shown"] if old_row else None,
            "shown_new": new_row["shown"] if new_row else None,
            "calls_share_old": old_row["calls_share"] if old_row else None,
            "calls_share_new": new_row["calls_share"] if new_row else None,
            "first_s_old": old_row["first_s"] if old_row else None,
            "first_s_new": new_row["first_s"] if new_row else None,
            "flag_old": old_row["flag"] if old_row else None,
            "flag_new": new_row["flag"] if new_row else None,
        })
    return out


def render(records: list[dict[str, Any]], form: str, summary: dict[str, Any]) -> str:
    """`table` (aligned text), `csv`, or `json` (one object with `summary` and `rules`)."""
    if form == "json":
        return json.dumps({"summary": summary, "rules": records}, ensure_ascii=False)
    columns = list(records[0]) if records else list(_COLUMNS)
    if form == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return buffer.getvalue().rstrip("\n")
    headers = [_HEADERS.get(column, column.replace("_", " ")) for column in columns]
    cells = [[_cell(record[column], column) for column in columns] for record in records]
    widths = [max(len(header), *(len(row[index]) for row in cells)) if cells else len(header)
              for index, header in enumerate(headers)]
    lines = ["  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
              for row in cells]
    lines.append(" ".join(f"{key}={value}" for key, value in summary.items()))
    return "\n".join(line.rstrip() for line in lines)


def _cell(value: Any, column: str) -> str:
    if value is None:
        return "-"
    if column.startswith("calls_share"):
        return f"{value * 100:.0f}%"
    return str(value)
