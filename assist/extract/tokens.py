"""A typed token stream for the extractor: each token of a transcript gets one role.

Roles are decided on lower-cased, ё-folded text, so Whisper's capitals never matter. The phone
parser (`phones.py`) reads numbers (digits, number words, vanity letters), the separators and
fillers that may sit inside a dictation, the connectors and bridge words that may join its
groups («потом», «а дальше», "and then", «это код, а номер»), and the correction markers
(«нет», «ой», "sorry", «не … а …») that edit the number being dictated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assist.extract.numbers import NumberWord, Token, number_parts, tokenize

DIGITS = "digits"  # digits as the recogniser wrote them
NUMBER = "number"  # number words ("девятьсот", "oh", "twenty-two")
LETTERS = "letters"  # capitals after "1-800-": a vanity number
PLUS = "plus"  # "+", «плюс», "plus"
SEP = "sep"  # comma, hyphen, brackets, a dot inside digits: nothing said
PAUSE = "pause"  # "...", "…"
STOP = "stop"  # a sentence end
FILLER = "filler"  # «э-э», «ну», "uh": nothing said
CONNECTOR = "connector"  # «и», «потом», «дальше», "then", "and"
CUE = "cue"  # a correction: «нет», «ой», "sorry", "I mean"
NOT = "not"  # «не», "not"
BUT = "but"  # «а», "but": the second half of «не X, а Y»
BRIDGE = "bridge"  # words that may join an area code and its number: «это код, а номер»
COUNT = "count"  # "the last four (are)": a count of digits, not digits
WORD = "word"  # any other word
OTHER = "other"  # any other mark ("/", ":", "$", "#", "№" ...)

FILLER_WORDS = frozenset({
    "э", "ээ", "эээ", "э-э", "э-э-э", "эм", "мм", "ммм", "м-м", "ну", "так", "вот", "значит",
    "короче", "щас", "uh", "um", "umm", "uhh", "er", "erm", "hmm", "ah", "like", "okay", "ok",
    "so", "well", "uh-huh",
})
CONNECTOR_WORDS = frozenset({
    "и", "потом", "дальше", "далее", "затем", "сейчас", "следом", "then", "and", "next",
    "followed", "by",
})
CUE_WORDS = frozenset({
    "нет", "ой", "извините", "извини", "простите", "прости", "извиняюсь", "точнее", "вернее",
    "поправка", "вру", "подождите", "подожди", "стоп", "sorry", "no", "wait", "actually",
    "oops", "correction", "rather",
})
CUE_PHRASES = frozenset({("i", "mean"), ("scratch", "that"), ("my", "bad"), ("i'm", "sorry"),
                         ("hold", "on")})
NOT_WORDS = frozenset({"не", "not"})
BUT_WORDS = frozenset({"а", "but", "instead"})
BRIDGE_WORDS = frozenset({
    "код", "это", "номер", "сам", "сама", "телефона", "телефон", "цифры", "последние",
    "number", "number's", "numbers", "is", "the", "rest", "code", "area", "code's", "it's",
    "its", "a", "local", "last", "are", "digits", "it", "that's", "should", "be", "сначала",
})
COUNT_BEFORE = frozenset({"last", "first", "последние", "первые"})
PLUS_WORDS = frozenset({"плюс", "plus"})
VANITY_PREFIX = re.compile(r"(?:^|\D)1?[-\s]?8[0-8]{2}-$")


@dataclass(frozen=True, slots=True)
class Lexeme:
    """One token with its role; `words` holds the number words of a NUMBER."""

    role: str
    text: str
    start: int
    end: int
    lower: str
    words: tuple[NumberWord, ...] = ()


def fold(word: str) -> str:
    return word.lower().replace("ё", "е").replace("’", "'")


def _punct_role(text: str, token: Token, following: Token | None) -> str:
    mark = token.text
    if mark == "+":
        return PLUS
    if mark in ",;()-–—":
        return SEP
    if mark == "." and following is not None and following.kind == "digits" \
            and following.start == token.end:
        return SEP  # 646.555.0177
    if mark in ".!?":
        return STOP
    return OTHER


def lex(text: str) -> list[Lexeme]:
    """The roles of every token of `text`, spaces left out (their positions are kept)."""
    tokens = [token for token in tokenize(text) if token.kind != "space"]
    lexemes: list[Lexeme] = []
    for index, token in enumerate(tokens):
        lower = fold(token.text)
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        role = WORD
        words: tuple[NumberWord, ...] = ()
        if token.kind == "digits":
            role = DIGITS
        elif token.kind == "ellipsis":
            role = PAUSE
        elif token.kind == "punct":
            role = _punct_role(text, token, following)
        else:
            parts = number_parts(token.text)
            previous = lexemes[-1] if lexemes else None
            if parts is not None:
                role, words = NUMBER, tuple(parts)
                if previous is not None and previous.lower in COUNT_BEFORE:
                    role, words = COUNT, ()
            elif _is_vanity(text, token):
                role = LETTERS
            elif lower in PLUS_WORDS:
                role = PLUS
            elif lower in FILLER_WORDS:
                role = FILLER
            elif lower in CONNECTOR_WORDS:
                role = CONNECTOR
            elif lower in CUE_WORDS:
                role = CUE
            elif lower in NOT_WORDS:
                role = NOT
            elif lower in BUT_WORDS:
                role = BUT
            elif lower in BRIDGE_WORDS:
                role = BRIDGE
            if previous is not None and (previous.lower, lower) in CUE_PHRASES:
                lexemes[-1] = Lexeme(CUE, previous.text, previous.start, previous.end,
                                     previous.lower)
                role = CUE
        lexemes.append(Lexeme(role, token.text, token.start, token.end, lower, words))
    return lexemes


def _is_vanity(text: str, token: Token) -> bool:
    """'1-800-FLOWERS': capitals right after a toll-free prefix and its hyphen."""
    letters = token.text.replace("-", "")
    return (len(letters) >= 2 and letters.isascii() and letters.isalpha()
            and letters.isupper() and bool(VANITY_PREFIX.search(text[max(0, token.start - 8)
                                                                     : token.start])))


KEYPAD = {letter: str(digit) for digit, letters in
          ((2, "ABC"), (3, "DEF"), (4, "GHI"), (5, "JKL"), (6, "MNO"), (7, "PQRS"), (8, "TUV"),
           (9, "WXYZ")) for letter in letters}


def keypad_digits(letters: str) -> str:
    """'FLOWERS' → '3569377': the digits of a phone keypad."""
    return "".join(KEYPAD.get(letter, "") for letter in letters.upper())
