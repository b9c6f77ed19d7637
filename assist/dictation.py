"""Dictation in a call: what the operator asked for, which hypothesis to believe, what is
uncertain, and the operator's read-back as the fix.

The call pipeline uses these on its own thread:
- `Expectations` writes the call context: the operator asking for a phone, an address or an
  e-mail makes the customer's channel expect one; a customer window full of digits marks the
  channel as dictating (the recognizer then decodes it with n-best beam search: see
  `assist.asr.dictation`); the entity arriving, or time passing, ends it. What the customer
  dictated makes the operator's channel expect a read-back (decoded the same way) until
  the operator repeats an entity, asks for something else, or time passes.
- `Hypotheses` remembers each utterance's hypotheses, chooses among them (the first whose
  entity validates, read together with the speaker's previous utterance), and marks an
  entity's parts uncertain where close hypotheses disagree, or all of it when its window
  was heard with low confidence.
- `revise_on_readback` lets the operator's read-back, heard on the clean headset leg,
  confirm a card or correct its uncertain parts, but only to a value the customer's own
  hypotheses support: a read-back that is simply wrong stays a mismatch.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import phonenumbers
from rapidfuzz import fuzz

from assist.asr.dictation import CONTINUE_S, CONTINUED, DICTATING_DIGITS
from assist.context import CallContext
from assist.events import EntityExtracted, Event, ReadbackChecked, TranscriptUpdated
from assist.extract.addresses import (
    EIGHT_AS_A,
    FOR_HOUSE,
    NUMBER_FIELDS,
    PAIR_HOUSE,
    address_fields,
    differing,
    street_name,
)
from assist.extract.extractor import ends_entity
from assist.extract.gazetteer import gazetteer
from assist.extract.numbers import digit_count, spoken_to_digits
from assist.extract.phones import parse_phone
from assist.extract.registry import Found, finder

Extract = Callable[[str, str], list[Found]]  # (text, language) -> entities

ASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"e-?mail|электронн\w*\s+почт|имейл|емейл|\bмейл|эл\.\s*почт", re.I)),
    ("address", re.compile(
        r"address|ship\w*\s+(?:it|to)|deliver|mail\s+it|postcode|zip\s+code|адрес|куда\s+"
        r"(?:доставить|привезти|отправить)|проживаете|живете|живёте", re.I)),
    ("phone", re.compile(
        r"phone|number|reach\s+you|call\s+you|\bmobile\b|\bcell\b|landline|extension|"
        r"(?:direct|office|home|work|daytime|contact|callback)\s+line\b|телефон|номер|"
        r"перезвонить|позвонить|связаться|мобильн|сотов|городск\w*\s*(?:\?|$)|добавочн",
        re.I)),
)
# A question word alone asks for an address in a contact center («Куда везём?», "Where
# should the documents go?"), unless a noun above named the thing («куда перезвонить, на
# какой номер?» asks for a phone).
WHERE = re.compile(r"\b(?:от)?куда\b|\bwhere\s+(?:do|does|should|shall|can|could|will|would|is|"
                   r"are)\b", re.I)
# A short question that starts with "and" asks for the same kind as the question before it
# («А кресло на дачу?», "And the second one?").
FOLLOW_UP = re.compile(r"^\W*(?:а|и|and|also)\b[^.!]{0,40}\?\W*$", re.I)
FOLLOW_UP_S = 60.0  # ... when that question was this recent
DIGITS = re.compile(r"\d")
EXPECT_S = 30.0  # an unanswered ask lapses after this long
READBACK_S = 20.0  # a read-back is expected this long after the dictation ends
LOW_CONFIDENCE = -0.45  # a window heard below this average log-probability is unsure whole
# A window decoded after a prompt (a Russian address) scores higher on the same audio: on the
# 14 Russian address clips of the dev calls its average log-probability rose by a median of
# 0.13 (the rises ranged from -0.02 to +0.32), wrong cards as much as right ones, so its bar
# is raised as much.
PROMPTED_SHIFT = 0.13
CLOSE = 0.25  # hypotheses within this of the best's average log-probability are rivals
PARTS = re.compile(r"^([^:]+?):")
UNIT_WORD = re.compile(r"\b(?:apartment|apt|suite|unit|flat)\b|квартир|офис|корпус|строени",
                       re.I)
# a number right after an address, or a word or two later ("Commerce Parkway, please 300",
# "Parkway. Please $300": a unit word misheard), may be its unit
NEXT_NUMBER = re.compile(
    r"[\s,.;:-]*(?:\$?\d|(?:[^\W\d_]+[\s,.;:-]+){1,2}?\$?\d{1,4}(?![\w-]))")
WORD_AFTER_NUMBER = re.compile(r" +[a-zа-яё]{3,}")  # a word right after a number, no comma
STREET_CLOSE = 60  # a read-back's street this close (rapidfuzz ratio) to the card's is its
# correction: the customer's line mangles street names, operators misread numbers
KEEP_S = 600.0  # hypotheses are kept this long: past the read-back window (300 s by default)
ADOPT_WITHIN_S = 30.0  # a read-back looks this far back for the digits the customer said
ADOPT_EDITS = 2  # digits a read-back may differ in from what the customer's line heard
UNKNOWN_REGION = "ZZ"  # an E.164 value carries its country: no region is assumed


def asked_for(text: str) -> str | None:
    """The entity kind an operator's utterance asks for, if any."""
    for kind, cue in ASKS:
        if cue.search(text):
            return kind
    return "address" if WHERE.search(text) else None


