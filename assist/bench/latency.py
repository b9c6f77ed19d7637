"""`latency`: per file utterances, latency p50/p95/max, real-time factor, RSS and WER."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from assist.asr.recognizer import WhisperRecognizer
from assist.audio.source import FileSource
from assist.bench.common import load_manifest, peak_rss_mb, percentile, rounded
from assist.config import PACES, load_config, replace_config
from assist.engine import Engine
from assist.events import Event, TranscriptUpdated
from assist.wer import WerCount, word_errors


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("audio", nargs="+", type=Path)
    parser.add_argument("--pace", choices=PACES, default="simulated")
    parser.add_argument("--reference", type=Path, help="manifest.jsonl with reference_transcript")
    parser.add_argument("--model", help="model (default: config)")
    parser.add_argument("--language", help="fixed language for every file (default: auto)")
    parser.add_argument("--no-offline", action="store_true", help="skip the offline WER baseline")
    parser.add_argument("--config", type=Path)


def run(args: argparse.Namespace) -> dict[str, Any]:
    config = load_config(args.config) if args.config else load_config()
    overrides: dict[str, Any] = {"pace": args.pace}
    if args.model:
        overrides["asr.model"] = args.model
    if args.language:
        overrides["channels.languages"] = (args.language,) * len(config.channels.speakers)
    config = replace_config(config, **overrides)
    manifest = load_manifest(args.reference) if args.reference else {}
    recognizer = WhisperRecognizer(config.asr)
    recognizer.warm_up()
    all_latencies: list[float] = []
    stream_total = WerCount(0, 0)
    offline_total = WerCount(0, 0)
    compute = audio = 0.0
    header = (f"{'file':44} {'utt':>4} {'p50':>6} {'p95':>6} {'max':>6} {'rtf':>5} "
              f"{'rssMB':>6} {'WER':>6} {'offWER':>6}")
    print(header)
    for path in args.audio:
        events: list[Event] = []
        engine = Engine(config, events.append, recognizer=recognizer)
        source = FileSource(path)
        stats = engine.transcribe(source)
        finals = sorted(
            (e for e in events if isinstance(e, TranscriptUpdated) and e.final),
            key=lambda e: (e.start, e.channel),
        )
        latencies = [e.latency for e in finals]
        all_latencies += latencies
        compute += stats.compute_s
        audio += stats.audio_s
        entry = manifest.get(path.name, {})
        reference = entry.get("reference_transcript")
        wer = offline_wer = float("nan")
        if reference:
            count = word_errors(reference, " ".join(e.text for e in finals))
            stream_total += count
            wer = count.wer
            if not args.no_offline:
                mono = np.mean(source.arrays, axis=0).astype(np.float32)
                offline_text = recognizer.transcribe_offline(mono, entry.get("lang"))
                offline = word_errors(reference, offline_text)
                offline_total += offline
                offline_wer = offline.wer
        print(
            f"{path.name[:44]:44} {len(finals):4d} {percentile(latencies, 50):6.2f} "
            f"{percentile(latencies, 95):6.2f} {max(latencies, default=float('nan')):6.2f} "
            f"{stats.rtf:5.2f} {peak_rss_mb():6.0f} {wer:6.3f} {offline_wer:6.3f}",
            flush=True,
        )
    summary = {
        "bench": "latency",
        "pace": args.pace,
        "model": config.asr.model,
        "files": len(args.audio),
        "utterances": len(all_latencies),
        "latency_p50_s": rounded(percentile(all_latencies, 50)),
        "latency_p95_s": rounded(percentile(all_latencies, 95)),
        "latency_max_s": rounded(max(all_latencies, default=float("nan"))),
        "rtf": rounded(compute / audio if audio else float("nan")),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "wer": rounded(stream_total.wer, 4) if stream_total.words else None,
        "offline_wer": rounded(offline_total.wer, 4) if offline_total.words else None,
        "wer_ratio": (
            rounded(stream_total.wer / offline_total.wer, 3)
            if offline_total.words and offline_total.wer > 0
            else None
        ),
    }
    print(json.dumps(summary))
    return summary
