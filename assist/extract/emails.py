"""E-mail addresses in transcripts: written, dictated word by word (RU/EN) or spelled out.

The text is cut into tokens and each token is given a one-letter class (a Latin word, a
spelled letter, a spoken "dot", «собака», a written "@" ...); one regular expression over
the string of classes finds the addresses, so each match maps back to the words as said.
Only Latin letters and digits make up an address; Russian words count as the connectors
(«точка», «собака» ...) and the common domains said in Russian («майл ру»). A login said in
Russian and written by Whisper in Cyrillic («Анна точка Петрова собака мейл точка ру») is
transliterated, and its local part marked uncertain: its spelling is a guess the operator
confirms with the customer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from assist.extract.registry import FindContext, Found, Verdict


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one block of text (long lists stay readable)."""
    return frozenset(words.split())


# Token classes (one character each, so that a regular expression can read a token string):
#   c a single Latin letter, d a single digit, g digits, n letters with digits,
#   w a Latin word (2+ letters), t a top-level domain said as a word ("com", "ru"),
#   A a spoken "at" («собака»), @ a written one, P a spoken "dot", . a written one,
#   H a spoken hyphen, - a written one, U a spoken underscore, _ a written one,
#   B a domain said in Russian («майл»), T a top-level domain said in Russian («ру»),
#   y a Cyrillic word (a login said in Russian: only in a local part, only before a spoken
#   «собака»), " " a space, "," a comma, o punctuation an address may follow (":", "(" ...),
#   x anything else (an apostrophe, a word in another script ...).
AT_WORDS = frozenset({"at", "эт", "собака", "собачка", "собаку", "собачку"})
DOT_WORDS = frozenset({"dot", "точка", "точечка", "дот"})
HYPHEN_WORDS = frozenset({"dash", "hyphen", "minus", "дефис", "тире", "минус"})
UNDERSCORE_WORDS = frozenset({"underscore", "андерскор", "подчеркивание", "подчеркиванье"})
# Domains and top-level domains said in Russian, with the Latin they stand for.
RU_DOMAINS = {
    "майл": "mail", "мейл": "mail", "мэйл": "mail", "маил": "mail",
    "яндекс": "yandex", "гмейл": "gmail", "гмайл": "gmail", "джимейл": "gmail",
    "джимайл": "gmail", "джимэйл": "gmail", "рамблер": "rambler", "хотмейл": "hotmail",
    "аутлук": "outlook", "инбокс": "inbox",
}
RU_DEFAULT_TLD = {"mail": "ru", "yandex": "ru", "gmail": "com", "rambler": "ru",
                  "hotmail": "com", "outlook": "com", "inbox": "ru"}
RU_TLDS = {"ру": "ru", "ком": "com", "орг": "org"}  # not «нет» (.net): it is also "no"
# Top-level domains a speaker may say without "dot" after the name ("gmail com", «мейл ру»).
SPACED_TLDS = frozenset({"ru", "com", "net", "org"})
# A spoken "at" after one of these is the preposition ("look at", "me at"), not an address.
STOP_LOCAL = _word_set("""
    a about all already am an and any are arrive arrived arriving as available back bad
    based be been being best bought but buy call called check checked come comes coming down
    email emailed find found from get go goes going good got great he her here him his home
    hosted i in is it its just laugh laughed left listed live lives living located log
    logged look looked looking looks me meet meeting met my not now of on online only
    or order ordered our out posted published purchased reach reached registered right said
    say says see seen sell sent shop shopping sign signed smile smiled so sold stay stayed
    staying still stop stopped subscribed that the their them then there they this to up us
    visit was we went were what where who with work worked working works write you your
""")
# ... nor is one before these ("at the", "at home").
STOP_DOMAIN = _word_set("""
    a all an church first her his home it last least lunch my night noon once our school
    that the their this work your
""")
# Russian words before «собака» that are the sentence, not a login («моя почта собака ...»).
STOP_LOCAL_RU = _word_set("""
    а адрес адреса адресу вас ваш ваша вот да для его ее и или их мне моей мой моя на нас
    нашей наш наша не нет твой твоя
    она он они почта почте почту почты пишите запишите записывайте так такой такая это
    электронка электронку электронная электронной электронную ящик у меня
""")
# Cyrillic → Latin, as Russian logins are usually written (ICAO-like, "ya" / "yu" / "kh").
TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
     "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    strict=True))
