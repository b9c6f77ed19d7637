"""The soak benchmark's call: the same program replayed per bucket, or one long mix."""

from __future__ import annotations

import itertools

import numpy as np

from assist.bench.soak import build_call
from tests.helpers.fakes import tone


def test_every_bucket_replays_the_same_program() -> None:
    recordings = [(tone(5.0), "one"), (tone(7.0), "two"), (tone(3.0), "three")]
    pieces, placements = build_call(recordings, minutes=3.0, seed=1, program_minutes=1.0)
    audio = [np.concatenate(leg) for leg in zip(*pieces, strict=True)]
    buckets = [[(p.channel, round(p.start - 60 * k, 2), p.reference) for p in placements
                if 60 * k <= p.start < 60 * (k + 1)] for k in range(3)]
    assert buckets[0] and buckets[0] == buckets[1] == buckets[2]
    first, second = (int(60 * k * 16000) for k in (0, 1))
    assert np.array_equal(np.abs(audio[0][first:first + 16000 * 50]) > 0.1,
                          np.abs(audio[0][second:second + 16000 * 50]) > 0.1)


def test_a_mixed_call_cycles_through_the_recordings() -> None:
    recordings = [(tone(5.0), "one"), (tone(7.0), "two"), (tone(3.0), "three")]
    _, placements = build_call(recordings, minutes=2.0, seed=1)
    assert [p.reference for p in placements[:4]] == ["one", "two", "three", "one"]
    assert all(b.start > a.end for a, b in itertools.pairwise(placements))
