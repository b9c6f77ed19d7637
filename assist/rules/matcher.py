"""Fuzzy phrase matching for rules: stemmed words, rapidfuzz similarity, one index for all rules.

A phrase matches an utterance when every one of its words has a counterpart among nearby
words of the utterance (in any order: Russian word order is free) that is at least
`threshold` similar. Words are compared by their Snowball stems, so «вернуть деньги» finds
«верните мне деньги»; in Russian a stem that is (nearly) a prefix of the other («верн» /
«вернут») counts as an inflection the stemmer missed; anything else is scored by rapidfuzz's
ratio, which absorbs small recognition errors («возрат» for «возврат»). One vocabulary of
stems serves every rule, so an utterance is compared with each distinct rule word once,
however many rules use it.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import snowballstemmer  # type: ignore[import-untyped]
from rapidfuzz import fuzz, process

_WORD = re.compile(r"[0-9a-zа-я]+")
_CYRILLIC = re.compile(r"[а-я]")
_STEMMERS = {"ru": snowballstemmer.stemmer("russian"), "en": snowballstemmer.stemmer("english")}

# Function words carry no trigger meaning and vary freely («позовите вашего руководителя»,
# "speak to your manager"); they are skipped in phrases and utterances alike. Negations stay.
_STOP_TEXT = """
а бы в вам вас ваш ваша вашего вашей вашу ваши во вот вы да же за и из к как ко ли мне меня
мой моего моя мою мои мы на нам нас ну о об он она они оно от по пожалуйста с со так там то
тут у уж уже чтобы это этот эта эту этого я ты тебе тебя
a an the to of for my your i me we you it its is are am be please this that in on at with
would could can like just some our us will shall so and or
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

MAX_GAP = 2  # words of the utterance allowed between a phrase's words
SHORT = 3  # stems this short must match exactly: a fuzzy score says little about them
PREFIX_SCORE = 95.0  # one stem a prefix of the other: an inflection the stemmer left apart
FUZZY_FLOOR = 60.0  # scores below this are never a match, whatever the rule's threshold
_MAX_COMBINATIONS = 256


def words(text: str) -> list[str]:
    """Lower-case words of `text`, with ё folded to е and punctuation dropped."""
    return _WORD.findall(text.lower().replace("ё", "е"))