class Expectations:
    """A context writer: asks, dictation and their end (one per call; pipeline thread)."""

    def __init__(self, asker: str = "operator", expect_s: float = EXPECT_S,
                 readback_s: float = READBACK_S) -> None:
        self._asker = asker
        self._expect_s = expect_s
        self._readback_s = readback_s
        self._since: dict[int, float] = {}  # channel -> when its expectation was set
        self._dictated: float | None = None  # when the latest dictation to read back ended
        self._asked_kind: tuple[str, float] | None = None  # the last ask's kind, and when

    def __call__(self, context: CallContext, event: Event) -> None:
        if isinstance(event, TranscriptUpdated) and event.final:
            if event.speaker == self._asker:
                self._asked(context, event)
            else:
                self._heard(context, event)
        elif isinstance(event, EntityExtracted) and event.speaker != self._asker:
            if event.source == "readback":
                return  # the customer's card as the read-back revised it: nothing new to repeat
            channel = context.channel_of(event.speaker)
            if channel is not None and context.state(channel).expecting == event.kind:
                context.expect(channel, None)
                context.set_dictating(channel, False)
            self._to_read_back(context, event.kind, event.end)
        elif isinstance(event, EntityExtracted):
            self._read_back(context)  # the operator repeated an entity: the read-back is heard

    def _to_read_back(self, context: CallContext, kind: str, end: float) -> None:
        asker = context.channel_of(self._asker)
        if asker is not None:
            context.expect_readback(asker, kind)
            self._dictated = end

    def _read_back(self, context: CallContext) -> None:
        asker = context.channel_of(self._asker)
        if asker is not None:
            context.expect_readback(asker, None)
        self._dictated = None

    def _asked(self, context: CallContext, event: TranscriptUpdated) -> None:
        if self._dictated is not None and event.start - self._dictated > self._readback_s:
            self._read_back(context)  # no read-back came: later windows take the fast path
        if digit_count(event.text) >= DICTATING_DIGITS:
            return  # a read-back, not a question
        kind = asked_for(event.text)
        if kind is None and self._asked_kind is not None and FOLLOW_UP.match(event.text):
            kind, at = self._asked_kind
            if event.start - at > FOLLOW_UP_S:
                kind = None
        if kind is None:
            return
        self._asked_kind = (kind, event.end)
        self._read_back(context)  # a new question: the last dictation was dealt with
        for channel, speaker in enumerate(context.speakers):
            if speaker != self._asker:
                context.expect(channel, kind)
                self._since[channel] = event.end

    def _heard(self, context: CallContext, event: TranscriptUpdated) -> None:
        channel = event.channel
        since = self._since.get(channel)
        if since is not None and event.start - since > self._expect_s:
            context.expect(channel, None)
            del self._since[channel]
        dictating = digit_count(event.text) >= DICTATING_DIGITS
        context.set_dictating(channel, dictating)
        if dictating:
            # digits the extractor may not make a card of (too few heard) are still read
            # back, and the read-back may be what makes the card
            self._to_read_back(context, context.state(channel).expecting or "dictation",
                               event.end)


