"""Entities of a whole call: rolling per-speaker context, de-duplication, read-back checks."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from assist.config import ExtractConfig
from assist.events import EntityExtracted, EntityKind, ReadbackChecked, TranscriptUpdated
from assist.extract.addresses import EN_SUFFIX, RU_STREET_TYPE, find_addresses
from assist.extract.numbers import spoken_to_digits
from assist.extract.phones import DEFAULT_REGIONS, find_phones

CYRILLIC = re.compile(r"[а-яё]", re.I)


@dataclass(frozen=True)
class Found:
    """One entity in one text: where it was said and its normalised value."""

    kind: EntityKind
    start: int
    end: int
    raw: str
    value: str
    corrected: bool = False


def language_of(text: str, lang: str | None) -> str:
    if lang in ("ru", "en"):
        return lang
    return "ru" if CYRILLIC.search(text) else "en"


def extract(
    text: str,
    lang: str | None = None,
    region: str | None = None,
    gazetteer: tuple[str, ...] = (),
    gazetteer_min_score: float = 85.0,
) -> list[Found]:
    """Phones and addresses in `text`, in the order they were said. Pure; never raises on text."""
    lang = language_of(text, lang)
    found = [
        Found("phone", phone.start, phone.end, phone.raw, phone.e164, phone.corrected)
        for phone in find_phones(text, lang, region or DEFAULT_REGIONS[lang])
    ]
    for address in find_addresses(text):
        value = normalise_address(address.raw, gazetteer, gazetteer_min_score)
        found.append(Found("address", address.start, address.end, address.raw, value))
    found.sort(key=lambda item: item.start)
    return found


def normalise_address(raw: str, gazetteer: tuple[str, ...] = (), min_score: float = 85.0) -> str:
    """Number words as digits, spacing tidied, a misheard street name corrected by the gazetteer."""
    value = re.sub(r"\s+", " ", spoken_to_digits(raw)).strip()
    if not gazetteer:
        return value
    name = street_name(value)
    if not name:
        return value
    best = process.extractOne(name, gazetteer, scorer=fuzz.WRatio, processor=utils.default_process,
                              score_cutoff=min_score)
    if best is None or best[0] == name:
        return value
    return value.replace(name, str(best[0]), 1)


TYPE_WORDS = re.compile(rf"(?:{RU_STREET_TYPE}|{EN_SUFFIX})")
STREET_PART = re.compile(
    rf"((?:[\w'-]+\.?\s+){{0,3}}?){TYPE_WORDS.pattern}((?:\s+[\w'«»\"-]+\.?){{0,3}})", re.I)


def street_name(address: str) -> str:
    """The name of the street in an address ('Профсоюзная' in 'ул. Профсоюзная, д. 43')."""
    for part in address.split(","):
        match = STREET_PART.search(part)
        if match:
            words = (match.group(1) + " " + match.group(2)).split()
            name = [word for word in words if not re.match(r"^[\d#№]", word)
                    and not re.match(r"(?i)^(дом|д\.|корп|кв|стр|apt|apartment|suite|unit)", word)]
            return " ".join(name).strip(" ,.")
    return ""


FIELD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("house", re.compile(r"(?i)(?:\bдом[аеу]?|\bд\.)\s*№?\s*(\d+[а-яa-z]?(?:/\d+)?)")),
    ("building", re.compile(r"(?i)(?:\bкорпус\w*|\bкорп\.|\bк\.)\s*(\w+)")),
    ("structure", re.compile(r"(?i)(?:\bстроени\w*|\bстр\.)\s*(\w+)")),
    ("apartment", re.compile(r"(?i)(?:\bквартир\w*|\bкв\.?|\bapartment|\bapt\.?|\bflat|\bunit"
                             r"|\bsuite|\bste\.?|\bофис\w*|\bоф\.|#)\s*#?\s*(\w+)")),
    ("postcode", re.compile(r"\b(\d{6}|\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b")),
)


HOUSE_AFTER_STREET = re.compile(rf"{TYPE_WORDS.pattern}[^,\d]*,?\s*(\d+[а-яa-z]?(?:/\d+)?)", re.I)


def address_fields(value: str) -> dict[str, str]:
    """The comparable parts of a normalised address: street, house, apartment ..."""
    fields: dict[str, str] = {}
    street = street_name(value)
    if street:
        fields["street"] = street.lower().replace("ё", "е")
    for name, pattern in FIELD_PATTERNS:
        match = pattern.search(value)
        if match:
            fields[name] = match.group(1).lower()
    if "house" not in fields:
        leading = re.match(r"^(\d+[A-Za-z]?)\s", value)  # "4821 Maple Ridge Drive"
        inline = HOUSE_AFTER_STREET.search(value)
        if leading:
            fields["house"] = leading.group(1).lower()
        elif inline:
            fields["house"] = inline.group(1).lower()
    return fields


def compare_phones(given: str, repeated: str) -> tuple[bool, tuple[str, ...]] | None:
    """(matched, differences) when `repeated` reads back `given`; None when it is another number."""
    if given == repeated:
        return True, ()
    if len(given) != len(repeated):
        if given[-4:] == repeated[-4:] or given[:6] == repeated[:6]:
            return False, (f"{len(given) - 1} digits given, {len(repeated) - 1} repeated",)
        return None
    differing = [index for index, (a, b) in enumerate(zip(given, repeated, strict=True)) if a != b]
    transposed = sorted(given) == sorted(repeated)
    if len(differing) > 3 and not transposed:
        return None
    return False, tuple(
        f"digit {index}: {given[index]} given, {repeated[index]} repeated" for index in differing
    )


def compare_addresses(given: str, repeated: str) -> tuple[bool, tuple[str, ...]] | None:
    first, second = address_fields(given), address_fields(repeated)
    same_street = (
        "street" in first and "street" in second
        and fuzz.ratio(first["street"], second["street"]) >= 70
    )
    if not same_street and first.get("house") != second.get("house"):
        return None
    differences: list[str] = []
    for name in ("street", "house", "building", "structure", "apartment", "postcode"):
        a, b = first.get(name), second.get(name)
        if a is None or b is None:
            continue
        equal = fuzz.ratio(a, b) >= 85 if name == "street" else a == b
        if not equal:
            differences.append(f"{name}: {a} given, {b} repeated")
    return not differences, tuple(differences)


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
        lang = language_of(joined, utterance.language)
        region = config.region_for(lang)
        events: list[EntityExtracted | ReadbackChecked] = []
        for found in extract(joined, lang, region, config.gazetteer, config.gazetteer_min_score):
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
        compare = compare_phones if found.kind == "phone" else compare_addresses
        verdict = compare(given.value, found.value)
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
