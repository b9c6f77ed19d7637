"""Postal addresses in transcripts (RU and US/UK/CA), found as chains of comma-separated parts.

The parts are matched on a *view* of the text of the same length: capitals restored where
Whisper dropped them (a word after «улица» or before "avenue", a known street or city from the
gazetteer, a state code before a ZIP), full stops between parts read as commas («Улица Мира.
Дом 8.»), "1,247" read as one number; spans are cut from the text as said, values from the
view, so «улица баумана» gives the value «улица Баумана».
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import snowballstemmer  # type: ignore[import-untyped]
from rapidfuzz import fuzz, process, utils

from assist.extract.gazetteer import Gazetteer, gazetteer, similar_length
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
RU_HOUSE_MARK = r"(?i:(?:дом[аеу]?|д\.)(?:\s+номер)?)"
RU_NUMBER = rf"(?:№\s*)?(?:{NUM}|{RU_NUMW})"
RU_UNIT_VALUE = rf"(?:{RU_NUMBER}|[А-ЯЁA-Z](?![\w]))"  # «литера А», «корпус Б»
RU_UNITS = rf"(?:\s*,?\s*{RU_UNIT_MARK}\s*{RU_UNIT_VALUE})"
RU_HOUSE = rf"{RU_HOUSE_MARK}\s*{RU_NUMBER}{RU_UNITS}*"
RU_UNIT = rf"{RU_UNIT_MARK}\s*{RU_UNIT_VALUE}{RU_UNITS}*"
# Before its type a name is never a bare number but for a date («8 Марта улица»): the digits
# before «Каширское шоссе» end a phone said just before, they are no part of the street.
RU_MONTHS = (r"(?i:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября"
             r"|декабря)(?![\w])")
RU_NAME_BEFORE = RU_NAME.replace(r"|\d{1,3}(?=\s+[А-ЯЁ])", rf"|\d{{1,2}}(?=\s+{RU_MONTHS})")
RU_STREET = (rf"(?:{RU_NAME_BEFORE}\s+){{0,3}}{RU_STREET_TYPE}(?:\s+{RU_NAME}){{0,3}}"
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
EN_HOUSE_NUMBER = (rf"(?:\d{{1,3}}_\d{{3}}|\d\d_\d\d|\d{{1,6}}[A-Za-z]?(?:-\d{{1,5}}[A-Za-z]?)?"
                   rf"|{EN_NUMW})")
EN_UNIT_MARK = (r"(?i:apartments?|apt\.?|suites?|ste\.?|units?|flats?|floor|fl\.?|building"
                r"|bldg\.?)")
EN_UNIT_VALUE = rf"(?:#\s*)?(?:\d{{1,5}}[A-Za-z]?|[A-Z](?![\w])|{EN_NUMW})"
EN_UNIT = (rf"(?:{EN_UNIT_MARK}\s*{EN_UNIT_VALUE}(?:\s+(?i:and|&)\s+{EN_UNIT_VALUE})?"
           rf"|#\s*\d{{1,5}}[A-Za-z]?)")
# "9th Church Lane": Whisper writes a house number said before a street as an ordinal; it is a
# house only when a name of words follows it before the type ("2nd Avenue" is a street).
EN_ORDINAL_HOUSE = r"\d{1,5}(?:st|nd|rd|th)"
EN_WORD_NAME = rf"(?!{EN_SUFFIX})[A-Z][\w'.-]*"
EN_STREET_LINE = (
    rf"(?:{EN_HOUSE_NUMBER}\s+(?:{EN_DIRECTION}\s+)?(?:{EN_NAME}\s+){{0,3}}{EN_NAME}??"
    rf"|{EN_ORDINAL_HOUSE}\s+(?:{EN_DIRECTION}\s+)?{EN_WORD_NAME}(?:\s+[A-Z][\w'.-]*){{0,2}})"
    rf"\s*{EN_SUFFIX}"
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
    "bare_number": _full(rf"(?:{NUM}|{RU_NUMW}){RU_UNITS}*"),
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


def find_addresses(text: str, language: str | None = None,
                   extra_names: tuple[str, ...] = ()) -> list[AddressMatch]:
    """Addresses said in `text`, as said (spans and raw from the text itself)."""
    return _addresses_in(text, address_view(text, language, extra_names))


def _addresses_in(text: str, view: str) -> list[AddressMatch]:
    """`find_addresses` on the address view of `text` already made."""
    found: list[AddressMatch] = []
    for begin, end in sentences(view):
        pieces = chunks(view, begin, end)
        index = 0
        while index < len(pieces):
            match = _address_at(view, pieces, index)
            if match is None:
                index += 1
                continue
            address, last = match
            found.append(address)
            if last == index and address.end < pieces[index].end:  # more in the same part
                rest = Chunk(address.end, pieces[index].end, view[address.end : pieces[index].end])
                more = _core_inside(view, [*pieces[:index], rest], index)
                while more is not None and more[0].start >= address.end:
                    found.append(more[0])
                    address = more[0]
                    rest = Chunk(address.end, pieces[index].end,
                                 view[address.end : pieces[index].end])
                    more = _core_inside(view, [*pieces[:index], rest], index)
            index = last + 1
    return [AddressMatch(item.start, item.end, text[item.start : item.end], item.parts)
            for item in found]


RU_TYPE_WORD = re.compile(rf"^{RU_STREET_TYPE}$")
EN_SUFFIX_WORD = re.compile(rf"^{EN_SUFFIX}$")
LOCALITY_WORD = re.compile(r"(?i)^(город[аеу]?|г|гор|деревн[яеиюй]|дер|пос[её]л(?:ок|ке|ка)|пос"
                           r"|сел[оеау]|станиц[аеуы]|хутор[еа]?|мкр|микрорайон[аеу]?)$")
ADJECTIVE_END = re.compile(r"(?i)(ий|ый|ой|ая|ое|ья|ин|ов|ая)$")
PART_START = re.compile(
    r"(?i)^\s*(?:дом[аеу]?|д\.|корпус\w*|корп\.?|строени\w*|стр\.|квартир\w*|кв\.?|офис\w*"
    r"|оф\.|apartments?|apt\.?|suites?|units?|flats?|#)(?![\w])")
STATE_CODES = frozenset({
    "al", "ak", "az", "ar", "ca", "co", "ct", "de", "fl", "ga", "hi", "id", "il", "in", "ia",
    "ks", "ky", "la", "me", "md", "ma", "mi", "mn", "ms", "mo", "mt", "ne", "nv", "nh", "nj",
    "nm", "ny", "nc", "nd", "oh", "ok", "or", "pa", "ri", "sc", "sd", "tn", "tx", "ut", "vt",
    "va", "wa", "wv", "wi", "wy", "dc",
})
US_STATE_NAMES = frozenset(name.lower() for name in US_STATES.split("|"))
NOT_NAMES = NOT_PLACES | frozenset({
    "to", "at", "is", "on", "in", "of", "a", "an", "my", "it", "its", "it's", "ship", "send",
    "deliver", "drop", "off", "up", "from", "by", "near", "for", "на", "в", "по", "к", "и", "а",
    "адрес", "адресу", "дом", "улица", "улице", "номер", "street", "avenue",
})
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def _capital(view: list[str], start: int, end: int) -> None:
    view[start] = view[start].upper()
    for position in range(start + 1, end):  # "ново-садовая" → "Ново-Садовая"
        if view[position - 1] == "-" and view[position].isalpha():
            view[position] = view[position].upper()


# Street type words as a telephone line bends them: «шассе» for «шоссе», «пульвар» for
# «бульвар». A word of the same length this close to one of these forms, with a house number
# within the next few words, is read as it.
RU_TYPE_FORMS = (
    "улица", "улицы", "улице", "улицу", "проспект", "проспекта", "проспекте", "переулок",
    "переулка", "переулке", "бульвар", "бульвара", "бульваре", "шоссе", "проезд", "проезда",
    "набережная", "набережной", "площадь", "тупик", "аллея",
)
HOUSE_SOON = re.compile(r"[\s,.]*(?:[^\W\d_]+[\s,.]+){0,3}?(?:(?i:дом)\b|\d)")
# "712, Birch Street": Whisper's comma between a house number and its street
EN_HOUSE_COMMA = re.compile(
    rf"(?<![\w.,-])\d{{1,6}}(,)(?=\s+(?:{EN_NAME}\s+){{1,3}}{EN_SUFFIX}(?![\w]))")


# "suite" sounds as "sweet", and Whisper writes it so ("Commerce Parkway, sweet 300")
SWEET = re.compile(r"\b[Ss]weet(?=,?\s+#?\d)")
# "eight oh six Pine Ridge Court" heard as "A06 Pine Ridge Court": a house number that
# starts with the letter A, right before a street (a unit "A06" is said after its word)
EIGHT_AS_A = re.compile(
    rf"(?<![\w#-])A(?=\d{{1,4}},?\s+(?:{EN_NAME}\s+){{1,3}}{EN_SUFFIX}(?![\w]))")
# "ten ninety-five West Pender Street" written "10 95 West Pender Street": a house said in
# pairs, two two-digit numbers right before a street (the card marks the house unsure)
PAIR_HOUSE = re.compile(
    rf"(?<![\w#.,-])(\d\d) (\d\d)(?=,? +(?:{EN_DIRECTION} +)?"
    rf"(?:{EN_NAME} +){{1,3}}{EN_SUFFIX}(?![\w]))")
UNIT_BEFORE = re.compile(r"(?i:apartment|apt\.?|suite|unit|flat|no\.?)\s*$")
# "Commerce Parkway at Sweet 300": Whisper writes the pause before a unit as "at"
AT_UNIT = re.compile(rf"(?<=[A-Za-z.]) at(?=,? +(?:{EN_UNIT_MARK}|[Ss]weet)(?![\w])"
                     rf",?\s*#?\s*(?:\d|[A-Z](?![\w])|{EN_NUMW}))")
# "four fifteen Second Street" heard as "for 15th Second Street": "for" opening a clause,
# right before a number and a street, is the house's first digit (the card marks it unsure)
FOR_HOUSE = re.compile(
    rf"(?:^|(?<=[.,:;!?] ))([Ff]or) (\d{{1,3}}(?:st|nd|rd|th)?)(?=,? +(?:{EN_DIRECTION} +)?"
    rf"(?:{EN_NAME} +){{1,3}}{EN_SUFFIX}(?![\w]))")


def _eight_as_a(text: str) -> str:
    """`text` with "A06 Pine Ridge Court" read as 806; the same length."""
    return EIGHT_AS_A.sub(
        lambda match: match.group() if UNIT_BEFORE.search(text, 0, match.start()) else "8",
        text)


def _homophones(text: str) -> str:
    """`text` with the English words Whisper writes for an address's sounds read as said:
    "sweet 300" as "suite 300", "Parkway at Suite 300" without the "at", "for 15th Second
    Street" as house 415 (the number moved left over the "for"); the same length."""
    text = SWEET.sub(lambda match: match.group()[0] + "uite", text)
    text = AT_UNIT.sub(",  ", text)
    text = FOR_HOUSE.sub(
        lambda match: ("4" + match.group(2)).ljust(len(match.group())), text)
    return _eight_as_a(text)


