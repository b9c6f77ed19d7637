"""Exit codes that tell the truth: the probes of issue 18 each give rc 2 (bad input) or 130
(interrupted) with one line on stderr, 141 quietly when the reader goes away, or work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assist.config import DEMO_AUDIO
from tests.assist.test_cli import assert_one_line_error, sufler, wav
from tests.helpers.fakes import write_wav

ENV = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONUTF8": "0"}


def run(*args: str, stdin: bytes = b"", timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "assist", *args], input=stdin,
                          capture_output=True, timeout=timeout, env=ENV)


def no_traceback(result: subprocess.CompletedProcess[bytes]) -> str:
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    return stderr


def closed_stdout(*args: str, timeout: float = 300) -> tuple[int, str, float]:
    """Run with a stdout whose reader is gone before the first write (what `| head` does
    once it has its lines): return code, stderr, seconds."""
    read, write = os.pipe()
    os.close(read)
    begin = time.monotonic()
    try:
        process = subprocess.Popen([sys.executable, "-m", "assist", *args], stdout=write,
                                   stderr=subprocess.PIPE)
    finally:
        os.close(write)
    _, stderr = process.communicate(timeout=timeout)
    return process.returncode, stderr.decode("utf-8", "replace"), time.monotonic() - begin


# -- extract: a bad line is an error record, and the rest of the input is still read -------

def test_extract_keeps_going_past_bad_lines() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    lines = [
        b'{"id": "\\ud800", "lang": "en", "text": "call 415 555 0132"}',  # a lone surrogate
        deep.encode(),
        b'{"id": "latin1", "text": "caf\xe9 415 555 0132"}',  # not UTF-8
        b'{"id": "ok", "lang": "en", "text": "my number is 415 555 0132"}',
    ]
    result = run("extract", stdin=b"\n".join(lines) + b"\n")
    no_traceback(result)
    assert result.returncode == 0
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(out) == 4
    assert out[0]["id"] == "\ud800" and out[0]["phones"] == ["+14155550132"]
    assert "nested too deeply" in out[1]["error"]
    assert "line 3: not UTF-8" in out[2]["error"]
    assert out[3] == {**out[3], "id": "ok", "phones": ["+14155550132"]}


def test_extract_output_closed_is_quiet() -> None:
    code, stderr, _ = closed_stdout("extract")
    assert code in (0, 141) and "Traceback" not in stderr  # no input: maybe nothing written


# -- config and input errors --------------------------------------------------------------

def test_a_config_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_bytes(b'[asr]\nmodel = "caf\xe9"\n')
    audio = wav(tmp_path / "a.wav")
    assert_one_line_error(sufler("transcribe", str(audio), "--config", str(config)), "UTF-8")
    assert_one_line_error(sufler("extract", "--config", str(config)), "UTF-8")
    result = subprocess.run([sys.executable, "-m", "app.main", "--config", str(config)],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert_one_line_error(result, "UTF-8")


def test_unknown_language_is_an_option_error(tmp_path: Path) -> None:
    assert_one_line_error(sufler("transcribe", str(wav(tmp_path / "a.wav")), "--language", "xx"),
                          "'xx'")


def test_more_than_two_channels(tmp_path: Path) -> None:
    six = write_wav(tmp_path / "six.wav", np.zeros((16000, 6), dtype=np.float32))
    assert_one_line_error(sufler("transcribe", str(six)), "--channels")
    assert_one_line_error(sufler("transcribe", str(six), "--channels", "0,9"), "no channel 9")
    assert_one_line_error(sufler("transcribe", str(six), "--channels", "a,b"), "--channels")


def test_an_operator_id_that_is_not_text(tmp_path: Path) -> None:
    audio = str(wav(tmp_path / "a.wav"))
    result = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"assist", b"transcribe", os.fsencode(audio),
         b"--latency-log", os.fsencode(str(tmp_path / "logs")), b"--operator-id", b"\xff\xfe"],
        capture_output=True, text=True, timeout=120)
    assert_one_line_error(result, "--operator-id")


def test_rules_report_on_a_log_that_is_not_utf8(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    log.write_bytes(b'{"type": "feedback", "rule": "r", "card": 1, "action": "up", "at": 1.0}\n'
                    b"\xff\xfe\x00binary\n")
    result = run("rules", "report", str(log))
    stderr = no_traceback(result)
    assert result.returncode in (0, 2), stderr
    if result.returncode == 2:
        assert len(stderr.strip().splitlines()) == 1


def test_report_output_closed_is_quiet(tmp_path: Path) -> None:
    log = tmp_path / "2026-01-01_op-0.jsonl"
    record = {"kind": "utterance", "call": "c", "operator": "op", "model": "m", "speaker": "s",
              "start": 0.0, "end": 1.0, "window_s": 1.0, "latency": 0.5, "ts": 1e9,
              "stages": {"captured": 1.0, "endpointed": 1.1, "asr_start": 1.1, "asr_end": 1.4,
                         "emitted": 1.5, "extracted": 1.5, "matched": 1.5}, "rtf": 0.2}
    log.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, stderr, _ = closed_stdout("report", str(log))
    assert code == 141 and "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    code, stderr, _ = closed_stdout("rules", "report", str(log))
    assert code == 141 and "Traceback" not in stderr, stderr


# -- with the real model ------------------------------------------------------------------

@pytest.mark.model
def test_transcribe_stops_when_its_reader_goes_away(tiny_model: str) -> None:
    """`sufler transcribe X | head -1`: no traceback, and the call stops (the demo is 51 s
    at real-time pace; it ends at the first line instead)."""
    code, stderr, seconds = closed_stdout("transcribe", str(DEMO_AUDIO), "--model", tiny_model,
                                          "--pace", "realtime")
    assert code == 141 and "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert seconds < 40, f"transcribe went on for {seconds:.0f} s after its reader left"


@pytest.mark.model
def test_ctrl_c_in_file_mode_is_130_and_says_where(tiny_model: str) -> None:
    # Ctrl+C as a terminal sends it; the suite itself may run in the background, where the
    # shell starts it with SIGINT ignored and a child would inherit that (and finish at 0)
    process = subprocess.Popen(
        [sys.executable, "-m", "assist", "transcribe", str(DEMO_AUDIO), "--model", tiny_model,
         "--pace", "realtime"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout is not None
    first = process.stdout.readline()  # the call is under way
    process.send_signal(signal.SIGINT)
    rest, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    (line,) = [line for line in stderr.splitlines() if "interrupted" in line]
    assert line.startswith("sufler: interrupted at ") and "utterances written" in line
    utterances = [json.loads(text) for text in [first, *rest.splitlines()]
                  if '"transcript"' in text]
    assert utterances and utterances[-1]["end"] < 45  # stopped before the end of the call
    assert f"{len(utterances)} utterances written" in line


@pytest.mark.model
def test_a_language_the_model_cannot_do(tmp_path: Path, tiny_model: str) -> None:
    result = sufler("transcribe", str(wav(tmp_path / "a.wav")), "--model", tiny_model,
                    "--language", "ru")
    assert_one_line_error(result, "English-only")


@pytest.mark.model
def test_channels_map_and_operator_ids_in_any_script(tmp_path: Path, tiny_model: str) -> None:
    six = write_wav(tmp_path / "six.wav", np.zeros((16000, 6), dtype=np.float32))
    logs = tmp_path / "logs"
    for operator in ("Анна", "Мария"):
        result = sufler("transcribe", str(six), "--channels", "5,0", "--model", tiny_model,
                        "--latency-log", str(logs), "--operator-id", operator)
        assert result.returncode == 0, result.stderr
    names = sorted(path.name for path in logs.iterdir())
    assert len(names) == 2 and names[0].split("_", 1)[1].startswith("anna-"), names
    assert names[1].split("_", 1)[1].startswith("mariya-")