@dataclass(frozen=True)
class _Heard:
    speaker: str
    utterance_id: int
    start: float
    end: float
    text: str
    language: str
    avg_logprob: float | None
    rivals: tuple[str, ...]  # close hypotheses other than the chosen text
    prompted: bool = False  # decoded after a dictation prompt
    rival: bool = False  # a rival believed over the best, which held no entity


class Hypotheses:
    """Each utterance's hypotheses: the choice among them, and the parts they disagree on."""

    def __init__(self, extract: Extract) -> None:
        self._extract = extract
        self._heard: dict[int, _Heard] = {}
        # speaker -> their last utterances (end, text), which a dictation may continue
        self._last: dict[str, list[tuple[float, str]]] = {}

    def choose(self, event: TranscriptUpdated) -> TranscriptUpdated:
        """The hypothesis to believe: the best, unless it holds no entity and a close rival
        does (read with the speaker's last `CONTINUED` utterances of the `CONTINUE_S`
        before, which a dictation may continue)."""
        previous = " ".join(text for end, text in self._last.get(event.speaker, [])
                            if event.start - end <= CONTINUE_S)
        best = event.avg_logprob or 0.0
        close = [(text, score) for text, score in [(event.text, best), *event.alternatives]
                 if best - score <= CLOSE]
        chosen = event
        if len(close) > 1 and not self._holds(previous, event.text, event.language):
            for text, score in close[1:]:
                if self._holds(previous, text, event.language):
                    chosen = replace(event, text=text, avg_logprob=score)
                    break
        self._forget_before(event.start - KEEP_S)
        self._heard[chosen.utterance_id] = _Heard(
            chosen.speaker, chosen.utterance_id, chosen.start, chosen.end, chosen.text,
            chosen.language, chosen.avg_logprob,
            tuple(text for text, _ in close if text != chosen.text), chosen.prompted,
            chosen is not event)
        self._last[event.speaker] = [*self._last.get(event.speaker, []),
                                     (chosen.end, chosen.text)][-CONTINUED:]
        return chosen

    def _forget_before(self, time: float) -> None:
        """What was heard long ago no card or read-back refers to any more: a long call's
        memory stays bounded."""
        for utterance_id in [key for key, heard in self._heard.items() if heard.end < time]:
            del self._heard[utterance_id]

    def _holds(self, previous: str, text: str, language: str) -> bool:
        return ends_entity(lambda joined: self._extract(joined, language), previous, text)

    def uncertain(self, entity: EntityExtracted) -> tuple[str, ...]:
        """The parts of `entity` its utterance's rivals disagree on; "all" when the window
        was heard with low confidence, the entity is a rival's that the best hypothesis did
        not hear, or a rival heard another entity there."""
        heard = self._heard.get(entity.utterance_id)
        if heard is None:
            return ()
        parts: list[str] = []
        bar = LOW_CONFIDENCE + (PROMPTED_SHIFT if heard.prompted else 0.0)
        if heard.avg_logprob is not None and heard.avg_logprob < bar:
            parts.append("all")
        if entity.span[0] < 0:
            parts.append("all")  # assembled across windows: the joining is itself a guess
        if heard.rival:
            parts.append("all")  # the best hypothesis heard no such thing: a rival's guess
        if entity.kind == "address":
            parts += _address_doubts(entity, heard)
        kind = finder(entity.kind)
        for rival in heard.rivals:
            values = [item.value for item in self._extract(rival, heard.language)
                      if item.kind == entity.kind]
            verdicts = [kind.compare(entity.value, value) for value in values]
            same = [verdict for verdict in verdicts if verdict is not None]
            if values and not same:
                parts.append("all")
            for matched, differences in same[:1]:
                if not matched:
                    parts += [_part(difference) for difference in differences]
        return tuple(dict.fromkeys(parts))

    def heard_digits(self, speaker: str, before: float) -> tuple[str, int] | None:
        """The digits `speaker` said in the ADOPT_WITHIN_S before `before`, in order, and the
        last utterance they came from (None: no digits)."""
        recent = self._recent(speaker, before)
        digits = "".join("".join(DIGITS.findall(spoken_to_digits(heard.text)))
                         for heard in recent)
        return (digits, recent[-1].utterance_id) if digits else None

    def heard_text(self, speaker: str, before: float) -> tuple[str, int] | None:
        """What `speaker` said in the ADOPT_WITHIN_S before `before`, joined in order, and the
        last utterance it came from (None: nothing)."""
        recent = self._recent(speaker, before)
        if not recent:
            return None
        return " ".join(heard.text for heard in recent), recent[-1].utterance_id

    def _recent(self, speaker: str, before: float) -> list[_Heard]:
        """`speaker`'s utterances that ended in the ADOPT_WITHIN_S before `before`, in order."""
        return sorted((heard for heard in self._heard.values()
                       if heard.speaker == speaker and heard.end <= before + 0.5
                       and before - heard.end <= ADOPT_WITHIN_S),
                      key=lambda heard: heard.start)

    def supports(self, entity: EntityExtracted, value: str) -> bool:
        """Whether one of the hypotheses of the entity's utterance heard `value`."""
        heard = self._heard.get(entity.utterance_id)
        if heard is None:
            return False
        return any(item.kind == entity.kind and item.value == value
                   for rival in heard.rivals
                   for item in self._extract(rival, heard.language))


