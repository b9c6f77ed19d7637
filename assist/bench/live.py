"""`live`: both call legs captured from virtual PulseAudio devices vs the same audio as a file.

A private PulseAudio daemon (`virtual_devices.py`) plays one recording into the virtual
microphone (operator) and another into the softphone's output sink (customer); `sufler
transcribe --live` captures them through sounddevice/PortAudio at real-time pace. The same two
recordings then go through the engine as one stereo file, also at real-time pace. Printed:
WER per leg and latency (end of speech → final text) both ways.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from assist.audio.source import ArraySource, FileSource
from assist.bench.common import SHARED_AUDIO, load_manifest, percentile, rounded
from assist.bench.virtual_devices import VirtualDevices
from assist.config import load_config, replace_config
from assist.engine import Engine
from assist.errors import AudioDeviceError
from assist.events import Event, TranscriptUpdated
from assist.wer import word_errors

OPERATOR = "en_librispeech_testclean_1089_x4.16k.wav"
CUSTOMER = "en_osr_harvard_0034_8k.16k.wav"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--operator", type=Path, default=SHARED_AUDIO / OPERATOR)
    parser.add_argument("--customer", type=Path, default=SHARED_AUDIO / CUSTOMER)
    parser.add_argument("--reference", type=Path, default=SHARED_AUDIO / "manifest.jsonl",
                        help="manifest.jsonl with reference transcripts")
    parser.add_argument("--model", default="base")
    parser.add_argument("--language", default="en")
    parser.add_argument("--backend", choices=("auto", "soundcard", "sounddevice"),
                        default=None, help="capture backend (default: the config's)")


def capture(devices: VirtualDevices, args: argparse.Namespace, seconds: float, out: Path
            ) -> list[dict[str, Any]]:
    process = devices.capture(out, seconds, args.model, args.language, args.backend)
    players = [devices.play(args.operator, "operator_mic_sink", 1),
               devices.play(args.customer, "customer_out", 2)]
    _, errors = process.communicate(timeout=seconds + 120)
    for player in players:
        player.wait(timeout=10)
    if process.returncode != 0:
        raise AudioDeviceError(f"live capture failed: {errors}")
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def run(args: argparse.Namespace) -> dict[str, Any]:
    manifest = load_manifest(args.reference)
    left = FileSource(args.operator).arrays[0]
    right = FileSource(args.customer).arrays[0]
    seconds = max(len(left), len(right)) / 16000 + 4.0
    with tempfile.TemporaryDirectory(prefix="sufler-live-bench-") as name:
        folder = Path(name)
        with VirtualDevices(folder / "pulse") as devices:
            records = capture(devices, args, seconds, folder / "live.jsonl")
        live = [r for r in records if r["type"] == "transcript"]
        stereo = np.zeros((max(len(left), len(right)), 2), dtype=np.float32)
        stereo[: len(left), 0], stereo[: len(right), 1] = left, right
        events: list[Event] = []
        config = replace_config(load_config(), pace="realtime", **{
            "asr.model": args.model, "channels.languages": (args.language, args.language),
            "rules.enabled": False})
        Engine(config, events.append).transcribe(
            ArraySource([stereo[:, 0].copy(), stereo[:, 1].copy()]))
    said = [e for e in events if isinstance(e, TranscriptUpdated) and e.final]
    rows = {}
    for speaker, path in (("operator", args.operator), ("customer", args.customer)):
        truth = str(manifest[path.name]["reference_transcript"])
        live_text = " ".join(r["text"] for r in live if r["speaker"] == speaker)
        file_text = " ".join(e.text for e in said if e.speaker == speaker)
        rows[speaker] = (word_errors(truth, live_text).wer, word_errors(truth, file_text).wer)
    live_latency = [r["emitted"] - r["end"] for r in live]
    file_latency = [e.latency for e in said]
    gaps = [r for r in records if r["type"] == "capture" and r["state"] != "capturing"]
    print(f"{'leg':10} {'WER live':>9} {'WER file':>9}")
    for speaker, (live_wer, file_wer) in rows.items():
        print(f"{speaker:10} {live_wer:9.3f} {file_wer:9.3f}")
    print(f"latency p50/p95: live {percentile(live_latency, 50):.2f}/"
          f"{percentile(live_latency, 95):.2f} s, file (realtime) "
          f"{percentile(file_latency, 50):.2f}/{percentile(file_latency, 95):.2f} s; "
          f"utterances {len(live)} live, {len(said)} file; device changes {len(gaps)}")
    summary: dict[str, Any] = {"bench": "live", "seconds": round(seconds, 1),
                               "backend": args.backend or "config"}
    for speaker, (live_wer, file_wer) in rows.items():
        summary[f"wer_live_{speaker}"] = rounded(live_wer)
        summary[f"wer_file_{speaker}"] = rounded(file_wer)
    summary.update({
        "p50_live_s": rounded(percentile(live_latency, 50)),
        "p50_file_s": rounded(percentile(file_latency, 50)),
        "p95_live_s": rounded(percentile(live_latency, 95)),
        "p95_file_s": rounded(percentile(file_latency, 95)),
        "utterances_live": len(live), "utterances_file": len(said),
    })
    print(json.dumps(summary))
    return summary