def _type_word(lower: str) -> str | None:
    """The street type form a misheard word stands for, if one is near enough."""
    if len(lower) < 5 or RU_TYPE_WORD.match(lower):
        return None
    allowed = 1 if len(lower) < 8 else 2
    sound = _sound(lower)
    for form, form_sound in TYPE_SOUNDS:
        if len(form) == len(lower) and (differing(form, lower) <= allowed
                                        or differing(form_sound, sound) <= allowed):
            return form
    return None


def differing(first: str, second: str) -> int:
    """How many places two words of one length differ in (digits or letters)."""
    return sum(a != b for a, b in zip(first, second, strict=True))


# How a Russian word sounds where Whisper's spelling wanders: unstressed о is heard as а,
# е / я / э as и («периолог»), and a final voiced consonant is voiceless («-лог» = «-лок»).
REDUCED = str.maketrans("оеёяэы", "аиииии")
DEVOICED = str.maketrans("бвгджз", "пфктшс")


def _sound(word: str) -> str:
    """`word` as it sounds, for comparing misheard spellings; the same length."""
    key = word.translate(REDUCED)
    return key[:-1] + key[-1:].translate(DEVOICED)


TYPE_SOUNDS = tuple((form, _sound(form)) for form in RU_TYPE_FORMS)  # once, not per word


