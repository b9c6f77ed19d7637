"""Personal data masked in transcript text before it reaches the disk (saved calls, logs).

Masking runs when a line is written, and a line is written as soon as it is said (a
crash keeps the call so far), so it cannot wait for what the extractor makes of the next
utterance. It therefore masks the union of:

- what the extractor finds (phones, addresses, e-mails) in the text read together with the
  speaker's previous utterance, so a span reaching into this line from the last is masked;
- everything that looks like a number: digits, any token holding a digit, every number word
  (RU/EN, as `assist.extract.numbers.spoken_to_digits` reads them) and the words that join
  them ("oh", "double", "thousand", a misheard "for"): a phone, card (Luhn), passport,
  SNILS, INN or SSN said in words is masked without being recognised, also when it is cut
  across two windows;
- e-mail shapes: tokens with "@", dotted domains, "X dot Y" / «X точка Y», and an "at" /
  «собака» before a domain;
- address shapes: a street type and its name (before or after), a unit or house word and
  its value (also misheard: "apartment for"), a locality word and its name, a number
  followed by capitalised words ("12 Baker"), the capitalised words an unfinished
  utterance ends with (the name may go on in the next window);
- after a cue ("my address is", "I live at", «по адресу», "e-mail", «почта», "passport",
  «СНИЛС», "card number", ...) the rest of its clause, also when the clause began in the
  speaker's previous utterance.

Masking keeps the text's length: each masked character (not spaces) becomes "•". When in
doubt it masks: a saved call must never keep what a customer dictated. `unmasked` is the
writers' last check: what still looks like personal data after masking, which they refuse
to write.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from assist.extract import extract, spoken_to_digits

log = logging.getLogger(__name__)

MASK = "•"

_TOKEN = re.compile(r"[^\W_]+(?:[-'’@.+_][^\W_]+)*@?|@", re.UNICODE)
_CLAUSE_END = re.compile(r"[.!?…;]")
_PART_END = re.compile(r"[.!?…;:]")
_DIGIT = re.compile(r"\d")

# Words that join number words into one number, or stand for a digit when next to one.
_JOINERS = frozenset({
    "oh", "o", "nil", "double", "triple", "treble", "thousand", "thousands", "million",
    "millions", "billion", "plus", "for", "to", "too", "won", "ate", "tree", "free", "dash",
    "тысяча", "тысячи", "тысяч", "тысячу", "миллион", "миллиона", "миллионов", "плюс",
    "дробь", "тире", "точка",
})

_STREET_EN = frozenset({
    "street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "dr", "boulevard",
    "blvd", "court", "ct", "place", "pl", "way", "terrace", "square", "sq", "highway", "hwy",
    "parkway", "pkwy", "circle", "crescent", "close", "alley", "trail", "plaza", "row",
    "streets", "avenues", "roads",
})
_STREET_RU = re.compile(
    r"^(?:улиц\w*|ул|проспект\w*|пр-т|пр|переул\w*|пер|шоссе|бульвар\w*|б-р|набережн\w*|"
    r"наб|площад\w*|пл|проезд\w*|тупик\w*|алле\w*|микрорайон\w*|мкр|линия|линии)$")
_UNIT = re.compile(
    r"^(?:apartment|apt|suite|ste|unit|flat|building|bldg|house|floor|box|zip|zipcode|"
    r"postcode|room|дом\w?|д|корпус\w*|корп|к|строени\w*|стр|квартир\w*|кв|офис\w*|"
    r"подъезд\w*|этаж\w*|индекс\w*|владени\w*|вл)$")
_LOCALITY = re.compile(
    r"^(?:city|town|village|county|state|город|города|городе|городу|городом|г|гор|посел\w*|посёл\w*|пос|пгт|сел\w*|"
    r"деревн\w*|дер|област\w*|обл|кра\w|район\w*|р-н|республик\w*)$")
# After one of these, the rest of the clause is what the customer dictates.
_CUES = [re.compile(pattern, re.IGNORECASE) for pattern in (
    r"\baddress\b", r"\blive (?:at|on|in)\b", r"\bliving (?:at|on|in)\b",
    r"\b(?:ship|send|deliver|mail|bring) (?:it|them|this|that|the \w+) to\b",
    r"\bdeliver(?:ed)? to\b", r"\bpost ?code\b", r"\bzip\b",
    r"\be-?mail\b", r"\bmail is\b", r"\bwrite to\b", r"\bwrite me at\b",
    r"\bпишите на\b", r"\bнапишите на\b",
    r"\bpassport\b", r"\bsocial security\b", r"\bssn\b", r"\bcard number\b",
    r"\b(?:credit|debit) card\b", r"\bcard (?:is|ending)\b", r"\bcvv\b", r"\bdate of birth\b",
    r"\bадрес\w*", r"\bпроживаю\b", r"\bживу\b", r"\bпрописан\w*", r"\bзарегистрирован\w*",
    r"\bдоставк\w*", r"\bдоставьте\b", r"\bпривезите\b", r"\bпочт\w*", r"\bмейл\w*",
    r"\bимейл\w*", r"\bэлектронн\w*", r"\bпаспорт\w*", r"\bснилс\w*", r"\bинн\b",
    r"\bномер карты\b", r"\bкарт[аыуе] номер\b", r"\bсерия\b", r"\bдата рождения\b",
)]
_CUE_LIMIT = 16  # words masked after a cue, at most (a clause, not the rest of the call)
_EMAIL_AT = frozenset({"at", "собака", "собачка", "эт", "@"})
_EMAIL_DOT = frozenset({"dot", "точка", "underscore", "подчёркивание", "подчеркивание",
                        "нижнее", "дефис", "тире", "минус", "dash", "hyphen"})
_SPELLED = re.compile(r"^[^\W_](?:-[^\W_])+$")  # "j-o-h-n"
_DOMAIN_WORDS = frozenset({
    "gmail", "mail", "yandex", "yahoo", "outlook", "hotmail", "icloud", "rambler", "bk",
    "list", "inbox", "proton", "protonmail", "aol", "live", "msn", "me", "яндекс", "майл",
    "мейл", "мэйл", "гмейл", "джимейл", "рамблер", "ру", "ком", "com", "ru", "net", "org",
    "io", "info", "biz", "de", "uk", "co", "edu", "gov",
})
_DOMAIN = re.compile(r"^[^\W_][\w-]*(?:\.[\w-]+)*\.[^\W\d_]{2,}$")
# Words that end a look backwards for an e-mail's local part.
_LEAD = frozenset({
    "is", "it's", "its", "to", "me", "my", "email", "e-mail", "mail", "address", "write",
    "send", "sure", "yes", "the", "your", "our", "it", "that's", "at", "on", "and", "please",
    "почта", "почту", "адрес", "на", "пишите", "запишите", "пожалуйста", "это", "моя",
    "мой", "да", "вот", "электронка", "и", "её", "ее", "меня", "у",
})
# Capitalised at the start of a sentence, never a name.
_SMALL = frozenset({
    "i", "i'm", "i'll", "i've", "i'd", "ok", "okay", "mr", "mrs", "ms", "dr", "the", "a", "an",
    "and", "but", "so", "yes", "yeah", "no", "sure", "thank", "thanks", "please", "where",
    "what", "when", "how", "why", "who", "which", "is", "are", "can", "could", "would", "will",
    "do", "does", "did", "we", "you", "he", "she", "it", "it's", "they", "my", "your", "our",
    "this", "that", "hello", "hi", "well", "oh", "uh", "um", "uh-huh", "mm-hmm", "hmm", "let",
    "just", "great", "right", "alright", "fine", "good", "sorry", "excuse", "perfect", "got",
    "да", "нет", "а", "и", "но", "так", "хорошо", "спасибо", "пожалуйста", "здравствуйте",
    "как", "что", "где", "когда", "почему", "я", "мы", "вы", "он", "она", "это", "мой",
    "моя", "ну", "вот", "отлично", "секундочку", "конечно", "скажите", "подскажите", "есть",
    "угу", "ага", "минуточку", "понятно", "ясно", "верно",
})


@dataclass(frozen=True)
class Span:
    """A stretch of text that is, or may be, personal data."""

    start: int
    end: int
    # what found it: the extractor's kinds (phone, address, email), "number" (digits and
    # number words), "email" (a written address or domain); or what only looks like one:
    # "email-like", "address-like", "cue" (the clause after a cue), "name" (cut by a window)
    kind: str


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str

    @property
    def lower(self) -> str:
        return self.text.lower().replace("ё", "е")


def _tokens(text: str) -> list[_Token]:
    return [_Token(match.start(), match.end(), match.group())
            for match in _TOKEN.finditer(text)]


@functools.lru_cache(maxsize=8192)
def _number_word(word: str) -> bool:
    """A word the number reader turns into digits ("five", «сорока», "twenty-two")."""
    try:
        return spoken_to_digits(word) != word
    except Exception:  # the extractor is pure, but a bug there must not leak a number
        return True


def _numeric(token: _Token) -> bool:
    return bool(_DIGIT.search(token.text)) or _number_word(token.text)


def _capitalised(token: _Token) -> bool:
    first = token.text[0]
    return first.isupper() and token.lower not in _SMALL


def _joined_only(gap: str) -> bool:
    """Only what sits between dictated groups: spaces, commas, hyphens, brackets, dots."""
    return not gap.strip(" \t\n,-–—()./:") and "\n" not in gap


class _Scan:
    """One pass over a text: the spans that are or may be personal data."""

    def __init__(self, text: str, cut: bool = True) -> None:
        self.text = text
        self.cut = cut
        self.tokens = _tokens(text)
        self.spans: list[Span] = []

    def gap(self, index: int) -> str:
        """The text between token `index - 1` and token `index`."""
        start = self.tokens[index - 1].end if index > 0 else 0
        end = self.tokens[index].start if index < len(self.tokens) else len(self.text)
        return self.text[start:end]

    def clause_ends_before(self, index: int) -> bool:
        return bool(_CLAUSE_END.search(self.gap(index)))

    def starts_part(self, index: int) -> bool:
        """A clause, or a part after a colon ("Address: ..."), begins at token `index`."""
        return bool(_PART_END.search(self.gap(index)))

    def add(self, first: int, last: int, kind: str) -> None:
        if 0 <= first <= last < len(self.tokens):
            self.spans.append(Span(self.tokens[first].start, self.tokens[last].end, kind))

    def run(self) -> list[Span]:
        self.numbers()
        self.emails()
        self.addresses()
        self.cues()
        if self.cut:
            self.trailing_names()
        return self.spans

    # -- numbers ----------------------------------------------------------------------

    def numbers(self) -> None:
        tokens = self.tokens
        numeric = [_numeric(token) for token in tokens]
        changed = True
        while changed:  # "oh oh five": a joiner next to a joiner next to a number
            changed = False
            for index, token in enumerate(tokens):
                if numeric[index] or token.lower not in _JOINERS:
                    continue
                before = index > 0 and numeric[index - 1] and _joined_only(self.gap(index))
                after = (index + 1 < len(tokens) and numeric[index + 1]
                         and _joined_only(self.gap(index + 1)))
                if before or after:
                    numeric[index] = changed = True
        for index, is_number in enumerate(numeric):
            if is_number:
                self.add(index, index, "number")

    # -- e-mails ----------------------------------------------------------------------

    def emails(self) -> None:
        tokens = self.tokens
        last = len(tokens) - 1
        for index, token in enumerate(tokens):
            lower = token.lower
            if "@" in token.text or _DOMAIN.match(lower):
                self.add(index, index, "email")
            if _SPELLED.match(token.text) or self._spelled(index):
                self.add(index, index, "email-like")
            if lower in _EMAIL_DOT:  # "ivan dot petrov": both sides, also cut by a window
                first = index - 1 if index > 0 and not self.clause_ends_before(index) else index
                if first > 0 and first < index and _numeric(tokens[first]) \
                        and _joined_only(self.gap(first)):
                    first -= 1  # "ivan 85 dot": a name and its digits said apart
                end = index + 1 if index < last and not self.clause_ends_before(index + 1) \
                    else index
                self.add(first, end, "email-like")
            if lower in _EMAIL_AT and (self._domain_follows(index) or index == last):
                self.add(self._local_start(index), self._domain_end(index), "email-like")

    def _spelled(self, index: int) -> bool:
        """A letter or digit said alone next to another: spelling ("j o h n", "A B 1")."""
        if len(self.tokens[index].text) != 1:
            return False
        for other in (index - 1, index + 1):
            if 0 <= other < len(self.tokens) and len(self.tokens[other].text) == 1 \
                    and _joined_only(self.gap(max(index, other))):
                return True
        return False

    def _domain_follows(self, index: int) -> bool:
        if index + 2 >= len(self.tokens) and not _CLAUSE_END.search(
                self.gap(len(self.tokens))):
            return True  # "... at fr2igss" where the window stops: the domain goes on
        for ahead in range(index + 1, min(index + 5, len(self.tokens))):
            if self.clause_ends_before(ahead):
                return False
            lower = self.tokens[ahead].lower
            if lower in _EMAIL_DOT or lower in _DOMAIN_WORDS or _DOMAIN.match(lower) \
                    or (len(lower) == 1 and (ahead + 1 == len(self.tokens)
                                             or len(self.tokens[ahead + 1].text) == 1)):
                return True
        return False

    def _local_start(self, index: int) -> int:
        first = index
        while first > 0 and index - first < 12 and not self.starts_part(first):
            previous = self.tokens[first - 1]
            if previous.lower in _LEAD:
                break
            first -= 1
        return first

    def _domain_end(self, index: int) -> int:
        last = index
        while last + 1 < len(self.tokens) and last - index < 8 \
                and not self.clause_ends_before(last + 1):
            following = self.tokens[last + 1].lower
            joined = self.tokens[last].lower in _EMAIL_DOT or self.tokens[last].lower in \
                _EMAIL_AT
            if not (joined or following in _EMAIL_DOT or following in _DOMAIN_WORDS
                    or _DOMAIN.match(following) or len(following) == 1):
                break
            last += 1
        return last

    # -- addresses --------------------------------------------------------------------

    def _addressish(self, index: int) -> bool:
        token = self.tokens[index]
        lower = token.lower
        return (_capitalised(token) or _numeric(token) or lower in _JOINERS
                or lower in _STREET_EN or bool(_STREET_RU.match(lower))
                or bool(_UNIT.match(lower)) or bool(_LOCALITY.match(lower))
                or (len(token.text) == 2 and token.text.isupper()))

    def _forward(self, index: int, limit: int = 8) -> int:
        """The last token of the address-like run after token `index`."""
        last = index
        while last + 1 < len(self.tokens) and last - index < limit \
                and not self.clause_ends_before(last + 1) and (
                    self._addressish(last + 1) or self._place_follows(last + 1)):
            last += 1
        return last

    def _place_follows(self, index: int) -> bool:
        """ "in Springfield", «в Казани»: a preposition before a place name."""
        return (self.tokens[index].lower in _PLACE_PREPOSITIONS
                and index + 1 < len(self.tokens) and _capitalised(self.tokens[index + 1])
                and not self.clause_ends_before(index + 1))

    def addresses(self) -> None:
        tokens = self.tokens
        for index, token in enumerate(tokens):
            lower = token.lower
            if lower in _STREET_EN:
                first = index
                while first > 0 and index - first < 3 and not self.starts_part(first) \
                        and tokens[first - 1].lower not in _LEAD_ADDRESS:
                    first -= 1
                if first < index:
                    self.add(first, index - 1, "address-like")
                self._after(index)
            elif _STREET_RU.match(lower):
                first = index
                while first > 0 and index - first < 2 and not self.starts_part(first) \
                        and (_capitalised(tokens[first - 1])
                             or _RU_ADJECTIVE.search(tokens[first - 1].lower)):
                    first -= 1
                if first < index:
                    self.add(first, index - 1, "address-like")
                self._value_after(index, 3)
                self._after(index)
            elif _UNIT.match(lower) or _LOCALITY.match(lower):
                self._value_after(index, 2 if _UNIT.match(lower) else 3)
                self._after(index)
            elif _numeric(token):
                last = index
                while last + 1 < len(tokens) and last - index < 3 \
                        and not self.clause_ends_before(last + 1) \
                        and _capitalised(tokens[last + 1]):
                    last += 1
                if last > index:
                    self.add(index + 1, last, "address-like")

    def _value_after(self, index: int, count: int) -> None:
        """The words that name a street, unit or place after its type word."""
        last = index
        while last + 1 < len(self.tokens) and last - index < count \
                and not self.clause_ends_before(last + 1) \
                and self.tokens[last + 1].lower not in _STOP_VALUE:
            last += 1
            if last - index >= 1 and not self._addressish(last) and \
                    not _RU_ADJECTIVE.search(self.tokens[last].lower):
                break
        if last > index:
            self.add(index + 1, last, "address-like")

    def _after(self, index: int) -> None:
        last = self._forward(index)
        if last > index:
            self.add(index + 1, last, "address-like")

    # -- cues -------------------------------------------------------------------------

    def cues(self) -> None:
        starts = [token.start for token in self.tokens]
        for pattern in _CUES:
            for match in pattern.finditer(self.text):
                first = next((i for i, start in enumerate(starts) if start >= match.end()),
                             None)
                if first is None or self.clause_ends_before(first):
                    continue
                last = first
                while last + 1 < len(self.tokens) and last - first < _CUE_LIMIT - 1 \
                        and not self.clause_ends_before(last + 1):
                    last += 1
                self.add(first, last, "cue")

    # -- names cut off by the end of the window -----------------------------------------

    def trailing_names(self) -> None:
        """An utterance that stops mid-sentence may have cut a street name, a city or an
        e-mail's first part in two: its last words are masked when they are capitalised,
        when the utterance is a short fragment, or when personal data was just said."""
        tokens = self.tokens
        if not tokens or _CLAUSE_END.search(self.gap(len(tokens))):
            return
        last = len(tokens) - 1
        recent = tokens[max(0, last - 5)].start
        fragment = len(tokens) <= 3 or any(span.end > recent for span in self.spans)
        first = last + 1
        while first > 0 and not self.starts_part(first) and (
                (fragment and last - first < 1)
                or (_capitalised(tokens[first - 1]) and last - first < 2)):
            first -= 1
        if first <= last:
            self.add(first, last, "name")


_LEAD_ADDRESS = frozenset({
    "on", "at", "in", "the", "to", "is", "live", "lives", "of", "and", "from", "near", "off",
    "it's", "its", "address", "my", "our", "your", "a", "that", "this", "was", "by", "i",
})
_PLACE_PREPOSITIONS = frozenset({"in", "of", "near", "в", "во", "под", "города"})
_STOP_VALUE = frozenset({"and", "but", "or", "please", "и", "но", "или", "пожалуйста"})
_RU_ADJECTIVE = re.compile(r"(?:ая|ой|ей|ий|ый|ое|ую|ом|ого|ему)$")


def find_pii(text: str, language: str | None = None, context: str = "",
             cut: bool = False) -> list[Span]:
    """Spans of `text` that are, or may be, personal data. `context` is what the same
    speaker said just before (read together with `text`, so a number, address or e-mail
    that began there is found; only the spans inside `text` are returned). `cut`: the text
    is an utterance whose window may have cut a name in two where it stops."""
    offset = len(context) + 1 if context else 0
    joined = f"{context} {text}" if context else text
    spans = _Scan(joined, cut).run()
    try:
        spans += [Span(found.start, found.end, found.kind) for found in extract(joined, language)]
    except Exception:  # the heuristics above still mask everything that looks like one
        log.exception("extraction failed while masking")
    inside = []
    for span in spans:
        start, end = span.start - offset, span.end - offset
        if end > 0:
            inside.append(Span(max(0, start), min(len(text), end), span.kind))
    return sorted(inside, key=lambda span: (span.start, span.end))


def mask_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Every character of the spans but spaces replaced by the mask (the length stays)."""
    chars = list(text)
    for start, end in spans:
        for index in range(max(0, start), min(len(chars), end)):
            if not chars[index].isspace():
                chars[index] = MASK
    return "".join(chars)


