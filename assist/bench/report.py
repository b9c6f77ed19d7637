"""The latency report at contact-center scale: generated logs of N operators × H hours.

Records follow the latency log's format (utterances with every stage stamp, card
decisions), with call lengths, latencies and drop reasons drawn at random; the report (and
its HTML) over all of them is timed. Generation is not timed. `--files N` instead writes N
logs of one record each and measures the report's peak memory over them (many small files).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from assist.bench.common import peak_rss_mb, rss_mb
from assist.report import latency_report
from assist.report_html import render_html

UTTERANCES_PER_MINUTE = 53  # both legs of a busy call, short windows: ~5 M records at 200 x 8 h
CARDS_PER_UTTERANCE = 0.04
REASONS = ("over_budget", "muted", "snoozed", "cooldown", "duplicate", "capped")
SMALL_FILES_TARGET_MB = 300  # peak resident memory of the report over 10,000 one-record logs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--operators", type=int, default=200)
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--dir", help="generate into (or reuse) this folder; default: a "
                                      "temporary one, removed afterwards")
    parser.add_argument("--runs", type=int, default=3, help="timed report runs (median)")
    parser.add_argument("--files", type=int, metavar="N",
                        help="many small files: N logs of one record each; the report's peak "
                             "memory over them (target <= 300 MB for 10,000)")


def generate(folder: Path, operators: int, hours: float, seed: int = 7, days: int = 1) -> int:
    """Write one log per operator and day (from 2026-11-23 on); the number of records
    written. Besides utterances and card decisions: the operators' votes on shown cards
    and each call's greeting checklist, as the app's latency log holds them."""
    random = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for index, day in ((index, day) for day in range(days) for index in range(operators)):
        day_start = time.mktime((2026, 11, 23 + day, 9, 0, 0, 0, 0, -1))
        operator = f"op{index:03d}"
        lines: list[str] = []
        clock = 0.0
        call = 100 * day
        slow = random.uniform(0.7, 1.6)  # some operators' machines are slower
        diligent = random.uniform(0.5, 0.95)  # how often an operator finishes the script
        while clock < hours * 3600:
            call += 1
            length = float(random.uniform(120, 900))
            lines += _checklist_lines(random, f'"call": "c{index:03d}-{call:04d}", '
                                      f'"operator": "{operator}", "model": "base", '
                                      f'"version": "0.1.0"', day_start + clock, length,
                                      diligent)
            count = int(length / 60 * UTTERANCES_PER_MINUTE)
            ends = np.sort(random.uniform(1.0, length, count))
            windows = random.uniform(0.6, 8.0, count)
            endpoint = random.uniform(0.09, 0.35, count)
            queue = random.exponential(0.08, count) * slow
            asr = windows * random.uniform(0.08, 0.16, count) * slow
            extract = random.uniform(0.0002, 0.002, count)
            match = random.uniform(0.0005, 0.004, count)
            common = (f'"call": "c{index:03d}-{call:04d}", "operator": "{operator}", '
                      f'"model": "base", "version": "0.1.0"')
            for end, window, e, q, a, x, m in zip(ends, windows, endpoint, queue, asr,
                                                  extract, match, strict=True):
                endpointed = end + e
                asr_start = endpointed + q
                asr_end = asr_start + a
                latency = asr_end - end
                speaker = "operator" if random.random() < 0.5 else "customer"
                lines.append(
                    f'{{{common}, "kind": "utterance", "speaker": "{speaker}", '
                    f'"start": {end - window:.3f}, "end": {end:.3f}, "window_s": {window:.3f}, '
                    f'"window": "silence", "language": "en", "stages": {{"captured": {end:.3f}, '
                    f'"endpointed": {endpointed:.3f}, "asr_start": {asr_start:.3f}, '
                    f'"asr_end": {asr_end:.3f}, "emitted": {asr_end:.3f}, '
                    f'"extracted": {asr_end + x:.3f}, "matched": {asr_end + x + m:.3f}}}, '
                    f'"latency": {latency:.3f}, "rtf": 0.12, '
                    f'"ts": {day_start + clock + end:.3f}}}\n')
                if random.random() < CARDS_PER_UTTERANCE:
                    # a backlog now and then (a busy machine) makes a card too old to show
                    age = latency + x + m + float(random.exponential(0.35)) * slow ** 2
                    shown = age <= 3.0 and random.random() < 0.7
                    reason = "null" if shown else json.dumps(
                        "over_budget" if age > 3.0 else REASONS[int(random.integers(1, 6))])
                    rule = int(random.integers(40))
                    lines.append(
                        f'{{{common}, "kind": "card", "rule": "rule-{rule}", '
                        f'"rule_kind": "phrase", "speaker": "{speaker}", '
                        f'"outcome": "{"shown" if shown else "dropped"}", "reason": {reason}, '
                        f'"evidence_end": {end:.3f}, "decided": {end + age:.3f}, '
                        f'"age": {age:.3f}, "ts": {day_start + clock + end + age:.3f}}}\n')
                    vote = random.random()
                    if shown and vote < 0.3:
                        action = "up" if vote < 0.15 else "down" if vote < 0.2 else \
                            "dismiss" if vote < 0.29 else "mute_rule"
                        lines.append(
                            f'{{{common}, "kind": "feedback", "rule": "rule-{rule}", '
                            f'"action": "{action}", "decided": {end + age + 4:.3f}, '
                            f'"ts": {day_start + clock + end + age + 4:.3f}}}\n')
            clock += length + float(random.uniform(5, 60))
        name = f"{date(2026, 11, 23) + timedelta(days=day)}_{operator}.jsonl"
        with (folder / name).open("a", encoding="utf-8") as handle:
            handle.write("".join(lines))
        total += len(lines)
    return total


def _checklist_lines(random: np.random.Generator, common: str, start: float, length: float,
                     diligent: float) -> list[str]:
    """A call's greeting checklist (3 items): announced at the first words, then ticked."""
    items = 3
    done = items if random.random() < diligent else int(random.integers(0, items))
    return [f'{{{common}, "kind": "checklist", "rule": "greeting", "done": {ticked}, '
            f'"items": {items}, "decided": {2.0 + 8 * ticked:.3f}, '
            f'"ts": {start + min(length, 2.0 + 8 * ticked):.3f}}}\n'
            for ticked in range(done + 1)]


