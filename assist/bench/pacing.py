"""`pacing`: the same recording at simulated and at realtime pace; p50 latencies compared."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from assist.asr.recognizer import WhisperRecognizer
from assist.audio.source import ArraySource, FileSource
from assist.bench.common import percentile, rounded
from assist.config import load_config, replace_config
from assist.engine import Engine
from assist.events import Event, TranscriptUpdated
from assist.vad import SAMPLE_RATE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("audio", type=Path)
    parser.add_argument("--minutes", type=float, default=3.0,
                        help="repeat the recording (with 2 s pauses) to this length")
    parser.add_argument("--model", help="model (default: config)")


def run(args: argparse.Namespace) -> dict[str, Any]:
    config = load_config()
    if args.model:
        config = replace_config(config, **{"asr.model": args.model})
    recording = FileSource(args.audio, split_stereo=False).arrays[0]
    pause = np.zeros(2 * SAMPLE_RATE, dtype=np.float32)
    pieces: list[np.ndarray] = []
    while sum(len(p) for p in pieces) < args.minutes * 60 * SAMPLE_RATE:
        pieces += [recording, pause]
    audio = np.concatenate(pieces)[: int(args.minutes * 60 * SAMPLE_RATE)]
    recognizer = WhisperRecognizer(config.asr)
    recognizer.warm_up()
    results: dict[str, list[float]] = {}
    for pace in ("simulated", "realtime"):
        events: list[Event] = []
        engine = Engine(replace_config(config, pace=pace), events.append, recognizer=recognizer)
        engine.transcribe(ArraySource([audio]))
        results[pace] = [e.latency for e in events
                         if isinstance(e, TranscriptUpdated) and e.final]
        print(f"{pace:>10}: {len(results[pace])} utterances, latency p50 "
              f"{percentile(results[pace], 50):.3f} s, p95 {percentile(results[pace], 95):.3f} s",
              flush=True)
    p50_sim = percentile(results["simulated"], 50)
    p50_real = percentile(results["realtime"], 50)
    summary = {
        "bench": "pacing",
        "audio_minutes": args.minutes,
        "simulated_p50_s": rounded(p50_sim),
        "realtime_p50_s": rounded(p50_real),
        "simulated_p95_s": rounded(percentile(results["simulated"], 95)),
        "realtime_p95_s": rounded(percentile(results["realtime"], 95)),
        "p50_rel_diff": rounded(abs(p50_sim - p50_real) / p50_real),
    }
    print(json.dumps(summary))
    return summary