def _repair_type_words(text: str, names: list[Gazetteer]) -> str:
    """`text` with misheard street type words written as said; the same length."""
    out = list(text)
    for match in re.finditer(r"[а-яёА-ЯЁ]+", text):
        lower = match.group().lower().replace("ё", "е")
        if any(lower in item.words for item in names) or lower in NOT_NAMES:
            continue
        form = _type_word(lower)
        if form is None or not HOUSE_SOON.match(text, match.end()):
            continue
        if match.group()[0].isupper():
            form = form[0].upper() + form[1:]
        out[match.start() : match.end()] = list(form)
    return "".join(out)


# «улица, строителей, дом 7»: Whisper's comma between a street type and its name
TYPE_COMMA = re.compile(rf"(?<![\w-]){RU_STREET_TYPE}(,)(?=\s+(?!{RU_UNIT_MARK}|{RU_HOUSE_MARK})"
                        r"[а-яё][а-яё-]+)")


def _comma_after_type(text: str) -> str:
    """`text` with a comma between a street type word and a lower-case name read as a
    space; the same length."""
    marks = [match.start(1) for match in TYPE_COMMA.finditer(text)]
    if not marks:
        return text
    out = list(text)
    for position in marks:
        out[position] = " "
    return "".join(out)


# An adjective street name agrees with its type word: «Каширское шоссе», «Лесная улица».
# Whisper often hears the wrong gender («Коширская шоссе»); the ending is two letters in
# every gender, so the fix keeps the length. Masculine types are left alone: «Лесная» may
# be «Лесной» or «Лесный» (the stress decides).
NEUTER_TYPES = frozenset({"шоссе"})
FEMININE_TYPES = frozenset({"улица", "набережная", "площадь", "аллея"})
ADJECTIVE = re.compile(r"[а-яёА-ЯЁ-]{3,}(ая|яя|ое|ее|ий|ый|ой)")
NAME_GOES_ON = re.compile(r"[ \t]+(?!(?i:дом|д\.)(?![а-яё]))[а-яёА-ЯЁ]")


def _agreeing(word: str, kind: str) -> str:
    """`word` (an adjective) with the ending of the type word's gender."""
    stem, ending = word[:-2], word[-2:].lower()
    soft = ending in ("яя", "ее") or (ending == "ий" and stem[-1:].lower() == "н")
    endings = {"neuter": ("ое", "ее"), "feminine": ("ая", "яя")}[kind]
    return stem + endings[soft]


