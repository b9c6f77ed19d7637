"""A generated corpus of utterances holding personal data (RU/EN, digits and words), with
where each secret sits, for the masking tests: phones, cards (Luhn-valid), passports,
SNILS, INN, SSN, e-mails (the e-mail tests' generator) and addresses with or without a
house number, also misheard."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.assist.test_emails import generate as generate_email

EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen"]
EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
           "ninety"]
RU_UNITS = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь",
            "девять"]
RU_TEENS = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать",
            "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"]
RU_TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
           "восемьдесят", "девяносто"]
RU_HUNDREDS = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
               "восемьсот", "девятьсот"]


def number_words(value: int, lang: str) -> str:
    """0..999 in words."""
    units, teens, tens = (EN_UNITS, EN_TEENS, EN_TENS) if lang == "en" else (
        RU_UNITS, RU_TEENS, RU_TENS)
    if value < 10:
        return units[value]
    words = []
    hundreds, rest = divmod(value, 100)
    if hundreds:
        words.append(f"{EN_UNITS[hundreds]} hundred" if lang == "en" else RU_HUNDREDS[hundreds])
    if 10 <= rest < 20:
        words.append(teens[rest - 10])
    elif rest:
        if rest >= 20:
            words.append(tens[rest // 10])
        if rest % 10:
            words.append(units[rest % 10])
    return " ".join(words)


def say_digits(digits: str, lang: str, rng: random.Random) -> str:
    """A digit string said the ways people dictate: digit by digit, or in groups."""
    if rng.random() < 0.5:
        units = EN_UNITS if lang == "en" else RU_UNITS
        if lang == "en" and rng.random() < 0.3:
            units = ["oh", *EN_UNITS[1:]]
        return rng.choice([" ", ", "]).join(units[int(char)] for char in digits)
    groups = []
    index = 0
    while index < len(digits):
        size = rng.choice([2, 3]) if len(digits) - index > 3 else len(digits) - index
        group = digits[index:index + size]
        index += size
        if group.startswith("0") or len(group) == 1:
            units = EN_UNITS if lang == "en" else RU_UNITS
            groups.append(" ".join(units[int(char)] for char in group))
        else:
            groups.append(number_words(int(group), lang))
    return rng.choice([" ", ", "]).join(groups)


def luhn_complete(prefix: str) -> str:
    total = 0
    for position, char in enumerate(reversed(prefix)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return prefix + str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return luhn_complete(number[:-1]) == number


def _digits(rng: random.Random, count: int, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(count - 1))


def grouped(digits: str, sizes: list[int], joiners: list[str]) -> str:
    parts, index = [], 0
    for size in sizes:
        parts.append(digits[index:index + size])
        index += size
    out = parts[0]
    for joiner, part in zip(joiners, parts[1:], strict=False):
        out += joiner + part
    return out


@dataclass(frozen=True)
class Secret:
    kind: str
    digits: str  # the number said ("" for e-mails and addresses)
    written: str  # how it is written in the utterance


def number_secret(kind: str, lang: str, rng: random.Random) -> Secret:
    if kind == "phone":
        digits = ("9" + _digits(rng, 9)) if lang == "ru" else (
            _digits(rng, 3, "23456789") + "555" + _digits(rng, 4, "0123456789"))
        styles = [lambda: "+7 " + grouped(digits, [3, 3, 2, 2], [" ", "-", "-"]),
                  lambda: "8 " + grouped(digits, [3, 3, 2, 2], [" ", " ", " "])] \
            if lang == "ru" else [
                lambda: "(" + digits[:3] + ") " + grouped(digits[3:], [3, 4], ["-"]),
                lambda: grouped(digits, [3, 3, 4], ["-", "-"]), lambda: digits]
    elif kind == "card":
        digits = luhn_complete(rng.choice("2345") + _digits(rng, 14, "0123456789"))
        assert luhn_valid(digits)
        styles = [lambda: grouped(digits, [4, 4, 4, 4], [" ", " ", " "]), lambda: digits]
    elif kind == "passport":
        digits = _digits(rng, 10) if lang == "ru" else _digits(rng, 9)
        styles = [lambda: grouped(digits, [2, 2, 6], [" ", " "]), lambda: digits] \
            if lang == "ru" else [lambda: digits]
    elif kind == "snils":
        digits = _digits(rng, 11)
        styles = [lambda: grouped(digits, [3, 3, 3, 2], ["-", "-", " "]), lambda: digits]
    elif kind == "inn":
        digits = _digits(rng, rng.choice([10, 12]))
        styles = [lambda: digits]
    else:  # ssn
        digits = _digits(rng, 9)
        styles = [lambda: grouped(digits, [3, 2, 4], ["-", "-"]), lambda: digits]
    if rng.random() < 0.5:
        return Secret(kind, digits, rng.choice(styles)())
    return Secret(kind, digits, say_digits(digits, lang, rng))


LEADS = {
    ("phone", "en"): ["", "Sure, it's ", "My number is ", "You can call me at ",
                      "The best number is "],
    ("phone", "ru"): ["", "Да, ", "Мой номер ", "Запишите телефон: ", "Звоните на "],
    ("card", "en"): ["The card number is ", "My card is ", "It's ", ""],
    ("card", "ru"): ["Номер карты ", "Карта ", ""],
    ("passport", "en"): ["My passport number is ", "Passport ", ""],
    ("passport", "ru"): ["Паспорт ", "Серия и номер паспорта ", ""],
    ("snils", "en"): ["My SNILS is ", ""],
    ("snils", "ru"): ["СНИЛС ", "Мой СНИЛС ", ""],
    ("inn", "en"): ["The INN is ", ""],
    ("inn", "ru"): ["ИНН ", "Мой ИНН ", ""],
    ("ssn", "en"): ["My social security number is ", "SSN ", "It's ", ""],
    ("ssn", "ru"): ["Номер социального страхования ", ""],
}
TAILS = {"en": ["", ".", ", thanks.", " — did you get that?", ". And I want a refund."],
         "ru": ["", ".", ", спасибо.", " — записали?", ". И я хочу вернуть деньги."]}

EN_STREETS = ["Baker", "Maple", "Oak", "Elm", "Washington", "Lincoln", "Sunset", "Cedar",
              "Highland", "Martin Luther King", "Old Mill"]
EN_TYPES = ["Street", "Avenue", "Road", "Lane", "Drive", "Boulevard", "Court", "St",
            "street", "avenue"]
EN_CITIES = ["Springfield", "Portland", "Boston", "Denver", "Austin", "Salt Lake City"]
EN_MISHEARD = ["well-maker", "bakers", "maple-ish", "oakwood", "sunsets"]
RU_STREETS = ["Ленина", "Профсоюзная", "Гагарина", "Садовая", "Мира", "Пушкина",
              "Маршала Жукова"]
RU_OBLIQUE = {"Профсоюзная": "Профсоюзной", "Садовая": "Садовой"}
RU_CITIES = [("Москва", "Москве"), ("Казань", "Казани"), ("Самара", "Самаре"),
             ("Тверь", "Твери")]


@dataclass(frozen=True)
class Sample:
    lang: str
    kind: str
    text: str
    secrets: tuple[tuple[int, int], ...]  # character ranges that must end up masked


def _address(rng: random.Random, lang: str) -> tuple[str, list[str]]:
    """An address as said, and its secret words (names, numbers)."""
    house = rng.randint(1, 240)
    flat = rng.randint(1, 400)

    def said(value: int) -> str:
        return str(value) if rng.random() < 0.5 else number_words(value, lang)

    if lang == "en":
        street, kind = rng.choice(EN_STREETS), rng.choice(EN_TYPES)
        city = rng.choice(EN_CITIES)
        form = rng.choice(["house", "house", "nohouse", "misheard"])
        if form == "house":
            h, f = said(house), said(flat)
            return (f"{h} {street} {kind}, apartment {f}, {city}",
                    [h, street, f, city])
        if form == "nohouse":
            return rng.choice([
                (f"{street} {kind} in {city}", [street, city]),
                (f"{street} {kind}, {city}", [street, city]),
                (f"on {street} {kind}", [street]),
            ])
        misheard = rng.choice(EN_MISHEARD)
        return (f"{misheard} street apartment for {city}", [misheard, "for", city])
    street = rng.choice(RU_STREETS)
    city, city_in = rng.choice(RU_CITIES)
    form = rng.choice(["house", "house", "nohouse", "oblique"])
    if form == "house":
        h, f = said(house), said(flat)
        return (f"улица {street}, дом {h}, квартира {f}, {city}", [street, h, f, city])
    if form == "nohouse":
        return (f"улица {street} в {city_in}", [street, city_in])
    oblique = RU_OBLIQUE.get(street)
    if oblique:
        return (f"на {oblique} улице, дом {said(house)}", [oblique])
    return (f"на улице {street} в {city_in}", [street, city_in])


ADDRESS_LEADS = {"en": ["", "I live at ", "My address is ", "Ship it to ", "It's "],
                 "ru": ["", "Я живу ", "Адрес: ", "Доставьте по адресу ", "Это "]}


def generate(rng: random.Random) -> Sample:
    """One utterance's text with one piece of personal data said in it."""
    lang = rng.choice(["en", "ru"])
    kind = rng.choice(["phone", "card", "passport", "snils", "inn", "ssn", "email",
                       "address", "address"])
    tail = rng.choice(TAILS[lang])
    if kind == "email":
        variant = generate_email(rng)
        start = variant.text.index(variant.said)
        return Sample(variant.lang, kind, variant.text,
                      tuple(_word_ranges(variant.said, start, _email_words(variant.said))))
    if kind == "address":
        said, words = _address(rng, lang)
        lead = rng.choice(ADDRESS_LEADS[lang])
        text = lead + said + tail
        return Sample(lang, kind, text, tuple(_word_ranges(said, len(lead), words)))
    secret = number_secret(kind, lang, rng)
    lead = rng.choice(LEADS[(kind, lang)])
    text = lead + secret.written + tail
    return Sample(lang, kind, text, ((len(lead), len(lead) + len(secret.written)),))


