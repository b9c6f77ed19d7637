"""The real model on real recordings, through the real engine and the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assist import ArraySource, Engine, FileSource, load_config, replace_config
from assist.asr.options import DecodeOptions
from assist.asr.recognizer import WhisperRecognizer
from assist.config import LANGUAGE_AUTO, AsrConfig
from assist.events import Event, TranscriptUpdated
from assist.wer import word_errors
from tests.conftest import reference
from tests.helpers.fakes import write_wav

pytestmark = [pytest.mark.model, pytest.mark.shared]


def sufler(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assist", *args], capture_output=True,
                          text=True, timeout=600)


def records(result: subprocess.CompletedProcess[str]) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def transcripts(result: subprocess.CompletedProcess[str]) -> list[dict]:
    """The transcript lines (rule decisions and checklist progress are interleaved)."""
    return [record for record in records(result) if record["type"] == "transcript"]


def test_cli_transcribes_a_recording_with_tiny(shared_audio: Path, tiny_model: str) -> None:
    everything = records(sufler("transcribe", str(shared_audio / "en_jfk.16k.wav"), "--model",
                                tiny_model, "--pace", "simulated"))
    assert {r["type"] for r in everything} <= {"transcript", "checklist", "suggestion"}
    out = [r for r in everything if r["type"] == "transcript"]
    assert out and all(r["speaker"] == "operator" for r in out)
    text = " ".join(r["text"] for r in out)
    assert word_errors(reference(shared_audio, "en_jfk.16k.wav"), text).wer < 0.2
    for record in out:
        assert 0 <= record["start"] < record["end"] <= 11.1
        assert record["emitted"] > record["end"]  # simulated: real latency, never negative


def test_stereo_call_keeps_the_legs_apart(shared_audio: Path, base_model: str,
                                          tmp_path: Path) -> None:
    left = FileSource(shared_audio / "en_librispeech_testclean_1089_x4.16k.wav").arrays[0]
    right = FileSource(shared_audio / "en_osr_harvard_0034_8k.16k.wav").arrays[0]
    length = max(len(left), len(right))
    stereo = np.zeros((length, 2), dtype=np.float32)
    stereo[: len(left), 0] = left
    stereo[: len(right), 1] = right
    path = write_wav(tmp_path / "call.wav", stereo)
    out = transcripts(sufler("transcribe", str(path), "--pace", "simulated", "--language", "en"))
    by_speaker = {
        speaker: " ".join(r["text"] for r in out if r["speaker"] == speaker)
        for speaker in ("operator", "customer")
    }
    ops = word_errors(reference(shared_audio, "en_librispeech_testclean_1089_x4.16k.wav"),
                      by_speaker["operator"])
    cust = word_errors(reference(shared_audio, "en_osr_harvard_0034_8k.16k.wav"),
                       by_speaker["customer"])
    assert ops.wer < 0.15 and cust.wer < 0.15
    swapped = transcripts(sufler("transcribe", str(path), "--pace", "simulated", "--language",
                             "en", "--speakers", "customer,operator"))
    assert {r["speaker"] for r in swapped if "hoped" in r["text"]} == {"customer"}


def test_fixed_russian_is_transcribed_not_translated(shared_audio: Path,
                                                     base_model: str) -> None:
    events: list[Event] = []
    config = replace_config(load_config(), pace="fast",
                            **{"channels.languages": ("ru", "ru")})
    Engine(config, events.append).transcribe(
        FileSource(shared_audio / "ru_pisets_neural_nets.wav"))
    finals = [e for e in events if isinstance(e, TranscriptUpdated) and e.final]
    text = " ".join(e.text for e in finals)
    assert word_errors("нейронные сети это хорошо", text).wer <= 0.5
    assert all(e.language == "ru" for e in finals)


def test_auto_language_locks_per_channel(shared_audio: Path, base_model: str) -> None:
    russian = FileSource(shared_audio / "ru_golos_crowd_sample.wav").arrays[0]
    english = FileSource(shared_audio / "en_jfk.16k.wav").arrays[0]
    gap = np.zeros(16000, dtype=np.float32)
    operator = np.concatenate([english, gap, np.zeros(len(russian), dtype=np.float32)])
    customer = np.concatenate([np.zeros(len(english), dtype=np.float32), gap, russian])
    events: list[Event] = []
    Engine(replace_config(load_config(), pace="fast"), events.append).transcribe(
        ArraySource([operator, customer]))
    finals = [e for e in events if isinstance(e, TranscriptUpdated) and e.final]
    assert {e.language for e in finals if e.speaker == "operator"} == {"en"}
    assert {e.language for e in finals if e.speaker == "customer"} == {"ru"}


def test_one_thread_decoder_reads_the_encoders_output_word_for_word(
        shared_audio: Path, base_model: str) -> None:
    """The decoder's own instance (one thread, faster for greedy decoding) decodes the
    output of the all-core encoder: the same words, language and scores as one instance."""
    audio = FileSource(shared_audio / "en_librivox_sonnets_1-3.16k.wav").arrays[0]
    single = WhisperRecognizer(AsrConfig(model=base_model, cpu_threads=2, decoder_threads=0))
    split = WhisperRecognizer(AsrConfig(model=base_model, cpu_threads=2, decoder_threads=1))
    assert single.decoder is single.model
    assert split.decoder.model is not split.model.model
    for start, end in ((2.5, 8.8), (54.5, 55.3), (125.0, 136.8)):
        window = audio[int(start * 16000): int(end * 16000)]
        one = single.recognize(window, LANGUAGE_AUTO)
        two = split.recognize(window, LANGUAGE_AUTO)
        assert one.text and two.text == one.text
        assert one.language == two.language == "en"
        assert two.avg_logprob == pytest.approx(one.avg_logprob, abs=1e-3)
        assert two.language_prob == pytest.approx(one.language_prob, abs=1e-3)


def test_per_window_decode_options_reach_the_decoder(shared_audio: Path,
                                                      base_model: str) -> None:
    """The options a policy chooses for one window change how that window is decoded (and
    only that window): suppressed tokens never appear; beam and prompt are taken."""
    audio = FileSource(shared_audio / "en_jfk.16k.wav").arrays[0]
    recognizer = WhisperRecognizer(AsrConfig(model=base_model, cpu_threads=2))
    plain = recognizer.recognize(audio, "en")
    assert "," in plain.text  # "And so, my fellow Americans, ask not ..."
    tokenizer = recognizer.model.hf_tokenizer
    commas = tuple(index for index in range(tokenizer.get_vocab_size())
                   if "," in (tokenizer.id_to_token(index) or ""))
    no_commas = recognizer.recognize(audio, "en", DecodeOptions(suppress_tokens=commas))
    assert no_commas.text and "," not in no_commas.text
    beam = recognizer.recognize(audio, "en", DecodeOptions(beam_size=5,
                                                           prompt="Ask not what your country"))
    assert word_errors(reference(shared_audio, "en_jfk.16k.wav"), beam.text).wer < 0.2
    assert recognizer.recognize(audio, "en").text == plain.text  # the next window: fast path


def test_a_leg_locked_to_russian_never_emits_latin_letters(shared_audio: Path,
                                                          base_model: str) -> None:
    audio = FileSource(shared_audio / "ru_golos_crowd_sample.wav").arrays[0]
    recognizer = WhisperRecognizer(AsrConfig(model=base_model, cpu_threads=2))
    locked = recognizer.recognize(audio, "ru")
    assert locked.text and not re.search(r"[A-Za-z]", locked.text)
    unlocked = WhisperRecognizer(AsrConfig(model=base_model, cpu_threads=2,
                                           script_lock=False))
    suppressed = recognizer._script_lock("ru")  # the lock is the set of Latin-letter tokens
    assert len(suppressed) > 10_000 and not unlocked._script_lock("ru")
    english = recognizer.recognize(FileSource(shared_audio / "en_jfk.16k.wav").arrays[0], "en")
    assert not re.search(r"[А-Яа-яЁё]", english.text)


@pytest.mark.parametrize(
    "synth",
    [
        ["trim", "0", "300"],
        ["synth", "300", "pinknoise", "vol", "0.3"],
        ["synth", "300", "pluck", "C4", "pluck", "E4", "pluck", "G4", "remix", "-",
         "tremolo", "3", "40", "vol", "0.5"],
        ["synth", "300", "brownnoise", "tremolo", "0.5", "90", "vol", "0.6"],
    ],
    ids=["silence", "pink-noise", "chord-music", "surging-noise"],
)
def test_five_minutes_without_speech_make_no_lines(sox: str, base_model: str, tmp_path: Path,
                                                   synth: list[str]) -> None:
    path = tmp_path / "nospeech.wav"
    subprocess.run([sox, "-n", "-r", "16000", "-c", "1", str(path), *synth], check=True)
    assert records(sufler("transcribe", str(path), "--pace", "fast")) == []


COUNTRY_RULE = """\
[[rule]]
id = "country"
title = "Country"
text = "The speaker mentioned the country."
phrases = ["contry"]
threshold = {threshold}
"""


def test_back_test_on_a_transcribed_recording_shows_a_threshold_change(
        shared_audio: Path, base_model: str, tmp_path: Path) -> None:
    call = tmp_path / "calls" / "jfk.jsonl"
    call.parent.mkdir()
    done = sufler("transcribe", str(shared_audio / "en_jfk.16k.wav"), "--model", base_model,
                  "--pace", "simulated", "--language", "en", "--out", str(call))
    assert done.returncode == 0, done.stderr
    strict, loose = tmp_path / "strict.toml", tmp_path / "loose.toml"
    strict.write_text(COUNTRY_RULE.format(threshold=95), encoding="utf-8")
    loose.write_text(COUNTRY_RULE.format(threshold=85), encoding="utf-8")
    # "contry" is one letter off "country": only the looser threshold lets it fire
    report = sufler("rules", "test", str(loose), "--diff", str(strict), "--calls",
                    str(call.parent), "--format", "json")
    assert report.returncode == 0, report.stderr
    row = json.loads(report.stdout)["rules"][0]
    assert (row["rule"], row["change"], row["shown_old"]) == ("country", "changed", 0)
    assert row["shown_new"] >= 1 and 0 < row["first_s_new"] < 15
