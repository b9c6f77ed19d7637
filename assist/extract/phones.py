"""Phone numbers in transcripts: spoken or written, corrected mid-way, told from other numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers

from assist.extract.numbers import (
    FILLERS,
    Group,
    GroupBuilder,
    Token,
    number_parts,
    tokenize,
)
from assist.extract.registry import FindContext, Found, Verdict

DEFAULT_REGIONS = {"ru": "RU", "en": "US"}
MAX_GROUPS = 24  # a run longer than this is no phone dictation; only its start is read

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
PLUS_WORDS = frozenset({"плюс", "plus"})
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


@dataclass
class Run:
    """Consecutive number groups said with only pauses, punctuation or fillers between them."""

    groups: list[Group] = field(default_factory=list)
    plus: bool = False
    plus_start: int = -1
    magnitude: bool = False

    @property
    def start(self) -> int:
        return self.plus_start if self.plus else self.groups[0].start

    @property
    def end(self) -> int:
        return self.groups[-1].end

    @property
    def digits(self) -> str:
        return "".join(group.digits for group in self.groups)


def _is_separator(token: Token) -> bool:
    if token.kind in ("space", "ellipsis"):
        return True
    if token.kind == "punct":
        return token.text in ",-–—().;"
    return token.kind == "word" and token.lower in FILLERS


def find_runs(text: str, tokens: list[Token] | None = None) -> list[Run]:
    """Every run of spoken or written number groups in the text."""
    tokens = tokenize(text) if tokens is None else tokens
    runs: list[Run] = []
    builder = GroupBuilder()
    run = Run()

    def close() -> None:
        nonlocal builder, run
        builder.flush()
        if builder.groups:
            run.groups = builder.groups[:MAX_GROUPS]
            run.magnitude = builder.magnitude
            runs.append(run)
        builder = GroupBuilder()
        run = Run()

    for token in tokens:
        if token.kind == "digits":
            builder.add_digits(token.text, token.start, token.end)
            continue
        if token.kind == "word":
            parts = number_parts(token.text)
            if parts is not None:
                for part in parts:
                    builder.add_word(part, token.start, token.end)
                continue
            if token.lower in PLUS_WORDS:
                close()
                run.plus, run.plus_start = True, token.start
                continue
        if token.kind == "punct" and token.text == "+":
            close()
            run.plus, run.plus_start = True, token.start
            continue
        if _is_separator(token):
            if token.kind != "space" and not (token.kind == "punct" and token.text in "-"):
                builder.flush()  # a comma, pause or filler ends a compound ("сорок, пять")
            continue
        close()
    close()
    return runs


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


def _segments(run: Run, region: str) -> list[tuple[int, int, phonenumbers.PhoneNumber]]:
    """The valid numbers in a run: most digits covered, then fewest numbers (dynamic programme)."""
    groups = run.groups
    count = len(groups)
    best: list[tuple[int, int, list[tuple[int, int, phonenumbers.PhoneNumber]]]] = [
        (0, 0, []) for _ in range(count + 1)
    ]
    for first in range(count - 1, -1, -1):
        skip = best[first + 1]
        choice = (skip[0], skip[1], skip[2])
        digits = ""
        for last in range(first, count):
            digits += groups[last].digits
            if len(digits) > 15:
                break
            if len(digits) < 7:
                continue
            parsed = parse_phone(digits, region, plus=run.plus and first == 0)
            if parsed is None:
                continue
            rest = best[last + 1]
            score = (rest[0] + len(digits), rest[1] - 1)
            if score > (choice[0], choice[1]):
                choice = (score[0], score[1], [(first, last, parsed), *rest[2]])
        best[first] = choice
    return best[0][2]


def _words_before(tokens: list[Token], index: int, limit: int) -> list[Token]:
    """Up to `limit` word tokens before `index`, stopping at a sentence end."""
    words: list[Token] = []
    cursor = index - 1
    while cursor >= 0 and len(words) < limit:
        token = tokens[cursor]
        if token.kind == "punct" and token.text in SENTENCE_END:
            break
        if token.kind == "word":
            words.append(token)
        cursor -= 1
    return words


def _token_index(tokens: list[Token], offset: int) -> int:
    for index, token in enumerate(tokens):
        if token.start >= offset:
            return index
    return len(tokens)


def _is_area_code_word(tokens: list[Token], word: Token) -> bool:
    position = tokens.index(word)
    following = [token for token in tokens[position + 1 : position + 4] if token.kind == "word"]
    if word.lower == "code":
        previous = [token for token in tokens[max(0, position - 3) : position]
                    if token.kind == "word"]
        return bool(previous) and previous[-1].lower == "area"
    if word.lower == "код" and following:
        return following[0].lower.startswith("город") or following[0].text[:1].isupper()
    return False


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
        if lower in ("code", "код") and _is_area_code_word(tokens, word):
            return False
        if lower.startswith(POSITIVE_STEMS):
            return False
        if NEGATIVE_WORD.fullmatch(lower) or lower in ("code", "код"):
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
    runs = find_runs(text, tokens)
    found: list[tuple[int, int, phonenumbers.PhoneNumber, int]] = []  # start, end, number, run
    used_runs: set[int] = set()
    for position, run in enumerate(runs):
        if run.magnitude:
            continue
        for first, last, parsed in _segments(run, region):
            start = run.start if first == 0 else run.groups[first].start
            end = run.groups[last].end
            if rejected_by_context(text, tokens, start, end):
                continue
            found.append((start, end, parsed, position))
            used_runs.add(position)
    found += _area_code_pairs(text, tokens, runs, used_runs, region)
    found.sort(key=lambda item: item[0])
    matches: list[PhoneMatch] = []
    for order, (start, end, parsed, position) in enumerate(found):
        limit = found[order + 1][0] if order + 1 < len(found) else len(text)
        later = [run for run in runs[position + 1 :] if run.start >= end and run.end <= limit]
        corrected = _apply_corrections(text, end, parsed, later, region)
        number = corrected or parsed
        matches.append(PhoneMatch(
            e164=e164(number),
            start=start,
            end=end,
            raw=text[start:end],
            corrected=corrected is not None,
        ))
    return _drop_superseded(text, matches)


def _area_code_pairs(
    text: str, tokens: list[Token], runs: list[Run], used: set[int], region: str
) -> list[tuple[int, int, phonenumbers.PhoneNumber, int]]:
    """'код Екатеринбурга 343, а сам номер 227-40-18': an area code and a local part said apart."""
    pairs: list[tuple[int, int, phonenumbers.PhoneNumber, int]] = []
    for position in range(len(runs) - 1):
        code, local = runs[position], runs[position + 1]
        if position in used or position + 1 in used or code.magnitude or local.magnitude:
            continue
        if not 3 <= len(code.digits) <= 5 or not 5 <= len(local.digits) <= 8:
            continue
        if not AREA_CODE.search(text[max(0, code.start - 40) : code.start]):
            continue
        between = text[code.end : local.start]
        if len(between.split()) > 5 or any(mark in between for mark in SENTENCE_END):
            continue
        prefix = "8" if region == "RU" else ""
        parsed = parse_phone(prefix + code.digits + local.digits, region, plus=False)
        if parsed is not None and not rejected_by_context(text, tokens, local.start, local.end):
            pairs.append((code.start, local.end, parsed, position + 1))
    return pairs


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
