"""What operators made of each rule: shown, dropped by reason, 👍, 👎, dismissed, mute rule.

Reads decision logs: JSON Lines holding the gate's `suggestion` records and the operators'
`feedback` records (the `assist.decisions` log the app writes, or `sufler transcribe`
output), as files or folders of `*.jsonl`. Lines that hold no such record are skipped, so
whole session logs can be passed as they are; a line meant as a record that cannot be read
(not UTF-8, broken JSON, a suggestion or feedback record with wrong fields) is counted and
reported with its file and line.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any, get_args

from assist.errors import RuleError
from assist.events import DROP_REASONS, FeedbackAction

log = logging.getLogger(__name__)

_ACTIONS: tuple[str, ...] = get_args(FeedbackAction)
BAD_LINES_SHOWN = 3  # per file: the first few bad lines by number, then a count


def log_paths(names: Iterable[str | Path]) -> list[Path]:
    """Files given, and the *.jsonl in folders given."""
    paths: list[Path] = []
    for name in names:
        path = Path(name).expanduser()
        if path.is_dir():
            found = sorted(entry for entry in path.glob("*.jsonl") if entry.is_file())
            if not found:
                raise RuleError(f"{path}: no decision logs (*.jsonl) in this folder")
            paths += found
        elif path.exists():
            paths.append(path)
        else:
            raise RuleError(f"no such log file or folder: {name}")
    return paths


def feedback_report(paths: Iterable[str | Path]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows per rule (most shown first) and a summary of what was read."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    records = files = bad = 0
    for path in log_paths(paths):
        files += 1
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed by `with` below
        except OSError as exc:
            raise RuleError(f"{path}: cannot read: {exc.strerror}") from exc
        in_file = 0
        with handle:
            for number, line in enumerate(handle, start=1):
                counted, problem = read_line(line, last=not line.endswith(b"\n"))
                if problem is not None:
                    in_file += 1
                    if in_file <= BAD_LINES_SHOWN:
                        log.warning("%s:%d: %s: skipped", path, number, problem)
                elif counted is not None:
                    rule, outcome = counted
                    counts[rule][outcome] += 1
                    records += 1
        if in_file > BAD_LINES_SHOWN:
            log.warning("%s: %d more bad lines skipped (%d in all)", path,
                        in_file - BAD_LINES_SHOWN, in_file)
        bad += in_file
    rows = []
    for rule, seen in sorted(counts.items(), key=lambda item: (-item[1]["shown"], item[0])):
        shown = seen["shown"]
        rows.append({
            "rule": rule, "shown": shown,
            # cards the gate dropped, by reason: `muted` while hints or the rule were muted
            **{f"dropped_{reason}": seen[f"dropped_{reason}"] for reason in DROP_REASONS},
            "up": seen["up"], "down": seen["down"], "dismissed": seen["dismiss"],
            "mute_rule": seen["mute_rule"],  # operators' "mute this rule" clicks
            "dismiss_rate": round((seen["dismiss"] + seen["mute_rule"]) / shown, 2)
            if shown else None,
        })
    return rows, {"files": files, "records": records, "rules": len(rows), "bad_lines": bad}


def read_line(line: bytes, last: bool = False) -> tuple[tuple[str, str] | None, str | None]:
    """What a log line counts: ((rule, outcome), None) with outcome `shown`,
    `dropped_<reason>` or a feedback action; (None, why) for a bad line; (None, None) for a
    line that holds no suggestion or feedback record. A log line may carry a prefix before
    its JSON object (`INFO assist.decisions: {...}`); `last`: the file's last line, with no
    newline after it."""
    try:
        text = line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None, "not UTF-8 text (a binary file?)"
    start = text.find("{")
    if start < 0:
        return None, None
    body = text[start:]
    meant = start == 0 or '"type"' in body  # a JSON line, or a log line carrying a record
    try:
        record = json.loads(body)
    except ValueError:
        return None, ("torn last line (a crash while writing?)" if last else "not JSON") \
            if meant else None
    except RecursionError:
        return None, "not JSON (nested too deeply)" if meant else None
    if not isinstance(record, dict) or record.get("type") not in ("suggestion", "feedback"):
        return None, None
    kind, rule = record["type"], record.get("rule")
    if not isinstance(rule, str):
        return None, f"{kind} record: 'rule' must be a string, got {_short(rule)}"
    if kind == "feedback":
        action = record.get("action")
        if action not in _ACTIONS:
            return None, f"feedback record: 'action' must be one of {', '.join(_ACTIONS)}, " \
                f"got {_short(action)}"
        return (rule, str(action)), None
    decision = record.get("decision")
    if decision == "shown":
        return (rule, "shown"), None
    reason = record.get("reason")
    if decision != "dropped" or reason not in DROP_REASONS:
        return None, (f"suggestion record: expected decision 'shown', or 'dropped' with a "
                      f"reason ({', '.join(DROP_REASONS)}), got {_short(decision)}, "
                      f"{_short(reason)}")
    return (rule, f"dropped_{reason}"), None


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an integer of thousands of digits
        return "a number too long to show"
    return text if len(text) <= 60 else text[:57] + "..."