def _agree_with_type(text: str) -> str:
    """`text` with an adjective street name next to «шоссе», «улица» ... in its gender."""
    words = list(re.finditer(r"[а-яёА-ЯЁ-]+", text))
    out = list(text)
    for index, match in enumerate(words):
        lower = match.group().lower()
        kind = "neuter" if lower in NEUTER_TYPES else "feminine" if lower in FEMININE_TYPES \
            else None
        if kind is None:
            continue
        for other in (index - 1, index + 1):
            if not 0 <= other < len(words):
                continue
            word = words[other]
            between = text[min(word.end(), match.end()) : max(word.start(), match.start())]
            if between.strip() or not ADJECTIVE.fullmatch(word.group()):
                continue  # only a word right next to the type word, with no comma between
            if other > index and NAME_GOES_ON.match(text, word.end()):
                continue  # «улица Красный Путь»: the adjective agrees with its own noun
            out[word.start() : word.end()] = list(_agreeing(word.group(), kind))
    return "".join(out)


def _pair_is_house(before: str) -> bool:
    """Whether two two-digit numbers after `before` are one house said in pairs: not a unit's
    number ("apartment 12 34 Oak Street") nor the end of a run of digits ("555 12 34"), but
    for a unit and its number said first ("Suite 800 10 95 West Pender Street")."""
    if re.search(rf"(?i:{EN_UNIT_MARK})\s*#?\s*$", before):
        return False
    return not re.search(r"\d[\s,]*$", before) or re.search(
        rf"(?i:{EN_UNIT_MARK})\s*#?\s*\d{{1,5}}[A-Za-z]?,?\s*$", before) is not None


def _unit_before(text: str, position: int) -> bool:
    return re.search(rf"(?i:{EN_UNIT_MARK})\s*#?\s*$", text[:position]) is not None


def address_view(text: str, language: str | None = None, extra_names: tuple[str, ...] = ()
                 ) -> str:
    """`text` with the capitals of place names restored, misheard street type words written
    as said and full stops between address parts read as commas; the same length, so a span
    of the view is a span of the text."""
    languages = [language] if language in ("ru", "en") else ["ru", "en"]
    names = [gazetteer(item, extra_names) for item in languages]
    if "ru" in languages:
        text = _agree_with_type(_comma_after_type(_repair_type_words(text, names)))
    if "en" in languages:
        text = _homophones(text)
    view = list(text)
    words = list(WORD.finditer(text))
    lowers = [match.group().lower().replace("ё", "е") for match in words]
    for index, match in enumerate(words):
        word, lower = match.group(), lowers[index]
        if not word[0].islower() or lower in NOT_NAMES or (
                match.start() and text[match.start() - 1].isdigit()):  # "57th", "4b"
            continue
        previous = lowers[index - 1] if index else ""
        following = lowers[index + 1] if index + 1 < len(lowers) else ""
        known = any(lower in item.words for item in names)
        between_prev = text[words[index - 1].end() : match.start()] if index else ""
        after_type = bool(RU_TYPE_WORD.match(previous + ("." if between_prev.startswith(".")
                                                         else ""))) or \
            (bool(LOCALITY_WORD.match(previous)) and "," not in between_prev)
        before_type = (RU_TYPE_WORD.match(following) is not None
                       and ADJECTIVE_END.search(lower) is not None) or \
            (EN_SUFFIX_WORD.match(following) is not None and index > 0
             and re.search(r"\d\s*$|\d(?:st|nd|rd|th)\s*$|\b[a-z]+\s*$",
                           text[: match.start()]) is not None)
        en_after_suffix = EN_SUFFIX_WORD.match(previous) is not None and \
            lower in ("north", "south", "east", "west", "northwest", "northeast", "southwest",
                      "southeast")
        if after_type or before_type or en_after_suffix or (known and _near_address(lowers,
                                                                                  index)):
            _capital(view, match.start(), match.end())
        if lower in STATE_CODES and re.match(r"\s+\d{5}", text[match.end() :]):
            view[match.start() : match.end()] = list(word.upper())
        elif lower in US_STATE_NAMES or (lower in ("new", "north", "south", "west", "rhode")
                                         and f"{lower} {following}" in US_STATE_NAMES):
            _capital(view, match.start(), match.end())
    joined = "".join(view)
    joined = re.sub(r"(?<=\d),(?=\d{3}(?!\d)\s+[A-Za-z])", "_", joined)  # 1,247 Maple Avenue
    if "en" in languages:
        joined = PAIR_HOUSE.sub(
            lambda match: f"{match.group(1)}_{match.group(2)}"
            if _pair_is_house(joined[: match.start()]) else match.group(), joined)
        for match in EN_HOUSE_COMMA.finditer(joined):
            if not _unit_before(joined, match.start()):  # "apartment 12, Oak Street" stays
                joined = joined[: match.start(1)] + " " + joined[match.end(1) :]
    return _stops_as_commas(joined)


def _near_address(lowers: list[str], index: int) -> bool:
    """A known name with an address word or number near it (not «живу в Москве» alone)."""
    near = lowers[max(0, index - 3) : index + 4]
    return any(RU_TYPE_WORD.match(word) or EN_SUFFIX_WORD.match(word) or LOCALITY_WORD.match(word)
               or word in ("дом", "д", "квартира", "кв", "apartment", "apt", "suite", "unit")
               for word in near)


