"""File sources decode as the call goes: the same samples as faster-whisper's whole-file
decode, memory that does not grow with the file, and an explicit choice of channels."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from assist.audio.source import FileSource
from assist.config import DEMO_AUDIO
from assist.errors import AudioDecodeError
from tests.helpers.fakes import write_wav


def streamed(source: FileSource, block: int = 800) -> list[np.ndarray]:
    blocks = list(source.blocks(block))
    return [np.concatenate([piece[leg] for piece in blocks]) for leg in range(source.channels)]


def whole_file(path: Path, stereo: bool) -> list[np.ndarray]:
    from faster_whisper import decode_audio

    if stereo:
        return list(decode_audio(str(path), 16000, split_stereo=True))
    return [decode_audio(str(path), 16000)]


def test_same_samples_as_the_whole_file_decode() -> None:
    """The demo call: stereo FLAC, two legs, sample for sample."""
    source = FileSource(DEMO_AUDIO)
    assert source.channels == 2
    for new, old in zip(streamed(source), whole_file(DEMO_AUDIO, True), strict=True):
        assert new.dtype == np.float32 and np.array_equal(new, old)
    assert source.position == pytest.approx(len(old) / 16000)
    assert source.duration == pytest.approx(source.position, abs=0.05)


@pytest.mark.parametrize("name", ["en_osr_harvard_0034_8k.16k.wav", "en_bush_radio_2008_gb0.wav",
                                  "ru_golos_crowd_sample.wav"])
def test_same_samples_on_shared_recordings(shared_audio: Path, name: str) -> None:
    source = FileSource(shared_audio / name)
    (new,) = streamed(source, 1024)
    (old,) = whole_file(shared_audio / name, False)
    assert np.array_equal(new, old)


def test_more_than_two_channels_need_a_map(tmp_path: Path) -> None:
    levels = np.stack([np.full(16000, (channel + 1) / 10, dtype=np.float32)
                       for channel in range(6)], axis=1)
    path = write_wav(tmp_path / "six.wav", levels)
    with pytest.raises(AudioDecodeError, match=r"6 channels; .* --channels"):
        FileSource(path)
    source = FileSource(path, channel_map=(4, 1))
    operator, customer = streamed(source)
    assert source.channels == 2 and len(operator) == 16000
    assert operator[100] == pytest.approx(0.5, abs=1e-3)
    assert customer[100] == pytest.approx(0.2, abs=1e-3)
    for bad, message in (((6,), "no channel 6"), ((1, 1), "distinct"), ((0, 1, 2), "one or two")):
        with pytest.raises(AudioDecodeError, match=message):
            FileSource(path, channel_map=bad)


def test_stop_ends_the_blocks_and_position_says_where(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "ten.wav", np.zeros(160000, dtype=np.float32))
    source = FileSource(path)
    fed = 0
    for _ in source.blocks(1600):
        fed += 1
        if fed == 25:
            source.stop()
    assert fed == 25 and source.position == pytest.approx(2.5)


def test_memory_does_not_grow_with_the_file(tmp_path: Path, sox: str) -> None:
    """20 minutes of stereo: decoding it whole took ~400 MB; streamed, a few MB."""
    path = tmp_path / "long.flac"
    subprocess.run([sox, "-n", "-r", "16000", "-c", "2", str(path), "synth", "1200",
                    "pinknoise", "vol", "0.3"], check=True)
    script = textwrap.dedent(f"""
        import resource
        from assist.audio.source import FileSource
        source = FileSource({str(path)!r})
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        samples = sum(len(block[0]) for block in source.blocks(800))
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(samples, grown // 1024)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, timeout=300)
    samples, grown_mb = map(int, result.stdout.split())
    assert samples == 1200 * 16000
    assert grown_mb < 60, f"peak RSS grew {grown_mb} MB while streaming 20 minutes"