def _address_doubts(entity: EntityExtracted, heard: _Heard) -> list[str]:
    """A unit said but missing from the card; a street name no known street resembles."""
    doubts: list[str] = []
    if entity.raw in heard.text:
        after = heard.text[heard.text.index(entity.raw) + len(entity.raw):]
        if UNIT_WORD.search(heard.text.replace(entity.raw, " ")) or NEXT_NUMBER.match(after):
            doubts.append("apartment")  # a unit said, or a number heard right after it
        elif re.match(r"\d", entity.raw[-1:]) and WORD_AFTER_NUMBER.match(after):
            # «квартира 9 роста»: «девяносто» heard as a number and the rest of its word
            fields = address_fields(entity.value)
            doubts.append("apartment" if "apartment" in fields else "house")
    if any(pattern.search(entity.raw) for pattern in (EIGHT_AS_A, FOR_HOUSE, PAIR_HOUSE)):
        # "A06" read as 806, "for 15th" as 415, "10 95" as 1095: the finder's guess
        doubts.append("house")
    name = street_name(entity.value)
    known = gazetteer(heard.language if heard.language in ("ru", "en") else "en")
    if name and known.proper(name) is None and not all(
            word in known.words for word in name.lower().replace("ё", "е").split()):
        doubts.append("street")
    return doubts


def _part(difference: str) -> str:
    """"digit 5: 3 given, 8 repeated" → "digit 5"; a length difference → "all"."""
    match = PARTS.match(difference)
    return match.group(1).strip() if match else "all"


