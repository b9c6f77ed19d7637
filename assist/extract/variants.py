"""Random phone numbers and addresses said the ways people say them (RU, EN), with their gold.

For property tests ("said in any of these ways, the number is found exactly once and whole")
and `python -m assist.bench extract --generated N`. A number is rendered in any grouping, in
digits, words or a mix, with fillers, pauses and connectors between groups, its code said
apart, a group or the whole number corrected, and Whisper's habits: commas, hyphens, full
stops, dropped capitals; the text is then cut into the windows the recogniser would give.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import phonenumbers

from assist.extract.gazetteer import gazetteer


@dataclass(frozen=True)
class Variant:
    """One generated case in the format of the extraction sets."""

    language: str
    segments: tuple[str, ...]
    phones: tuple[str, ...]
    addresses: tuple[str, ...]  # each a substring of the text

    @property
    def text(self) -> str:
        return " ".join(self.segments)

    def record(self, ident: str) -> dict[str, Any]:
        return {"id": ident, "lang": self.language, "segments": list(self.segments),
                "phones": list(self.phones), "addresses": list(self.addresses)}


RU_UNITS = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
RU_TEENS = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
            "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"]
RU_TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
           "восемьдесят", "девяносто"]
RU_HUNDREDS = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
               "восемьсот", "девятьсот"]
EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen"]
EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def ru_number(value: int) -> str:
    """0..999 in Russian words."""
    if value == 0:
        return "ноль"
    words = [RU_HUNDREDS[value // 100]] if value >= 100 else []
    rest = value % 100
    if 10 <= rest < 20:
        words.append(RU_TEENS[rest - 10])
    else:
        if rest >= 20:
            words.append(RU_TENS[rest // 10])
        if rest % 10:
            words.append(RU_UNITS[rest % 10])
    return " ".join(words)


def en_number(value: int) -> str:
    """0..999 in English words."""
    if value == 0:
        return "zero"
    words = [EN_UNITS[value // 100], "hundred"] if value >= 100 else []
    rest = value % 100
    if 10 <= rest < 20:
        words.append(EN_TEENS[rest - 10])
    elif rest:
        tens, unit = EN_TENS[rest // 10], EN_UNITS[rest % 10] if rest % 10 else ""
        words.append(f"{tens}-{unit}" if tens and unit else tens or unit)
    return " ".join(words)


def _say_group(rng: random.Random, digits: str, language: str, style: str) -> str:
    """One group of digits in digits, as a compound number, or digit by digit."""
    if style == "digits":
        return digits
    zero = "ноль" if language == "ru" else rng.choice(["oh", "zero"])
    units = RU_UNITS if language == "ru" else [zero, *EN_UNITS[1:]]
    if style == "single" or len(digits) > 3 or (language == "en" and len(digits) != 2):
        if language == "en" and len(digits) in (2, 3) and len(set(digits)) == 1 \
                and rng.random() < .4:
            return ("double " if len(digits) == 2 else "triple ") + units[int(digits[0])]
        return " ".join(units[int(digit)] for digit in digits)
    leading = len(digits) - len(digits.lstrip("0"))
    head = " ".join([units[0]] * leading)
    rest = digits[leading:]
    if not rest:
        return head
    said = ru_number(int(rest)) if language == "ru" else en_number(int(rest))
    return f"{head} {said}".strip()


def _groupings(length: int, language: str) -> list[list[int]]:
    if length == 10:
        return [[3, 3, 2, 2], [3, 3, 4], [3, 3, 1, 1, 1, 1], [3, 7], [3, 2, 2, 3],
                [1] * 10, [3, 3, 2, 1, 1]]
    if length == 7:
        return [[3, 2, 2], [3, 4], [3, 1, 1, 1, 1], [7]]
    return [[length]]


def _split(digits: str, sizes: list[int]) -> list[str]:
    groups, position = [], 0
    for size in sizes:
        groups.append(digits[position : position + size])
        position += size
    return [group for group in groups if group]


RU_CODES = ["495", "499", "812", "343", "383", "843", "861", "846", "351", "863"]
EN_CODES = ["212", "312", "415", "617", "713", "206", "303", "404", "503", "602", "702",
            "818", "917", "646", "773", "214", "305", "480", "512", "615"]


def _phone(rng: random.Random, language: str) -> tuple[str, str, str]:
    """A valid number: (E.164, its country prefix as said, the ten national digits)."""
    while True:
        if language == "ru":
            code = rng.choice(["9" + f"{rng.randint(0, 99):02d}", rng.choice(RU_CODES), "800"])
            national = code + f"{rng.randint(0, 9999999):07d}"
            number = phonenumbers.parse("+7" + national, None)
            prefix = "7"
        else:
            code = rng.choice([*EN_CODES, "800", "888", "877"])
            national = code + "555" + f"01{rng.randint(0, 99):02d}"
            number = phonenumbers.parse("+1" + national, None)
            prefix = "1"
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), \
                prefix, national


RU_SEPARATORS = [", ", " ", "-", "... ", ", э-э, ", ", ну, ", ", потом ", ", дальше ",
                 ", а дальше ", " и ", ", сейчас, "]
EN_SEPARATORS = [", ", " ", "-", "... ", ", uh, ", ", um, ", ", then ", " and then ", ", and ",
                 ", next "]
RU_LEADS = ["Мой номер", "Телефон", "Записывайте:", "Пишите:", "Да, номер", "Сотовый",
            "Звоните на", "Номер для связи", "Так, записывайте,", "Мобильный"]
EN_LEADS = ["My number is", "You can reach me at", "Call me on", "It's", "My cell is",
            "Write it down:", "The number is", "Phone number's", "Text me at", "Okay, so"]
RU_TAILS = ["", ", спасибо.", ".", ", это мобильный.", ", звоните после обеда.", "."]
EN_TAILS = ["", ", thanks.", ".", ", that's my cell.", ", any time after five.", "."]


def _say_phone(rng: random.Random, language: str) -> tuple[str, str]:
    """A phone number as someone says it: (text, E.164)."""
    value, country, national = _phone(rng, language)
    ru = language == "ru"
    style = rng.choice(["digits", "words", "mix", "single"])
    sizes = rng.choice(_groupings(10, language))
    if ru and sizes == [3, 7]:
        sizes = [3, 3, 2, 2]
    groups = _split(national, sizes)
    separators = RU_SEPARATORS if ru else EN_SEPARATORS
    sentence = rng.random() < .12  # one group per sentence
    said: list[str] = []
    for group in groups:
        group_style = rng.choice(["digits", "words", "single"]) if style == "mix" else style
        if ru and group_style == "words" and len(group) > 3:
            group_style = "single"
        said.append(_say_group(rng, group, language, group_style))
    if style == "digits" and rng.random() < .25:
        joined = "-".join(said) if rng.random() < .5 else " ".join(said)
        body = joined
        if not ru and rng.random() < .5:
            body = f"({said[0]}) " + "-".join(said[1:]) if len(said) > 2 else joined
    elif sentence:
        body = ". ".join(part[:1].upper() + part[1:] for part in said)
    else:
        body = said[0]
        for part in said[1:]:
            body += rng.choice(separators[:4] if rng.random() < .6 else separators) + part
    # the country prefix
    roll = rng.random()
    if ru:
        if roll < .3:
            lead_in = rng.choice(["8 ", "восемь ", "8-", "восемь, "])
        elif roll < .6:
            lead_in = rng.choice(["+7 ", "плюс семь ", "Плюс семь, ", "+7-"])
        else:
            lead_in = ""
    else:
        lead_in = rng.choice(["1-", "one ", "1 ", "plus one, "]) if roll < .25 else ""
    if national.startswith("800") and not ru:
        lead_in = rng.choice(["1-", "one ", ""])
    # a code said apart
    if rng.random() < .15 and not sentence:
        code, rest = national[:3], national[3:]
        rest_groups = _split(rest, [3, 2, 2] if ru else [3, 4])
        rest_said = " ".join(_say_group(rng, part, language, "digits" if style == "digits"
                                        else "words" if ru else "single") for part in rest_groups)
        code_said = _say_group(rng, code, language, "digits" if style == "digits" else "words"
                               if ru else "single")
        if ru:
            body = rng.choice([f"код {code_said}, номер {rest_said}",
                               f"код {code_said}, а номер {rest_said}",
                               f"{code_said} — это код, а номер {rest_said}"])
        else:
            body = rng.choice([f"area code {code_said}, then {rest_said}",
                               f"the area code is {code_said} and the number is {rest_said}",
                               f"area code {code_said}, {rest_said}"])
        lead_in = "8 " if ru and rng.random() < .3 and "код" not in body[:4] else ""
        if ru and lead_in:
            body = body.replace("код ", "", 1) if body.startswith("код") else body
            lead_in = ""
    # a correction
    roll = rng.random()
    if roll < .1 and len(groups) >= 3 and not sentence:
        wrong = "".join(str((int(digit) + 1) % 10) for digit in groups[-1])
        wrong_said = _say_group(rng, wrong, language, style if style != "mix" else "digits")
        right_said = said[-1]
        cue = rng.choice(["ой, нет,", "нет,", "извините,"] if ru else
                         ["sorry,", "no,", "no wait,", "oops, I mean"])
        body = body[: len(body) - len(right_said)] + f"{wrong_said}, {cue} {right_said}"
    elif roll < .16 and not sentence:
        wrong_national = national[:-2] + f"{(int(national[-2:]) + 1) % 100:02d}"
        cue = rng.choice(["ой, нет, подождите,", "нет, извините,"] if ru else
                         ["sorry,", "no, wait,", "oops, I mean"])
        prefix = "8 " if ru else ""
        wrong_text = prefix + " ".join(_split(wrong_national, [3, 3, 2, 2] if ru else [3, 3, 4]))
        body = f"{wrong_text}, {cue} {lead_in}{body}"
        lead_in = ""
    _ = country
    text = f"{lead_in}{body}"
    return text, value


RU_TYPES = [("улица", "before"), ("ул.", "before"), ("проспект", "before"),
            ("проспект", "after"), ("переулок", "before"), ("бульвар", "before"),
            ("шоссе", "after"), ("набережная", "before"), ("", "none")]
EN_SUFFIXES = ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Drive", "Lane", "Boulevard",
               "Court", "Place", "Way", "Parkway", "Terrace"]
RU_CITIES = ["Москва", "Казань", "Самара", "Новосибирск", "Екатеринбург", "Пермь", "Тула",
             "Воронеж", "Уфа", "Омск"]
EN_CITY_STATE = [("Columbus", "Ohio", "43215"), ("Austin", "Texas", "78701"),
                 ("Denver", "CO", "80203"), ("Boston", "MA", "02118"),
                 ("Seattle", "WA", "98101"), ("Chicago", "Illinois", "60611"),
                 ("Portland", "Oregon", "97205"), ("Reno", "NV", "89502")]


def _say_house(rng: random.Random, value: int, language: str) -> str:
    if rng.random() < .3 and value < 1000:
        return ru_number(value) if language == "ru" else en_number(value)
    return str(value)


def _say_address(rng: random.Random, language: str) -> tuple[str, str]:
    """An address as someone says it: (the text said, the address span)."""
    names = [name for name in gazetteer(language).names
             if name[:1].isalpha() and name.replace(" ", "").replace("-", "").isalpha()]
    name = rng.choice(names)
    lower = rng.random() < .25  # Whisper drops the capitals of street names
    if lower:
        name = name.lower()
    stop = rng.random() < .15
    comma = ". " if stop else ", "
    if language == "ru":
        kind, where = rng.choice(RU_TYPES)
        if kind.startswith(("проспект", "шоссе", "переулок", "бульвар")) and \
                not name.lower().endswith(("ая", "ый", "ий", "ой")) and rng.random() < .5:
            where = "before"
        house = rng.randint(1, 199)
        house_said = _say_house(rng, house, "ru")
        street = {"before": f"{kind} {name}", "after": f"{name} {kind}", "none": name}[where]
        oblique = kind == "улица" and name.lower().endswith("ая") and rng.random() < .25
        if oblique:  # «на улице Лесной», «улица школьной»: Whisper's oblique case
            street = rng.choice(["улице ", "улица "]) + name[:-2] + "ой"
        if not stop and rng.random() < .2:
            comma = " "  # Whisper dropped every comma
        if stop:
            street = street[:1].upper() + street[1:]
        mark = rng.choice(["дом ", "д. ", ""]) if where != "none" else rng.choice(["дом ", "д. "])
        if stop and mark == "дом ":
            mark = "Дом "
        parts = [street, f"{mark}{house_said}"]
        if rng.random() < .3:
            parts.append(rng.choice(["корпус ", "строение ", "корп. "]) + str(rng.randint(1, 5)))
        if rng.random() < .6:
            unit = rng.choice(["квартира ", "кв. ", "офис "])
            if stop:
                unit = unit[:1].upper() + unit[1:]
            parts.append(unit + _say_house(rng, rng.randint(1, 250), "ru"))
        if (rng.random() < .4 or where == "none") and not oblique:
            city = rng.choice(RU_CITIES)
            parts.insert(0, ("город " + city) if rng.random() < .3 else city)
        span = comma.join(parts)
        lead = rng.choice(["Адрес: ", "Адрес доставки — ", "Записывайте: ", "Так, ", "",
                           "Значит, ", "Мой адрес: "])
        if oblique:
            lead = rng.choice(["Мы на ", "Живу на ", "Доставка на ", ""])
        tail = rng.choice([".", ", подъезд 2.", ", третий этаж.", ", спасибо.", "."])
        return f"{lead}{span}{tail}", span
    house = rng.randint(1, 9999)
    if house >= 1000 and rng.random() < .2:
        house_said = f"{house:,}"
    else:
        house_said = _say_house(rng, house, "en")
    suffix = rng.choice(EN_SUFFIXES)
    if rng.random() < .2:  # a name of two words: "Willow Creek Drive"
        second = rng.choice(["Creek", "Ridge", "Hollow", "View", "Meadow", "Brook", "Hill"])
        name = f"{name} {second.lower() if lower else second}"
    if lower:
        suffix = suffix.lower()
    if house < 100 and rng.random() < .1:  # Whisper's "9th Church Lane" for house 9
        house_said = f"{house}" + ({1: "st", 2: "nd", 3: "rd"}.get(house % 10, "th")
                                   if house % 100 not in (11, 12, 13) else "th")
    parts = [f"{house_said} {name} {suffix}"]
    if rng.random() < .1:  # a unit said first, no comma: "Unit 5 220 King Street"
        unit = rng.choice(["Unit ", "Flat ", "Apartment ", "Suite ", "unit "])
        parts[0] = f"{unit}{rng.randint(1, 40)} {parts[0]}"
    elif rng.random() < .4:
        unit = rng.choice(["Apartment ", "Apt ", "Suite ", "Unit ", "apartment "])
        parts.append(unit + rng.choice([str(rng.randint(1, 40)), f"{rng.randint(1, 9)}B"]))
    if rng.random() < .6:
        city, state, code = rng.choice(EN_CITY_STATE)
        if lower:
            city = city.lower()
        parts.append(city)
        if rng.random() < .7:
            parts[-1] += f", {state} {code}" if not stop else f" {state} {code}"
    span = comma.join(parts)
    lead = rng.choice(["Ship it to ", "I'm at ", "My address is ", "It's ", "Send it to ",
                       "Deliver to ", ""])
    tail = rng.choice([".", ", thanks.", ", the gate code is 4455.", "."])
    return f"{lead}{span}{tail}", span


def _windows(rng: random.Random, text: str) -> tuple[str, ...]:
    """The text cut into one to three windows at spaces, as a recogniser might."""
    words = text.split(" ")
    cuts = sorted(rng.sample(range(1, len(words)), min(len(words) - 1, rng.choice([0, 0, 1, 2]))))
    pieces, last = [], 0
    for cut in [*cuts, len(words)]:
        pieces.append(" ".join(words[last:cut]))
        last = cut
    return tuple(piece for piece in pieces if piece)


def generate(rng: random.Random, language: str) -> Variant:
    """One case: a phone, an address, both, or two phones."""
    ru = language == "ru"
    roll = rng.random()
    phones: list[str] = []
    addresses: list[str] = []
    sentences: list[str] = []
    if roll < .55:
        text, value = _say_phone(rng, language)
        lead = rng.choice(RU_LEADS if ru else EN_LEADS)
        sentences.append(f"{lead} {text}{rng.choice(RU_TAILS if ru else EN_TAILS)}")
        phones.append(value)
    elif roll < .85:
        text, span = _say_address(rng, language)
        sentences.append(text)
        addresses.append(span)
    else:
        text, span = _say_address(rng, language)
        phone_text, value = _say_phone(rng, language)
        said_phone = f"{'Телефон' if ru else 'My phone is'} {phone_text}."
        addresses.append(span)
        phones.append(value)
        if rng.random() < .25 and "." not in phone_text:
            # the phone's last window runs into the address's, with no full stop between
            said_phone = said_phone[:-1]
            return Variant(language, (*_windows(rng, said_phone), *_windows(rng, text)),
                           (value,), (span,))
        sentences += [text, said_phone] if rng.random() < .5 else [said_phone, text]
    text = " ".join(sentence.strip() for sentence in sentences)
    if rng.random() < .15:  # Whisper's dropped capitals, everywhere
        lowered = text.lower()
        addresses = [span.lower() for span in addresses]
        text = lowered
    text = text[:1].upper() + text[1:] if rng.random() < .8 else text
    for span in addresses:
        if span not in text:  # the first letter was raised
            addresses = [text[text.lower().find(span.lower()):][: len(span)]
                         if item == span else item for item in addresses]
    return Variant(language, _windows(rng, text), tuple(dict.fromkeys(phones)), tuple(addresses))


def variants(count: int, language: str, seed: int = 17) -> Iterator[Variant]:
    rng = random.Random(f"{seed}-{language}")
    for _ in range(count):
        yield generate(rng, language)
