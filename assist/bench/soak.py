"""`soak`: a long two-leg call built from reference recordings; per 10-minute bucket figures."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assist.asr.recognizer import WhisperRecognizer
from assist.audio.source import ArraySource, FileSource
from assist.bench.common import SHARED_AUDIO, load_manifest, percentile, rounded, rss_mb
from assist.config import load_config, replace_config
from assist.engine import Engine
from assist.errors import AssistError
from assist.events import Event, TranscriptUpdated
from assist.vad import SAMPLE_RATE, Audio
from assist.wer import WerCount, word_errors


@dataclass(frozen=True)
class Placement:
    channel: int
    start: float
    end: float
    reference: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--bucket-minutes", type=float, default=10.0)
    parser.add_argument("--audio-dir", type=Path, default=SHARED_AUDIO)
    parser.add_argument("--model", help="model (default: config)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mixed", action="store_true",
                        help="one long mix of recordings instead of the same program per bucket")


def _recordings(audio_dir: Path) -> list[tuple[Audio, str]]:
    manifest_path = audio_dir / "manifest.jsonl"
    if not manifest_path.is_file():
        raise AssistError(f"{manifest_path}: not found (the soak needs ../shared/audio)")
    recordings = []
    for name, entry in sorted(load_manifest(manifest_path).items()):
        if entry.get("lang") == "en" and entry.get("reference_transcript"):
            if "LEFT:" in entry["reference_transcript"]:
                continue  # overlapping speakers mixed to mono: no usable reference
            source = FileSource(audio_dir / name, split_stereo=False)
            recordings.append((source.arrays[0], entry["reference_transcript"]))
    if not recordings:
        raise AssistError(f"{audio_dir}: no English recordings with references")
    return recordings


def build_call(
    recordings: list[tuple[Audio, str]], minutes: float, seed: int,
    program_minutes: float | None = None,
) -> tuple[Iterator[list[Audio]], list[Placement]]:
    """Recordings alternate between the two legs with 1.5-4 s pauses, for `minutes`.

    With `program_minutes`, one program of that length is built and replayed back to back,
    so every bucket holds the same speech at the same offsets: a WER difference between
    buckets is then drift over the call, not a different mix of recordings.
    """
    rng = np.random.default_rng(seed)
    total = int(minutes * 60 * SAMPLE_RATE)
    span = int(program_minutes * 60 * SAMPLE_RATE) if program_minutes else total
    program: list[tuple[int, int, int]] = []  # (recording index, channel, gap samples)
    position = 0
    index = 0
    while True:
        audio, _ = recordings[index % len(recordings)]
        gap = int(rng.uniform(1.5, 4.0) * SAMPLE_RATE)
        if position + gap + len(audio) > span:
            break
        program.append((index % len(recordings), index % 2, gap))
        position += gap + len(audio)
        index += 1
    plan: list[tuple[int, int, int]] = []
    placements: list[Placement] = []
    offset = 0
    while offset + span <= total and program:
        position = offset
        for recording, channel, gap in program:
            audio, reference = recordings[recording]
            start = position + gap
            placements.append(Placement(channel, start / SAMPLE_RATE,
                                        (start + len(audio)) / SAMPLE_RATE, reference))
            plan.append((recording, channel, gap))
            position = start + len(audio)
        if offset + span < total:
            plan.append((-1, 0, offset + span - position))  # silence to the program's end
        offset += span

    def pieces() -> Iterator[list[Audio]]:
        noise = np.random.default_rng(seed + 1)
        for recording, channel, gap in plan:
            floor = (noise.standard_normal((2, gap)) * 1e-4).astype(np.float32)
            yield [floor[0], floor[1]]
            if recording < 0:
                continue
            audio = recordings[recording][0]
            quiet = (noise.standard_normal(len(audio)) * 1e-4).astype(np.float32)
            yield [audio, quiet] if channel == 0 else [quiet, audio]

    return pieces(), placements


def run(args: argparse.Namespace) -> dict[str, Any]:
    config = replace_config(load_config(), pace="simulated",
                            **({"asr.model": args.model} if args.model else {}))
    recordings = _recordings(args.audio_dir)
    program = None if args.mixed else args.bucket_minutes
    pieces, placements = build_call(recordings, args.minutes, args.seed, program)
    recognizer = WhisperRecognizer(config.asr)
    recognizer.warm_up()
    bucket_s = args.bucket_minutes * 60
    n_buckets = max(1, int(np.ceil(args.minutes * 60 / bucket_s)))
    rss_at_bucket: dict[int, float] = {}
    finals: list[TranscriptUpdated] = []

    def sink(event: Event) -> None:
        if isinstance(event, TranscriptUpdated) and event.final:
            finals.append(event)
            bucket = min(int(event.times.emitted // bucket_s), n_buckets - 1)
            rss_at_bucket[bucket] = rss_mb()  # last sample inside each bucket

    engine = Engine(config, sink, recognizer=recognizer)
    stats = engine.transcribe(ArraySource(pieces, channels=2))

    print(f"{'minutes':>8} {'utt':>5} {'p50':>6} {'p95':>6} {'WER':>7} {'rssMB':>7}")
    rows: list[dict[str, Any]] = []
    p95s: list[float] = []
    wers: list[float] = []
    rss_values: list[float] = []
    for bucket in range(n_buckets):
        lo, hi = bucket * bucket_s, (bucket + 1) * bucket_s
        latencies = [e.latency for e in finals if lo <= e.end < hi]
        count = WerCount(0, 0)
        for placement in placements:
            if not lo <= placement.start < hi:
                continue
            said = [
                e.text for e in finals
                if e.channel == placement.channel and e.end > placement.start
                and e.start < placement.end
            ]
            count += word_errors(placement.reference, " ".join(said))
        p95s.append(percentile(latencies, 95))
        wers.append(count.wer)
        rss = rss_at_bucket.get(bucket, float("nan"))
        if rss == rss:
            rss_values.append(rss)
        rows.append({
            "bucket": bucket,
            "minutes": f"{lo / 60:.0f}-{hi / 60:.0f}",
            "utterances": len(latencies),
            "latency_p50_s": rounded(percentile(latencies, 50)),
            "latency_p95_s": rounded(p95s[-1]),
            "wer": rounded(count.wer, 4),
            "rss_mb": rounded(rss, 1),
        })
        print(f"{rows[-1]['minutes']:>8} {len(latencies):5d} {percentile(latencies, 50):6.2f} "
              f"{p95s[-1]:6.2f} {count.wer:7.4f} {rss:7.1f}")
    summary = {
        "bench": "soak",
        "minutes": args.minutes,
        "model": config.asr.model,
        "utterances": len(finals),
        "rtf": rounded(stats.rtf),
        "folded": stats.folded,
        "shed": stats.shed,
        "p95_first_s": rounded(p95s[0]),
        "p95_last_s": rounded(p95s[-1]),
        "p95_last_over_first": rounded(p95s[-1] / p95s[0]),
        "wer_first": rounded(wers[0], 4),
        "wer_max_rel_dev": rounded(
            max(abs(w - wers[0]) for w in wers) / wers[0] if wers[0] else float("nan")
        ),
        "rss_growth_mb": rounded(max(rss_values) - rss_values[0], 1) if rss_values else None,
        "buckets": rows,
    }
    print(json.dumps(summary))
    return summary
