"""Hallucination guards: reject or clean recognised text before anyone sees it."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from assist.config import GuardConfig

# Known Whisper phantoms: subtitle credits and video outros it invents on silence or noise.
PHANTOMS: tuple[str, ...] = (
    "продолжение следует",
    "субтитры сделал",
    "субтитры делал",
    "субтитры создавал",
    "субтитры подогнал",
    "субтитры подготовил",
    "редактор субтитров",
    "корректор а егорова",
    "а семкин",
    "семкин корректор",
    "а егорова",
    "dimatorzok",
    "диматорзок",
    "спасибо за просмотр",
    "подписывайтесь на канал",
    "ставьте лайки",
    "thanks for watching",
    "thank you for watching",
    "thank you so much for watching",
    "please subscribe",
    "like and subscribe",
    "subscribe to my channel",
    "don't forget to subscribe",
    "see you in the next video",
    "subtitles by",
    "captions by",
    "transcribed by",
    "amara org",
)

# Digits dictated one by one repeat legitimately: "five five five five".
_EN_DIGITS = "zero oh o one two three four five six seven eight nine double triple"
_RU_DIGITS = "ноль нуль один одна два две три четыре пять шесть семь восемь девять"
NUMBER_WORDS = frozenset(f"{_EN_DIGITS} {_RU_DIGITS}".split())
PHANTOM_REMAINDER_WORDS = 4  # fewer words left around a phantom: the whole window is one

# a sentence ends at its mark followed by a space: "mary.jones@mail.ru" and "3.5" are one
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_NON_WORD = re.compile(r"[^\w\s']+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Verdict:
    """`reason` is None when the text passes; `text` is the cleaned text."""

    text: str
    reason: str | None


def normalise(text: str) -> str:
    """Lowercase, ё→е, punctuation to spaces: the form phantoms are matched in."""
    lowered = text.lower().replace("ё", "е").replace("’", "'")
    return _SPACES.sub(" ", _NON_WORD.sub(" ", lowered)).strip()


def strip_phantoms(text: str, extra: tuple[str, ...] = ()) -> str:
    """Drop every sentence that contains a known phantom phrase; text without one is returned
    as it was (a window's dots, in an e-mail address or a decimal, are not sentence ends)."""
    phantoms = PHANTOMS + tuple(normalise(p) for p in extra)
    whole = normalise(text)
    if not any(p in whole for p in phantoms):
        return text.strip()
    kept = []
    found = False
    for sentence in _SENTENCE_END.split(text):
        norm = normalise(sentence)
        if any(p in norm for p in phantoms):
            found = True
        elif norm:
            kept.append(sentence.strip())
    remainder = " ".join(kept)
    if found and len(normalise(remainder).split()) < PHANTOM_REMAINDER_WORDS:
        return ""  # credits split at initials ("А. Семкин") leave only name fragments
    return remainder


def collapse_repeats(words: list[str], limit: int) -> tuple[list[str], int]:
    """Collapse any n-gram (n ≤ 6) repeated `limit`+ times in a row to one copy.

    Returns the words and how many were removed. Single numbers are exempt: people dictate
    "five five five five".
    """
    removed = 0
    norm = [normalise(w) for w in words]
    for size in range(1, 7):
        position = 0
        while position + size * limit <= len(words):
            gram = norm[position : position + size]
            if size == 1 and (not gram[0] or gram[0].isdigit() or gram[0] in NUMBER_WORDS):
                position += 1
                continue
            reps = 1
            while norm[position + reps * size : position + (reps + 1) * size] == gram:
                reps += 1
            if reps >= limit:
                cut_from = position + size
                cut_to = position + reps * size
                del words[cut_from:cut_to]
                del norm[cut_from:cut_to]
                removed += cut_to - cut_from
            position += 1
    return words, removed


def judge(
    text: str,
    avg_logprob: float | None,
    no_speech_prob: float | None,
    compression_ratio: float | None,
    config: GuardConfig,
) -> Verdict:
    """Apply every guard; the first that fails names the reason. A confidence the backend
    did not report skips the guards that need it; the text guards always run."""
    if not normalise(text):
        return Verdict("", "empty")
    if (no_speech_prob is not None and avg_logprob is not None
            and no_speech_prob > config.no_speech_prob
            and avg_logprob < config.logprob_with_no_speech):
        return Verdict("", "no_speech")
    if avg_logprob is not None and avg_logprob < config.min_logprob:
        return Verdict("", "low_confidence")
    if compression_ratio is None and text:
        compression_ratio = text_compression_ratio(text)
    if compression_ratio is not None and compression_ratio > config.compression_ratio:
        return Verdict("", "compression_ratio")
    cleaned = strip_phantoms(text, config.extra_blocklist)
    if not normalise(cleaned):
        return Verdict("", "phantom")
    words = cleaned.split()
    collapsed, removed = collapse_repeats(words, config.repeat_limit)
    if removed and removed >= 0.5 * (len(collapsed) + removed):
        return Verdict("", "repetition")
    return Verdict(" ".join(collapsed), None)


def text_compression_ratio(text: str) -> float:
    """zlib compression ratio of the text, as Whisper computes it (repetitive text compresses
    well): for backends that do not report it."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data))
