"""Postal addresses in transcripts (RU and US/UK/CA), found as chains of comma-separated parts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from assist.extract.numbers import (
    DIGIT_NOUN,
    EN_WORDS,
    MAGNITUDE,
    REPEAT,
    RU_WORDS,
    spoken_to_digits,
)
from assist.extract.registry import FindContext, Found, Verdict


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_RU_NUMBER_WORDS = [word for word, info in RU_WORDS.items()
                    if info.kind not in (MAGNITUDE, DIGIT_NOUN)]
_RU_NUMBER_WORDS += [word.replace("е", "ё") for word in _RU_NUMBER_WORDS if "е" in word]
_EN_NUMBER_WORDS = [word for word, info in EN_WORDS.items()
                    if info.kind not in (MAGNITUDE, REPEAT) and word not in ("o", "nil")]
_RU_WORD = rf"(?:{_alternation(_RU_NUMBER_WORDS)})(?![а-яё])"
RU_NUMW = rf"(?i:{_RU_WORD}(?:\s+{_RU_WORD}){{0,3}})"
_EN_WORD = rf"(?:{_alternation(_EN_NUMBER_WORDS)})(?:-(?:{_alternation(_EN_NUMBER_WORDS)}))?"
EN_NUMW = rf"(?i:{_EN_WORD}(?![a-z])(?:\s+{_EN_WORD}(?![a-z])){{0,3}})"
NUM = r"\d{1,5}(?:\s?[а-яА-Яa-zA-Z](?![\w]))?(?:\s?[/-]\s?\d{1,4}[а-яА-Яa-zA-Z]?)?"

# ---- Russian parts ---------------------------------------------------------------------------
RU_NAME = (r"(?:[А-ЯЁ][\w-]*\.?|\d{1,3}-?(?:й|я|е|го|ой|ая|ий|ый|ое)(?![\w])|\d{1,3}(?=\s+[А-ЯЁ])"
           r"|«[^»]{1,40}»|\"[^\"]{1,40}\"|реки|канала|имени|им\.)")
RU_STREET_TYPE = (
    r"(?i:улиц[аеуы]|улицей|ул\.|проспект[аеу]?|пр-т[аеу]?|просп\.|пр\.|переул(?:ок|ке|ка|ку)"
    r"|пер\.|бульвар[аеу]?|б-р|шоссе|ш\.|набережн(?:ая|ой|ую)|наб\.|проезд[аеу]?|пр-д"
    r"|площад[ьи]|пл\.|тупик[аеу]?|туп\.|алле[яиюе]|линия|линии|тракт[аеу]?|мкр\.?|мкрн\.?"
    r"|микрорайон[аеу]?|квартал[аеу]?)(?![\w-])"
)
RU_UNIT_MARK = (r"(?i:корпус[аеу]?|корп\.?|к\.|строени[ея]|стр\.|квартир[аеуы]|кв\.?|офис[аеу]?|"
                r"оф\.|помещени[ея]|пом\.|участ(?:ок|ке|ка)|уч\.|литер[аы]?|лит\.|владени[ея]|вл\.)")
RU_HOUSE_MARK = r"(?i:дом[аеу]?|д\.)"
RU_NUMBER = rf"(?:№\s*)?(?:{NUM}|{RU_NUMW})"
RU_UNIT_VALUE = rf"(?:{RU_NUMBER}|[А-ЯЁA-Z](?![\w]))"  # «литера А», «корпус Б»
RU_UNITS = rf"(?:\s*,?\s*{RU_UNIT_MARK}\s*{RU_UNIT_VALUE})"
RU_HOUSE = rf"{RU_HOUSE_MARK}\s*{RU_NUMBER}{RU_UNITS}*"
RU_UNIT = rf"{RU_UNIT_MARK}\s*{RU_UNIT_VALUE}{RU_UNITS}*"
RU_STREET = (rf"(?:{RU_NAME}\s+){{0,3}}{RU_STREET_TYPE}(?:\s+{RU_NAME}){{0,3}}"
             rf"(?:\s+(?:{RU_HOUSE_MARK}\s*)?{RU_NUMBER}{RU_UNITS}*)?")
RU_LOCALITY = (r"(?i:деревн[яеиюй]|дер\.|д\.|пос[её]л(?:ок|ке|ка)|пос\.|п\.|пгт|сел[оеау]|с\.|"
               r"станиц[аеуы]|ст-ца|хутор[еа]?|х\.|снт|днт|тсн|кп)"
               r"\s+(?:[А-ЯЁ][\w-]*|«[^»]{1,40}»|\"[^\"]{1,40}\")(?:\s+[А-ЯЁ][\w-]*)?")
RU_CITY = r"(?i:г\.|город[аеу]?|гор\.)\s*[А-ЯЁ][\w-]*(?:\s+[А-ЯЁ][\w-]*)?"
RU_REGION = (r"(?:[А-ЯЁ][\w-]*\s+(?i:област[ьи]|обл\.|кра[йя]|район[аеу]?|р-н|округ[аеу]?)"
             r"|(?i:республик[аеи])\s+[А-ЯЁ][\w-]*)")
RU_UNTYPED_STREET = r"(?:\d{1,3}-?(?:й|я|е|го|ой|ая|ий|ый|ое)\s+)?[А-ЯЁ][\w-]*(?:\s+[А-ЯЁ][\w-]*)?"
BARE_CITY = r"[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁa-zа-яё][a-zа-яё]+)*(?:\s+[A-ZА-ЯЁ][a-zа-яё]+)?"

# ---- English parts ---------------------------------------------------------------------------
EN_SUFFIX = (
    r"(?i:street|st\.?|avenue|ave\.?|av\.|road|rd\.?|drive|dr\.?|lane|ln\.?|boulevard|blvd\.?|"
    r"court|ct\.?|terrace|ter\.?|way|place|pl\.?|close|crescent|cres\.?|highway|hwy\.?|parkway|"
    r"pkwy\.?|circle|cir\.?|square|sq\.?|trail|trl\.?|row|mews|gardens|grove|hill|walk|park|"
    r"green|plaza|alley|loop|pike|expressway|freeway|route|rte\.?|esplanade|embankment|"
    r"broadway)(?![\w])"
)
EN_DIRECTION = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?"
EN_NAME = r"(?:[A-Z][\w'.-]*|\d{1,3}(?:st|nd|rd|th))"
EN_HOUSE_NUMBER = rf"(?:\d{{1,6}}[A-Za-z]?(?:-\d{{1,5}}[A-Za-z]?)?|{EN_NUMW})"
EN_UNIT_MARK = r"(?i:apartment|apt\.?|suite|ste\.?|unit|flat|floor|fl\.?|building|bldg\.?)"
EN_UNIT_VALUE = rf"(?:#\s*)?(?:\d{{1,5}}[A-Za-z]?|[A-Z](?![\w])|{EN_NUMW})"
EN_UNIT = rf"(?:{EN_UNIT_MARK}\s*{EN_UNIT_VALUE}|#\s*\d{{1,5}}[A-Za-z]?)"
EN_STREET_LINE = (
    rf"{EN_HOUSE_NUMBER}\s+(?:{EN_DIRECTION}\s+)?(?:{EN_NAME}\s+){{0,3}}{EN_NAME}??\s*{EN_SUFFIX}"
    rf"(?:\s+\d{{1,4}}(?![\w]))?(?:\s+{EN_DIRECTION}(?![\w]))?(?:\s*,?\s*{EN_UNIT})?"
)
EN_PO_BOX = r"(?i:p\.?\s?o\.?\s?box|post\s+office\s+box)\s+\d{1,6}"
US_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
    "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|"
    "New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|"
    "Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|"
    "West Virginia|Wisconsin|Wyoming|Ontario|Quebec|British Columbia|Alberta|Manitoba|"
    "Saskatchewan|Nova Scotia|New Brunswick|Newfoundland|Prince Edward Island"
)
STATE_CODE = r"(?:[A-Z]{2}|D\.C\.)"
US_ZIP = r"\d{5}(?:-\d{4})?"
UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"
CA_POSTCODE = r"[A-Z]\d[A-Z]\s*\d[A-Z]\d"
POSTCODE_EN = rf"(?:{US_ZIP}|{UK_POSTCODE}|{CA_POSTCODE})"
EN_PLACE = r"[A-Z][a-z][\w'.-]*(?:\s+[A-Z][a-z][\w'.-]*){0,2}"
EN_TAIL = (rf"(?:(?:{EN_PLACE})(?:\s+(?:{US_STATES}|{STATE_CODE}))?(?:\s+{POSTCODE_EN})?"
           rf"|(?:{US_STATES}|{STATE_CODE})(?:\s+{POSTCODE_EN})?|{POSTCODE_EN})")
EN_STRONG_TAIL = (rf"(?:{EN_PLACE}\s*,?\s*)?(?:(?:{US_STATES}|{STATE_CODE})\s+{POSTCODE_EN}"
                  rf"|{UK_POSTCODE}|{CA_POSTCODE})")

NOT_PLACES = frozenset({
    "да", "нет", "так", "значит", "вот", "ну", "адрес", "хорошо", "ладно", "записывайте",
    "пишите", "смотрите", "слушайте", "итак", "короче", "алло", "спасибо", "пожалуйста",
    "понятно", "отлично", "угу", "ага", "всё", "все", "это", "там", "тут", "здесь",
    "доставка", "курьер", "мастер", "yes", "no", "so", "okay", "ok", "sure", "yeah", "well",
    "right", "hi", "hello", "please", "great", "thanks", "thank", "fine", "also", "and",
    "then", "it's", "i'm", "i'll", "that's", "the", "call", "my", "our", "your", "this",
    "there", "here", "correct", "perfect", "got", "sorry", "wait", "actually",
})

ABBREVIATIONS = frozenset({
    "г", "ул", "д", "кв", "корп", "к", "стр", "пер", "наб", "ш", "мкр", "мкрн", "оф", "пр",
    "просп", "пос", "п", "обл", "р-н", "б-р", "пл", "туп", "пом", "уч", "лит", "вл", "дер",
    "х", "с", "ст", "им", "гор", "тел", "доб", "st", "ave", "av", "rd", "dr", "ln", "blvd",
    "ct", "ter", "pl", "apt", "ste", "fl", "bldg", "no", "mt", "ft", "jr", "sr", "mr",
    "mrs", "ms", "hwy", "pkwy", "cres", "cir", "sq", "trl", "rte", "n", "s", "e", "w", "p",
    "o",
})


def _full(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{pattern})")


PARTS: dict[str, re.Pattern[str]] = {
    "ru_street": _full(RU_STREET),
    "ru_house": _full(RU_HOUSE),
    "ru_unit": _full(RU_UNIT),
    "ru_locality": _full(RU_LOCALITY),
    "ru_city": _full(RU_CITY),
    "ru_region": _full(RU_REGION),
    "postcode_ru": _full(r"\d{6}"),
    "bare_number": _full(rf"{NUM}{RU_UNITS}*"),
    "en_street": _full(rf"{EN_STREET_LINE}(?:\s+{EN_STRONG_TAIL})?"),
    "en_po_box": _full(EN_PO_BOX),
    "en_unit": _full(EN_UNIT),
    "en_tail": _full(EN_TAIL),
    "bare_city": _full(BARE_CITY),
}
CORE = ("ru_street", "ru_locality", "en_street", "en_po_box")
HAS_NUMBER = ("ru_house", "bare_number", "en_street", "en_po_box")
RU_LEFT = ("ru_city", "ru_region", "postcode_ru", "ru_locality", "bare_city")
RU_RIGHT = ("ru_house", "ru_unit", "bare_number", "ru_city", "postcode_ru", "ru_street",
            "bare_city", "ru_region")
EN_LEFT = ("en_unit",)
EN_RIGHT = ("en_unit", "en_tail")


@dataclass(frozen=True)
class AddressMatch:
    start: int
    end: int
    raw: str
    parts: tuple[tuple[str, str], ...]  # (kind, text) of each part, in order


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    text: str


def _is_abbreviation(word: str) -> bool:
    return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence ranges; a dot after an abbreviation ('ул.', 'St.', 'д.') does not end one."""
    bounds: list[tuple[int, int]] = []
    begin = 0
    for match in re.finditer(r"[.!?]+(?=\s|$)", text):
        mark = match.group()
        if mark.startswith(".") and len(mark) == 1:
            word = re.search(r"([\w-]+)$", text[begin : match.start()])
            if word and _is_abbreviation(word.group(1)):
                continue
        if len(mark) >= 2 and set(mark) == {"."}:
            continue  # "..." is a pause, not a full stop
        bounds.append((begin, match.start()))
        begin = match.end()
    bounds.append((begin, len(text)))
    return bounds


