"""The supervisors' latency report over latency logs, aggregated by DuckDB.

Per stage and end to end; per operator, rule and model; card drops by reason; latency by
minute of call. Percentiles are linear-interpolated (DuckDB's `quantile_cont`, numpy's
default). A line that is not a latency record (a torn last line after a crash, a broken line
in the middle, a binary file) is skipped, counted and reported with its file and line.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from assist.errors import AssistError

log = logging.getLogger(__name__)

# stage name → its duration in seconds, from the utterance record's stage stamps
STAGES: dict[str, str] = {
    "endpointing": "stages.endpointed - \"end\"",
    "queue": "stages.asr_start - stages.endpointed",
    "asr": "stages.asr_end - stages.asr_start",
    "emit": "stages.emitted - stages.asr_end",
    "extract": "stages.extracted - stages.emitted",
    "match": "stages.matched - stages.extracted",
    "end_to_end": "latency",
}
QUANTILES = (0.5, 0.95, 0.99)
# Files read by one DuckDB scan: each file in a scan holds buffers of its own (10,000
# one-record files in one scan took 2 GB), so many small files are read in batches.
FILES_PER_SCAN = 200
BAD_LINES_SHOWN = 3  # per file: the first few bad lines by number, then a count
_BLANK = b" \t\n\v\f\r"  # a line of only these is no record to DuckDB (C's isspace) nor here
# A row the report reads: a line DuckDB could not read is a row of NULLs (ignore_errors), a
# mistyped field a NULL. `line_problem` says the same of a line, to tell which lines failed.
_COMPLETE = (
    "(kind = 'utterance' AND isfinite(\"end\") AND isfinite(latency) AND stages IS NOT NULL) "
    "OR (kind = 'card' AND isfinite(age) AND outcome IN ('shown', 'dropped'))")

_COLUMNS = {
    "kind": "VARCHAR", "call": "VARCHAR", "operator": "VARCHAR", "model": "VARCHAR",
    "version": "VARCHAR", "speaker": "VARCHAR", "start": "DOUBLE", "end": "DOUBLE",
    "window_s": "DOUBLE", "latency": "DOUBLE", "rtf": "DOUBLE", "ts": "DOUBLE",
    "stages": "STRUCT(captured DOUBLE, endpointed DOUBLE, asr_start DOUBLE, asr_end DOUBLE, "
              "emitted DOUBLE, extracted DOUBLE, matched DOUBLE)",
    "rule": "VARCHAR", "outcome": "VARCHAR", "reason": "VARCHAR", "evidence_end": "DOUBLE",
    "decided": "DOUBLE", "age": "DOUBLE",
}


@dataclass
class Report:
    """Tables as lists of row dicts, ready to print, serialise or plot."""

    files: int
    utterances: int
    cards: int
    stages: list[dict[str, Any]]
    operators: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    models: list[dict[str, Any]]
    drops: list[dict[str, Any]]
    minutes: list[dict[str, Any]]
    histogram: list[dict[str, Any]]
    operator_spread: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    bad_lines: int = 0  # lines skipped: not a latency record (each one is in `warnings`)
    records: int = 0  # latency records read, before the filters


def log_files(names: Sequence[str | Path]) -> list[Path]:
    """Files given, and the *.jsonl in folders given."""
    paths: list[Path] = []
    for name in names:
        path = Path(name).expanduser()
        if path.is_dir():
            paths += sorted(found for found in path.glob("*.jsonl") if found.is_file())
        elif path.is_file():
            paths.append(path)
        else:
            raise AssistError(f"no such log file or folder: {name}")
    if not paths:
        raise AssistError("no latency logs (*.jsonl) found")
    return paths


def line_problem(line: bytes, last: bool) -> str | None:
    """Why one line of a latency log is not a record the report reads, or None. `last`: the
    file's last line, with no newline after it."""
    if not line.strip(_BLANK):
        return None
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text (a binary file?)"
    try:
        record = json.loads(text)
    except ValueError:
        return "torn last line (a crash while writing?)" if last else "not JSON"
    except RecursionError:
        return "not JSON (nested too deeply)"
    if not isinstance(record, dict):
        return "not a JSON object"
    kind = record.get("kind")
    if kind not in ("utterance", "card"):
        return f"not a latency record (kind {kind!r})"
    needed = ("end", "latency") if kind == "utterance" else ("age",)
    for key in needed:
        value = record.get(key)
        if not _finite(value):
            huge = isinstance(value, int) and not isinstance(value, bool)  # past float's range
            shown = "a number too large" if huge else repr(value)
            return f"{kind} record: {key!r} must be a finite number, got {shown[:60]}"
    if kind == "utterance" and not isinstance(record.get("stages"), dict):
        return "utterance record: no 'stages' object"
    if kind == "card" and record.get("outcome") not in ("shown", "dropped"):
        return f"card record: 'outcome' must be shown or dropped, got {record.get('outcome')!r}"
    return None


