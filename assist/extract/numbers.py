"""Spoken numbers (RU/EN words, digits, mixed) turned into digit groups with their text offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Word kinds: a compound number is built left to right in falling magnitude
# ("девятьсот двадцать шесть" = 926); a word that cannot continue it starts a new group,
# which is how dictation in groups ("восемь девятьсот ...") is read.
UNIT, TEEN, TENS, HUNDREDS, ZERO = "unit", "teen", "tens", "hundreds", "zero"
MULTIPLIER, REPEAT, DIGIT_NOUN, MAGNITUDE = "multiplier", "repeat", "digit_noun", "magnitude"


@dataclass(frozen=True)
class NumberWord:
    value: int
    kind: str


def _forms(table: dict[str, tuple[int, str]]) -> dict[str, NumberWord]:
    return {form: NumberWord(value, kind) for form, (value, kind) in table.items()}


_RU_TABLE: dict[str, tuple[int, str]] = {}


def _ru(value: int, kind: str, *forms: str) -> None:
    for form in forms:
        _RU_TABLE[form] = (value, kind)


_ru(0, ZERO, "ноль", "нуль", "нолю", "нулю", "нолем", "нулем", "ноле", "нуле")
_ru(1, UNIT, "один", "одна", "одно", "одного", "одной", "одному", "одним", "одном", "одну")
_ru(2, UNIT, "два", "две", "двух", "двум", "двумя")
_ru(3, UNIT, "три", "трех", "трем", "тремя")
_ru(4, UNIT, "четыре", "четырех", "четырем", "четырьмя")
_ru(5, UNIT, "пять", "пяти", "пятью")
_ru(6, UNIT, "шесть", "шести", "шестью")
_ru(7, UNIT, "семь", "семи", "семью")
_ru(8, UNIT, "восемь", "восьми", "восемью", "восьмью")
_ru(9, UNIT, "девять", "девяти", "девятью")
for _value, _stem in enumerate(
    ["десят", "одиннадцат", "двенадцат", "тринадцат", "четырнадцат", "пятнадцат",
     "шестнадцат", "семнадцат", "восемнадцат", "девятнадцат"], start=10):
    _ru(_value, TEEN, _stem + "ь", _stem + "и", _stem + "ью")
_ru(20, TENS, "двадцать", "двадцати", "двадцатью")
_ru(30, TENS, "тридцать", "тридцати", "тридцатью")
_ru(40, TENS, "сорок", "сорока")
_ru(50, TENS, "пятьдесят", "пятидесяти", "пятьюдесятью")
_ru(60, TENS, "шестьдесят", "шестидесяти", "шестьюдесятью")
_ru(70, TENS, "семьдесят", "семидесяти", "семьюдесятью")
_ru(80, TENS, "восемьдесят", "восьмидесяти", "восемьюдесятью")
_ru(90, TENS, "девяносто", "девяноста")
_ru(100, HUNDREDS, "сто", "ста", "сотня")
_ru(200, HUNDREDS, "двести", "двухсот", "двумстам", "двумястами", "двухстах")
_ru(300, HUNDREDS, "триста", "трехсот", "тремстам", "тремястами", "трехстах")
_ru(400, HUNDREDS, "четыреста", "четырехсот", "четыремстам", "четырьмястами", "четырехстах")
for _value, _stem in [(500, "пят"), (600, "шест"), (700, "сем"), (800, "восем"),
                      (900, "девят")]:
    _oblique = "восьм" if _stem == "восем" else _stem + "и"
    _ru(_value, HUNDREDS, _stem + "ьсот", _oblique + "сот", _oblique + "стам", _oblique + "стах",
        _stem + "ьюстами")
# «три семёрки», «два нуля»: a count followed by a digit noun repeats the digit.
for _value, _stem in [(1, "единиц"), (2, "двойк"), (3, "тройк"), (4, "четверк"), (5, "пятерк"),
                      (6, "шестерк"), (7, "семерк"), (8, "восьмерк"), (9, "девятк")]:
    _ru(_value, DIGIT_NOUN, _stem + "а", _stem + "и", _stem + "у", _stem + "ой")
_ru(2, DIGIT_NOUN, "двоек")
_ru(3, DIGIT_NOUN, "троек")
_ru(7, DIGIT_NOUN, "семерок")
_ru(0, DIGIT_NOUN, "ноля", "нуля", "нули", "нолика", "нолики", "нулей", "нолей")
_ru(1000, MAGNITUDE, "тысяча", "тысячи", "тысяч", "тысячу", "тысячей", "тысячам", "тысячами")
_ru(1000000, MAGNITUDE, "миллион", "миллиона", "миллионов", "миллиард", "миллиарда",
    "миллиардов")

RU_WORDS = _forms(_RU_TABLE)

EN_WORDS = _forms({
    "zero": (0, ZERO), "oh": (0, ZERO), "o": (0, ZERO), "nought": (0, ZERO), "nil": (0, ZERO),
    "one": (1, UNIT), "two": (2, UNIT), "three": (3, UNIT), "four": (4, UNIT),
    "five": (5, UNIT), "six": (6, UNIT), "seven": (7, UNIT), "eight": (8, UNIT),
    "nine": (9, UNIT), "ten": (10, TEEN), "eleven": (11, TEEN), "twelve": (12, TEEN),
    "thirteen": (13, TEEN), "fourteen": (14, TEEN), "fifteen": (15, TEEN),
    "sixteen": (16, TEEN), "seventeen": (17, TEEN), "eighteen": (18, TEEN),
    "nineteen": (19, TEEN), "twenty": (20, TENS), "thirty": (30, TENS), "forty": (40, TENS),
    "fourty": (40, TENS), "fifty": (50, TENS), "sixty": (60, TENS), "seventy": (70, TENS),
    "eighty": (80, TENS), "ninety": (90, TENS), "hundred": (100, MULTIPLIER),
    "double": (2, REPEAT), "triple": (3, REPEAT), "treble": (3, REPEAT),
    "thousand": (1000, MAGNITUDE), "million": (1000000, MAGNITUDE),
    "billion": (1000000000, MAGNITUDE),
})

# Words said while dictating that do not end a number.
FILLERS = frozenset({
    "э", "ээ", "эээ", "э-э", "э-э-э", "эм", "мм", "ммм", "ну", "так", "и", "вот", "значит",
    "uh", "um", "umm", "uhh", "er", "erm", "hmm", "ah", "and", "then", "so", "like",
})

TOKEN = re.compile(
    r"(?P<digits>\d+)"
    r"|(?P<word>[^\W\d_]+(?:[-'’][^\W\d_]+)*)"
    r"|(?P<ellipsis>\.{2,}|…)"
    r"|(?P<space>\s+)"
    r"|(?P<punct>.)",
    re.S,
)


@dataclass(frozen=True)
class Token:
    kind: str  # digits | word | ellipsis | space | punct
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower().replace("ё", "е").replace("’", "'")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        tokens.append(Token(kind, match.group(), match.start(), match.end()))
    return tokens


def number_word(word: str) -> NumberWord | None:
    """A single number word of either language (ё folded), or None."""
    key = word.lower().replace("ё", "е")
    return RU_WORDS.get(key) or EN_WORDS.get(key)


def split_hyphenated(word: str) -> list[NumberWord] | None:
    """'twenty-two' → [20, 2]; None unless every part is a number word."""
    parts = re.split(r"[-'’]", word)
    if len(parts) < 2:
        return None
    found = [number_word(part) for part in parts]
    if any(part is None for part in found):
        return None
    return [part for part in found if part is not None]


@dataclass(frozen=True)
class Group:
    """One spoken group of digits ('926', '0', '77') and where it was said."""

    digits: str
    start: int
    end: int
    spoken: bool  # said in words (True) or written in digits by the recogniser (False)


class GroupBuilder:
    """Folds number words into groups: compounds in falling magnitude, repeats, digit nouns."""

    def __init__(self) -> None:
        self.groups: list[Group] = []
        self._value = 0
        self._last = ""
        self._start = self._end = 0
        self._repeat = 0
        self.magnitude = False

    def _flush(self) -> None:
        if self._last:
            self.groups.append(Group(str(self._value), self._start, self._end, True))
        self._value = 0
        self._last = ""

    def flush(self) -> None:
        self._flush()
        self._repeat = 0

    def add_digits(self, digits: str, start: int, end: int) -> None:
        self.flush()
        self.groups.append(Group(digits, start, end, False))

    def add_word(self, word: NumberWord, start: int, end: int) -> None:
        kind, value = word.kind, word.value
        if kind == MAGNITUDE:
            self.magnitude = True
            self._flush()
            return
        if kind == REPEAT:
            self._flush()
            self._repeat = value
            self._start = start
            return
        if self._repeat and kind in (UNIT, ZERO):
            digits = str(value) * self._repeat
            self.groups.append(Group(digits, self._start, end, True))
            self._repeat = 0
            return
        self._repeat = 0
        if kind == DIGIT_NOUN:
            previous = self.groups[-1] if not self._last and self.groups else None
            if self._last == UNIT and 1 < self._value < 10:
                count, begin = self._value, self._start
                self._value, self._last = 0, ""
                self.groups.append(Group(str(value) * count, begin, end, True))
            elif previous is not None and previous.spoken and previous.digits in "234" \
                    and previous.end >= start - 2:
                self.groups[-1] = Group(str(value) * int(previous.digits), previous.start, end,
                                        True)
            else:
                self._flush()
                self.groups.append(Group(str(value), start, end, True))
            return
        if kind == MULTIPLIER:  # English "hundred" multiplies a unit said just before
            if self._last == UNIT:
                self._value *= 100
                self._last = HUNDREDS
                self._end = end
            else:
                self._flush()
                self._value, self._last, self._start, self._end = 100, HUNDREDS, start, end
            return
        if self._last and self._continues(kind):
            self._value += value
            self._last = kind
            self._end = end
            return
        self._flush()
        if kind == ZERO:
            self.groups.append(Group("0", start, end, True))
            return
        self._value, self._last, self._start, self._end = value, kind, start, end

    def _continues(self, kind: str) -> bool:
        if self._last == HUNDREDS:
            return kind in (TENS, TEEN, UNIT) and self._value % 100 == 0
        if self._last == TENS:
            return kind == UNIT and self._value % 10 == 0
        return False


def spoken_to_digits(text: str) -> str:
    """Number words replaced by the digits they stand for; everything else kept as it is.

    Idempotent: digits stay digits, so a second pass changes nothing.
    """
    tokens = tokenize(text)
    out: list[str] = []
    position = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        words = _words_of(token)
        if words is None:
            index += 1
            continue
        builder = GroupBuilder()
        last = index
        cursor = index
        while cursor < len(tokens):
            current = tokens[cursor]
            parts = _words_of(current)
            if parts is not None:
                for part in parts:
                    builder.add_word(part, current.start, current.end)
                last = cursor
                cursor += 1
            elif current.kind == "space":
                cursor += 1
            else:
                break
        builder.flush()
        out.append(text[position:token.start])
        out.append(" ".join(group.digits for group in builder.groups) if builder.groups
                   else text[token.start:tokens[last].end])
        position = tokens[last].end
        index = last + 1
    out.append(text[position:])
    return "".join(out)


def number_parts(word: str) -> list[NumberWord] | None:
    """The number words of one word token ('seventy-five' → [70, 5]), or None."""
    single = number_word(word)
    return [single] if single is not None else split_hyphenated(word)


def _words_of(token: Token) -> list[NumberWord] | None:
    """Number words that normalisation turns into digits: not magnitudes, not a lone 'oh'."""
    if token.kind != "word":
        return None
    parts = number_parts(token.text)
    if parts is not None and len(parts) == 1:
        if parts[0].kind == MAGNITUDE:
            return None
        if token.lower in ("o", "oh", "nil"):
            return None  # ambiguous alone; phones handle them in context
    return parts


def digit_count(text: str) -> int:
    """Digits in a text once number words are read as digits."""
    return sum(character.isdigit() for character in spoken_to_digits(text))
