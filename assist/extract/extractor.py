"""Entities of a whole call: per-speaker context of the windows that continue one dictation,
de-duplication, read-back checks.

A speaker's earlier windows are read with the new one only while each goes on with what the
one before it was saying: cut mid-sentence, or the new window opens with digits, a number
word, «плюс», a connector or a correction. So a number dictated over several windows is found
once, whole (its «плюс» four windows back included), while a finished entity, or an apartment
number said before a phone, does not leak into the next one.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from assist.config import ExtractConfig
from assist.events import EntityExtracted, ReadbackChecked, TranscriptUpdated
from assist.extract.phones import DEFAULT_REGIONS
from assist.extract.registry import FindContext, Found, finder, finders
from assist.extract.tokens import (
    BUT,
    CONNECTOR,
    CUE,
    DIGITS,
    FILLER,
    LETTERS,
    NOT,
    NUMBER,
    PAUSE,
    PLUS,
    SEP,
    lex,
)

CYRILLIC = re.compile(r"[а-яё]", re.I)
MAX_DICTATION_WINDOWS = 8  # windows one dictation may span («Плюс семь.» «Девятьсот …» …)
GOES_ON = frozenset({DIGITS, NUMBER, LETTERS, PLUS, CONNECTOR, CUE, NOT, BUT})


def language_of(text: str, language: str | None) -> str:
    """`language` when it is one the extractor reads (ru, en), else guessed from the script."""
    if language in ("ru", "en"):
        return language
    return "ru" if CYRILLIC.search(text) else "en"


def extract(
    text: str,
    language: str | None = None,
    region: str | None = None,
    gazetteer: tuple[str, ...] = (),
    gazetteer_min_score: float = 85.0,
) -> list[Found]:
    """Every registered kind's entities in `text`, in the order they were said. Pure; never
    raises on text."""
    language = language_of(text, language)
    context = FindContext(language, region or DEFAULT_REGIONS[language], gazetteer,
                          gazetteer_min_score)
    found = [item for kind in finders() for item in kind.find(text, context)]
    found.sort(key=lambda item: item.start)  # stable: registration order breaks ties
    return found



def ends_entity(find: Callable[[str], list[Found]], previous: str, text: str) -> bool:
    """Whether `text`, read after `previous` (the speaker's last windows), makes an entity
    that ends in it: a number begun in earlier windows and finished in this one counts."""
    joined = f"{previous} {text}".strip()
    start = len(joined) - len(text)
    return any(item.end > start for item in find(joined))


def extract_with(config: ExtractConfig, text: str, language: str | None) -> list[Found]:
    """`extract` with the settings' region for the text's language and their gazetteer."""
    language = language_of(text, language)
    return extract(text, language, config.region_for(language), config.gazetteer,
                   config.gazetteer_min_score)

@dataclass
class _Said:
    utterance_id: int
    text: str
    offset: int  # position of the text in the speaker's running stream
    end: float
    completed: bool = False  # an entity read with its context ended where this window ended


@dataclass
class _Emitted:
    event: EntityExtracted
    stream_start: int
    stream_end: int
    spoken_end: float


@dataclass
class _Speaker:
    said: deque[_Said] = field(default_factory=deque)
    stream: int = 0
    emitted: list[_Emitted] = field(default_factory=list)


class CallExtractor:
    """Runs the extractor on each final utterance of a call and keeps what it reported."""

    def __init__(self, config: ExtractConfig | None = None) -> None:
        self.config = config or ExtractConfig()
        self._speakers: dict[str, _Speaker] = {}
        self._next_id = 0
        self._values: dict[tuple[str, str], _Emitted] = {}  # (kind, value) → first report

    def process(
        self, utterance: TranscriptUpdated, at: float
    ) -> list[EntityExtracted | ReadbackChecked]:
        config = self.config
        state = self._speakers.setdefault(utterance.speaker, _Speaker())
        if state.said and utterance.start - state.said[-1].end > config.context_gap_s:
            state.said.clear()
        while len(state.said) >= MAX_DICTATION_WINDOWS:
            state.said.popleft()
        if config.context_utterances <= 0:
            state.said.clear()
        current = _Said(utterance.utterance_id, utterance.text, state.stream, utterance.end)
        state.stream += len(utterance.text) + 1
        context = [current]
        for earlier in reversed(state.said):
            if len(context) >= max(config.context_utterances, 1) and \
                    not _dictates(context[0].text):
                break  # past the usual context only a dictation goes on
            if not continues(earlier.text, context[0].text, utterance.language,
                             earlier.completed):
                break
            context.insert(0, earlier)
        state.said.append(current)
        joined = " ".join(item.text for item in context)
        base = context[0].offset
        events: list[EntityExtracted | ReadbackChecked] = []
        said_end = len(joined.rstrip()) - 1
        for found in extract_with(config, joined, utterance.language):
            start, end = base + found.start, base + found.end
            current.completed = current.completed or found.end >= said_end
            if end <= current.offset and not found.corrected:
                continue  # said and reported before; nothing new about it
            events += self._report(state, utterance, found, start, end, current, at)
        return events

    def _report(
        self,
        state: _Speaker,
        utterance: TranscriptUpdated,
        found: Found,
        start: int,
        end: int,
        current: _Said,
        at: float,
    ) -> list[EntityExtracted | ReadbackChecked]:
        overlapping = [item for item in state.emitted
                       if item.event.kind == found.kind and item.stream_start < end
                       and start < item.stream_end]
        if any(item.event.value == found.value for item in overlapping):
            return []
        events: list[EntityExtracted | ReadbackChecked] = []
        previous = self._values.get((found.kind, found.value))
        if previous is None or overlapping:
            self._next_id += 1
            event = EntityExtracted(
                entity_id=self._next_id,
                kind=found.kind,
                raw=found.raw,
                value=found.value,
                speaker=utterance.speaker,
                utterance_id=utterance.utterance_id,
                span=(start - current.offset, end - current.offset),
                start=utterance.start,
                end=utterance.end,
                at=at,
                corrected=found.corrected,
                uncertain=found.uncertain,
                supersedes=overlapping[-1].event.entity_id if overlapping else None,
            )
            record = _Emitted(event, start, end, utterance.end)
            for item in overlapping:
                state.emitted.remove(item)
            state.emitted.append(record)
            self._values.setdefault((found.kind, found.value), record)
            events.append(event)
            repeated_id = event.entity_id
        else:
            repeated_id = previous.event.entity_id
        check = self._readback(utterance, found, repeated_id, at)
        if check is not None:
            events.append(check)
        return events

    def new_id(self) -> int:
        """A fresh entity id (a card a later stage confirms or corrects gets one)."""
        self._next_id += 1
        return self._next_id

    def _readback(
        self, utterance: TranscriptUpdated, found: Found, repeated_id: int, at: float
    ) -> ReadbackChecked | None:
        """Compare with the latest entity of the same kind the other speaker gave."""
        latest: _Emitted | None = None
        for speaker, state in self._speakers.items():
            if speaker == utterance.speaker:
                continue
            for item in state.emitted:
                if item.event.kind != found.kind:
                    continue
                if utterance.start - item.spoken_end > self.config.readback_window_s:
                    continue
                if latest is None or item.spoken_end > latest.spoken_end:
                    latest = item
        if latest is None:
            return None
        given = latest.event
        verdict = finder(found.kind).compare(given.value, found.value)
        if verdict is None:
            return None
        matched, differences = verdict
        return ReadbackChecked(
            kind=found.kind,
            matched=matched,
            differences=differences,
            given=given.value,
            given_by=given.speaker,
            given_entity=given.entity_id,
            repeated=found.value,
            repeated_by=utterance.speaker,
            repeated_entity=repeated_id,
            at=at,
        )


def _first_said(text: str) -> str | None:
    """The role of the first thing said in `text`, fillers and pauses left out."""
    for lexeme in lex(text[:200]):
        if lexeme.role not in (FILLER, SEP, PAUSE):
            return lexeme.role
    return None


def _dictates(text: str) -> bool:
    return _first_said(text) in GOES_ON


def continues(previous: str, current: str, language: str | None = None,
              completed: bool = False) -> bool:
    """Whether `current` goes on with what `previous` was saying: cut mid-sentence, or opening
    with a number, «плюс», a connector or a correction — unless `previous` ended with an
    entity of its own and `current` turns to something else. `completed`: `previous`, read
    with the windows before it, ended an entity («… 09 90» closing a phone dictated over
    three windows), so its digits are no house number of an address in `current`."""
    said = previous.rstrip()
    if not said:
        return False
    opening = _first_said(current)
    if opening is None:
        return False
    if opening in GOES_ON:
        return True
    if said[-1] in ".!?…":
        return False
    if said[-1] in ",;:-—":  # "6310 Cedar Hollow Road," | "apartment 12, Austin …"
        return True
    if completed:
        return False
    ended = [item for item in extract(previous, language) if item.end >= len(said) - 1]
    return not ended
