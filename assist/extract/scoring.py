"""Scoring of extraction against gold cases, by the rules of the shared dev set's README."""

from __future__ import annotations

from dataclasses import dataclass

ADDRESS_MATCH_RATIO = 0.8


def locate(text: str, span: str) -> tuple[int, int] | None:
    """First exact occurrence of `span`, else a case-insensitive one."""
    index = text.find(span)
    if index < 0:
        index = text.lower().find(span.lower())
    return None if index < 0 else (index, index + len(span))


def address_ratio(text: str, predicted: tuple[int, int], gold: tuple[int, int]) -> float:
    """Overlap / union of two ranges, counting only letters and digits."""

    def alnum(begin: int, end: int) -> int:
        return sum(char.isalnum() for char in text[begin:end])

    low, high = max(predicted[0], gold[0]), min(predicted[1], gold[1])
    inter = alnum(low, high) if low < high else 0
    union = alnum(*predicted) + alnum(*gold) - inter
    return inter / union if union else 0.0


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 1.0


def score_phones(predicted: list[str], gold: list[str]) -> Counts:
    found, wanted = set(predicted), set(gold)
    return Counts(len(found & wanted), len(found - wanted), len(wanted - found))


def score_addresses(text: str, predicted: list[str], gold: list[str]) -> Counts:
    """One-to-one greedy matching, highest ratio first, at ratio ≥ 0.8."""
    spans = [locate(text, span) for span in predicted]
    golds = [locate(text, span) for span in gold]
    pairs = sorted(
        ((address_ratio(text, p, g), i, j)
         for i, p in enumerate(spans) if p is not None
         for j, g in enumerate(golds) if g is not None),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    for ratio, i, j in pairs:
        if ratio < ADDRESS_MATCH_RATIO:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
    matched = len(used_p)
    return Counts(matched, len(predicted) - matched, len(gold) - matched)
