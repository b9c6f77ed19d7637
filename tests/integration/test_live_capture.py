"""Live capture on real virtual audio devices: a private PulseAudio daemon with a null sink
for the softphone's output and a virtual microphone, played with pacat, captured through
sounddevice/PortAudio, transcribed by the real model. (Latency is compared by
`python -m assist.bench live`, not asserted here: wall time on a shared machine is noise.)"""

from __future__ import annotations

import functools
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assist import ArraySource, Engine, FileSource, load_config, replace_config
from assist.bench.virtual_devices import VirtualDevices, missing
from assist.events import Event, TranscriptUpdated
from assist.wer import word_errors
from tests.conftest import reference

pytestmark = [pytest.mark.model, pytest.mark.shared]

OPERATOR = "en_librispeech_testclean_1089_x4.16k.wav"
CUSTOMER = "en_osr_harvard_0034_8k.16k.wav"


@pytest.fixture(scope="module")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtualDevices]:
    problem = missing()
    if problem:
        pytest.skip(f"virtual audio devices need {problem}")
    with VirtualDevices(tmp_path_factory.mktemp("pulse")) as devices:
        yield devices


def finish(process: subprocess.Popen[str]) -> None:
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors


def lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@functools.cache  # once per test session: the soundcard tests compare with the same run
def file_mode(shared_audio: Path, model: str) -> dict[str, str]:
    """The same two recordings as one two-channel call (operator, customer) through the
    engine on its simulated clock: the text per speaker."""
    left = FileSource(shared_audio / OPERATOR).arrays[0]
    right = FileSource(shared_audio / CUSTOMER).arrays[0]
    length = max(len(left), len(right))
    legs = [np.pad(left, (0, length - len(left))), np.pad(right, (0, length - len(right)))]
    events: list[Event] = []
    config = replace_config(load_config(), pace="simulated", **{
        "asr.model": model, "channels.languages": ("en", "en"), "rules.enabled": False})
    Engine(config, events.append).transcribe(ArraySource(legs))
    said = [e for e in events if isinstance(e, TranscriptUpdated) and e.final]
    return {speaker: " ".join(e.text for e in said if e.speaker == speaker)
            for speaker in ("operator", "customer")}


CAPTURES = 3  # one capture's windows can fall differently: a word or two either way


def test_both_legs_are_transcribed_like_file_mode(pulse: VirtualDevices, shared_audio: Path,
                                                 base_model: str, tmp_path: Path) -> None:
    live: dict[str, list[float]] = {"operator": [], "customer": []}
    for run in range(CAPTURES):
        out = tmp_path / f"live{run}.jsonl"
        process = pulse.capture(out, 40.0, base_model)
        players = [pulse.play(shared_audio / OPERATOR, "operator_mic_sink", 1),
                   pulse.play(shared_audio / CUSTOMER, "customer_out", 2)]
        finish(process)
        for player in players:
            player.wait(timeout=10)
        said = [r for r in lines(out) if r["type"] == "transcript"]
        assert {r["speaker"] for r in said} == {"operator", "customer"}
        for speaker, name in (("operator", OPERATOR), ("customer", CUSTOMER)):
            text = " ".join(r["text"] for r in said if r["speaker"] == speaker)
            live[speaker].append(word_errors(reference(shared_audio, name), text).wer)
    file_text = file_mode(shared_audio, base_model)
    for speaker, name in (("operator", OPERATOR), ("customer", CUSTOMER)):
        truth = reference(shared_audio, name)
        live_wer = float(np.median(live[speaker]))
        file_wer = word_errors(truth, file_text[speaker]).wer
        print(f"{speaker}: WER live {live[speaker]} (median {live_wer:.3f}), file {file_wer:.3f}")
        # the median capture within 10 % relative, plus one word on these short recordings
        assert live_wer <= file_wer * 1.10 + 1 / len(truth.split()) + 1e-9


def test_an_unplugged_device_leaves_a_gap_and_the_call_goes_on(
        pulse: VirtualDevices, shared_audio: Path, base_model: str, tmp_path: Path) -> None:
    out = tmp_path / "unplug.jsonl"
    process = pulse.capture(out, 16.0, base_model)
    player = pulse.play(shared_audio / OPERATOR, "operator_mic_sink", 1)
    time.sleep(2.0)
    pulse.unplug_customer()
    time.sleep(4.0)
    pulse.replug_customer()
    finish(process)
    player.terminate()
    records = lines(out)
    changes = [(r["speaker"], r["state"]) for r in records if r["type"] == "capture"]
    assert ("customer", "lost") in changes and ("customer", "resumed") in changes
    assert ("operator", "lost") not in changes  # the other leg was never interrupted
    gap = next(r for r in records if r["type"] == "capture" and r["state"] == "resumed")
    print(f"customer leg away {gap['gap_s']:.2f} s; capture changes: {changes}")
    assert 2.5 <= gap["gap_s"] <= 6.5  # unplugged for 4 s, each change noticed within ~1 s
    operator_text = " ".join(r["text"] for r in records
                             if r["type"] == "transcript" and r["speaker"] == "operator")
    assert "stew for dinner" in operator_text.lower()  # said while the customer leg was away