_CYRILLIC = re.compile(r"[а-яё]+")
# Latin words the finder reads as speech, never as parts of an address said aloud.
RESERVED = AT_WORDS | DOT_WORDS | HYPHEN_WORDS | UNDERSCORE_WORDS
OPENERS = frozenset(":;([{<«\"“„—–")
MAX_LOCAL, MAX_DOMAIN, MAX_LABEL = 64, 253, 63
# rapidfuzz ratios above which a read-back is taken for the same address said wrong.
LOCAL_CLOSE, DOMAIN_CLOSE, WHOLE_CLOSE = 70.0, 50.0, 85.0

_TOKEN = re.compile(
    r"(?P<phrase>(?:(?:нижн(?:ее|ий|яя)\s+)?подч[её]ркивани[еяю]|джи\s+м[еэа]й?л|under\s+score)"
    r"(?![^\W_]))|(?P<word>[^\W_]+)|(?P<space>\s+)|(?P<char>.)",
    re.I | re.S,
)
_LATIN = re.compile(r"[a-z0-9]+")

# Repeats are bounded (an address is short), which keeps a search linear in the text.
_SPELLED = r"[cd](?:(?: ?, ?| )[cd]){0,63}+"
_UNIT = rf"(?:{_SPELLED}(?: [wngty])?|[wngty](?: [gd])?)"
_LOCAL = rf"{_UNIT}(?:(?:[._-]|[ ,]{{0,3}}[PHU][ ,]{{0,3}}){_UNIT}){{0,31}}+"
_ANCHOR = r"(?:[ ,]{0,3}A[ ,]{0,3}| ?@ ?)"
_LABEL_PART = rf"(?:{_SPELLED}|[wngt])"
_LABEL = rf"(?:{_LABEL_PART}|B)(?:(?:-|[ ,]{{0,3}}H[ ,]{{0,3}}){_LABEL_PART}){{0,15}}"
_DOT = r"(?:\.|[ ,]{0,3}P[ ,]{0,3}| (?=[tT]))"
_DOMAIN = rf"(?:{_LABEL}(?:{_DOT}{_LABEL}){{0,7}}{_DOT}[wtT]|B)"
_EMAIL = re.compile(
    rf"(?<![^ o,])(?P<local>{_LOCAL})(?P<at>{_ANCHOR})(?P<domain>{_DOMAIN})(?![@_-][cdwngt])"
)


@dataclass(frozen=True)
class EmailMatch:
    start: int
    end: int
    raw: str
    value: str
    uncertain: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _word_kind(word: str) -> str:
    """The class of one word (see the table above); `word` is lower-case."""
    word = word.replace("ё", "е")
    if word in AT_WORDS:
        return "A"
    if word in DOT_WORDS:
        return "P"
    if word in HYPHEN_WORDS:
        return "H"
    if word in UNDERSCORE_WORDS:
        return "U"
    if word in RU_DOMAINS:
        return "B"
    if word in RU_TLDS:
        return "T"
    return _latin_kind(word)


def _latin_kind(word: str) -> str:
    """The class of a word that is no connector: a letter, digits, a word, or x (not Latin)."""
    if not (word.isascii() and _LATIN.fullmatch(word)):
        return "y" if len(word) > 1 and _CYRILLIC.fullmatch(word) else "x"
    if len(word) == 1:
        return "d" if word.isdigit() else "c"
    if word.isdigit():
        return "g"
    if not word.isalpha():
        return "n"
    return "t" if word in SPACED_TLDS else "w"


def _char_kind(char: str) -> str:
    """The class of one sign; an address may follow a colon or a bracket, not an apostrophe."""
    if char in "@._-,":
        return char
    return "o" if char in OPENERS else "x"