def _stops_as_commas(view: str) -> str:
    """«Улица Мира. Дом 8. Квартира 15.»: a full stop before an address part is a comma."""
    out = list(view)
    for match in re.finditer(r"\.(?=\s+\S)", view):
        after = view[match.end() :]
        before = view[: match.start()]
        if PART_START.match(after) and re.search(r"(\w{2,}|\d)$", before) and \
                re.search(rf"({RU_STREET_TYPE}|{EN_SUFFIX}|\d)[^.,]{{0,40}}$", before):
            out[match.start()] = ","
        elif re.match(rf"\s+(?:[А-ЯЁA-Z][\w-]*\s+){{0,2}}{RU_STREET_TYPE}", after) and \
                re.search(r"(?:^|[,.:—-]\s*)[А-ЯЁ][\w-]+$", before):
            out[match.start()] = ","  # «Владивосток. Светланская улица.»
        elif re.match(r"\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?(?:,?\s+[A-Z]{2}(?:\s+\d{5})?)?"
                      r"(?=[.,]|$)", after) and \
                re.search(rf"(?i:{EN_UNIT_MARK})\s*\w+$|{EN_SUFFIX}$", before):
            out[match.start()] = ","  # "Suite 400. Chicago."
    return "".join(out)


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
        offset = _lead_in_part(chunk.text, offset, core_kind.startswith("en_"))
        core_start = chunk.start + offset
        lead_in = offset > 0
    parts: list[tuple[str, str]] = [(core_kind, text[core_start : chunk.end])]
    start, stop, last = core_start, chunk.end, index
    english = core_kind.startswith("en_")
    right, left = (EN_RIGHT, EN_LEFT) if english else (RU_RIGHT, RU_LEFT)
    has_number = english or (core_kind == "ru_street" and (
        _street_has_number(parts[0][1]) or UNTYPED_WITH_HOUSE.fullmatch(parts[0][1]) is not None))
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


# A part said before the core in the same comma-less stretch: "Unit 5 220 King Street",
# «город Тула улица Гагарина дом 32», «Тула Гагарина 32».
EN_UNIT_BEFORE = re.compile(rf"(?:^|\s)({EN_UNIT})\s+$")
RU_CITY_BEFORE = re.compile(rf"(?:^|\s)({RU_CITY}|{RU_REGION})\s+$")
CITY_MARK_BEFORE = re.compile(r"(?:^|\s)((?i:г\.|город|гор\.))\s*$")  # the city in the core
CITY_WORD_BEFORE = re.compile(r"(?:^|\s)([А-ЯЁ][\w-]*)\s+$")


def _lead_in_part(text: str, offset: int, english: bool) -> int:
    """Where the address starts in a chunk whose core starts at `offset`: before a unit
    (EN) or a city (RU) said just before the core with no comma between."""
    before = text[:offset]
    if english:
        match = EN_UNIT_BEFORE.search(before)
        return match.start(1) if match else offset
    match = RU_CITY_BEFORE.search(before) or CITY_MARK_BEFORE.search(before)
    if match is None:
        match = CITY_WORD_BEFORE.search(before)
        if match is None or _key(match.group(1)) not in gazetteer("ru").cities:
            return offset
    return match.start(1)


def _key(word: str) -> str:
    return word.lower().replace("ё", "е")


PART_AFTER_NUMBER = re.compile(rf"\s+{RU_UNIT_MARK}")
STREET_WITH_NUMBER = re.compile(rf"{RU_STREET_TYPE}(?:\s+{RU_NAME}){{0,3}}\s+"
                                rf"(?:{RU_HOUSE_MARK}\s*)?{RU_NUMBER}{RU_UNITS}*$")
NUMBERED_NAME_END = re.compile(r"\d{1,3}\s+[А-ЯЁ][\w-]*$")
UNTYPED_STREET = re.compile(RU_UNTYPED_STREET)
# «Тула Гагарина 32 квартира 8»: Whisper's commas dropped, a city and an untyped street name
# run into the house number.
UNTYPED_WITH_HOUSE = re.compile(
    rf"(?P<name>(?:[А-ЯЁ][\w-]*\s+)?{RU_UNTYPED_STREET})\s+(?:{RU_HOUSE_MARK}\s*)?"
    rf"(?:{NUM}|{RU_NUMW}){RU_UNITS}*")


def _street_has_number(street: str) -> bool:
    """'ул. Баумана 44' carries its house number; 'ул. 8 Марта' does not."""
    return bool(STREET_WITH_NUMBER.search(street)) and not NUMBERED_NAME_END.search(street)


