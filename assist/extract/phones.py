"""Phone numbers in transcripts: a parser over the typed token stream (`tokens.py`).

Numbers said are read as atoms (digit groups) in *runs*: atoms with only separators, fillers and
connectors between them. Runs join into one *dictation* across links that may or may not
continue it: a sentence end (one group per sentence), bridge words (an area code and its
number: «код 812, номер …», "area code 617, then …"), and correction markers. Corrections are
edits to the number being dictated («ой, три один два» redoes the last group, «не 140, а 146»
replaces a group, «нет, подождите, <a whole number>» starts over). A dictation is then split
into numbers that cover *every* atom and that libphonenumber validates; a group the recogniser
wrote apart ("900 16" for 916) or a compound said across commas («пятьсот, восемьдесят») may
be joined, at a cost. Digits that form no valid number give no phone: nothing is trimmed until
something validates. The words before a number reject order, account, card ... numbers;
corrections said after a whole number ("the last two digits are 23", "the area code is 347")
and a number superseded by a repeated one are applied last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers

from assist.extract.numbers import Group, GroupBuilder, Token, tokenize
from assist.extract.registry import FindContext, Found, Verdict
from assist.extract.tokens import (
    BUT,
    CONNECTOR,
    CUE,
    DIGITS,
    FILLER,
    LETTERS,
    NOT,
    NUMBER,
    PAUSE,
    PLUS,
    SEP,
    STOP,
    Lexeme,
    keypad_digits,
    lex,
)

DEFAULT_REGIONS = {"ru": "RU", "en": "US"}

# Words that say the digits after them are something other than a phone number. Whole
# words (with their case endings), so «домашний», «правильно» or "refund" do not count.
NEGATIVE_WORD = re.compile(
    # Russian
    r"(заказ\w*|договор\w*|полис\w*|сч[её]т(?:а|у|ом|е|ов|ам)?|лицев\w*|карт(?:а|ы|у|ой|е|очк\w*)"
    r"|инн|кпп|снилс\w*|паспорт\w*|сери(?:я|и|ю|ей)|трек\w*|заявк\w*|заявлени\w*|обращени\w*"
    r"|сч[её]тчик\w*|накладн\w*|квитанц\w*|сумм(?:а|ы|у|ой|е)|оплат\w*|стоимост\w*"
    r"|цен(?:а|ы|у|ой|е)|индекс\w*|рейс\w*|билет\w*|артикул\w*|штрих\w*|бик|огрн|окпо|пин"
    r"|пароль\w*|смс|домофон\w*|подъезд\w*|этаж\w*|кабинет\w*|квартир(?:а|ы|у|е|ой)"
    r"|дом(?:а|у|е|ом)?|корпус\w*|офис(?:а|е|у)?|участ(?:ок|ка|ке)|плат[её]ж\w*|долг(?:а|у|ом|и)?"
    r"|баланс\w*|лиценз\w*|справк\w*|дел(?:о|а|у)|документ\w*|удостоверени\w*|права"
    # English
    r"|orders?|accounts?|acct|cards?|polic(?:y|ies)|claims?|tracking|confirmation|routing"
    r"|meters?|reference|ref|invoices?|tickets?|case|serial|ssn|social|passport|licen[cs]e"
    r"|zip|postal|postcode|flights?|gates?|rooms?|pin|booking|reservation|balance|payment"
    r"|amount|id|transaction|iban|swift|vin|apartment|suite|unit|floor|password|otp|sms)",
    re.I,
)
# Words that say a phone number follows; they end the backward search for negative words.
POSITIVE_STEMS = (
    "телефон", "тел", "мобильн", "сотов", "звон", "позвон", "перезвон", "набер", "набир",
    "whatsapp", "ватсап", "вайбер", "viber", "телеграм", "telegram", "горяч", "контакт",
    "phone", "call", "cell", "mobile", "reach", "text", "dial", "landline", "line", "hotline",
    "contact", "fax", "связ",
)
CURRENCY_SIGNS = frozenset("$€£₽¥")
UNIT_AFTER = re.compile(
    r"^(руб|рубл|коп|доллар|евро|процент|тысяч|штук|минут|час|секунд|километр|метр|"
    r"dollar|buck|cent|euro|pound|percent|%|thousand|minute|hour|second|mile|kilomet|am\b|pm\b|"
    r"a\.m|p\.m)", re.I)
SENTENCE_END = frozenset(".!?")
AREA_CODE = re.compile(r"(area\s+code|код\s+город\w*|код\s+[А-ЯЁ]\w+|код\s+региона|код)\W*"
                       r"(?:is\W*|это\W*)?$", re.I)
CORRECTION_CUE = re.compile(
    r"\b(нет|ой|извин\w*|прост\w*|ошиб\w*|точнее|вернее|поправ\w*|sorry|no|wait|actually|"
    r"oops|i\s+mean|correction|scratch\s+that|my\s+bad|rather)\b", re.I)
TAIL_CUE = re.compile(r"(последн\w*|в\s+конце|конец|заканчива\w*|last|ending|ends?\b|end\s+is)",
                      re.I)
NOT_BEFORE = re.compile(r"\b(не|not)\W*$", re.I)
BUT_BETWEEN = re.compile(r"^\W*(?:а|but|it'?s|it\s+is|это|should\s+be|instead)?\W*$", re.I)
NOT_BETWEEN = re.compile(r"^\W*(?:а\s+)?(?:не|not)\W*$", re.I)


@dataclass(frozen=True)
class PhoneMatch:
    e164: str
    start: int
    end: int
    raw: str
    corrected: bool = False


@dataclass(frozen=True, slots=True)
class Atom:
    """One group of digits as said: '916', '0', '77'; `joined` when said right after the
    previous atom with nothing between (one spoken group, «три один»)."""

    digits: str
    start: int
    end: int
    spoken: bool
    joined: bool = False


# How a run is joined to the run before it: not at all, or across a link that may continue
# the same dictation (a sentence end, bridge words, or a correction).
STRONG, JOIN, CORRECT, NEGATE, BUT_LINK = "", "join", "correct", "negate", "but"
UNIT_LABEL = re.compile(
    r"(квартир\w*|кв|дом[аеу]?|д|корпус\w*|корп|строени\w*|стр|офис\w*|оф|подъезд\w*|этаж\w*"
    r"|apartment|apt|unit|units|suite|ste|flat|room|floor|building|bldg|gate|house)", re.I)
MAX_LINK_WORDS = 6
MAX_PIECE_RUNS = 12  # «Восемь. Девять. Один. Шесть. …»: one digit per sentence
MAX_PIECE_DIGITS = 34  # two whole numbers, the second correcting the first
MAX_ALTERNATIVES = 6
MANY_RUNS = 24
WORK_BUDGET = 600  # atoms read in joined pieces per text; past it, runs are read alone


@dataclass
class Run:
    """Atoms said with only separators, pauses, fillers or connectors between them."""

    atoms: list[Atom] = field(default_factory=list)
    plus: bool = False
    plus_start: int = -1
    magnitude: bool = False
    link: str = STRONG  # how this run may continue the run before it
    claimed: bool = False  # its one atom was said after a unit label («квартира 118»)

    @property
    def start(self) -> int:
        return self.plus_start if self.plus else self.atoms[0].start

    @property
    def end(self) -> int:
        return self.atoms[-1].end

    @property
    def digits(self) -> str:
        return "".join(atom.digits for atom in self.atoms)

    @property
    def groups(self) -> list[Group]:
        return [Group(atom.digits, atom.start, atom.end, atom.spoken) for atom in self.atoms]


def _link_of(roles: list[str], words: int) -> str:
    """The link between two runs from the roles of what was said between them."""
    if words > MAX_LINK_WORDS:
        return STRONG
    last_not = max((index for index, role in enumerate(roles) if role == NOT), default=-1)
    last_but = max((index for index, role in enumerate(roles) if role == BUT), default=-1)
    if last_not > last_but:
        return NEGATE
    if CUE in roles:
        return CORRECT
    if last_but >= 0:
        return BUT_LINK
    return JOIN


class _RunBuilder:
    """Folds the lexemes into runs; anything but a number, separator, filler or link word
    ends a run for good."""

    def __init__(self) -> None:
        self.runs: list[Run] = []
        self.builder = GroupBuilder()
        self.run = Run()
        self.between: list[str] = []  # roles said since the last run ended
        self.words = 0
        self.broken = False  # a word since the last run that no dictation passes over
        self.claim = False  # the next atom follows a unit label
        self.breaks: set[int] = set()  # where a separator, pause or filler was said

    def close(self) -> None:
        self.builder.flush()
        if self.builder.groups:
            atoms = self._atoms(self.builder.groups)
            run = self.run
            run.atoms = atoms
            run.magnitude = self.builder.magnitude
            if run.claimed and len(atoms) > 1:
                rest = Run(atoms[1:], magnitude=run.magnitude)
                run.atoms = atoms[:1]
                self.runs.append(run)
                run = rest
            self.runs.append(run)
            self.between, self.words, self.broken = [], 0, False
        elif self.run.plus:
            self.between.append(PLUS)
        self.builder = GroupBuilder()
        self.run = Run()

    def _atoms(self, groups: list[Group]) -> list[Atom]:
        atoms: list[Atom] = []
        for group in groups:
            joined = bool(atoms) and group.spoken and atoms[-1].spoken \
                and group.start - atoms[-1].end <= 1 and group.start not in self.breaks
            atoms.append(Atom(group.digits, group.start, group.end, group.spoken, joined))
        return atoms

    def start_run(self, plus_start: int = -1) -> None:
        link = STRONG if self.broken or not self.runs else _link_of(self.between, self.words)
        self.run.link = link
        if plus_start >= 0:
            self.run.plus, self.run.plus_start = True, plus_start
        if self.claim:
            self.run.claimed, self.run.link = True, STRONG
            self.claim = False


def find_runs(text: str, lexemes: list[Lexeme] | None = None) -> list[Run]:
    """Every run of spoken or written number groups in the text, with its link to the last."""
    lexemes = lex(text) if lexemes is None else lexemes
    state = _RunBuilder()
    in_run = False
    for index, lexeme in enumerate(lexemes):
        role = lexeme.role
        if role in (DIGITS, NUMBER, LETTERS):
            if not in_run:
                state.start_run()
                in_run = True
            if role == DIGITS:
                state.builder.add_digits(lexeme.text, lexeme.start, lexeme.end)
            elif role == LETTERS:
                so_far = "".join(group.digits for group in state.builder.groups)
                room = (11 if so_far.startswith("1") else 10) - len(so_far)
                state.builder.add_digits(keypad_digits(lexeme.text)[:max(0, room)],
                                         lexeme.start, lexeme.end)
            else:
                for part in lexeme.words:
                    state.builder.add_word(part, lexeme.start, lexeme.end)
            continue
        if role == PLUS:
            if in_run:
                state.close()
            state.start_run(lexeme.start)
            in_run = True
            continue
        if in_run and role in (SEP, PAUSE, FILLER, CONNECTOR):
            if not (role == SEP and lexeme.text == "-" and state.builder.groups == []):
                state.builder.flush()  # a comma, pause or filler ends a compound («сорок, пять»)
            state.breaks.add(lexeme.end)
            for later in lexemes[index + 1 : index + 2]:
                state.breaks.add(later.start)
            continue
        if in_run:
            state.close()
            in_run = False
        if role in (SEP, PAUSE, FILLER, CONNECTOR, STOP):
            state.between.append(role)
            continue
        if role in (CUE, NOT, BUT) or role in ("bridge", "count"):
            state.between.append(role)
            state.words += 1
            continue
        state.broken = True
        if UNIT_LABEL.fullmatch(lexeme.lower) and _label_right_before(lexemes, index):
            state.claim = True
    if in_run:
        state.close()
    return state.runs


def _label_right_before(lexemes: list[Lexeme], index: int) -> bool:
    """A unit label («квартира», "apt") with its number right after it (№, # or a dot between)."""
    for following in lexemes[index + 1 : index + 3]:
        if following.role in (DIGITS, NUMBER):
            return True
        if following.text not in ("№", "#", ".", ":"):
            return False
    return False


@lru_cache(maxsize=4096)
def parse_phone(digits: str, region: str, plus: bool) -> phonenumbers.PhoneNumber | None:
    """A valid phone number from digits, or None."""
    candidates: list[tuple[str, str | None]] = []
    if plus:
        candidates.append(("+" + digits, None))
    else:
        candidates.append((digits, region))
        if region == "RU" and len(digits) == 11 and digits[0] == "7":
            candidates.append(("+" + digits, None))
        if region == "US" and digits.startswith("0"):
            candidates.append((digits, "GB"))  # UK numbers said in an English call
        if digits.startswith(("00", "810")):
            candidates.append(("+" + digits[3 if digits.startswith("810") else 2:], None))
    for number, default in candidates:
        try:
            parsed = phonenumbers.parse(number, default)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return parsed
    return None


def e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# -- a dictation: edits, then numbers that cover every atom ----------------------------------

@dataclass(frozen=True)
class _Number:
    start: int
    end: int
    parsed: phonenumbers.PhoneNumber
    corrected: bool


def _spoken_groups(atoms: list[Atom]) -> list[list[Atom]]:
    groups: list[list[Atom]] = []
    for atom in atoms:
        if groups and atom.joined:
            groups[-1].append(atom)
        else:
            groups.append([atom])
    return groups


def _digits(atoms: list[Atom]) -> str:
    return "".join(atom.digits for atom in atoms)


def _fixed(digits: str, start: int, end: int) -> list[Atom]:
    """Digits after an edit: one atom, nothing left to join."""
    return [Atom(digits, start, end, False)] if digits else []


def _cue_alternatives(current: list[Atom], said: list[Atom]) -> list[tuple[list[Atom], int]]:
    """What a correction marker between `current` and `said` may mean, best reading first."""
    alternatives: list[tuple[list[Atom], int]] = []
    if not current:
        return [(said, 0)]
    groups, new = _spoken_groups(current), _spoken_groups(said)
    last, first = _digits(groups[-1]), _digits(new[0])
    kept = [atom for group in groups[:-1] for atom in group]
    if len(first) > len(last) and first.startswith(last):
        alternatives.append((kept + said, 0))  # «три один... ой, три один два»
    if len(first) == len(last) and first != last:
        alternatives.append((kept + said, 0))  # "oh one, no, oh two"
    said_digits, current_digits = _digits(said), _digits(current)
    if len(said_digits) >= 7:
        alternatives.append((said, 0))  # a whole number again
    if len(said_digits) < len(current_digits):
        tail = current_digits[: len(current_digits) - len(said_digits)] + said_digits
        alternatives.append((_fixed(tail, current[0].start, said[-1].end), 1))  # "…, sorry, 67"
    alternatives.append((current + said, 2))  # a hesitation, not a correction
    return alternatives


def _replace(current: list[Atom], wrong: str, right: list[Atom]) -> list[Atom]:
    """«не 140, а 146»: the last `wrong` digits replaced; appended when never said."""
    digits = _digits(current)
    position = digits.rfind(wrong) if wrong else -1
    if position < 0:
        return current + right
    fixed = digits[:position] + _digits(right) + digits[position + len(wrong):]
    return _fixed(fixed, current[0].start, max(current[-1].end, right[-1].end))


def _readings(runs: list[Run]) -> list[tuple[list[Atom], int]]:
    """The atoms a dictation stands for after its corrections, with a cost per reading."""
    readings: list[tuple[list[Atom], int, str | None]] = [(list(runs[0].atoms), 0, None)]
    for run in runs[1:]:
        following: list[tuple[list[Atom], int, str | None]] = []
        for atoms, cost, pending in readings:
            said = list(run.atoms)
            if pending is not None:  # «не X» was said; this run begins with the right digits
                replaced = _replace(atoms, pending, said[:1])
                following.append((replaced + said[1:], cost, None))
                continue
            if run.link == NEGATE:
                if len(said) > 1:  # "not ninety, ninety-one"
                    following.append((_replace(atoms, said[0].digits, said[1:2]) + said[2:],
                                      cost, None))
                else:
                    following.append((atoms, cost, said[0].digits))
            elif run.link == CORRECT:
                following += [(reading, cost + extra, None)
                              for reading, extra in _cue_alternatives(atoms, said)]
            else:
                following.append((atoms + said, cost, None))
        readings = following[:MAX_ALTERNATIVES]
    return [(atoms, cost) for atoms, cost, _ in readings]


def _absorbs(head: str, tail: str) -> bool:
    """'900' + '16' → 916, '50' + '3' → 53: a round number and a smaller one said after it."""
    if not head or not tail or head[0] == "0" or tail[0] == "0" or len(head) > 3:
        return False
    zeros = len(head) - len(head.rstrip("0"))
    return 0 < len(tail) <= zeros < len(head)


Variant = tuple[str, str, int]  # digits, the last chunk (which a next atom may join), cost


def _grow(variants: list[Variant], digits: str) -> list[Variant]:
    """The variants with one more atom: said apart, or joined with a round chunk before it."""
    grown: list[Variant] = []
    for said, last, cost in variants:
        grown.append((said + digits, digits, cost))
        if _absorbs(last, digits):
            merged = str(int(last) + int(digits))
            grown.append((said[: len(said) - len(last)] + merged, merged, cost + 1))
    return grown[:8]


def _cover(atoms: list[Atom], region: str, plus: bool, plus_start: int
           ) -> tuple[int, list[tuple[int, int, phonenumbers.PhoneNumber]]] | None:
    """Valid numbers covering every atom (fewest numbers, then fewest joins), or None."""
    count = len(atoms)
    best: list[tuple[int, int, list[tuple[int, int, phonenumbers.PhoneNumber]]] | None]
    best = [None] * count + [(0, 0, [])]
    for first in range(count - 1, -1, -1):
        choice: tuple[int, int, list[tuple[int, int, phonenumbers.PhoneNumber]]] | None = None
        with_plus = plus and first == 0
        variants: list[Variant] = []
        for last in range(first, count):
            digits = atoms[last].digits
            variants = _grow(variants, digits) if variants else [(digits, digits, 0)]
            if all(len(said) > 15 for said, _, _ in variants):
                break
            rest = best[last + 1]
            if rest is None:
                continue
            for said, _, cost in sorted(variants, key=lambda variant: variant[2]):
                if not 7 <= len(said) <= 15:
                    continue
                parsed = parse_phone(said, region, with_plus)
                if parsed is None:
                    continue
                start = plus_start if with_plus else atoms[first].start
                score = (rest[0] + 1, rest[1] + cost)
                if choice is None or score < (choice[0], choice[1]):
                    choice = (score[0], score[1], [(start, atoms[last].end, parsed), *rest[2]])
                break
        best[first] = choice
    found = best[0]
    return None if found is None else (found[1], found[2])


def _parse_piece(runs: list[Run], region: str) -> tuple[int, list[_Number]] | None:
    """The numbers of consecutive runs read as one dictation, or None when they form none."""
    if any(run.magnitude for run in runs):
        return None
    edited = len(runs) > 1 and any(run.link in (CORRECT, NEGATE) for run in runs[1:])
    for atoms, cost in sorted(_readings(runs), key=lambda reading: reading[1]):
        if not atoms:
            continue
        covered = _cover(atoms, region, runs[0].plus, runs[0].plus_start)
        if covered is None:
            continue
        joins, numbers = covered
        if edited:
            start, end = runs[0].start, runs[-1].end
            return cost + joins, [_Number(start if index == 0 else number_start,
                                          end if index == len(numbers) - 1 else number_end,
                                          parsed, True)
                                  for index, (number_start, number_end, parsed)
                                  in enumerate(numbers)]
        return cost + joins, [_Number(start, end, parsed, False)
                              for start, end, parsed in numbers]
    return None


def _dictations(runs: list[Run], region: str) -> list[tuple[list[_Number], int, int]]:
    """The numbers of every run: runs read alone or joined with the next ones across their
    links, whichever covers the most digits (then the most links, fewest numbers, fewest
    joins); a run that forms no valid number gives none. Also the first and last run of each."""
    count = len(runs)
    longest = MAX_PIECE_RUNS if count <= MANY_RUNS else 3  # a long text: keep the work linear
    budget = WORK_BUDGET
    Best = tuple[tuple[int, int, int, int], list[tuple[list[_Number], int, int]]]
    best: list[Best] = [((0, 0, 0, 0), [])] * (count + 1)
    for first in range(count - 1, -1, -1):
        choice: Best = best[first + 1]
        for last in range(first, min(count, first + longest)):
            if last > first and (runs[last].link == STRONG or runs[last].claimed):
                break
            if runs[first].claimed or (last > first and budget <= 0):
                break
            if sum(len(run.digits) for run in runs[first : last + 1]) > MAX_PIECE_DIGITS:
                break
            budget -= sum(len(run.atoms) for run in runs[first : last + 1])
            parsed = _parse_piece(runs[first : last + 1], region)
            if parsed is None:
                continue
            cost, numbers = parsed
            digits = sum(len(run.digits) for run in runs[first : last + 1])
            rest = best[last + 1]
            score = (rest[0][0] + digits, rest[0][1] + last - first,
                     rest[0][2] - len(numbers), rest[0][3] - cost)
            if score > choice[0]:
                choice = (score, [(numbers, first, last), *rest[1]])
        best[first] = choice
    return best[0][1]


def _words_before(tokens: list[Token], index: int, limit: int) -> list[Token]:
    """Up to `limit` word tokens before `index`, stopping at a sentence end."""
    words: list[Token] = []
    cursor = index - 1
    while cursor >= 0 and len(words) < limit:
        token = tokens[cursor]
        if (token.kind == "punct" and token.text in SENTENCE_END) or token.kind == "digits":
            break  # a label names the number right after it, not one said after another
        if token.kind == "word":
            words.append(token)
        cursor -= 1
    return words


def _token_index(tokens: list[Token], offset: int) -> int:
    for index, token in enumerate(tokens):
        if token.start >= offset:
            return index
    return len(tokens)


CODE_WORDS = frozenset({"code", "code's", "код"})
NOT_AREA = re.compile(
    r"(смс|sms|пин|pin|promo|промо\w*|confirmation|security|access|door|zip|postal|post|из"
    r"|подтвержд\w*|домофон\w*|verification|verify|secret|банк\w*|двер\w*|otp|activation"
    r"|активац\w*|подарочн\w*|gift|discount|скидк\w*|coupon|купон\w*|gate|калитк\w*|qr)",
    re.I)


def _is_area_code_word(tokens: list[Token], word: Token) -> bool:
    """«код 812», "area code 617", "code is 702": a code that begins a phone number — unless
    it is an SMS, PIN, door ... code."""
    position = tokens.index(word)
    previous = [token for token in tokens[max(0, position - 3) : position]
                if token.kind == "word"]
    following = [token for token in tokens[position + 1 : position + 4] if token.kind == "word"]
    return not (previous and NOT_AREA.fullmatch(previous[-1].lower)) \
        and not (following and NOT_AREA.fullmatch(following[0].lower))


DEPARTMENT = re.compile(r"(desk|department|dept|team|office|line|center|centre|support|service|"
                        r"отдел|служб|центр|линии|линия|поддерж)", re.I)


def _names_a_department(tokens: list[Token], word: Token) -> bool:
    """'the claims desk', 'отдел заказов': the word names whom to call, not what the digits are."""
    position = tokens.index(word)
    near = [token for token in tokens[max(0, position - 3) : position + 4]
            if token.kind == "word" and token is not word]
    return any(DEPARTMENT.match(token.lower) for token in near)


def rejected_by_context(text: str, tokens: list[Token], start: int, end: int) -> bool:
    """Digits introduced as an order, account, card ... number, or money, time, a quantity."""
    index = _token_index(tokens, start)
    for word in _words_before(tokens, index, 6):
        lower = word.lower
        if lower in CODE_WORDS and _is_area_code_word(tokens, word):
            return False
        if lower.startswith(POSITIVE_STEMS):
            return False
        if NEGATIVE_WORD.fullmatch(lower) or lower in CODE_WORDS:
            if _names_a_department(tokens, word):
                continue
            return True
    before = text[:start].rstrip()
    if before and (before[-1] in CURRENCY_SIGNS or before.endswith(("№", "#"))):
        return True
    after = text[end:].lstrip(" ,")
    return bool(UNIT_AFTER.match(after))


def find_phones(text: str, language: str = "en", region: str | None = None) -> list[PhoneMatch]:
    """Phone numbers said in `text`, corrected as the speaker corrected them, in order."""
    region = region or DEFAULT_REGIONS.get(language, "US")
    tokens = tokenize(text)
    runs = find_runs(text)
    found: list[tuple[_Number, int]] = []  # a number and the last run of its dictation
    for numbers, _first, last in _dictations(runs, region):
        found += [(number, last) for number in numbers
                  if not rejected_by_context(text, tokens, number.start, number.end)]
    found.sort(key=lambda item: item[0].start)
    matches: list[PhoneMatch] = []
    for order, (number, last) in enumerate(found):
        limit = found[order + 1][0].start if order + 1 < len(found) else len(text)
        later = [run for run in runs[last + 1 :] if run.start >= number.end and run.end <= limit]
        corrected = _apply_corrections(text, number.end, number.parsed, later, region)
        matches.append(PhoneMatch(
            e164=e164(corrected or number.parsed),
            start=number.start,
            end=number.end,
            raw=text[number.start : number.end],
            corrected=number.corrected or corrected is not None,
        ))
    return _drop_superseded(text, matches)


def _apply_corrections(
    text: str, end: int, parsed: phonenumbers.PhoneNumber, later: list[Run], region: str
) -> phonenumbers.PhoneNumber | None:
    """The number after the corrections said after it ('нет, последние цифры 68'), or None."""
    national = str(parsed.national_number)
    current = national
    anchor = end
    skip = -1
    for index, run in enumerate(later):
        if index == skip:
            continue
        if _is_count(text, run, later[index + 1] if index + 1 < len(later) else None):
            continue  # "последние две цифры 68", "the last four are 0176": a count, not digits
        before = text[anchor : run.start]
        cue = CORRECTION_CUE.search(text[end : run.start]) is not None
        new = run.digits
        if NOT_BEFORE.search(before[-12:]) and index + 1 < len(later):
            following = later[index + 1]
            if BUT_BETWEEN.match(text[run.end : following.start]):
                current = _replace_last(current, run.digits, following.digits)
                anchor, skip = following.end, index + 1
                continue
        if index + 1 < len(later) and NOT_BETWEEN.match(text[run.end : later[index + 1].start]):
            current = _replace_last(current, later[index + 1].digits, new)
            anchor, skip = later[index + 1].end, index + 1
            continue
        if cue and AREA_CODE.search(before[-40:]) and len(new) < len(current):
            current = new + current[len(new):]
        elif cue and TAIL_CUE.search(before[-60:]) and len(new) < len(current):
            current = current[: len(current) - len(new)] + new
        anchor = run.end
    if current == national:
        return None
    fixed = parse_phone(current, phonenumbers.region_code_for_number(parsed) or region, False)
    if fixed is None or fixed.country_code != parsed.country_code:
        return None
    return fixed


COUNT_NOUN = re.compile(r"^\W*(цифр\w*|номер\w*|digits?|numbers?)\b", re.I)


def _is_count(text: str, run: Run, following: Run | None) -> bool:
    """A small spoken number that says how many digits follow rather than being them."""
    if len(run.groups) != 1 or not run.groups[0].spoken or len(run.digits) != 1:
        return False
    if COUNT_NOUN.match(text[run.end :]):
        return True
    return following is not None and len(text[run.end : following.start].split()) <= 3 \
        and TAIL_CUE.search(text[max(0, run.start - 20) : run.start]) is not None


def _replace_last(digits: str, old: str, new: str) -> str:
    position = digits.rfind(old)
    if position < 0:
        if len(old) == len(new) and len(new) < len(digits):
            return digits[: len(digits) - len(new)] + new
        return digits
    return digits[:position] + new + digits[position + len(old) :]


def _drop_superseded(text: str, matches: list[PhoneMatch]) -> list[PhoneMatch]:
    """'8 916 ... нет, 8 926 ...': a number corrected by a whole new one is not kept."""
    kept: list[PhoneMatch] = []
    for index, match in enumerate(matches):
        following = matches[index + 1] if index + 1 < len(matches) else None
        if following is not None:
            between = text[match.end : following.start]
            if len(between.split()) <= 6 and CORRECTION_CUE.search(between) \
                    and not re.search(r"\b(или|или же|а\s+также|and|or|also|второй|другой|"
                                      r"second|other|work|home|рабоч|домашн|мобильн)\b",
                                      between, re.I):
                continue
        kept.append(match)
    return kept


def compare_phones(given: str, repeated: str) -> Verdict | None:
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


class PhoneFinder:
    """Phone numbers: E.164 values; a read-back is compared digit by digit."""

    kind = "phone"
    plural = "phones"

    def find(self, text: str, context: FindContext) -> list[Found]:
        return [Found(self.kind, phone.start, phone.end, phone.raw, phone.e164, phone.corrected)
                for phone in find_phones(text, context.language, context.region)]

    def compare(self, given: str, repeated: str) -> Verdict | None:
        return compare_phones(given, repeated)

    def mask(self, value: str) -> str:
        """The last two digits stay (enough to tell two numbers apart)."""
        digits = [char for char in value if char.isdigit()]
        return "•" * max(0, len(digits) - 2) + "".join(digits[-2:])

    def label(self, language: str) -> str:
        return "Телефон" if language == "ru" else "Phone"

    def output(self, found: Found) -> str:
        return found.value

    def display(self, value: str, raw: str) -> str:
        """+74951234567 → +7 495 123-45-67 (the habit of the number's country)."""
        try:
            return phonenumbers.format_number(phonenumbers.parse(value, None),
                                              phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            return value
