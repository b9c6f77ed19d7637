"""Helpers shared by the benchmarks: percentiles, memory, the reference manifest."""

from __future__ import annotations

import json
import resource
from pathlib import Path
from typing import Any

import numpy as np

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SHARED_AUDIO = SHARED / "audio"


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def rss_mb() -> float:
    """Current resident memory of this process in MB (Linux), else the peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB. Linux: VmHWM, which starts anew at exec;
    getrusage's ru_maxrss survives exec, so a bench started from a big process (pytest late
    in the suite) reported that process's memory (441 MB in a fresh clone's CI run)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """Manifest entries by file name."""
    entries: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                entry = json.loads(line)
                entries[entry["file"]] = entry
    return entries


def rounded(value: float, digits: int = 3) -> float | None:
    return None if value != value else round(value, digits)