def _untyped_street(pieces: list[Chunk], index: int) -> tuple[str, int] | None:
    """'Офис на 1-й Тверской-Ямской, дом 2': a street named without its type, before 'дом N';
    «Казань, Баумана, 19»: a known street name, or any name after a city, before a number."""
    inside = _untyped_with_house(pieces, index)
    if inside is not None:
        return "ru_street", inside
    if index + 1 >= len(pieces):
        return None
    following = pieces[index + 1].text
    if not PARTS["ru_house"].match(following):
        if not PARTS["bare_number"].fullmatch(following) and not (
                PARTS["bare_number"].match(following) and PART_AFTER_NUMBER.match(
                    following[PARTS["bare_number"].match(following).end():])):  # type: ignore[union-attr]
            return None
        name = pieces[index].text
        after_city = index > 0 and (PARTS["ru_city"].fullmatch(pieces[index - 1].text)
                                    or PARTS["bare_city"].fullmatch(pieces[index - 1].text))
        if gazetteer("ru").proper(name) is None and not after_city:
            return None
    chunk = pieces[index]
    for start in _word_starts(chunk.text):
        candidate = chunk.text[start:]
        if UNTYPED_STREET.fullmatch(candidate) and \
                candidate.split()[0].lower() not in NOT_PLACES:
            return "ru_street", start
    return None


def _untyped_with_house(pieces: list[Chunk], index: int) -> int | None:
    """Where «Гагарина 32» (an untyped street and its house in one chunk) starts: a street
    the gazetteer knows, or any name after a city (the chunk before, or a known city said
    just before the name)."""
    text = pieces[index].text
    names = gazetteer("ru")
    after_city = index > 0 and bool(PARTS["ru_city"].fullmatch(pieces[index - 1].text)
                                    or PARTS["bare_city"].fullmatch(pieces[index - 1].text))
    for start in _word_starts(text):
        match = UNTYPED_WITH_HOUSE.fullmatch(text, start)
        if match is None:
            continue
        words = match.group("name").split()
        if any(_key(word) in NOT_NAMES for word in words):
            continue  # «Записывайте Казань Баумана 17»: the street starts further on
        city_first = len(words) > 1 and _key(words[0]) in names.cities
        street = " ".join(words[1:] if city_first else words)
        if city_first and len(words) > 2 and names.proper(street) is None:
            continue  # three capitalised words: no telling the city from the street
        if names.proper(street) is not None and _key(street) not in names.cities:
            return _lead_in_part(text, start, False)
        if (city_first or (after_city and len(words) == 1 and start == 0)) \
                and not street[:1].isdigit():
            return _lead_in_part(text, start, False)
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
            if kind == "ru_street" and not _street_has_number(match.group()):
                continue
            if kind == "en_street":  # "Unit 5 220 King Street West Toronto Ontario"
                start = _lead_in_part(chunk.text, start, True)
            found = chunk.text[start : match.end()]
            begin = chunk.start + start
            return AddressMatch(begin, begin + len(found), found, ((kind, found),)), index
    return None


def normalise_address(raw: str, gazetteer: tuple[str, ...] = (), min_score: float = 85.0) -> str:
    """Number words as digits, spacing tidied, a misheard street name corrected by the gazetteer."""
    value = re.sub(r"\s+", " ", spoken_to_digits(raw)).strip()
    value = re.sub(r"(?<=\d)[_,](?=\d{3}(?!\d)\s+[A-Za-z])", "", value)  # 6,400 Sunset: 6400
    value = re.sub(r"(?<![\d_])(\d\d)_(\d\d)(?=\s+[A-Za-z])", r"\1\2", value)  # 10 95: 1095
    # "21-15 Commerce Parkway": a house said in pairs ("twenty-one fifteen"), not unit 21 of
    # house 15 (a unit-house pair, "5-220 King Street", has a house of three digits or more)
    value = re.sub(r"^(\d\d)-(\d\d)(?=\s+[A-Za-z])", r"\1\2", value)
    if not gazetteer:
        return value
    name = street_name(value)
    if not name:
        return value
    best = process.extractOne(name, gazetteer, scorer=fuzz.WRatio, processor=utils.default_process,
                              score_cutoff=min_score)
    if best is None or best[0] == name or not similar_length(name, str(best[0])):
        return value
    return value.replace(name, str(best[0]), 1)


def restore_street(value: str, names: Gazetteer, min_score: float) -> str:
    """The street name as the gazetteer writes it, when a known name is near enough
    («улица баумана» → «улица Баумана»)."""
    name = street_name(value)
    if not name:
        return value
    nominative = _nominative(value, name, names)
    if nominative is not None:
        return nominative
    known = names.proper(name) or names.closest(name, min_score)
    return value if known is None or known == name else value.replace(name, known, 1)


# The oblique forms of a feminine street type, and of a feminine adjective's ending, that
# Whisper writes after «на», «по» or by mistake («улица школьной», «на улице Лесной»).
RU_OBLIQUE_TYPE = re.compile(r"(?i)(?<![\w])(улиц(?:е|ы|у|ей)|аллее|аллеи|аллею|набережной"
                             r"|набережную|площади|площадью|линии|линию)(?![\w])")
RU_NOMINATIVE_TYPE = {"улице": "улица", "улицы": "улица", "улицу": "улица", "улицей": "улица",
                      "аллее": "аллея", "аллеи": "аллея", "аллею": "аллея",
                      "набережной": "набережная", "набережную": "набережная",
                      "площади": "площадь", "площадью": "площадь", "линии": "линия",
                      "линию": "линия"}
RU_FEMININE_TYPE = re.compile(r"(?i)(?<![\w])(улиц\w*|алле\w|набережн\w+|площад\w+|лини\w)"
                              r"(?![\w])")
