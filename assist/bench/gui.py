"""GUI event-loop stalls while the demo call plays through the real engine in the app.

The app runs in its own process (assist never imports Qt): `sufler --demo --exit-when-done
--stall-report FILE` with a 10 ms precise timer on the GUI thread; a stall is how late a
tick came. Reported per run, and the median and worst over runs; the target is met when at
least 9 runs in 10 stay within 50 ms (`python -m assist.bench gui --runs 10`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from assist.errors import AssistError

TARGET_MS = 50  # the worst stall of a run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pace", choices=("realtime", "fast"), default="realtime")
    parser.add_argument("--model", default=None, help="default: the app's configured model")


def one_run(pace: str, model: str | None, folder: Path) -> dict[str, Any]:
    report = folder / "stall.json"
    env = {**os.environ, "HOME": str(folder), "XDG_CONFIG_HOME": str(folder / "config"),
           "XDG_DATA_HOME": str(folder / "data"), "XDG_STATE_HOME": str(folder / "state")}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    command = [sys.executable, "-m", "app.main", "--demo", "--pace", pace, "--exit-when-done",
               "--stall-report", str(report)]
    if model:
        command += ["--model", model]
    log = folder / "app.log"
    with open(log, "w", encoding="utf-8") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            code = process.wait(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            where = "after the call ended" if report.exists() else "during the call"
            raise AssistError(f"the app hung {where}: {log.read_text()[-2000:]}") from None
    if code != 0 or not report.exists():
        raise AssistError(f"the app failed (exit {code}): {log.read_text()[-2000:]}")
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data


def run(args: argparse.Namespace) -> None:
    runs = []
    for index in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            data = one_run(args.pace, args.model, Path(folder))
        runs.append(data)
        print(f"run {index + 1}: stall max {data['stall_max_ms']} ms, p99 "
              f"{data['stall_p99_ms']} ms, ticks {data['ticks']}, events "
              f"{data['delivered_events']}; longest event handling on the GUI thread "
              f"{data.get('drain_max_ms', '?')} ms {data.get('drain_slowest', '')}; "
              f"while loading the model: max "
              f"{data['startup_stall_max_ms']} ms; over 20 ms at (s, ms): "
              f"{data['over_20ms_at']}", flush=True)
    maxima = [run["stall_max_ms"] for run in runs]
    summary = {
        "bench": "gui", "pace": args.pace, "runs": len(runs),
        "stall_max_ms_median": statistics.median(maxima), "stall_max_ms_worst": max(maxima),
        "stall_p99_ms_median": statistics.median(run["stall_p99_ms"] for run in runs),
        "startup_stall_max_ms_median": statistics.median(
            run["startup_stall_max_ms"] for run in runs),
        "events_median": statistics.median(run["delivered_events"] for run in runs),
        "drain_max_ms_worst": max(float(run.get("drain_max_ms", 0.0)) for run in runs),
        "target_ms": TARGET_MS,
        "runs_within_target": sum(1 for value in maxima if value <= TARGET_MS),
        # issue 19: at most 50 ms in at least 9 runs of 10 (one slow run in ten may be the
        # machine's, not the app's)
        "met": sum(1 for value in maxima if value <= TARGET_MS) >= 0.9 * len(maxima),
    }
    print(json.dumps(summary))