def chunks(text: str, start: int, end: int) -> list[Chunk]:
    pieces: list[Chunk] = []
    for match in re.finditer(r"[^,;…]+", text[start:end]):
        raw = match.group()
        stripped = raw.strip(" \t\n.")
        if raw.strip(" \t\n").endswith(".") and re.search(r"(?:^|[\s.])[\w-]+\.$", raw.strip()):
            word = re.search(r"([\w-]+)\.$", raw.strip())
            if word and _is_abbreviation(word.group(1)):
                stripped = raw.strip(" \t\n")
        if not stripped:
            continue
        offset = start + match.start() + raw.index(stripped)
        pieces.append(Chunk(offset, offset + len(stripped), stripped))
    return pieces


def _full_kind(chunk: Chunk, allowed: tuple[str, ...]) -> str | None:
    for kind in allowed:
        if PARTS[kind].fullmatch(chunk.text) and _plausible(kind, chunk.text):
            return kind
    return None


def _plausible(kind: str, text: str) -> bool:
    if kind in ("bare_city", "en_tail"):
        first = text.split()[0].lower().rstrip(",.")
        return first not in NOT_PLACES
    if kind == "ru_street":
        return len(text.split()) >= 2
    return True


def _suffix(chunk: Chunk, allowed: tuple[str, ...]) -> tuple[str, int] | None:
    """A part that ends the chunk after a lead-in ('по адресу ул. Ленина'): kind and start."""
    best: tuple[str, int] | None = None
    for kind in allowed:
        for start in _word_starts(chunk.text):
            if PARTS[kind].fullmatch(chunk.text, start) and _plausible(kind, chunk.text[start:]):
                if best is None or start < best[1]:
                    best = (kind, start)
                break
    return best


