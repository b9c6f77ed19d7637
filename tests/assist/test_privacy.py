"""Masking: a generated corpus of personal data (phones, cards, passports, SNILS, INN, SSN,
e-mails, addresses; RU and EN; digits and words; cut across two utterances) never reaches a
saved call or a log unmasked; writers refuse what still looks unmasked."""

from __future__ import annotations

import json
import logging
import random
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from assist.calls import MASK, CallRecorder
from assist.config import ExtractConfig
from assist.events import StageTimes, SuggestionShown, TranscriptUpdated
from assist.extract.extractor import CallExtractor
from assist.latency_log import LatencyLog
from assist.privacy import (
    TranscriptMasker,
    mask_log_text,
    mask_text,
    refuse_unmasked,
    unmasked,
)
from tests.helpers.pii_corpus import Sample, generate, luhn_valid, number_secret, split

CORPUS_SIZE = 1200


def said(uid: int, text: str, language: str, start: float) -> TranscriptUpdated:
    end = start + 2.0
    return TranscriptUpdated(uid, "customer", 1, text, start, end, True, language,
                             StageTimes(end, end, end, end, end + 0.4), "silence")


def leaked(original: str, written: str, ranges: list[tuple[int, int]]) -> list[str]:
    """The secret words of `original` that `written` (same length) keeps in clear."""
    assert len(written) == len(original), (original, written)
    return [original[start:end] for start, end in ranges
            if any(original[i].isalnum() and written[i] != MASK for i in range(start, end))]


def record_sample(folder: Path, sample: Sample, rng: random.Random, index: int
                  ) -> tuple[list[tuple[str, str, list[tuple[int, int]]]], Path, Path]:
    """One call: an operator line, then the sample cut in two customer utterances (each
    followed by what the extractor makes of it), into a saved call and a latency log.
    Returns each utterance's original text with its secret ranges, and both files."""
    first, second, second_at = split(sample, rng)
    call = "call-" + "".join(chr(ord("a") + int(digit)) for digit in str(index))
    recorder = CallRecorder(folder / "calls", call)
    latency = LatencyLog(folder / "logs", "Анна", call, "scripted", day=date(2026, 1, 1))
    extractor = CallExtractor(ExtractConfig())
    parts = []
    for uid, (text, offset) in enumerate([(first, 0), (second, second_at)], start=1):
        if not text:
            continue
        ranges = [(max(start - offset, 0), min(end - offset, len(text)))
                  for start, end in sample.secrets if end > offset and start < offset + len(text)]
        parts.append((text, text, ranges))
        event = said(uid, text, sample.lang, uid * 3.0)
        for sink in (recorder, latency):
            sink(event)
        for found in extractor.process(event, event.times.emitted):
            recorder(found)
            latency(found)
    recorder(SuggestionShown(1, "r", "T", "x", "phrase", "c", 50, "customer", sample.text,
                             5.0, 5.5, 0.5, 35.5))
    path = recorder.save()
    latency.close()
    assert path is not None
    return parts, path, latency.path


def test_no_personal_data_reaches_saved_calls_or_logs(tmp_path: Path) -> None:
    rng = random.Random(20260118)
    kinds: Counter[tuple[str, str]] = Counter()
    problems = []
    for index in range(CORPUS_SIZE):
        sample = generate(rng)
        kinds[(sample.kind, sample.lang)] += 1
        parts, saved, log = record_sample(tmp_path / str(index), sample, rng, index)
        records = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
        texts = [record["text"] for record in records if record["type"] == "transcript"]
        assert len(texts) == len(parts)
        for (original, _, ranges), written in zip(parts, texts, strict=True):
            if leaks := leaked(original, written, ranges):
                problems.append(f"{sample.kind}/{sample.lang}: {original!r} -> {written!r} "
                                f"keeps {leaks}")
        for record in records:
            if record["type"] == "entity":
                assert record["raw"] == MASK * 3
            if record["type"] == "suggestion":
                assert not leaked(sample.text, record["evidence"], list(sample.secrets))
        logged = [value for line in log.read_text(encoding="utf-8").splitlines()
                  for value in json.loads(line).values() if isinstance(value, str)]
        whole = saved.read_text(encoding="utf-8") + json.dumps(logged, ensure_ascii=False)
        digits = [word for start, end in sample.secrets
                  for word in sample.text[start:end].split() if word.isdigit() and len(word) > 2]
        assert not [word for word in digits if word in whole], sample
    assert not problems, f"{len(problems)} of {CORPUS_SIZE}:\n" + "\n".join(problems[:20])
    every = {(kind, lang) for kind in ("phone", "card", "passport", "snils", "inn", "ssn",
                                       "email", "address") for lang in ("ru", "en")}
    assert set(kinds) == every, every - set(kinds)  # each kind in each language was tried