STRUCTURE = {"at", "dot", "dash", "hyphen", "underscore", "собака", "собачка", "эт", "точка",
             "дефис", "тире", "минус", "нижнее", "подчёркивание", "com", "ru", "ком", "ру",
             "net", "org", "io", "de", "info", "co", "uk", "biz"}


def _email_words(said: str) -> list[str]:
    """The words of a said e-mail that give it away: not 'at', 'dot' or the TLD."""
    import re

    return [word for word in re.findall(r"[^\W_]+", said) if word.lower() not in STRUCTURE]


def _word_ranges(said: str, offset: int, words: list[str]) -> list[tuple[int, int]]:
    """Where each secret word sits inside `said` (which starts at `offset`)."""
    ranges, cursor = [], 0
    for word in words:
        for part in word.split():
            at = said.find(part, cursor)
            if at < 0:
                at = said.find(part)
            assert at >= 0, (part, said)
            ranges.append((offset + at, offset + at + len(part)))
            cursor = at + len(part)
    return ranges


def split(sample: Sample, rng: random.Random) -> tuple[str, str, int]:
    """The sample cut in two utterances at a word boundary inside its personal data (or
    anywhere when it has none): first text, second text, where the second began."""
    start = min(begin for begin, _ in sample.secrets)
    end = max(finish for _, finish in sample.secrets)
    spaces = [index for index, char in enumerate(sample.text)
              if char == " " and start < index < end] or [
        index for index, char in enumerate(sample.text) if char == " "]
    if not spaces:
        return sample.text, "", len(sample.text)
    cut = rng.choice(spaces)
    return sample.text[:cut], sample.text[cut + 1:], cut + 1