def _prefix(chunk: Chunk, allowed: tuple[str, ...]) -> tuple[str, int] | None:
    """A part that starts the chunk and is followed by other words: kind and end."""
    for kind in allowed:
        match = PARTS[kind].match(chunk.text)
        if match and match.end() > 0 and (match.end() == len(chunk.text)
                                          or chunk.text[match.end()] == " ") \
                and _plausible(kind, match.group()):
            return kind, match.end()
    return None


def _word_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in re.finditer(r"[\s:(«\"]+", text)
                  if match.end() < len(text)]


def find_addresses(text: str) -> list[AddressMatch]:
    found: list[AddressMatch] = []
    for begin, end in sentences(text):
        pieces = chunks(text, begin, end)
        index = 0
        while index < len(pieces):
            match = _address_at(text, pieces, index)
            if match is None:
                index += 1
                continue
            address, last = match
            found.append(address)
            index = last + 1
    return found


def _address_at(text: str, pieces: list[Chunk], index: int) -> tuple[AddressMatch, int] | None:
    chunk = pieces[index]
    core_kind = _full_kind(chunk, CORE)
    core_start = chunk.start
    lead_in = False
    if core_kind is None:
        suffix = _suffix(chunk, CORE)
        if suffix is None:
            suffix = _untyped_street(pieces, index)
        if suffix is None:
            return _core_inside(text, pieces, index)
        core_kind, offset = suffix
        core_start = chunk.start + offset
        lead_in = offset > 0
    parts: list[tuple[str, str]] = [(core_kind, text[core_start : chunk.end])]
    start, stop, last = core_start, chunk.end, index
    english = core_kind.startswith("en_")
    right, left = (EN_RIGHT, EN_LEFT) if english else (RU_RIGHT, RU_LEFT)
    has_number = english or (core_kind == "ru_street" and _street_has_number(parts[0][1]))
    bare_cities = 0
    cursor = index + 1
    while cursor < len(pieces):
        following = pieces[cursor]
        kind = _full_kind(following, right)
        if kind == "bare_city" and (bare_cities or not has_number):
            kind = None
        if kind in ("ru_street",) and has_number:
            kind = None
        if kind == "bare_number" and (has_number or parts[-1][0] not in ("ru_street",
                                                                             "ru_locality")):
            kind = None
        if kind is None:
            prefix = _prefix(following, ("en_unit",) if english else ("ru_house", "ru_unit"))
            if prefix is not None and not (prefix[0] == "bare_number" and has_number):
                parts.append((prefix[0], following.text[: prefix[1]]))
                stop, last = following.start + prefix[1], cursor
                has_number = True
            break
        parts.append((kind, following.text))
        bare_cities += kind == "bare_city"
        has_number = has_number or kind in HAS_NUMBER or (
            kind == "ru_unit" and following.text.lower().startswith(("участ", "уч", "влад", "вл")))
        stop, last = following.end, cursor
        cursor += 1
    if not lead_in:
        cursor = index - 1
        while cursor >= 0:
            previous = pieces[cursor]
            kind = _full_kind(previous, left)
            if kind == "bare_city" and bare_cities:
                kind = None
            if kind is None:
                suffix = _suffix(previous, left)
                if suffix is not None and not (suffix[0] == "bare_city" and bare_cities):
                    offset = suffix[1]
                    parts.insert(0, (suffix[0], previous.text[offset:]))
                    start = previous.start + offset
                break
            parts.insert(0, (kind, previous.text))
            bare_cities += kind == "bare_city"
            start = previous.start
            cursor -= 1
    if not has_number:
        return None
    raw = text[start:stop]
    return AddressMatch(start, stop, raw, tuple(parts)), last