def _finite(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer past float's range
        return False


def bad_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, problem) of each line of a latency log that is not a record."""
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            problem = line_problem(line, last=not line.endswith(b"\n"))
            if problem is not None:
                yield number, problem


def _bad_line_warnings(path: Path, skipped: int) -> list[str]:
    """Warnings naming the first few bad lines of a file of which `skipped` lines were not
    read, and how many more there are."""
    warnings = []
    named = 0
    try:
        for number, problem in bad_lines(path):
            if named == BAD_LINES_SHOWN:
                break
            named += 1
            warnings.append(f"{path}:{number}: {problem}: skipped")
    except OSError as exc:
        return [f"{path}: cannot read: {exc.strerror}"]
    if skipped > named:
        warnings.append(f"{path}: {skipped - named} more bad lines skipped ({skipped} in all)")
    return warnings


def parse_time(value: str | None) -> float | None:
    """An ISO date or date-time (local time) as epoch seconds."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError as exc:
        raise AssistError(f"expected a date like 2026-11-23 or 2026-11-23T14:00, got "
                          f"{value!r}") from exc


def latency_report(names: Sequence[str | Path], since: str | None = None,
                   until: str | None = None, operator: str | None = None,
                   rule: str | None = None, threads: int | None = None) -> Report:
    try:
        import duckdb
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise AssistError("the report needs DuckDB: pip install duckdb") from exc
    paths = log_files(names)
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")  # it writes to stdout, amid the JSON
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    columns = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in _COLUMNS.items()) + "}"
    for first in range(0, len(paths), FILES_PER_SCAN):
        batch = [str(path) for path in paths[first:first + FILES_PER_SCAN]]
        into = "CREATE TEMP TABLE records AS" if first == 0 else "INSERT INTO records"
        # `file`: the row's index in `paths` (4 bytes a row; its name would take ~50)
        scan = (f"SELECT *, CAST(file_index AS INTEGER) + {first} AS file FROM read_json(?, "
                f"format='newline_delimited', columns={columns}, ignore_errors=true)")
        try:
            connection.execute(f"{into} {scan}", [batch])
        except duckdb.Error as exc:  # an unreadable file (permissions, a folder named *.jsonl)
            connection.close()
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise AssistError(f"cannot read the latency logs: {reason}") from exc
    # only files with rows that are not records are read again, line by line, for the lines
    suspects = connection.execute(
        f"SELECT file, count(*) FROM records WHERE NOT coalesce({_COMPLETE}, false) "
        "GROUP BY file ORDER BY file").fetchall()
    warnings: list[str] = []
    for index, count in suspects:
        warnings += _bad_line_warnings(paths[int(index)], int(count))
    for warning in warnings:
        log.warning("%s", warning)
    skipped = sum(int(count) for _, count in suspects)
    conditions = [f"coalesce({_COMPLETE}, false)"]
    parameters: list[Any] = []
    begin, end = parse_time(since), parse_time(until)
    if begin is not None:
        conditions.append("ts >= ?")
        parameters.append(begin)
    if end is not None:
        conditions.append("ts < ?")
        parameters.append(end)
    if operator:
        conditions.append("operator = ?")
        parameters.append(operator)
    rows = connection.execute("SELECT count(*) FROM records").fetchone()
    read = (int(rows[0]) if rows else 0) - skipped
    # deleted in place: a filtered copy would hold the records twice at the peak
    connection.execute(f"DELETE FROM records WHERE NOT ({' AND '.join(conditions)})", parameters)
    rule_filter = "AND rule = ?" if rule else ""
    rule_parameters = [rule] if rule else []
    connection.execute(
        "CREATE TEMP VIEW utterances AS SELECT * FROM records WHERE kind = 'utterance'")
    connection.execute(
        f"CREATE TEMP TABLE cards AS SELECT * FROM records WHERE kind = 'card' {rule_filter}",
        rule_parameters)

    def table(sql: str) -> list[dict[str, Any]]:
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return [{name: _clean(value) for name, value in zip(names, row, strict=True)}
                for row in cursor.fetchall()]

    def quantiles(expression: str) -> str:
        return ", ".join(f"quantile_cont({expression}, {q}) AS p{int(q * 100)}"
                         for q in QUANTILES)

    stages = []
    for name, expression in STAGES.items():
        row = table(f"SELECT count({expression}) AS n, {quantiles(expression)}, "
                    f"max({expression}) AS max FROM utterances")[0]
        stages.append({"stage": name, **row})
    card_age = table(f"SELECT count(*) AS n, {quantiles('age')}, max(age) AS max FROM cards "
                     "WHERE outcome = 'shown'")[0]
    stages.append({"stage": "card_shown_age", **card_age})
    operators = table(f"SELECT operator, count(*) AS n, count(DISTINCT call) AS calls, "
                      f"{quantiles('latency')}, max(latency) AS max FROM utterances "
                      "GROUP BY operator ORDER BY operator")
    models = table(f"SELECT model, count(*) AS n, {quantiles('latency')}, avg(rtf) AS rtf "
                   "FROM utterances GROUP BY model ORDER BY model")
    rules = table(f"SELECT rule, count(*) FILTER (outcome = 'shown') AS shown, "
                  "count(*) FILTER (outcome = 'dropped') AS dropped, "
                  "count(*) FILTER (reason = 'over_budget') AS over_budget, "
                  f"{quantiles('age')} FROM cards GROUP BY rule ORDER BY rule")
    drops = table("SELECT coalesce(reason, 'shown') AS outcome, count(*) AS n, "
                  "round(count(*) / sum(count(*)) OVER (), 4) AS share FROM cards "
                  "GROUP BY 1 ORDER BY n DESC")
    # TRY_CAST: a finite but absurd "end" (1e11 s) is no minute, not an overflow error
    minutes = table(f"SELECT TRY_CAST(floor(\"end\" / 60) AS BIGINT) AS minute, count(*) AS n, "
                    f"{quantiles('latency')} FROM utterances GROUP BY 1 ORDER BY 1")
    histogram = table("SELECT round(floor(latency * 10) / 10, 1) AS bin, count(*) AS n "
                      "FROM utterances WHERE latency IS NOT NULL GROUP BY 1 ORDER BY 1")
    spread = table("SELECT operator, count(*) AS n, quantile_cont(latency, 0.05) AS p5, "
                   "quantile_cont(latency, 0.25) AS p25, quantile_cont(latency, 0.5) AS p50, "
                   "quantile_cont(latency, 0.75) AS p75, quantile_cont(latency, 0.95) AS p95 "
                   "FROM utterances GROUP BY operator ORDER BY p50 DESC LIMIT 40")
    counts = table("SELECT count(*) FILTER (kind = 'utterance') AS u, "
                   "count(*) FILTER (kind = 'card') AS c FROM records")[0]
    connection.close()
    return Report(len(paths), int(counts["u"] or 0), int(counts["c"] or 0), stages, operators,
                  rules, models, drops, minutes, histogram, spread, warnings, skipped, read)


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    return value


def render_text(report: Report) -> str:
    """The report's tables as plain text."""
    parts = [f"{report.files} log files, {report.utterances} utterances, {report.cards} card "
             "decisions" + (f", {report.bad_lines} bad lines skipped" if report.bad_lines else "")]
    if not report.utterances and not report.cards:
        parts.append("no records match" + (
            f" (of {report.records} latency records read)" if report.records else
            ": the logs hold no latency records"))
        return "\n".join(parts)
    for title, rows in (("Stages (seconds)", report.stages), ("Operators", report.operators),
                        ("Models", report.models), ("Rules", report.rules),
                        ("Cards by outcome", report.drops),
                        ("End-to-end latency by minute of call", report.minutes)):
        parts += ["", title, _text_table(rows)]
    return "\n".join(parts)


def _text_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(none)"
    names = list(rows[0])
    cells = [[format_cell(row[name]) for name in names] for row in rows]
    widths = [max(len(name), *(len(line[index]) for line in cells))
              for index, name in enumerate(names)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(names, widths, strict=True))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
              for line in cells]
    return "\n".join(lines)


def format_cell(value: Any) -> str:
    """A report value as table text: "-" for none, floats to the millisecond."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