def revise_on_readback(check: ReadbackChecked, given: EntityExtracted,
                       hypotheses: Hypotheses, new_id: Callable[[], int],
                       ) -> tuple[ReadbackChecked, EntityExtracted | None]:
    """The read-back's verdict, and the card it confirms or corrects (None: unchanged).

    A read-back that matches confirms the parts of an uncertain card it said (taking its
    value only when it holds every part the card holds: it may complete the card, never
    shorten it). One that differs only in parts the card was unsure of, to a value the
    customer's own hypotheses also heard, or only in a street name the card was unsure of,
    corrects it: the clean leg is trusted there. Any other difference stays a mismatch for
    the operator to resolve with the customer."""
    if check.matched:
        # a part the read-back did not say either stays unsure (a unit neither side has)
        remaining = tuple(part for part in given.uncertain
                          if part != "all" and not _said(given.kind, check.repeated, part))
        if not given.uncertain or remaining == given.uncertain:
            return check, None
        # the read-back's words only where they complete the card (a unit it lacked): the
        # customer's own words otherwise (the operator may misname the city on the way)
        value = check.repeated if _completes(given, check.repeated) else given.value
        revised = replace(given, entity_id=new_id(), value=value, raw=_raw(given, value),
                          uncertain=remaining, source="readback",
                          supersedes=given.entity_id, at=check.at, corrected=False)
        return replace(check, given_entity=revised.entity_id), revised
    differing = {_part(difference) for difference in check.differences}
    unsure = set(given.uncertain)
    if (given.kind == "address" and differing == {"street"} and unsure & {"street", "all"}
            and _close_street(check)):
        # the clean leg's street name, where the customer's line mangled it
        value = _with_street(given.value, check.repeated)
        if value == given.value:
            return check, None  # the card's words could not take it: the mismatch stands
        remaining = tuple(part for part in given.uncertain if part not in ("street", "all"))
    else:
        if not ("all" in unsure or differing <= unsure):
            return check, None
        if not hypotheses.supports(given, check.repeated) or not _holds_all(given,
                                                                             check.repeated):
            return check, None
        value, remaining = check.repeated, ()
    revised = replace(given, entity_id=new_id(), value=value, raw=_raw(given, value),
                      uncertain=remaining, source="readback", supersedes=given.entity_id,
                      at=check.at, corrected=True)
    confirmed = replace(check, matched=True, differences=(), given=value,
                        given_entity=revised.entity_id)
    return confirmed, revised


def _raw(given: EntityExtracted, value: str) -> str:
    """The revised card's words: the customer's as heard while the value is theirs, else the
    value itself (a card shows its raw words, which must not contradict its value)."""
    return given.raw if value == given.value else value


def _parts(given: EntityExtracted, value: str) -> tuple[set[str], set[str]]:
    """The parts (an address's street, house, unit …) `given` and `value` each have; a
    phone's or an e-mail's are always all there."""
    if given.kind != "address":
        return set(), set()
    return set(address_fields(given.value)), set(address_fields(value))


def _holds_all(given: EntityExtracted, value: str) -> bool:
    """Whether `value` has every part `given` has (an address's unit, say)."""
    ours, theirs = _parts(given, value)
    return ours <= theirs


def _completes(given: EntityExtracted, value: str) -> bool:
    """Whether `value` has every part `given` has, and more (an address's unit, say)."""
    ours, theirs = _parts(given, value)
    return given.kind != "address" or ours < theirs


def _with_street(value: str, source: str) -> str:
    """`value` with its street name as `source` says it."""
    ours, theirs = street_name(value), street_name(source)
    return value.replace(ours, theirs, 1) if ours and theirs else value


def _said(kind: str, value: str, part: str) -> bool:
    """Whether `value` holds `part` (an address's apartment, say); a phone's digits and an
    e-mail's parts are always there."""
    if kind != "address":
        return True
    return part in address_fields(value)


def _close_street(check: ReadbackChecked) -> bool:
    for difference in check.differences:
        match = re.match(r"^street:\s*(.*) given, (.*) repeated$", difference)
        if match and fuzz.ratio(match.group(1), match.group(2)) >= STREET_CLOSE:
            return True
    return False