def tokenize(text: str) -> list[_Token]:
    """The text as classed tokens; a connector word glued to "." "@" "-" "_" is a plain word
    ("at.home@x.com")."""
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        group, piece = match.lastgroup, match.group()
        if group == "space":
            kind = " "
        elif group == "char":
            kind = _char_kind(piece)
        elif group == "phrase":
            kind = "B" if piece.lower().startswith("джи") else "U"
        else:
            kind = _word_kind(piece.lower())
        tokens.append(_Token(kind, piece, match.start(), match.end()))
    return _unglue_keywords(tokens)


def _unglue_keywords(tokens: list[_Token]) -> list[_Token]:
    """A Latin "at", "dot" ... written next to "." "@" "-" "_" is part of the address."""
    result = list(tokens)
    for index, token in enumerate(tokens):
        if token.kind not in "APHU" or not token.text.isascii() or " " in token.text:
            continue
        before = tokens[index - 1].kind if index > 0 else " "
        after = tokens[index + 1].kind if index + 1 < len(tokens) else " "
        if before in "@._-" or after in "@._-":
            result[index] = _Token("w", token.text, token.start, token.end)
    return result


def find_emails(text: str, language: str = "en") -> list[EmailMatch]:
    """Every e-mail address in `text`, written or said, in RU or EN (both are read in either
    language: Whisper mixes them). Pure; never raises on text."""
    tokens = tokenize(text)
    kinds = "".join(token.kind for token in tokens)
    found: list[EmailMatch] = []
    position = 0
    while (match := _EMAIL.search(kinds, position)) is not None:
        email = _email_of(text, tokens, match)
        if email is None:
            position = match.start() + 1
            continue
        found.append(email)
        position = match.end()
    return found


def _email_of(text: str, tokens: list[_Token], match: re.Match[str]) -> EmailMatch | None:
    """The address of one match of the class pattern, or None when it is ordinary speech."""
    local = tokens[match.start("local"):match.end("local")]
    domain = tokens[match.start("domain"):match.end("domain")]
    spoken = "A" in match.group("at")
    if (spoken and not _plausible_speech(local, domain)) or _joined_a_stop_word(local):
        return None
    cyrillic = [token for token in local if token.kind == "y"]
    if cyrillic and (not spoken or any(token.text.lower().replace("ё", "е") in STOP_LOCAL_RU
                                       for token in cyrillic)):
        return None  # Cyrillic is a login only when said aloud, and not «почта собака ...»
    local_value = _join(local, spoken, domain=False)
    domain_value = _join(domain, spoken, domain=True)
    if not _fits(local_value, domain_value):
        return None
    start, end = local[0].start, domain[-1].end
    return EmailMatch(start, end, text[start:end], f"{local_value}@{domain_value}",
                      ("local part",) if cyrillic else ())


def _plausible_speech(local: list[_Token], domain: list[_Token]) -> bool:
    """"look at the dot com", "me at home": a spoken "at" after or before a common word."""
    if len(local) == 1 and local[0].text.lower() in STOP_LOCAL:
        return False
    return domain[0].text.lower() not in STOP_DOMAIN


def _joined_a_stop_word(local: list[_Token]) -> bool:
    """"is 585@x.com", "I ordered at ...": a common word joined by a space to the rest of a
    local part is the sentence, not part of the address ("ivan 1985", "j smith")."""
    for index, token in enumerate(local[1:-1], start=1):
        if token.kind != " ":
            continue
        words = (local[index - 1], local[index + 1])
        if any(word.kind == "w" and word.text.lower() in STOP_LOCAL for word in words):
            return True
    return False


def _fits(local: str, domain: str) -> bool:
    """The lengths an address may have (RFC 5321)."""
    labels = domain.split(".")
    return (0 < len(local) <= MAX_LOCAL and len(domain) <= MAX_DOMAIN
            and all(0 < len(label) <= MAX_LABEL for label in labels)
            and labels[-1].isalpha() and len(labels[-1]) >= 2)


