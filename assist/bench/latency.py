"""`latency`: per file utterances, latency p50/p95/max, real-time factor, RSS and WER; with
`--backend openai --url ...` the same through a recognizer server, plus each request's
network and server time (the `asr_remote` stage)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from assist.asr.backends import create_recognizer
from assist.asr.recognizer import Recognizer, WhisperRecognizer
from assist.asr.remote import RemoteRecognizer
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
    parser.add_argument("--backend", choices=("whisper", "openai"),
                        help="recognizer backend (default: config's asr.backend)")
    parser.add_argument("--url", help="openai: the server's base URL, ending in /v1")
    parser.add_argument("--remote-model", help="openai: the model name the server expects")
    parser.add_argument("--api-key-env", help="openai: environment variable holding the key")
    parser.add_argument("--max-in-flight", type=int, help="openai: requests at once")
    parser.add_argument("--timeout-s", type=float,
                        help="openai: one request's timeout (past it the local model takes over)")


def run(args: argparse.Namespace) -> dict[str, Any]:
    config = load_config(args.config) if args.config else load_config()
    overrides: dict[str, Any] = {"pace": args.pace}
    if args.model:
        overrides["asr.model"] = args.model
    if args.language:
        overrides["channels.languages"] = (args.language,) * len(config.channels.speakers)
    for name in ("backend", "url", "remote_model", "api_key_env", "max_in_flight", "timeout_s"):
        if getattr(args, name) is not None:
            overrides[f"asr.{name}"] = getattr(args, name)
    config = replace_config(config, **overrides)
    manifest = load_manifest(args.reference) if args.reference else {}
    recognizer: Recognizer = create_recognizer(config.asr)
    recognizer.warm_up()
    warm_requests = recognizer.requests if isinstance(recognizer, RemoteRecognizer) else 0
    warm_sent = recognizer.sent_s if isinstance(recognizer, RemoteRecognizer) else 0.0
    remote = config.asr.backend != "whisper"
    # the offline baseline is the local model's whole-file transcription (the local bench's)
    offline_recognizer: WhisperRecognizer | None = (
        recognizer if isinstance(recognizer, WhisperRecognizer)
        else None if args.no_offline or not args.reference else WhisperRecognizer(config.asr))
    networks: list[float] = []
    servers: list[float] = []
    totals: list[float] = []
    local_windows = 0
    all_latencies: list[float] = []
    stream_total = WerCount(0, 0)
    offline_total = WerCount(0, 0)
    compute = audio = 0.0
    calls = 0  # recognizer calls (requests, for a server): windows, speculative ones too
    header = (f"{'file':44} {'utt':>4} {'p50':>6} {'p95':>6} {'max':>6} {'rtf':>5} "
              f"{'rssMB':>6} {'WER':>6} {'offWER':>6}"
              + (f" {'net50':>6} {'srv50':>6} {'local':>5}" if remote else ""))
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
        file_networks = [e.remote.network for e in finals
                         if e.remote is not None and e.remote.network is not None]
        file_servers = [e.remote.server for e in finals
                        if e.remote is not None and e.remote.server is not None]
        networks += file_networks
        servers += file_servers
        totals += [e.remote.total for e in finals if e.remote is not None]
        file_local = sum(1 for e in finals if e.remote is None) if remote else 0
        local_windows += file_local
        compute += stats.compute_s
        audio += stats.audio_s
        # a folded pair is one call; a speculation confirmed is counted once, a retracted
        # one that already ran is `wasted`
        calls += stats.utterances + stats.suppressed + stats.errors + stats.wasted
        entry = manifest.get(path.name, {})
        reference = entry.get("reference_transcript")
        wer = offline_wer = float("nan")
        if reference:
            count = word_errors(reference, " ".join(e.text for e in finals))
            stream_total += count
            wer = count.wer
            if offline_recognizer is not None and not args.no_offline:
                mono = np.mean(source.arrays, axis=0).astype(np.float32)
                offline_text = offline_recognizer.transcribe_offline(mono, entry.get("lang"))
                offline = word_errors(reference, offline_text)
                offline_total += offline
                offline_wer = offline.wer
        print(
            f"{path.name[:44]:44} {len(finals):4d} {percentile(latencies, 50):6.2f} "
            f"{percentile(latencies, 95):6.2f} {max(latencies, default=float('nan')):6.2f} "
            f"{stats.rtf:5.2f} {peak_rss_mb():6.0f} {wer:6.3f} {offline_wer:6.3f}"
            + (f" {percentile(file_networks, 50):6.3f} {percentile(file_servers, 50):6.3f} "
               f"{file_local:5d}" if remote else ""),
            flush=True,
        )
    summary = {
        "bench": "latency",
        "pace": args.pace,
        "backend": config.asr.backend,
        "model": config.asr.remote_model if remote else config.asr.model,
        "files": len(args.audio),
        "utterances": len(all_latencies),
        "latency_p50_s": rounded(percentile(all_latencies, 50)),
        "latency_p95_s": rounded(percentile(all_latencies, 95)),
        "latency_max_s": rounded(max(all_latencies, default=float("nan"))),
        "rtf": rounded(compute / audio if audio else float("nan")),
        "audio_s": rounded(audio, 1),
        "recognizer_calls_per_min": rounded(calls / audio * 60 if audio else float("nan"), 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "wer": rounded(stream_total.wer, 4) if stream_total.words else None,
        "offline_wer": rounded(offline_total.wer, 4) if offline_total.words else None,
        "wer_ratio": (
            rounded(stream_total.wer / offline_total.wer, 3)
            if offline_total.words and offline_total.wer > 0
            else None
        ),
    }
    if isinstance(recognizer, RemoteRecognizer):  # what one seat costs the server
        minutes = audio / 60 if audio else float("nan")
        summary.update({
            "requests_per_min": rounded((recognizer.requests - warm_requests) / minutes, 2),
            "request_audio_s_per_min": rounded((recognizer.sent_s - warm_sent) / minutes, 1),
        })
    if remote:  # the asr_remote stage: each request in all, and its network and server shares
        summary.update({
            "remote_windows": len(totals), "local_windows": local_windows,
            "remote_p50_s": rounded(percentile(totals, 50)),
            "remote_p95_s": rounded(percentile(totals, 95)),
            "network_p50_s": rounded(percentile(networks, 50)),
            "network_p95_s": rounded(percentile(networks, 95)),
            "server_p50_s": rounded(percentile(servers, 50)),
            "server_p95_s": rounded(percentile(servers, 95)),
        })
    print(json.dumps(summary))
    return summary