RU_OBLIQUE_ENDINGS = (("ой", "ая"), ("ою", "ая"), ("ую", "ая"), ("ей", "яя"), ("юю", "яя"))


def _nominative(value: str, name: str, names: Gazetteer) -> str | None:
    """«улице Лесной» → «улица Лесная», «улица школьной» → «улица Школьная»: a feminine
    street heard in an oblique case, put in the nominative when the gazetteer knows that form
    (a name the gazetteer does not know keeps the form heard). None when nothing changes."""
    street_type = RU_FEMININE_TYPE.search(value)
    if street_type is None:
        return None
    oblique_type = RU_OBLIQUE_TYPE.search(value)
    forms: list[str] = []
    for word in name.split():
        lower = word.lower()
        for oblique, nominative in RU_OBLIQUE_ENDINGS:
            if lower.endswith(oblique) and len(lower) > 3:
                word = word[: -len(oblique)] + nominative
                break
        forms.append(word)
    # the feminine form first: «Лесной» is a town too, but «улице Лесной» is «улица Лесная»
    known = names.proper(" ".join(forms)) or names.proper(name)
    if known is None:
        return None
    fixed = value.replace(name, known, 1)
    if oblique_type is not None and oblique_type.start() < len(fixed):
        said = oblique_type.group(1)
        nominative_type = RU_NOMINATIVE_TYPE[said.lower()]
        if said[:1].isupper():
            nominative_type = nominative_type[:1].upper() + nominative_type[1:]
        fixed = fixed[: oblique_type.start()] + nominative_type + fixed[oblique_type.end() :]
    return None if fixed == value else fixed


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
                    and not re.match(r"(?i)^(?:дом[аеу]?|д\.|корп(?:ус\w*|\.)?|кв\.?|квартир\w*"
                                     r"|стр\.?|строени\w*|apt\.?|apartment|suite|unit)$", word)]
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
    unit_house = UNIT_HOUSE.match(value)
    if unit_house and "house" not in fields:
        fields.setdefault("apartment", unit_house.group(1).lower())
        fields["house"] = unit_house.group(2).lower()
    if "house" not in fields:
        # "4821 Maple Ridge Drive", "Flat 6, 41 Kingsley Road"
        leading = re.search(r"(?:^|,\s*|(?i:apartment|apt\.?|suite|unit|flat)\s*#?\s*\w+\s+)"
                            r"(\d+[A-Za-z]?)\s+[A-Za-z]", value)  # "Unit 5 220 King Street"
        inline = HOUSE_AFTER_STREET.search(value)
        if leading:
            fields["house"] = leading.group(1).lower()
        elif inline:
            fields["house"] = inline.group(1).lower()
    if "street" not in fields:
        bare = next((match for match in BARE_STREET_HOUSE.finditer(value)
                     if not UNIT_WORDS.fullmatch(match.group(1))), None)
        if bare:
            fields["street"] = bare.group(1).lower().replace("ё", "е")
            fields.setdefault("house", bare.group(2).lower())
    return fields


# "5-220 King Street": unit 5 of house 220 (the Canadian and Australian way to write it)
UNIT_HOUSE = re.compile(r"^(\d{1,4}[A-Za-z]?)-(\d{1,5}[A-Za-z]?)\s+[A-Za-z]")
# «Гагарина 32, квартира 8»: a street said without its type, the house right after the name
# («Тула, Гагарина, 32»: with Whisper's comma between them)
BARE_STREET_HOUSE = re.compile(r"(?:^|,\s*)([A-Za-zА-Яа-яЁё][\w-]{2,}),?\s+(\d{1,5}[а-яa-z]?)\b")
UNIT_WORDS = re.compile(r"(?i)дом[аеу]?|корпус\w*|квартир\w*|строени\w*|офис\w*|подъезд\w*"
                        r"|этаж\w*|стр|кв|корп|apartment|apt|suite|unit|flat|box|floor|room"
                        r"|building|entrance")


def _street_key(name: str) -> str:
    """A street name with its inflection and type-like tail left out: «Каширское» and a
    misheard «Коширская» compare by «каширск»/«коширск»."""
    return " ".join(_STEM.stemWord(word) for word in name.split())


_STEM = snowballstemmer.stemmer("russian")


def same_street(first: str, second: str, threshold: float, partial: bool = False) -> bool:
    """Two heard street names are one street: close as said, or close once inflection is
    left out; with `partial`, also when one holds the other's words («King West» and «King»:
    enough to tell a read-back of this address, not to call the names equal, since King
    Street and King Street West are two streets)."""
    if fuzz.ratio(first, second) >= threshold:
        return True
    if fuzz.ratio(_street_key(first), _street_key(second)) >= threshold:
        return True
    shorter, longer = sorted((set(first.split()), set(second.split())), key=len)
    return partial and bool(shorter) and shorter <= longer