def _join(tokens: list[_Token], spoken: bool, domain: bool) -> str:
    """The tokens of a local part or domain as the lower-case text of the address."""
    parts: list[str] = []
    previous = ""
    for index, token in enumerate(tokens):
        kind = token.kind
        if kind in " ,":
            continue
        if kind in "tT" and domain and previous and previous in "cdwngtB":
            parts.append(".")  # "gmail com", «мейл ру»: a top-level domain without "dot"
        if kind in "P.":
            parts.append(".")
        elif kind in "H-":
            if not (kind == "-" and _spelling_hyphen(tokens, index, spoken)):
                parts.append("-")
        elif kind in "U_":
            parts.append("_")
        elif kind == "B":
            parts.append(_ru_domain(token.text))
        elif kind == "T":
            parts.append(RU_TLDS[token.text.lower()])
        elif kind == "y":
            parts.append("".join(TRANSLIT.get(char, char) for char in token.text.lower()))
        else:
            parts.append(token.text.lower())
        previous = kind
    if domain and previous == "B":
        parts.append("." + RU_DEFAULT_TLD[parts[-1]])  # «собака рамблер» is rambler.ru
    return "".join(parts)


def _spelling_hyphen(tokens: list[_Token], index: int, spoken: bool) -> bool:
    """"J-O-H-N": hyphens between single letters spell a word (when the address is said, or
    the letters are capitals, as Whisper writes spelling), so they are no part of it."""
    first = index - 1
    while first >= 2 and tokens[first - 1].kind == "-":
        first -= 2
    last = index + 1
    while last + 2 < len(tokens) and tokens[last + 1].kind == "-":
        last += 2
    pieces = tokens[first:last + 1:2]
    if not all(piece.kind in "cd" for piece in pieces):
        return False
    letters = "".join(piece.text for piece in pieces if piece.kind == "c")
    return spoken or letters.isupper()


def _ru_domain(words: str) -> str:
    """The Latin of a domain said in Russian; «джи мейл» in two words is gmail too."""
    squashed = "".join(words.lower().replace("ё", "е").split())
    return RU_DOMAINS.get(squashed, "gmail")


def compare_emails(given: str, repeated: str) -> Verdict | None:
    """(matched, differences) when `repeated` reads back `given`; None when it is another
    address (neither its local part nor its domain close to the given one)."""
    if given == repeated:
        return True, ()
    given_local, _, given_domain = given.partition("@")
    repeated_local, _, repeated_domain = repeated.partition("@")
    local_close = fuzz.ratio(given_local, repeated_local) >= LOCAL_CLOSE
    domain_close = fuzz.ratio(given_domain, repeated_domain) >= DOMAIN_CLOSE
    same_local, same_domain = given_local == repeated_local, given_domain == repeated_domain
    if not ((same_domain and local_close) or (same_local and domain_close)
            or (local_close and domain_close and fuzz.ratio(given, repeated) >= WHOLE_CLOSE)):
        return None
    differences = []
    if not same_local:
        differences.append(f"local part: {given_local} given, {repeated_local} repeated")
    if not same_domain:
        differences.append(f"domain: {given_domain} given, {repeated_domain} repeated")
    return False, tuple(differences)


def mask_email(value: str) -> str:
    """Only the top-level domain stays: enough to tell a Russian mailbox from a foreign one."""
    _, at, domain = value.rpartition("@")
    tld = domain.rpartition(".")[2] if at and "." in domain else ""
    return f"•••@•••.{tld}" if tld else "•••"


class EmailFinder:
    """E-mail addresses: `local@domain` in lower case; a read-back is compared part by part
    (local part, domain)."""

    kind = "email"
    plural = "emails"

    def find(self, text: str, context: FindContext) -> list[Found]:
        return [Found(self.kind, email.start, email.end, email.raw, email.value,
                      uncertain=email.uncertain)
                for email in find_emails(text, context.language)]

    def compare(self, given: str, repeated: str) -> Verdict | None:
        return compare_emails(given, repeated)

    def mask(self, value: str) -> str:
        return mask_email(value)

    def label(self, language: str) -> str:
        return "Эл. почта" if language == "ru" else "E-mail"

    def output(self, found: Found) -> str:
        return found.value

    def display(self, value: str, raw: str) -> str:
        return value  # written out: the words as said («собака», "dot") are no help to copy
