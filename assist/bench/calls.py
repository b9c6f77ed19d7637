"""`calls`: dictated phones and addresses in two-leg telephone calls, end to end.

Each call of a call set (`calls.jsonl` with gold, the audio, and its scorer `score_calls.py`,
as in ../shared/calls) runs through the real engine at simulated pace with the call's
language, into JSON Lines as `sufler transcribe` writes them; the set's own scorer matches
the final customer cards with the gold. Per language: phone and address recall and
precision, wrong cards and how many of them carried no uncertainty mark, read-back accuracy,
customer-leg WER, and entity latency (the card's line emitted minus the end of the
dictation).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from assist.audio.source import FileSource
from assist.bench.common import peak_rss_mb, percentile, rounded
from assist.cli import JsonLinesWriter
from assist.config import load_config, replace_config
from assist.engine import Engine, run_call
from assist.errors import ConfigError
from assist.events import Event, TranscriptUpdated


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="a call set: calls.jsonl, audio/, score_calls.py")
    parser.add_argument("--only", nargs="+", metavar="CALL", help="these calls only")
    parser.add_argument("--lang", choices=("ru", "en"), help="the calls of one language only")
    parser.add_argument("--model", help="model (default: config)")
    parser.add_argument("--config", type=Path, help="engine config TOML")
    parser.add_argument("--run-dir", type=Path, help="keep the JSON Lines here")
    parser.add_argument("--reuse", action="store_true",
                        help="score the JSON Lines already in --run-dir")
    parser.add_argument("--show-misses", action="store_true",
                        help="print every missed or wrong entity with what was heard")


def load_scorer(folder: Path) -> ModuleType:
    """The call set's own scorer, so the figures are the ones the set defines."""
    path = folder / "score_calls.py"
    spec = importlib.util.spec_from_file_location("score_calls", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise ConfigError(f"{path}: no scorer (expected a call set like ../shared/calls)")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    setattr(module, "BASE", str(folder.resolve()))  # noqa: B010 - where its audio paths start
    return module


def transcribe_call(engine: Engine, folder: Path, call: dict[str, Any]) -> list[str]:
    """The call's JSON Lines, as `sufler transcribe CALL --pace simulated --language LANG`."""
    config = replace_config(engine.config, pace="simulated", **{
        "channels.languages": (call["lang"],) * len(engine.config.channels.speakers)})
    out = io.StringIO()
    heard: list[str] = []

    def confidence(event: Event) -> None:
        if isinstance(event, TranscriptUpdated) and event.final:
            heard.append(json.dumps({"confidence": event.utterance_id,
                                     "speaker": event.speaker,
                                     "avg_logprob": event.avg_logprob,
                                     "alternatives": len(event.alternatives)}))

    run_call(config, FileSource(folder / call["file"]), [JsonLinesWriter(out), confidence],
             engine)
    return out.getvalue().splitlines() + heard


def _marked(card: dict[str, Any]) -> bool:
    return bool(card.get("uncertain"))


def summarise(results: list[dict[str, Any]], language: str) -> dict[str, Any]:
    """The headline figures of one language's calls (the scorer's per-call results)."""
    events = [event for result in results for event in result["events"]]
    wrong = [card for result in results for card in result["fp"]]
    row: dict[str, Any] = {"calls": len(results)}
    for kind in ("phone", "address"):
        gold = [event for event in events if event["event"]["kind"] == kind]
        hits = sum(1 for event in gold if event["hit"])
        false = sum(1 for card in wrong if card["kind"] == kind)
        row[f"{kind}_recall"] = rounded(hits / len(gold)) if gold else None
        row[f"{kind}_precision"] = rounded(hits / (hits + false)) if hits + false else None
        row[f"{kind}_found"] = f"{hits}/{len(gold)}"
    row["wrong_cards"] = len(wrong)
    row["wrong_cards_unmarked"] = sum(1 for card in wrong if not _marked(card))
    row["right_cards_marked"] = sum(1 for event in events
                                    if event["hit"] and _marked(event["hit"]))
    readbacks = [item for result in results for item in result["readbacks"]]
    correct = sum(1 for item in readbacks if item["correct"])
    row["readback_accuracy"] = rounded(correct / len(readbacks)) if readbacks else None
    errors = sum(result["wer_customer"][0] for result in results)
    words = sum(result["wer_customer"][1] for result in results)
    row["customer_wer"] = rounded(errors / words) if words else None
    errors = sum(result["wer_operator"][0] for result in results)
    words = sum(result["wer_operator"][1] for result in results)
    row["operator_wer"] = rounded(errors / words) if words else None
    latencies = [event["latency"] for event in events if event["latency"] is not None]
    row["entity_latency_p50_s"] = rounded(percentile(latencies, 50))
    row["entity_latency_p95_s"] = rounded(percentile(latencies, 95))
    return row


def _misses(results: list[dict[str, Any]]) -> None:
    for result in results:
        for event in result["events"]:
            if event["hit"] is None:
                heard = " | ".join(line["text"] for line in event["asr_lines"])
                print(f"  miss {event['event']['id']}: {event['event']['ref']!r}\n"
                      f"       heard {heard!r}")
        for item in result["readbacks"]:
            if not item["correct"]:
                got = item["got"]
                verdict = "none" if got is None else f"matched={got['matched']}"
                print(f"  read-back {item['event']['id']}: expected matched="
                      f"{item['expected']['matched']}, got {verdict}; operator said "
                      f"{item['operator_text']!r}")
        for card in result["fp"]:
            mark = f" uncertain={card.get('uncertain')}" if _marked(card) else " UNMARKED"
            print(f"  wrong {result['call']}: {card['kind']} {card['value']!r}{mark}")


def run(args: argparse.Namespace) -> dict[str, Any]:
    folder: Path = args.folder
    scorer = load_scorer(folder)
    calls = [json.loads(line) for line in (folder / "calls.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    calls = [call for call in calls if (not args.only or call["call"] in args.only)
             and (not args.lang or call["lang"] == args.lang)]
    if not calls:
        raise ConfigError("no calls selected")
    config = load_config(args.config) if args.config else load_config()
    if args.model:
        config = replace_config(config, **{"asr.model": args.model})
    engine = Engine(config)
    if not args.reuse:
        engine.load()
    results: list[dict[str, Any]] = []
    begin = time.perf_counter()
    for call in calls:
        saved = args.run_dir / f"{call['call']}.jsonl" if args.run_dir else None
        if args.reuse and saved is not None and saved.is_file():
            lines = saved.read_text(encoding="utf-8").splitlines()
        else:
            lines = transcribe_call(engine, folder, call)
            if saved is not None:
                saved.parent.mkdir(parents=True, exist_ok=True)
                saved.write_text("\n".join(lines) + "\n", encoding="utf-8")
        results.append(scorer.score_call(call, [json.loads(line) for line in lines if line]))
    summary: dict[str, Any] = {"bench": "calls", "model": config.asr.model,
                               "calls": len(calls)}
    header = (f"{'lang':4} {'phones':>7} {'P':>5} {'addr':>7} {'P':>5} {'wrong':>5} "
              f"{'unmarked':>8} {'readback':>8} {'custWER':>7} {'p50':>5} {'p95':>5}")
    print(header)
    for language in ("ru", "en"):
        chosen = [result for result in results if result["lang"] == language]
        if not chosen:
            continue
        row = summarise(chosen, language)
        print(f"{language:4} {row['phone_found']:>7} {row['phone_precision'] or 0:5.2f} "
              f"{row['address_found']:>7} {row['address_precision'] or 0:5.2f} "
              f"{row['wrong_cards']:5d} {row['wrong_cards_unmarked']:8d} "
              f"{row['readback_accuracy'] or 0:8.2f} {row['customer_wer'] or 0:7.3f} "
              f"{row['entity_latency_p50_s'] or 0:5.2f} {row['entity_latency_p95_s'] or 0:5.2f}")
        if args.show_misses:
            _misses(chosen)
        for key, value in row.items():
            if key not in ("phone_found", "address_found"):
                summary[f"{language}_{key}"] = value
    summary["wall_s"] = rounded(time.perf_counter() - begin, 1)
    summary["peak_rss_mb"] = rounded(peak_rss_mb(), 1)
    print(json.dumps(summary))
    return summary