def phrase_words(text: str) -> list[str]:
    """The words of a phrase that must be said: its content words when it has two or more,
    else every word («меня зовут», "my name is", "hold on" keep their function words)."""
    every = words(text)
    content = [word for word in every if word not in STOP_WORDS]
    return content if len(content) >= 2 else every


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word, Russian or English by its script."""
    if word.isdigit():
        return word
    language = "ru" if _CYRILLIC.search(word) else "en"
    stemmed: str = _STEMMERS[language].stemWord(word)
    return stemmed or word


def similarity(a: str, b: str) -> float:
    """How alike two stems are, 0-100 (see the module docstring)."""
    if a == b:
        return 100.0
    shorter = min(len(a), len(b))
    if shorter <= SHORT:
        return 0.0
    if _CYRILLIC.match(a) and _CYRILLIC.match(b):
        # Russian inflection outruns the stemmer («верн»/«вернут», «вернул»/«вернут»);
        # English stems are regular enough that a prefix is usually another word
        # ("count"/"country"), so there only the fuzzy score counts.
        common = len(_common_prefix(a, b))
        longer = max(len(a), len(b))
        if (common == shorter and longer - shorter <= 2) or (
                shorter >= 6 and common >= shorter - 1 and longer - shorter <= 1):
            return PREFIX_SCORE
    return float(fuzz.ratio(a, b))


def _common_prefix(a: str, b: str) -> str:
    for index, (left, right) in enumerate(zip(a, b, strict=False)):
        if left != right:
            return a[:index]
    return a[: min(len(a), len(b))]


@dataclass(frozen=True)
class PhraseHit:
    """The best match of a group of phrases in one utterance."""

    score: float  # the weakest word's similarity: every word is at least this alike
    phrase: str  # the phrase as the rule wrote it
    first: int  # word positions in the utterance, inclusive
    last: int


@dataclass(frozen=True)
class _Phrase:
    group: int
    text: str
    stems: tuple[int, ...]  # vocabulary ids


class PhraseIndex:
    """Groups of phrases (a rule's triggers, its negatives, a checklist item ...) matched at once.

    `match` returns, for every group with at least one phrase matching at `floor` or better,
    its best hit; callers compare the score with their own threshold.
    """

    def __init__(self, groups: Sequence[Sequence[str]], floor: float = FUZZY_FLOOR) -> None:
        self.floor = max(floor, FUZZY_FLOOR)
        self._vocabulary: list[str] = []
        ids: dict[str, int] = {}
        self._phrases: list[_Phrase] = []
        for group, phrases in enumerate(groups):
            for text in phrases:
                stems = []
                for word in phrase_words(text):
                    token = stem(word)
                    if token not in ids:
                        ids[token] = len(self._vocabulary)
                        self._vocabulary.append(token)
                    stems.append(ids[token])
                if stems:
                    self._phrases.append(_Phrase(group, text, tuple(stems)))
        self._ids = ids
        # vocabulary id -> (phrase number, word position in the phrase)
        self._uses: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for number, phrase in enumerate(self._phrases):
            for position, ident in enumerate(phrase.stems):
                self._uses[ident].append((number, position))
        self._by_prefix: dict[str, list[int]] = defaultdict(list)
        for token, ident in ids.items():
            if len(token) > SHORT:
                self._by_prefix[token[: SHORT + 1]].append(ident)
        self._long = [ident for token, ident in ids.items() if len(token) > SHORT]
        self._long_stems = [self._vocabulary[ident] for ident in self._long]

    def __len__(self) -> int:
        return len(self._phrases)

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocabulary)

    def match(self, text: str) -> dict[int, PhraseHit]:
        every = words(text)
        if not every or not self._phrases:
            return {}
        said = [stem(word) for word in every]
        # content[i]: content words among the first i words; gaps count only content words
        content = [0]
        for word in every:
            content.append(content[-1] + (word not in STOP_WORDS))
        # vocabulary id -> [(word position, score)]
        found: dict[int, list[tuple[int, float]]] = defaultdict(list)
        positions = _positions(said)
        fuzzy = self._fuzzy([token for token in positions if len(token) > SHORT])
        for token, where in positions.items():
            for ident, score in self._similar(token, fuzzy.get(token, {})).items():
                for position in where:
                    found[ident].append((position, score))
        # phrase number -> per phrase word, its candidate positions
        candidates: dict[int, list[list[tuple[int, float]]]] = {}
        for ident, hits in found.items():
            for number, position in self._uses.get(ident, ()):
                slots = candidates.get(number)
                if slots is None:
                    slots = candidates[number] = [[] for _ in self._phrases[number].stems]
                slots[position].extend(hits)
        best: dict[int, PhraseHit] = {}
        for number, slots in candidates.items():
            if any(not slot for slot in slots):
                continue
            placed = _place(slots, content)
            if placed is None:
                continue
            score, first, last = placed
            phrase = self._phrases[number]
            current = best.get(phrase.group)
            if current is None or score > current.score:
                best[phrase.group] = PhraseHit(score, phrase.text, first, last)
        return best

    def _fuzzy(self, tokens: list[str]) -> dict[str, dict[int, float]]:
        """rapidfuzz ratios of the utterance's longer stems against the vocabulary, at once."""
        if not tokens or not self._long_stems:
            return {}
        matrix = process.cdist(tokens, self._long_stems, scorer=fuzz.ratio,
                               score_cutoff=self.floor, dtype=np.uint8)
        rows, columns = np.nonzero(matrix)
        scores: dict[str, dict[int, float]] = {}
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            scores.setdefault(tokens[row], {})[self._long[column]] = float(matrix[row, column])
        return scores

    def _similar(self, token: str, fuzzy: dict[int, float]) -> dict[int, float]:
        """Vocabulary ids at least `floor` alike to one stem of the utterance."""
        scores: dict[int, float] = {}
        exact = self._ids.get(token)
        if exact is not None:
            scores[exact] = 100.0
        if len(token) <= SHORT:
            return scores
        for ident in self._by_prefix.get(token[: SHORT + 1], ()):
            if ident != exact:
                score = similarity(token, self._vocabulary[ident])
                if score >= self.floor:
                    scores[ident] = score
        for ident, score in fuzzy.items():
            scores.setdefault(ident, score)
        return scores


def _positions(said: list[str]) -> dict[str, list[int]]:
    positions: dict[str, list[int]] = defaultdict(list)
    for index, token in enumerate(said):
        positions[token].append(index)
    return positions


def _place(slots: list[list[tuple[int, float]]], content: list[int]
           ) -> tuple[float, int, int] | None:
    """Distinct utterance positions for every phrase word within a short span, best first.

    Returns (weakest score, first position, last position), or None when the words lie too
    far apart: the span may hold MAX_GAP foreign content words per gap between the phrase's
    words (function words in between are free). `content` counts content words by prefix.
    """
    foreign_limit = MAX_GAP * (len(slots) - 1)
    if len(slots) == 1:
        position, score = max(slots[0], key=lambda hit: hit[1])
        return score, position, position
    # strongest candidates first, so a capped search still finds the good placements
    ordered = [sorted(slot, key=lambda hit: -hit[1])[:6] for slot in slots]
    best: tuple[float, int, int] | None = None
    for count, combination in enumerate(itertools.product(*ordered)):
        if count >= _MAX_COMBINATIONS:
            break
        positions = [position for position, _ in combination]
        if len(set(positions)) != len(positions):
            continue
        first, last = min(positions), max(positions)
        own = sum(content[position + 1] - content[position] for position in positions)
        if content[last + 1] - content[first] - own > foreign_limit:
            continue
        score = min(score for _, score in combination)
        tighter = best is not None and score == best[0] and last - first < best[2] - best[1]
        if best is None or score > best[0] or tighter:
            best = (score, first, last)
    return best


_WRITTEN_WORD = re.compile(r"[0-9a-zA-Zа-яА-ЯёЁ]+")


@lru_cache(maxsize=256)
def _word_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(match.span() for match in _WRITTEN_WORD.finditer(text))


def span_text(text: str, first: int, last: int) -> str:
    """The words `first`..`last` of `text` as `words` counts them, as they were written."""
    spans = _word_spans(text)
    if not spans or first >= len(spans):
        return ""
    last = min(last, len(spans) - 1)
    return text[spans[first][0]: spans[last][1]]