def adopt_readback(repeated: EntityExtracted, customer: str, hypotheses: Hypotheses,
                   new_id: Callable[[], int]) -> tuple[EntityExtracted, ReadbackChecked] | None:
    """A number the operator read back, where the customer's own card is missing (their
    line lost or split it), becomes the customer's card when the digits the customer was
    heard saying just before are, in order, the end of it, but for at most
    `ADOPT_EDITS` digits: one their line lost or heard extra, or one heard otherwise.
    - Digits only the operator said are marked unsure on the card.
    - A digit the customer was heard saying otherwise stays theirs on the card, and the
      verdict is a mismatch there: one of the two misheard it, and the operator asks.
    An address read back is adopted the same way: see `_adopt_address`."""
    if repeated.kind == "address":
        return _adopt_address(repeated, customer, hypotheses, new_id)
    if repeated.kind != "phone":
        return None
    heard = hypotheses.heard_digits(customer, repeated.start)
    if heard is None:
        return None
    digits, utterance = heard
    national = _national(repeated.value)
    if national is None:
        return None
    country = repeated.value[: len(repeated.value) - len(national)]  # "+1", "+7", "+44"
    substituted, unheard, extra = _align(national, digits)
    if len(substituted) > 1 or len(substituted) + len(unheard) + extra > ADOPT_EDITS:
        return None
    value = list(national)
    for position, digit in substituted:
        value[position] = digit
    card_value = country + "".join(value)
    if parse_phone(card_value.lstrip("+"), UNKNOWN_REGION, plus=True) is None:
        return None
    verdict = finder("phone").compare(card_value, repeated.value)
    if verdict is None:
        return None
    matched, differences = verdict
    unsure = [f"digit {len(country) + position}" for position in sorted(unheard)]
    if extra:
        unsure.append("all")  # the customer's line heard a digit the read-back lacks
    unsure += [_part(difference) for difference in differences]
    card = replace(repeated, entity_id=new_id(), value=card_value, raw=card_value,
                   speaker=customer, utterance_id=utterance, span=(0, 0),
                   uncertain=tuple(dict.fromkeys(unsure)), source="readback",
                   supersedes=None, corrected=False)
    check = ReadbackChecked(repeated.kind, matched, differences, card.value, customer,
                            card.entity_id, repeated.value, repeated.speaker,
                            repeated.entity_id, repeated.at)
    return card, check


def _national(value: str) -> str | None:
    """The national significant digits of an E.164 number ("+14155550132" → "4155550132")."""
    number = parse_phone(value.lstrip("+"), UNKNOWN_REGION, plus=True)
    if number is None:
        return None
    national = phonenumbers.national_significant_number(number)
    return national if value.endswith(national) else None


def _align(national: str, heard: str) -> tuple[list[tuple[int, str]], list[int], int]:
    """The cheapest edit alignment of a read-back's national digits with the end of the
    digits heard from the customer (earlier heard digits, a trunk «8» or a country code
    are skipped free): the positions of `national` heard as another digit, with that
    digit; the positions their line did not hear; how many extra digits it heard."""
    rows, cols = len(national) + 1, len(heard) + 1
    cost = [[0] * cols for _ in range(rows)]
    for row in range(1, rows):
        cost[row][0] = row
        for col in range(1, cols):
            cost[row][col] = min(
                cost[row - 1][col - 1] + (national[row - 1] != heard[col - 1]),
                cost[row - 1][col] + 1,  # a digit read back that the customer's line lost
                cost[row][col - 1] + 1)  # a digit the customer's line heard extra
    substituted: list[tuple[int, str]] = []
    unheard: list[int] = []
    extra = 0
    row, col = rows - 1, cols - 1
    while row > 0:
        differs = col > 0 and national[row - 1] != heard[col - 1]
        if col > 0 and cost[row][col] == cost[row - 1][col - 1] + differs:
            if differs:
                substituted.append((row - 1, heard[col - 1]))
            row, col = row - 1, col - 1
        elif cost[row][col] == cost[row - 1][col] + 1:
            unheard.append(row - 1)
            row -= 1
        else:
            extra += 1
            col -= 1
    return substituted, unheard, extra


