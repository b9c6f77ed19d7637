"""Saved calls: masked by default, readable by the back-test, removed after retention."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import pytest

from assist.calls import CallRecorder, delete_calls, purge_calls, saved_calls
from assist.config import ExtractConfig, RulesConfig
from assist.events import EntityExtracted, StageTimes, SuggestionShown, TranscriptUpdated
from assist.extract.extractor import CallExtractor
from assist.rules.backtest import backtest, load_call
from assist.rules.loader import Rule


def utterance(uid: int, speaker: str, text: str, start: float) -> TranscriptUpdated:
    end = start + 2.0
    return TranscriptUpdated(uid, speaker, 0 if speaker == "operator" else 1, text, start, end,
                             True, "en", StageTimes(end, end, end, end, end + 0.5), "silence",
                             -0.2, 0.01)


def record_call(recorder: CallRecorder, lines: list[tuple[str, str]]) -> list[object]:
    extractor = CallExtractor(ExtractConfig())
    events: list[object] = []
    for uid, (speaker, text) in enumerate(lines, start=1):
        said = utterance(uid, speaker, text, uid * 3.0)
        recorder(said)
        for event in extractor.process(said, said.times.emitted):
            recorder(event)
            events.append(event)
    return events


CALL = [
    ("operator", "Could you give me a phone number where we can reach you?"),
    ("customer", "Sure, it is four one five, five five five,"),
    ("customer", "zero one three two. And I want a refund."),
    ("customer", "I live at 12 Baker Street, apartment 4, Springfield."),
]


def test_saved_calls_mask_numbers_said_across_windows_and_addresses(tmp_path: Path) -> None:
    recorder = CallRecorder(tmp_path, "c1")
    found = record_call(recorder, CALL)
    kinds = sorted(e.kind for e in found if isinstance(e, EntityExtracted))
    assert kinds == ["address", "phone"]
    path = recorder.save()
    assert path is not None and path.parent == tmp_path
    text = path.read_text(encoding="utf-8")
    records = [json.loads(line) for line in text.splitlines()]
    said = [r["text"] for r in records if r["type"] == "transcript"]
    for secret in ("four one five", "five five five", "zero one three", "Baker", "12"):
        assert all(secret not in line for line in said), secret
    assert "4155550132" not in text and "Baker" not in text
    assert said[0] == CALL[0][1]  # nothing to hide there
    assert "refund" in said[2] and "Sure, it is" in said[1]
    phone = next(r for r in records if r["type"] == "entity" and r["kind"] == "phone")
    assert phone["value"] == "•" * 9 + "32"
    # the back-test reads a saved call as it is
    rule = Rule(id="refund", title="Refund", text="Offer redelivery", phrases=("refund",),
                speaker="customer")
    result = backtest([load_call(path)], (rule,), RulesConfig())
    assert result.stats["refund"].shown == 1


def test_unmasked_when_configured(tmp_path: Path) -> None:
    recorder = CallRecorder(tmp_path, "c2", mask_pii=False)
    record_call(recorder, CALL)
    path = recorder.save()
    assert path is not None and "Baker Street" in path.read_text(encoding="utf-8")


def test_card_evidence_digits_are_masked(tmp_path: Path) -> None:
    recorder = CallRecorder(tmp_path, "c3")
    record_call(recorder, CALL[:1])
    recorder(SuggestionShown(1, "r", "T", "x", "phrase", "c", 50, "customer", "order 12345",
                             2.0, 2.5, 0.5, 32.5))
    records = recorder.records()
    assert records[-1]["evidence"] == "order •••••"


def test_nothing_said_saves_nothing_and_retention_removes_old_calls(tmp_path: Path) -> None:
    assert CallRecorder(tmp_path, "empty").save() is None
    paths = []
    for name in ("old", "new"):
        recorder = CallRecorder(tmp_path, name)
        record_call(recorder, CALL[:1])
        paths.append(recorder.save())
    old, new = paths
    assert old is not None and new is not None
    forty_days_ago = time.time() - 40 * 86400
    os.utime(old, (forty_days_ago, forty_days_ago))
    assert [info.path for info in saved_calls(tmp_path)] == [new, old]
    assert purge_calls(tmp_path, 30) == 1
    assert [info.path for info in saved_calls(tmp_path)] == [new]
    assert delete_calls(tmp_path) == 1 and saved_calls(tmp_path) == []


def test_readback_differences_keep_which_part_differed_but_no_value() -> None:
    from assist.calls import masked_difference

    assert masked_difference("street: ленина given, ленинская repeated") == (
        "street: ••• given, ••• repeated")
    assert masked_difference("digit 11: 2 given, 3 repeated") == "digit 11: ••• given, ••• repeated"
    assert masked_difference("11 digits given, 12 repeated") == "•• digits given, •• repeated"


def test_each_record_is_on_disk_as_it_comes_private_and_masked(tmp_path: Path) -> None:
    """Crash-safe: nothing waits for the call's end (a killed app keeps the call so far)."""
    folder = tmp_path / "calls"
    recorder = CallRecorder(folder, "live")
    record_call(recorder, CALL[:1])
    assert recorder.path.is_file()
    assert oct(recorder.path.stat().st_mode & 0o777) == "0o600"
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    record_call(recorder, CALL[1:3])  # the phone, across two windows
    lines = recorder.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(recorder.records())  # each record written, none held back
    said = [json.loads(line)["text"] for line in lines if '"transcript"' in line]
    assert len(said) == 3 and "four" not in said[1] and "zero" not in said[2]


def test_a_torn_last_line_is_skipped_by_the_back_test(tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    recorder = CallRecorder(tmp_path, "torn")
    record_call(recorder, CALL)
    path = recorder.save()
    assert path is not None
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"type": "transcript", "speaker": "cust')
    with caplog.at_level(logging.WARNING, logger="assist.rules.backtest"):
        call = load_call(path)
    assert len(call.transcripts) == len(CALL) and "torn last line" in caplog.text
    last = whole[:-1].rsplit(b"\n", 1)[0] + b"\n"  # all but the last record
    path.write_bytes(last + '{"type": "transcript", "text": "ё'.encode()[:-1])  # torn in a
    caplog.clear()  # UTF-8 character
    with caplog.at_level(logging.WARNING, logger="assist.rules.backtest"):
        assert load_call(path).transcripts == call.transcripts
    assert "torn last line" in caplog.text
