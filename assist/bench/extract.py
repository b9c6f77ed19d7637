"""`extract`: phone and address P/R/F1 per language and per tag, and latency per utterance, on a
JSON Lines set or on generated variants (`--generated N` per language)."""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from assist.bench.common import percentile, rounded
from assist.config import ExtractConfig
from assist.errors import ConfigError
from assist.extract.extractor import extract, language_of
from assist.extract.scoring import Counts, score_addresses, score_phones
from assist.extract.variants import variants


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("cases", type=Path, nargs="?",
                        help="JSON Lines with gold phones and addresses")
    parser.add_argument("--generated", type=int, default=0, metavar="N",
                        help="score N generated variants per language instead "
                             "(assist.extract.variants)")
    parser.add_argument("--seed", type=int, default=17, help="seed of the generated variants")
    parser.add_argument("--show-errors", action="store_true", help="print every wrong case")
    parser.add_argument("--repeat", type=int, default=5,
                        help="time each case this many times (the median is kept)")


def _load(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror}") from exc
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            cases.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{number}: not JSON: {exc.msg}") from exc
    return cases


def run(args: argparse.Namespace) -> dict[str, Any]:
    config = ExtractConfig()
    extract("warm up: 8 916 123-45-67, ул. Ленина, д. 1", "ru")
    extract("warm up: 415 555 0132, 12 Baker Street", "en")
    if args.generated > 0:
        cases = [variant.record(f"gen-{language}-{index:05d}")
                 for language in ("ru", "en")
                 for index, variant in enumerate(variants(args.generated, language, args.seed))]
    elif args.cases is not None:
        cases = _load(args.cases)
    else:
        raise ConfigError("extract: give a JSON Lines file or --generated N")
    phones: dict[str, Counts] = defaultdict(Counts)
    addresses: dict[str, Counts] = defaultdict(Counts)
    latencies: list[float] = []
    for case in cases:
        text = " ".join(case["segments"]) if "segments" in case else case["text"]
        language = case.get("lang")  # the data set's key
        region = config.region_for(language_of(text, language))
        timings = []
        for _ in range(max(1, args.repeat)):
            begin = time.perf_counter()
            found = extract(text, language, region)
            timings.append(time.perf_counter() - begin)
        latencies.append(sorted(timings)[len(timings) // 2] * 1000)
        predicted_phones = [item.value for item in found if item.kind == "phone"]
        predicted_addresses = list(dict.fromkeys(
            item.raw for item in found if item.kind == "address"))
        phone = score_phones(predicted_phones, case.get("phones", []))
        address = score_addresses(text, predicted_addresses, case.get("addresses", []))
        for key in [f"lang={language}", *(f"tag={tag}" for tag in case.get("tags", []))]:
            phones[key].add(phone)
            addresses[key].add(address)
        if args.show_errors and (phone.fp or phone.fn or address.fp or address.fn):
            print(f"{case.get('id')}: {text}\n  phones {predicted_phones} gold "
                  f"{case.get('phones')}\n  addresses {predicted_addresses} gold "
                  f"{case.get('addresses')}")
    print(f"{'slice':28} {'phone P':>8} {'R':>6} {'F1':>6} {'addr P':>8} {'R':>6} {'F1':>6}")
    for key in sorted(phones, key=lambda name: (not name.startswith("lang"), name)):
        p, a = phones[key], addresses[key]
        print(f"{key:28} {p.precision:8.3f} {p.recall:6.3f} {p.f1:6.3f} "
              f"{a.precision:8.3f} {a.recall:6.3f} {a.f1:6.3f}")
    print(f"latency per utterance: p50 {percentile(latencies, 50):.2f} ms, "
          f"p95 {percentile(latencies, 95):.2f} ms, max {max(latencies, default=0):.2f} ms")
    summary: dict[str, Any] = {"bench": "extract", "cases": len(cases),
                               "source": "generated" if args.generated > 0 else str(args.cases)}
    for language in ("ru", "en"):
        key = f"lang={language}"
        if key in phones:
            summary[f"phone_f1_{language}"] = rounded(phones[key].f1)
            summary[f"address_f1_{language}"] = rounded(addresses[key].f1)
    summary["latency_p50_ms"] = rounded(percentile(latencies, 50), 2)
    summary["latency_p95_ms"] = rounded(percentile(latencies, 95), 2)
    summary["latency_max_ms"] = rounded(max(latencies, default=0.0), 2)
    print(json.dumps(summary))
    return summary