def mask_text(text: str, language: str | None = None, context: str = "",
              cut: bool = False) -> str:
    """`text` with everything that is or may be personal data masked (see the module)."""
    spans = find_pii(text, language, context, cut)
    return mask_spans(text, ((span.start, span.end) for span in spans))


_CERTAIN = frozenset({"number", "email", "phone", "address"})


def unmasked(text: str) -> list[Span]:
    """What still looks like personal data in text that was masked: the writers' check."""
    found = []
    for span in find_pii(text):
        if span.kind not in _CERTAIN:
            continue  # what only looks like one is plain speech as often as not
        piece = text[span.start:span.end]
        if any(char.isalnum() for char in piece):
            found.append(span)
    return found


def refuse_unmasked(text: str, where: str) -> str:
    """`text` as it may be written: when masked text still holds something that looks like
    personal data (a masking bug), the whole text is masked and the refusal logged."""
    leaks = unmasked(text)
    if not leaks:
        return text
    kinds = ", ".join(sorted({span.kind for span in leaks}))
    log.error("%s: refused to write unmasked personal data (%s); the text is masked whole",
              where, kinds)
    return mask_spans(text, [(0, len(text))])


class TranscriptMasker:
    """Masks each speaker's utterances as they come, each read with that speaker's previous
    one (what was said before is kept in memory only, one utterance per speaker)."""

    def __init__(self) -> None:
        self._previous: dict[str, deque[str]] = {}

    def mask(self, speaker: str, text: str, language: str | None = None) -> str:
        said = self._previous.setdefault(speaker, deque(maxlen=1))
        context = said[-1] if said else ""
        said.append(text)
        return mask_text(text, language or None, context, cut=True)


_LOG_DIGITS = re.compile(r"\d(?:[\s\-().]*\d){6,}")


def mask_log_text(message: str) -> str:
    """A log message with what may be personal data masked, lighter than transcripts so
    that times, counts and line numbers stay: runs of seven or more digits (phones, cards,
    passports, SNILS, INN, SSN), e-mails, and what the extractor finds."""
    spans = [(match.start(), match.end()) for match in _LOG_DIGITS.finditer(message)]
    spans += [(match.start(), match.end()) for match in _LOG_EMAIL.finditer(message)]
    try:
        spans += [(found.start, found.end) for found in extract(message)]
    except Exception:
        spans.append((0, len(message)))
    return mask_spans(message, spans) if spans else message


_LOG_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