# The kind of street, whatever way it was said or written («ул.», «улица»; "St", "Street").
STREET_KINDS = (
    ("улица", r"улиц|ул\."), ("проспект", r"проспект|пр-т|просп\.|пр\."),
    ("переулок", r"переул|пер\."), ("бульвар", r"бульвар|б-р"), ("шоссе", r"шоссе|ш\."),
    ("набережная", r"набережн|наб\."), ("проезд", r"проезд|пр-д"), ("площадь", r"площад|пл\."),
    ("тупик", r"тупик|туп\."), ("аллея", r"алле"), ("линия", r"лини"), ("тракт", r"тракт"),
    ("микрорайон", r"мкр|микрорайон"), ("квартал", r"квартал"),
    ("street", r"street|st\b"), ("avenue", r"avenue|ave?\b"), ("road", r"road|rd\b"),
    ("drive", r"drive|dr\b"), ("lane", r"lane|ln\b"), ("boulevard", r"boulevard|blvd"),
    ("court", r"court|ct\b"), ("terrace", r"terrace|ter\b"), ("place", r"place|pl\b"),
    ("crescent", r"crescent|cres\b"), ("highway", r"highway|hwy"), ("parkway", r"parkway|pkwy"),
    ("circle", r"circle|cir\b"), ("square", r"square|sq\b"), ("trail", r"trail|trl\b"),
)
_STREET_KIND = [(kind, re.compile(rf"(?i)^(?:{pattern})")) for kind, pattern in STREET_KINDS]


def street_kind(address: str) -> str | None:
    """«переулок» in «Лесной пер., д. 5», "avenue" in "12 Oak Ave" (None: not said)."""
    match = TYPE_WORDS.search(address)
    if match is None:
        return None
    word = match.group(0).lower()
    return next((kind for kind, pattern in _STREET_KIND if pattern.match(word)), word)


def compare_addresses(given: str, repeated: str) -> Verdict | None:
    first, second = address_fields(given), address_fields(repeated)
    one_street = (
        "street" in first and "street" in second
        and same_street(first["street"], second["street"], 70, partial=True)
    )
    if not one_street and first.get("house") != second.get("house") and \
            not _same_numbers(first, second):
        return None
    differences: list[str] = []
    kinds = street_kind(given), street_kind(repeated)
    if None not in kinds and kinds[0] != kinds[1]:
        differences.append(f"street type: {kinds[0]} given, {kinds[1]} repeated")
    for name in ("street", "house", "building", "structure", "apartment", "postcode"):
        a, b = first.get(name), second.get(name)
        if a is None or b is None:
            continue
        equal = (same_street(a, b, 85) or _directional_moved(a, b, given, repeated)
                 if name == "street" else a == b)
        if not equal:
            differences.append(f"{name}: {a} given, {b} repeated")
    return not differences, tuple(differences)


NUMBER_FIELDS = ("house", "building", "structure", "apartment")
DIRECTIONALS = frozenset({"north", "south", "east", "west", "northeast", "northwest",
                          "southeast", "southwest"})


def _same_numbers(first: dict[str, str], second: dict[str, str]) -> bool:
    """Whether two addresses whose street names differ are still one address read back: two
    or more number fields in both, all equal but at most one, one digit off («27 Fistle
    Street, flat 1» read back as «37th Assault Street, Flat 1»: the line mangled the name
    and the operator slipped on the house)."""
    shared = [name for name in NUMBER_FIELDS if name in first and name in second]
    off = [name for name in shared if first[name] != second[name]]
    return len(shared) >= 2 and (not off or (
        len(off) == 1 and len(first[off[0]]) == len(second[off[0]])
        and differing(first[off[0]], second[off[0]]) == 1))


def _directional_moved(first: str, second: str, given: str, repeated: str) -> bool:
    """Whether two street names differ only in a directional that the one lacking it has
    right after a comma ("King Street, West Toronto": Whisper's comma moved "West" into the
    city). A directional truly left out stays a difference: King Street and King Street
    West are two streets."""
    ours, theirs = set(first.split()), set(second.split())
    extra = ours ^ theirs
    if len(extra) != 1 or not extra <= DIRECTIONALS:
        return False
    word = next(iter(extra))
    lacking = repeated if word in ours else given
    return re.search(rf",\s*{word}\b", lacking, re.I) is not None


ORDINAL_HOUSE = re.compile(rf"^(\d{{1,5}})(?:st|nd|rd|th)(?=\s+{EN_WORD_NAME})")


def _ordinal_house(address: str) -> str:
    """"9th Church Lane" → "9 Church Lane": an address only starts with an ordinal that is its
    house number ("2nd Avenue" alone has no house, so it is no address)."""
    return ORDINAL_HOUSE.sub(r"\1", address)


class AddressFinder:
    """Postal addresses: number words as digits, street names corrected by the gazetteer;
    a read-back is compared part by part (street, house, apartment ...)."""

    kind = "address"
    plural = "addresses"

    def find(self, text: str, context: FindContext) -> list[Found]:
        view = address_view(text, context.language, context.gazetteer)
        names = gazetteer(context.language, context.gazetteer)
        return [Found(self.kind, address.start, address.end, address.raw,
                      restore_street(normalise_address(_ordinal_house(
                          view[address.start : address.end]), context.gazetteer,
                          context.gazetteer_min_score), names, context.gazetteer_min_score))
                for address in _addresses_in(text, view)]

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