STREET_WITH_NUMBER = re.compile(rf"{RU_STREET_TYPE}(?:\s+{RU_NAME}){{0,3}}\s+"
                                rf"(?:{RU_HOUSE_MARK}\s*)?{RU_NUMBER}{RU_UNITS}*$")
NUMBERED_NAME_END = re.compile(r"\d{1,3}\s+[А-ЯЁ][\w-]*$")
UNTYPED_STREET = re.compile(RU_UNTYPED_STREET)


def _street_has_number(street: str) -> bool:
    """'ул. Баумана 44' carries its house number; 'ул. 8 Марта' does not."""
    return bool(STREET_WITH_NUMBER.search(street)) and not NUMBERED_NAME_END.search(street)


def _untyped_street(pieces: list[Chunk], index: int) -> tuple[str, int] | None:
    """'Офис на 1-й Тверской-Ямской, дом 2': a street named without its type, before 'дом N'."""
    if index + 1 >= len(pieces) or not PARTS["ru_house"].match(pieces[index + 1].text):
        return None
    chunk = pieces[index]
    for start in _word_starts(chunk.text):
        candidate = chunk.text[start:]
        if UNTYPED_STREET.fullmatch(candidate) and \
                candidate.split()[0].lower() not in NOT_PLACES:
            return "ru_street", start
    return None


