"""Entities of a whole call: rolling per-speaker context, de-duplication, read-back checks."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from assist.config import ExtractConfig
from assist.events import EntityExtracted, ReadbackChecked, TranscriptUpdated
from assist.extract.phones import DEFAULT_REGIONS
from assist.extract.registry import FindContext, Found, finder, finders

CYRILLIC = re.compile(r"[а-яё]", re.I)


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


@dataclass
class _Said:
    utterance_id: int
    text: str
    offset: int  # position of the text in the speaker's running stream
    end: float


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
        while state.said and (
            len(state.said) > max(0, config.context_utterances - 1)
            or utterance.start - state.said[-1].end > config.context_gap_s
        ):
            state.said.popleft()
        if config.context_utterances <= 0:
            state.said.clear()
        current = _Said(utterance.utterance_id, utterance.text, state.stream, utterance.end)
        state.stream += len(utterance.text) + 1
        context = [*state.said, current]
        state.said.append(current)
        joined = " ".join(item.text for item in context)
        base = context[0].offset
        language = language_of(joined, utterance.language)
        region = config.region_for(language)
        events: list[EntityExtracted | ReadbackChecked] = []
        for found in extract(joined, language, region, config.gazetteer,
                             config.gazetteer_min_score):
            start, end = base + found.start, base + found.end
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
