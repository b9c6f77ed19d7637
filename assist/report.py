"""The supervisors' report over latency logs, aggregated by DuckDB.

On top, the figures a supervisor asks first: the share of the cards due that were shown
within the latency budget, the cards dropped as too late (count and share), the p95
end-to-end latency, calls and operators. Then per stage and end to end; per operator (with
late drops, checklist completion and feedback), per day, per rule (outcomes next to 👍/👎
and the dismiss rate) and model; card drops by reason; latency by time into the call, in
bins sized to the calls (5 s bins for a one-minute call, 1 min for quarter-hour calls).

A card is *due* when the gate would have shown it but for its age: shown, or dropped as
too late (`over_budget`); cards muted, snoozed, on cooldown, duplicate or over the cap
were not due. Percentiles are linear-interpolated (DuckDB's `quantile_cont`, numpy's
default). A line that is not a latency record (a torn last line after a crash, a broken line
in the middle, a binary file) is skipped, counted and reported with its file and line.
"""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
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
CDF_POINTS = 200  # quantiles the latency CDF is drawn from (0.5 % steps)
BUDGET_S = 3.0  # the gate's default budget (rules.budget_s): callers pass the configured one
LATE = "over_budget"  # the gate's reason for a card dropped as too old
MUTED = ("muted", "snoozed")  # dropped while hints or the rule were muted or snoozed
FEEDBACK = ("up", "down", "dismiss", "mute_rule")
# bin widths (seconds) for latency by time into the call: the smallest that gives at most
# MAX_BINS bins over 99 % of the utterances
BIN_WIDTHS = (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
MAX_BINS = 30
# Files read by one DuckDB scan: each file in a scan holds buffers of its own (10,000
# one-record files in one scan took 2 GB), so many small files are read in batches.
FILES_PER_SCAN = 200
BAD_LINES_SHOWN = 3  # per file: the first few bad lines by number, then a count
_BLANK = b" \t\n\v\f\r"  # a line of only these is no record to DuckDB (C's isspace) nor here
KINDS = ("utterance", "card", "feedback", "checklist")
# A row the report reads: a line DuckDB could not read is a row of NULLs (ignore_errors), a
# mistyped field a NULL. `line_problem` says the same of a line, to tell which lines failed.
_COMPLETE = (
    "(kind = 'utterance' AND isfinite(\"end\") AND isfinite(latency) AND stages IS NOT NULL) "
    "OR (kind = 'card' AND isfinite(age) AND outcome IN ('shown', 'dropped')) "
    f"OR (kind = 'feedback' AND rule IS NOT NULL AND action IN {FEEDBACK!r}) "
    "OR (kind = 'checklist' AND rule IS NOT NULL AND isfinite(items) AND items >= 1 "
    "AND done >= 0 AND done <= items)")

_COLUMNS = {
    "kind": "VARCHAR", "call": "VARCHAR", "operator": "VARCHAR", "model": "VARCHAR",
    "version": "VARCHAR", "speaker": "VARCHAR", "start": "DOUBLE", "end": "DOUBLE",
    "window_s": "DOUBLE", "latency": "DOUBLE", "rtf": "DOUBLE", "ts": "DOUBLE",
    "stages": "STRUCT(captured DOUBLE, endpointed DOUBLE, asr_start DOUBLE, asr_end DOUBLE, "
              "emitted DOUBLE, extracted DOUBLE, matched DOUBLE)",
    "rule": "VARCHAR", "outcome": "VARCHAR", "reason": "VARCHAR", "evidence_end": "DOUBLE",
    "decided": "DOUBLE", "age": "DOUBLE", "action": "VARCHAR", "done": "DOUBLE",
    "items": "DOUBLE",
}

# What people read over each column of the tables (text, HTML, the app), and which
# columns are shares (shown as 67 %) or counts; the rest are seconds or names.
HEADERS: dict[str, str] = {
    "stage": "Stage", "n": "Count", "p50": "p50, s", "p95": "p95, s", "p99": "p99, s",
    "max": "Max, s", "operator": "Operator", "calls": "Calls", "utterances": "Utterances",
    "due": "Cards due", "within": "Shown in budget", "within_share": "In budget",
    "late": "Dropped late", "late_share": "Late share", "muted": "Muted",
    "other": "Other drops", "checklists": "Checklists", "completed": "Completed",
    "completed_share": "Completed", "model": "Model", "rtf": "Real-time factor",
    "rule": "Rule", "shown": "Shown", "up": "Thumbs up", "down": "Thumbs down",
    "dismissed": "Dismissed",
    "mute_rule": "Mute-rule clicks", "dismiss_rate": "Dismiss rate", "age_p50": "Age p50, s",
    "age_p95": "Age p95, s", "outcome": "Outcome", "share": "Share", "day": "Day",
    "start_s": "Time into the call", "end_s": "To", "cards": "Cards",
}
SHARES = frozenset({"within_share", "late_share", "completed_share", "dismiss_rate", "share"})
STAGE_NAMES = {
    "endpointing": "Endpointing", "queue": "Queue", "asr": "Recognition", "emit": "Emit",
    "extract": "Extraction", "match": "Rule matching", "end_to_end": "End to end",
    "card_shown_age": "Shown cards' age",
}
OUTCOME_NAMES = {
    "shown": "Shown", "over_budget": "Dropped late", "muted": "Muted", "snoozed": "Snoozed",
    "cooldown": "Cooldown", "duplicate": "Duplicate", "capped": "Over the cap",
}


@dataclass
class Report:
    """Tables as lists of row dicts, ready to print, serialise or plot."""

    files: int
    utterances: int
    cards: int
    headline: dict[str, Any]
    stages: list[dict[str, Any]]
    operators: list[dict[str, Any]]
    days: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    models: list[dict[str, Any]]
    drops: list[dict[str, Any]]
    call_time: list[dict[str, Any]]
    cdf: dict[str, list[float]]
    operator_days: list[dict[str, Any]]
    operator_spread: list[dict[str, Any]]
    budget_s: float = BUDGET_S
    bin_s: int = 60  # the width of `call_time`'s bins, seconds
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
    if kind not in KINDS:
        return f"not a latency record (kind {kind!r})"
    if kind == "feedback":
        if not isinstance(record.get("rule"), str):
            return "feedback record: 'rule' must be a string"
        if record.get("action") not in FEEDBACK:
            return f"feedback record: 'action' must be one of {', '.join(FEEDBACK)}"
        return None
    if kind == "checklist":
        done: Any = record.get("done")
        items: Any = record.get("items")
        if not isinstance(record.get("rule"), str):
            return "checklist record: 'rule' must be a string"
        if not (_finite(done) and _finite(items) and 0 <= done <= items and items >= 1):
            return "checklist record: 'done' and 'items' must be counts, done <= items"
        return None
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
                   rule: str | None = None, threads: int | None = None,
                   budget_s: float = BUDGET_S) -> Report:
    """The report over latency logs (files or folders of *.jsonl); `budget_s` is the gate's
    latency budget (the configured `rules.budget_s`), which the CDF marks."""
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
    if rule:  # the card figures of one rule: the other rules' cards, votes and checklists go
        connection.execute("DELETE FROM records WHERE kind <> 'utterance' AND rule IS DISTINCT "
                           "FROM ?", [rule])
    connection.execute(
        "CREATE TEMP VIEW utterances AS SELECT * FROM records WHERE kind = 'utterance'")
    connection.execute("CREATE TEMP VIEW cards AS SELECT * FROM records WHERE kind = 'card'")
    budget = float(budget_s)

    def table(sql: str, arguments: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = connection.execute(sql, list(arguments))
        names = [column[0] for column in cursor.description]
        return [{name: _clean(value) for name, value in zip(names, row, strict=True)}
                for row in cursor.fetchall()]

    def quantiles(expression: str, prefix: str = "") -> str:
        return ", ".join(f"quantile_cont({expression}, {q}) AS {prefix}p{int(q * 100)}"
                         for q in QUANTILES)

    # a card's fate: due (shown, or dropped as too late), shown within the budget, late,
    # muted (or snoozed), dropped for another reason
    fates = (f"count(*) FILTER (outcome = 'shown' OR reason = '{LATE}') AS due, "
             f"count(*) FILTER (outcome = 'shown' AND age <= {budget!r}) AS within, "
             f"count(*) FILTER (outcome = 'dropped' AND reason = '{LATE}') AS late")

    stages = []
    for name, expression in STAGES.items():
        row = table(f"SELECT count({expression}) AS n, {quantiles(expression)}, "
                    f"max({expression}) AS max FROM utterances")[0]
        stages.append({"stage": name, **row})
    card_age = table(f"SELECT count(*) AS n, {quantiles('age')}, max(age) AS max FROM cards "
                     "WHERE outcome = 'shown'")[0]
    stages.append({"stage": "card_shown_age", **card_age})
    latency_by_operator = {row["operator"]: row for row in table(
        f"SELECT operator, count(*) AS utterances, {quantiles('latency')}, max(latency) AS max "
        "FROM utterances GROUP BY operator")}
    cards_by_operator = {row["operator"]: row for row in table(
        f"SELECT operator, {fates} FROM cards GROUP BY operator")}
    # a checklist's fate in a call is its furthest progress there
    checklists_by_operator = {row["operator"]: row for row in table(
        "SELECT operator, count(*) AS checklists, count(*) FILTER (done >= items) AS completed "
        "FROM (SELECT operator, call, rule, max(done) AS done, max(items) AS items "
        "FROM records WHERE kind = 'checklist' GROUP BY operator, call, rule) GROUP BY operator")}
    calls_by_operator = {row["operator"]: row["calls"] for row in table(
        "SELECT operator, count(DISTINCT call) AS calls FROM records GROUP BY operator")}
    operators = []
    for name in sorted(calls_by_operator, key=lambda value: (value is None, str(value))):
        said = latency_by_operator.get(name, {})
        cards = cards_by_operator.get(name, {})
        lists = checklists_by_operator.get(name, {})
        operators.append({
            "operator": name, "calls": calls_by_operator[name],
            "utterances": said.get("utterances", 0), "p50": said.get("p50"),
            "p95": said.get("p95"), "max": said.get("max"), "due": cards.get("due", 0),
            "within_share": _share(cards.get("within", 0), cards.get("due", 0)),
            "late": cards.get("late", 0), "late_share": _share(cards.get("late", 0),
                                                                cards.get("due", 0)),
            "checklists": lists.get("checklists", 0),
            "completed_share": _share(lists.get("completed", 0), lists.get("checklists", 0)),
        })
    # per day (local time): card counts per quarter hour (every time zone's midnight is on
    # one) are summed into days in Python, where the local calendar is known
    quarters = table(f"SELECT operator, floor(ts / 900) AS quarter, {fates} FROM cards "
                     "WHERE isfinite(ts) GROUP BY 1, 2")
    all_days: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    each_day: dict[tuple[str, Any], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in quarters:
        try:
            day = datetime.fromtimestamp(row["quarter"] * 900).date().isoformat()
        except (OverflowError, OSError, ValueError):  # a time outside the calendar
            continue
        for counts in (all_days[day], each_day[(day, row["operator"])]):
            counts[0] += row["due"]
            counts[1] += row["within"]
            counts[2] += row["late"]

    def day_row(day: str, due: int, within: int, late: int) -> dict[str, Any]:
        return {"day": day, "due": due, "within_share": _share(within, due), "late": late,
                "late_share": _share(late, due)}

    days = [day_row(day, *counts) for day, counts in sorted(all_days.items())]
    operator_days = [{"operator": who, **day_row(day, *counts)} for (day, who), counts in
                     sorted(each_day.items(), key=lambda item: (item[0][0], str(item[0][1])))]
    models = table(f"SELECT model, count(*) AS n, {quantiles('latency')}, avg(rtf) AS rtf "
                   "FROM utterances GROUP BY model ORDER BY model")
    muted = ", ".join(f"'{reason}'" for reason in MUTED)
    rules = table(
        f"SELECT rule, count(*) FILTER (outcome = 'shown') AS shown, "
        f"count(*) FILTER (reason = '{LATE}') AS late, "
        f"count(*) FILTER (reason IN ({muted})) AS muted, "
        f"count(*) FILTER (outcome = 'dropped' AND reason NOT IN ('{LATE}', {muted})) AS other "
        "FROM cards GROUP BY rule")
    votes = {row["rule"]: row for row in table(
        "SELECT rule, " + ", ".join(f"count(*) FILTER (action = '{action}') AS {action}"
                                    for action in FEEDBACK)
        + " FROM records WHERE kind = 'feedback' GROUP BY rule")}
    for row in rules:
        vote = votes.pop(row["rule"], {})
        _add_votes(row, vote)
    for name, vote in votes.items():  # votes on cards of a day the logs no longer hold
        rules.append(_add_votes({"rule": name, "shown": 0, "late": 0, "muted": 0, "other": 0},
                                vote))
    rules.sort(key=lambda row: (-(row["shown"] + row["late"] + row["muted"] + row["other"]),
                                str(row["rule"])))
    drops = table("SELECT coalesce(reason, 'shown') AS outcome, count(*) AS n, "
                  "count(*) / sum(count(*)) OVER () AS share FROM cards "
                  "GROUP BY 1 ORDER BY n DESC")
    spread = table("SELECT operator, count(*) AS n, quantile_cont(latency, 0.05) AS p5, "
                   "quantile_cont(latency, 0.25) AS p25, quantile_cont(latency, 0.5) AS p50, "
                   "quantile_cont(latency, 0.75) AS p75, quantile_cont(latency, 0.95) AS p95 "
                   "FROM utterances GROUP BY operator ORDER BY p50 DESC LIMIT 40")
    # latency by time into the call, in bins that suit the calls' length
    longest = table("SELECT quantile_cont(\"end\", 0.99) AS q FROM utterances")[0]["q"]
    width = next((step for step in BIN_WIDTHS if (longest or 0.0) / step <= MAX_BINS),
                 BIN_WIDTHS[-1])
    # TRY_CAST of the bin's start: a finite but absurd "end" (1e11 s, -9.2e18 s) is no bin,
    # not an overflow error
    call_time = table(
        f"SELECT TRY_CAST(floor(\"end\" / {width}) * {width} AS BIGINT) AS start_s, "
        f"count(*) AS n, {quantiles('latency')} FROM utterances GROUP BY 1 ORDER BY 1")
    steps = [index / CDF_POINTS for index in range(CDF_POINTS + 1)]
    # the utterances' CDF from a t-digest (a fifth of an exact sort's time over millions of
    # rows, as good for a plot); the cards' (far fewer) exact
    cdf_row = connection.execute(
        "SELECT (SELECT approx_quantile(latency, ?::FLOAT[]) FROM utterances), "
        "(SELECT quantile_cont(age, ?) FROM cards WHERE outcome = 'shown' OR reason = ?)",
        [steps, steps, LATE]).fetchone()
    cdf = {"share": steps,
           "latency": [float(v) for v in (cdf_row[0] if cdf_row and cdf_row[0] else [])],
           "card_age": [float(v) for v in (cdf_row[1] if cdf_row and cdf_row[1] else [])]}
    summary = table(
        "SELECT count(*) FILTER (kind = 'utterance') AS u, count(*) FILTER (kind = 'card') AS c, "
        "count(DISTINCT call) AS calls, count(DISTINCT operator) AS operators, "
        f"{fates} FROM records")[0]
    connection.close()
    end_to_end = next(row for row in stages if row["stage"] == "end_to_end")
    due = int(summary["due"] or 0)
    headline = {
        "within_share": _share(summary["within"] or 0, due), "due": due,
        "late": int(summary["late"] or 0), "late_share": _share(summary["late"] or 0, due),
        "p95": end_to_end["p95"], "calls": int(summary["calls"] or 0),
        "operators": int(summary["operators"] or 0), "budget_s": budget,
    }
    return Report(len(paths), int(summary["u"] or 0), int(summary["c"] or 0), headline,
                  stages, operators, days, rules, models, drops, call_time, cdf,
                  operator_days, spread, budget, width, warnings, skipped, read)


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _add_votes(row: dict[str, Any], vote: dict[str, Any]) -> dict[str, Any]:
    up, down = vote.get("up", 0), vote.get("down", 0)
    dismissed, mute = vote.get("dismiss", 0), vote.get("mute_rule", 0)
    row.update({"up": up, "down": down, "dismissed": dismissed, "mute_rule": mute,
                "dismiss_rate": _share(dismissed + mute, row["shown"])})
    return row


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    return value


# The report's tables, in the order every view shows them: (Report field, title)
TABLES = (("operators", "Operators"), ("days", "Days"), ("rules", "Rules"),
          ("stages", "Latency per stage"), ("call_time", "Latency by time into the call"),
          ("drops", "Cards by outcome"), ("models", "Models"))


def report_headline(report: Report) -> list[tuple[str, str]]:
    """The figures on top, as (label, value) text: cards shown within budget, dropped late,
    p95 end-to-end latency, calls, operators."""
    head = report.headline
    late = f"{head['late']}" + (f" ({percent(head['late_share'])})"
                                if head["late_share"] is not None else "")
    return [("Cards shown within budget", percent(head["within_share"])),
            ("Dropped late", late),
            ("p95 end-to-end latency", seconds(head["p95"])),
            ("Calls", str(head["calls"])),
            ("Operators", str(head["operators"]))]


def report_table(report: Report, key: str) -> tuple[list[str], list[list[str]]]:
    """One table as headers and rows of cell text, as people read them."""
    rows: list[dict[str, Any]] = getattr(report, key)
    if not rows:
        return [], []
    names = list(rows[0])
    if key == "call_time":
        names = ["start_s", *names[1:]]
    headers = [HEADERS.get(name, name.replace("_", " ").capitalize()) for name in names]
    cells = []
    for row in rows:
        line = []
        for name in names:
            value = row[name]
            if key == "stages" and name == "stage":
                line.append(STAGE_NAMES.get(value, value))
            elif key == "drops" and name == "outcome":
                line.append(OUTCOME_NAMES.get(value, value))
            elif name == "start_s":
                line.append("-" if value is None else
                            f"{clock(value)}–{clock(value + report.bin_s)}")
            else:
                line.append(format_cell(value, name))
        cells.append(line)
    return headers, cells


def render_text(report: Report) -> str:
    """The report as plain text: the headline figures, then the tables."""
    parts = [f"{report.files} log files, {report.utterances} utterances, {report.cards} card "
             "decisions" + (f", {report.bad_lines} bad lines skipped" if report.bad_lines else "")]
    if report_empty(report):
        parts.append(report_empty(report))
        return "\n".join(parts)
    parts.append("")
    parts += [f"{label}: {value}" for label, value in report_headline(report)]
    parts.append(f"(latency budget {report.budget_s:g} s; a card is due when it is shown or "
                 "dropped late)")
    for key, title in TABLES:
        headers, cells = report_table(report, key)
        parts += ["", title + (" (seconds)" if key == "stages" else ""),
                  _text_table(headers, cells)]
    return "\n".join(parts)


def report_empty(report: Report) -> str:
    """"no records match …" when the filters (or the logs) left nothing, else ""."""
    if report.utterances or report.cards or report.headline.get("calls"):
        return ""
    return "no records match" + (f" (of {report.records} latency records read)"
                                 if report.records else ": the logs hold no latency records")


def _text_table(headers: list[str], cells: list[list[str]]) -> str:
    if not headers:
        return "(none)"
    widths = [max(len(name), *(len(line[index]) for line in cells))
              for index, name in enumerate(headers)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(headers, widths, strict=True))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
              for line in cells]
    return "\n".join(line.rstrip() for line in lines)


def percent(value: float | None) -> str:
    """A share as people read it: 0.667 → "67 %"; near 0 or 1 but not at it, one decimal
    ("99.6 %", "0.4 %"), so that 99.6 % never reads as all of them."""
    if value is None:
        return "-"
    share = value * 100
    if share in (0, 100) or 0.5 <= share < 99.5:
        return f"{share:.0f} %"
    return f"{min(max(share, 0.1), 99.9):.1f} %"


def seconds(value: float | None) -> str:
    """Seconds to the millisecond, with the unit: "1.234 s"."""
    return "-" if value is None else f"{value:.3f} s"


def clock(value: float) -> str:
    """Seconds into a call as m:ss (h:mm:ss past an hour)."""
    whole = int(value)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def format_cell(value: Any, column: str = "") -> str:
    """A report value as table text: "-" for none, shares as percentages (67 %), other
    floats to the millisecond."""
    if value is None:
        return "-"
    if column in SHARES:
        return percent(float(value))
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
