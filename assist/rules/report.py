"""What operators made of each rule: shown, dropped by reason, muted, 👍, 👎, dismissed.

Reads decision logs: JSON Lines holding the gate's `suggestion` records and the operators'
`feedback` records (the `assist.decisions` log the app writes, or `sufler transcribe`
output). Other lines are skipped, so whole session logs can be passed as they are.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assist.errors import RuleError
from assist.events import DROP_REASONS


def feedback_report(paths: Iterable[str | Path]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows per rule (most shown first) and a summary of what was read."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    records = files = 0
    for path in paths:
        files += 1
        try:
            handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed by `with` below
        except OSError as exc:
            raise RuleError(f"{path}: cannot read: {exc.strerror}") from exc
        with handle:
            for line in handle:
                record = _record(line)
                if record is None:
                    continue
                rule = str(record.get("rule", ""))
                if record["type"] == "suggestion":
                    decision = record.get("decision")
                    key = "shown" if decision == "shown" else f"dropped_{record.get('reason')}"
                    counts[rule][key] += 1
                else:
                    counts[rule][str(record.get("action"))] += 1
                records += 1
    rows = []
    for rule, seen in sorted(counts.items(), key=lambda item: (-item[1]["shown"], item[0])):
        shown = seen["shown"]
        rows.append({
            "rule": rule, "shown": shown,
            **{f"dropped_{reason}": seen[f"dropped_{reason}"] for reason in DROP_REASONS},
            "muted": seen["mute_rule"], "up": seen["up"], "down": seen["down"],
            "dismissed": seen["dismiss"],
            "dismiss_rate": round((seen["dismiss"] + seen["mute_rule"]) / shown, 2)
            if shown else None,
        })
    return rows, {"files": files, "records": records, "rules": len(rows)}


def _record(line: str) -> dict[str, Any] | None:
    line = line.strip()
    start = line.find("{")
    if start < 0:
        return None
    try:  # a log line may carry a prefix before the JSON object
        record = json.loads(line[start:])
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict) or record.get("type") not in ("suggestion", "feedback"):
        return None
    return record