def generate_small(folder: Path, files: int) -> None:
    """`files` latency logs of one utterance record each (one short call per file)."""
    folder.mkdir(parents=True, exist_ok=True)
    day_start = time.mktime((2026, 11, 23, 9, 0, 0, 0, 0, -1))
    for index in range(files):
        end = 5.0 + index % 60
        record = {
            "call": f"c{index:05d}", "operator": f"op{index % 200:03d}", "model": "base",
            "version": "0.1.0", "kind": "utterance", "speaker": "customer", "start": end - 2,
            "end": end, "window_s": 2.0, "window": "silence", "language": "en",
            "stages": {"captured": end, "endpointed": end + 0.2, "asr_start": end + 0.25,
                       "asr_end": end + 0.9, "emitted": end + 0.9, "extracted": end + 0.901,
                       "matched": end + 0.903},
            "latency": 0.9, "rtf": 0.12, "ts": day_start + index * 60 + end}
        (folder / f"2026-11-23_op{index:05d}.jsonl").write_text(json.dumps(record) + "\n",
                                                                 encoding="utf-8")


def run_small_files(args: argparse.Namespace) -> None:
    """The report's peak memory and time over many one-record files."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.dir) if args.dir else Path(scratch) / "logs"
        if not (folder.is_dir() and any(folder.glob("*.jsonl"))):
            begin = time.perf_counter()
            generate_small(folder, args.files)
            print(f"generated {args.files} one-record logs in "
                  f"{time.perf_counter() - begin:.1f} s", flush=True)
        before = peak_rss_mb()
        begin = time.perf_counter()
        report = latency_report([folder])
        seconds = time.perf_counter() - begin
        report_peak = peak_rss_mb()
        page = render_html(report)  # the plots (matplotlib) count against the bound too
        html_s = time.perf_counter() - begin - seconds
        peak = peak_rss_mb()
        print(f"report over {report.files} files ({report.utterances} utterances) in "
              f"{seconds:.1f} s, peak RSS {report_peak:.0f} MB (before the report "
              f"{before:.0f} MB); HTML ({len(page) / 1e3:.0f} kB) in {html_s:.1f} s, peak RSS "
              f"{peak:.0f} MB")
        print(json.dumps({
            "bench": "report", "mode": "files", "files": report.files,
            "utterances": report.utterances, "report_s": round(seconds, 2),
            "html_s": round(html_s, 2), "peak_rss_report_mb": round(report_peak),
            "peak_rss_mb": round(peak), "rss_before_mb": round(before),
            "target_mb": SMALL_FILES_TARGET_MB, "met": peak <= SMALL_FILES_TARGET_MB,
            "cpus": os.cpu_count()}))


def run(args: argparse.Namespace) -> None:
    if args.files:
        run_small_files(args)
        return
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.dir) if args.dir else Path(scratch) / "logs"
        if folder.is_dir() and any(folder.glob("*.jsonl")):
            records = sum(path.read_bytes().count(b"\n") for path in folder.glob("*.jsonl"))
            print(f"reusing {folder}: {records} records")
        else:
            begin = time.perf_counter()
            records = generate(folder, args.operators, args.hours)
            print(f"generated {records} records for {args.operators} operators x "
                  f"{args.hours:g} h in {time.perf_counter() - begin:.1f} s")
        size = sum(path.stat().st_size for path in folder.glob("*.jsonl")) / 1e6
        timings = []
        for index in range(args.runs):
            begin = time.perf_counter()
            report = latency_report([folder])
            page = render_html(report)
            timings.append(time.perf_counter() - begin)
            print(f"run {index + 1}: report + HTML in {timings[-1]:.1f} s "
                  f"({report.utterances} utterances, {report.cards} cards, "
                  f"{len(page) / 1e3:.0f} kB HTML)", flush=True)
        end_to_end = next(row for row in report.stages if row["stage"] == "end_to_end")
        print(json.dumps({
            "bench": "report", "operators": args.operators, "hours": args.hours,
            "records": records, "size_mb": round(size), "runs": len(timings),
            "report_s_median": round(float(np.median(timings)), 2),
            "report_s_max": round(max(timings), 2), "target_s": 30,
            "met": max(timings) <= 30, "cpus": os.cpu_count(), "rss_mb": round(rss_mb()),
            "peak_rss_mb": round(peak_rss_mb()),
            "end_to_end_p95": end_to_end["p95"]}))