ADOPT_STREET = 70  # how close (rapidfuzz partial ratio) the customer's words are to the street
SURE_STREET = 90  # ... to take the read-back's street as theirs without asking
ADOPT_DIGITS = 3  # a street not heard at all is taken on numbers of this many digits


def _adopt_address(repeated: EntityExtracted, customer: str, hypotheses: Hypotheses,
                   new_id: Callable[[], int]) -> tuple[EntityExtracted, ReadbackChecked] | None:
    """An address the operator read back, where the customer's line left no card («Ростов на
    дону с оборной периодом дом 12 квартира 4»), becomes the customer's card when the
    customer was heard saying its house and unit numbers and words close to its street
    name, or numbers of `ADOPT_DIGITS` digits or more whatever the words ("6,400 tons that
    go with ARDS": the line lost the street). Its street stays unsure unless the customer's
    words were nearly the same.
    - One number read back one digit off a number the customer said (6500 for 6400) makes
      the card with the customer's number, marked unsure, and a mismatch: operators
      misread numbers, and the line mishears them.
    - A read-back with any other number the customer did not say adopts nothing."""
    heard = hypotheses.heard_text(customer, repeated.start)
    fields = address_fields(repeated.value)
    if heard is None or "street" not in fields or "house" not in fields:
        return None
    text, utterance = heard
    digits = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", spoken_to_digits(text))  # "6,400"
    numbers = re.findall(r"\d+[а-яa-z]?", digits.lower())
    parts = [part for part in NUMBER_FIELDS if part in fields]
    fits, off = _one_number_off([fields[part] for part in parts], numbers)
    if not fits:
        return None
    said = text.lower().replace("ё", "е")
    street = fields["street"]
    score = fuzz.partial_ratio(street, said)
    if score < ADOPT_STREET and sum(len(fields[part]) for part in parts) < ADOPT_DIGITS:
        return None  # a street the line lost is taken only on numbers no chance repeats
    value, unsure = repeated.value, [] if score >= SURE_STREET else ["street"]
    if off is not None:  # one number the customer was heard saying otherwise: theirs, asked
        read, theirs = off
        number = re.compile(rf"(?<!\d){re.escape(read)}(?![\dа-яa-z])", re.I)
        if len(number.findall(value)) != 1:
            return None
        value = number.sub(theirs, value)
        unsure += [part for part in parts if fields[part] == read]
    verdict = finder("address").compare(value, repeated.value)
    if verdict is None or verdict[0] != (off is None):
        return None
    card = replace(repeated, entity_id=new_id(), value=value, raw=value, speaker=customer,
                   utterance_id=utterance, span=(0, 0), uncertain=tuple(unsure),
                   source="readback", supersedes=None, corrected=False)
    check = ReadbackChecked(repeated.kind, verdict[0], verdict[1], card.value, customer,
                            card.entity_id, repeated.value, repeated.speaker,
                            repeated.entity_id, repeated.at)
    return card, check


def _one_number_off(wanted: list[str], numbers: list[str]
                    ) -> tuple[bool, tuple[str, str] | None]:
    """Whether the numbers read back fit what the customer was heard saying, and the one
    that is off: (True, None) when every one was heard; (True, (read back, heard)) when all
    but one were, and exactly one other number they said has its length and differs from
    it in one digit (6500 read back, 6400 said: an operator's usual slip, or the line's)."""
    left = Counter(numbers)
    missing: list[str] = []
    for number in wanted:
        if left[number] > 0:
            left[number] -= 1
        else:
            missing.append(number)
    if not missing:
        return True, None
    if len(missing) > 1:
        return False, None
    read = missing[0]
    near = {number for number, count in left.items() if count > 0 and len(number) == len(read)
            and differing(number, read) == 1}
    return (True, (read, near.pop())) if len(near) == 1 else (False, None)