def test_the_corpus_holds_what_it_says() -> None:
    rng = random.Random(7)
    cards = [number_secret("card", "en", rng) for _ in range(50)]
    assert all(luhn_valid(card.digits) and len(card.digits) == 16 for card in cards)
    assert any(not any(char.isdigit() for char in card.written) for card in cards)  # in words


@pytest.mark.parametrize("text", [
    "Thank you for calling Northwind delivery, how can I help you?",
    "I would like a refund, please.",
    "I want to cancel my subscription.",
    "Could I speak to a supervisor?",
    "Здравствуйте, я хочу вернуть деньги за заказ.",
    "Спасибо, что обратились в нашу службу, хорошего дня!",
])
def test_plain_speech_is_kept(text: str) -> None:
    assert TranscriptMasker().mask("customer", text) == text


@pytest.mark.parametrize(("text", "hidden"), [
    ("well-maker street apartment for Springfield", ["well-maker", "for", "Springfield"]),
    ("It is on Baker Street in Springfield.", ["Baker", "Springfield"]),
    ("Я живу на улице Ленина в Казани.", ["Ленина", "Казани"]),
    ("My card is four five three two, one one one one, two two two two, three three three "
     "three.", ["four", "three"]),
    ("My SSN is one two three, forty-five, sixty-seven eighty-nine.", ["forty-five", "one"]),
    ("СНИЛС сто двенадцать двести тридцать три четыреста сорок пять девяносто пять",
     ["двенадцать", "девяносто"]),
    ("Паспорт сорок пять ноль восемь, номер один два три четыре пять шесть", ["сорок", "шесть"]),
    ("Write to ivan.petrov@mail.ru, thanks.", ["ivan", "petrov"]),
    ("j o h n dot smith at gmail dot com", ["j", "smith", "gmail"]),
])
def test_what_extraction_may_miss_is_masked_anyway(text: str, hidden: list[str]) -> None:
    masked = mask_text(text, cut=True)
    for word in hidden:
        assert f" {word} " not in f" {masked} ".replace(",", " ").replace(".", " "), masked


def test_a_number_said_across_two_windows_is_masked_in_both() -> None:
    masker = TranscriptMasker()
    first = masker.mask("customer", "Sure, it is four one five, five five five,")
    second = masker.mask("customer", "oh one three two. And I want a refund.")
    assert "four" not in first and "five" not in first
    assert second.startswith("•• ••• ••••• •••.") and second.endswith("I want a refund.")


def test_writers_refuse_what_still_looks_unmasked(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """A masking bug (here: no masking at all) must not put a number on disk."""
    monkeypatch.setattr(TranscriptMasker, "mask", lambda self, speaker, text, language=None:
                        text)
    recorder = CallRecorder(tmp_path, "bug")
    with caplog.at_level(logging.ERROR, logger="assist.privacy"):
        recorder(said(1, "My number is 415 555 0132, thanks.", "en", 0.0))
    path = recorder.save()
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "415" not in text and "thanks" not in text
    assert "refused to write unmasked personal data (number, phone)" in caplog.text
    assert refuse_unmasked("order ••••• please", "x") == "order ••••• please"
    assert unmasked("write to a@b.ru") and not unmasked("write to •@•.••")


def test_unmasked_only_when_configured(tmp_path: Path) -> None:
    recorder = CallRecorder(tmp_path, "clear", mask_pii=False)
    recorder(said(1, "My number is 415 555 0132.", "en", 0.0))
    path = recorder.save()
    assert path is not None and "415 555 0132" in path.read_text(encoding="utf-8")


def test_latency_log_masks_free_text_fields(tmp_path: Path) -> None:
    """The latency log has no free text today; a field that held some would be masked."""
    log = LatencyLog(tmp_path, "op", "c1", "m")
    log._write({"kind": "card", "rule": "r1", "operator": "op 7", "note": "call 4155550132"})
    log.close()
    record = json.loads(log.path.read_text(encoding="utf-8"))
    assert record["note"] == "call ••••••••••" and record["operator"] == "op 7"
    clear = LatencyLog(tmp_path, "op2", "c2", "m", mask_pii=False)
    clear._write({"kind": "card", "note": "call 4155550132"})
    clear.close()
    assert "4155550132" in clear.path.read_text(encoding="utf-8")


def test_log_messages_keep_times_and_lose_numbers_and_addresses() -> None:
    message = "call c1: 12 utterances in 35.2 s; customer said 415-555-0132 and ivan@mail.ru"
    masked = mask_log_text(message)
    assert "12 utterances in 35.2 s" in masked
    assert "0132" not in masked and "ivan" not in masked