def _core_inside(text: str, pieces: list[Chunk], index: int) -> tuple[AddressMatch, int] | None:
    """'We moved to 15 Elm Street last year': a numbered street inside a longer clause."""
    chunk = pieces[index]
    for start in _word_starts(chunk.text):
        for kind in ("en_street", "ru_street"):
            match = PARTS[kind].match(chunk.text, start)
            if match is None or (match.end() < len(chunk.text)
                                 and chunk.text[match.end()].isalnum()):
                continue
            found = match.group()
            if kind == "ru_street" and not _street_has_number(found):
                continue
            begin = chunk.start + start
            return AddressMatch(begin, begin + len(found), found, ((kind, found),)), index
    return None


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


def compare_addresses(given: str, repeated: str) -> Verdict | None:
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


class AddressFinder:
    """Postal addresses: number words as digits, street names corrected by the gazetteer;
    a read-back is compared part by part (street, house, apartment ...)."""

    kind = "address"
    plural = "addresses"

    def find(self, text: str, context: FindContext) -> list[Found]:
        return [Found(self.kind, address.start, address.end, address.raw,
                      normalise_address(address.raw, context.gazetteer,
                                        context.gazetteer_min_score))
                for address in find_addresses(text)]

    def compare(self, given: str, repeated: str) -> Verdict | None:
        return compare_addresses(given, repeated)

    def mask(self, value: str) -> str:
        return "[address]"

    def label(self, language: str) -> str:
        return "Адрес" if language == "ru" else "Address"

    def output(self, found: Found) -> str:
        return found.raw

    def display(self, value: str, raw: str) -> str:
        return raw or value  # as said: the operator compares it with what they heard
