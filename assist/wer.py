"""Word error rate with one text normalisation for references and hypotheses alike."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

_LABEL = re.compile(r"\b(?:LEFT|RIGHT):")
_NON_WORD = re.compile(r"[^\w']+")


def normalise_words(text: str) -> list[str]:
    """Lowercase words without punctuation; ё→е; curly apostrophes straightened."""
    text = _LABEL.sub(" ", text).lower().replace("ё", "е").replace("’", "'")
    words = _NON_WORD.sub(" ", text).split()
    return [word.strip("'") for word in words if word.strip("'")]


@dataclass(frozen=True)
class WerCount:
    edits: int
    words: int

    @property
    def wer(self) -> float:
        return self.edits / self.words if self.words else 0.0

    def __add__(self, other: WerCount) -> WerCount:
        return WerCount(self.edits + other.edits, self.words + other.words)


def word_errors(reference: str, hypothesis: str) -> WerCount:
    """Substitutions + deletions + insertions against the reference's word count."""
    ref = normalise_words(reference)
    hyp = normalise_words(hypothesis)
    return WerCount(int(Levenshtein.distance(ref, hyp)), len(ref))
