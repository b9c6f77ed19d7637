"""The windowing core, driven with a fake clock and an energy detector."""

from __future__ import annotations

import numpy as np
import pytest

from assist.config import EndpointConfig
from assist.endpointer import Endpointer, Retraction, Window
from assist.vad import SAMPLE_RATE
from tests.helpers.fakes import EnergyDetector, silence, tone


def run(audio: np.ndarray, config: EndpointConfig | None = None, block: int = 1600,
        dictating: bool = False) -> list:
    endpointer = Endpointer(0, config or EndpointConfig(), EnergyDetector())
    endpointer.dictating = dictating
    out: list = []
    for offset in range(0, len(audio), block):
        now = (offset + block) / SAMPLE_RATE  # the fake clock: audio time
        out += endpointer.feed(audio[offset : offset + block], now, now)
    out += endpointer.finish(len(audio) / SAMPLE_RATE)
    return out


def finals(items: list) -> list[Window]:
    return [i for i in items if isinstance(i, Window) and not i.tentative]


def test_one_utterance_is_one_window_confirming_its_tentative() -> None:
    items = run(np.concatenate([silence(1.0), tone(1.5), silence(1.0)]))
    tentative = [i for i in items if isinstance(i, Window) and i.tentative]
    final = finals(items)
    assert len(final) == 1 and len(tentative) == 1
    window = final[0]
    assert window.start == pytest.approx(1.0, abs=0.04)
    assert window.end == pytest.approx(2.5, abs=0.04)
    assert window.seq == tentative[0].seq
    assert np.array_equal(window.audio, tentative[0].audio)
    # The end is confirmed after min_silence; the tentative one came early.
    min_silence = EndpointConfig().min_silence_ms / 1000
    assert window.endpointed == pytest.approx(2.5 + min_silence, abs=0.11)
    assert tentative[0].endpointed < window.endpointed
    assert window.captured >= window.end


def test_short_pause_does_not_split_and_retracts_the_tentative() -> None:
    audio = np.concatenate([silence(0.5), tone(1.0), silence(0.2), tone(1.0), silence(1.0)])
    items = run(audio)
    final = finals(items)
    retractions = [i for i in items if isinstance(i, Retraction)]
    assert len(final) == 1
    assert final[0].end == pytest.approx(2.7, abs=0.04)
    assert len(retractions) == 1
    assert retractions[0].seq != final[0].seq


def test_long_speech_is_cut_at_the_quietest_point() -> None:
    config = EndpointConfig(max_window_s=8.0, soft_max_s=8.0, cut_search_s=3.0)
    speech = tone(20.0)
    dip_at = int(6.5 * SAMPLE_RATE)
    speech[dip_at : dip_at + 1024] *= 0.3  # quieter, but still voiced
    items = run(np.concatenate([speech, silence(1.0)]), config)
    final = finals(items)
    assert all(w.duration <= 8.0 + 0.2 for w in final)
    assert final[0].reason == "max_length"
    assert final[0].end == pytest.approx(6.5, abs=0.04)
    assert final[1].start == pytest.approx(final[0].end)
    assert final[-1].end == pytest.approx(20.0, abs=0.04)


def test_soft_limit_ends_long_windows_on_a_short_pause() -> None:
    config = EndpointConfig(soft_max_s=4.0, soft_silence_ms=120, max_window_s=12.0)
    audio = np.concatenate([tone(5.0), silence(0.2), tone(2.0), silence(1.0)])
    final = finals(run(audio, config))
    assert [w.reason for w in final] == ["soft_silence", "silence"]


def test_a_dictation_is_not_cut_at_a_short_pause_past_the_soft_limit() -> None:
    # eleven digits said slowly run past soft_max_s: the pause before the last group is short
    config = EndpointConfig(soft_max_s=4.0, soft_silence_ms=120, max_window_s=12.0)
    audio = np.concatenate([tone(5.0), silence(0.2), tone(2.0), silence(1.0)])
    final = finals(run(audio, config, dictating=True))
    assert [w.reason for w in final] == ["silence"]
    assert final[0].end == pytest.approx(7.2, abs=0.04)
    # the hard limit still holds
    long = np.concatenate([tone(5.0), silence(0.2), tone(8.0), silence(1.0)])
    assert "max_length" in [w.reason for w in finals(run(long, config, dictating=True))]


def test_a_stream_ending_inside_the_silence_confirms_the_tentative_window() -> None:
    items = run(np.concatenate([silence(1.0), tone(1.5), silence(0.3)]))  # < min_silence
    tentative = [i for i in items if isinstance(i, Window) and i.tentative]
    final = finals(items)
    assert len(tentative) == 1 and len(final) == 1
    assert not any(isinstance(i, Retraction) for i in items)  # no second recognition
    assert final[0].seq == tentative[0].seq and final[0].reason == "flush"
    assert np.array_equal(final[0].audio, tentative[0].audio)


def test_clicks_shorter_than_min_speech_make_no_window() -> None:
    audio = np.concatenate([silence(1.0), tone(0.1), silence(2.0)])
    assert finals(run(audio)) == []


def test_block_size_does_not_change_the_windows() -> None:
    audio = np.concatenate([silence(0.7), tone(2.3), silence(0.8), tone(0.9), silence(1.2)])
    by_block = [
        [(round(w.start, 3), round(w.end, 3)) for w in finals(run(audio, block=size))]
        for size in (160, 1600, 4096)
    ]
    assert by_block[0] == by_block[1] == by_block[2]
    assert len(by_block[0]) == 2


def test_memory_stays_flat_over_long_silence() -> None:
    endpointer = Endpointer(0, EndpointConfig(), EnergyDetector())
    for step in range(600):  # ten minutes of silence in one-second blocks
        endpointer.feed(silence(1.0), float(step), float(step))
    assert len(endpointer._buf) < SAMPLE_RATE


def test_no_tentative_windows_when_speculation_is_off() -> None:
    config = EndpointConfig(early_silence_ms=0)
    items = run(np.concatenate([silence(0.5), tone(1.0), silence(0.2), tone(1.0), silence(1)]),
                config)
    assert not any(isinstance(i, Retraction) or i.tentative for i in items)
    assert len(finals(items)) == 1
