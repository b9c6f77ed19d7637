"""The e-mail kind: written, dictated (RU/EN) and spelled addresses, read-back, masking."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assist.config import ExtractConfig
from assist.events import EntityExtracted, ReadbackChecked, StageTimes, TranscriptUpdated
from assist.extract import extract, finder, mask_entity
from assist.extract.emails import (
    RESERVED,
    STOP_DOMAIN,
    STOP_LOCAL,
    EmailFinder,
    compare_emails,
    find_emails,
)
from assist.extract.extractor import CallExtractor
from assist.extract.registry import FindContext


def emails(text: str, lang: str = "en") -> list[str]:
    return [match.value for match in find_emails(text, lang)]


# -- table: what is found ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "lang", "expected"), [
    # written, as Whisper prints them
    ("My email is ivan.petrov@mail.ru.", "en", ["ivan.petrov@mail.ru"]),
    ("Write to J.Smith@Gmail.com, thanks.", "en", ["j.smith@gmail.com"]),
    ("Почта: anna_k-1985@yandex.ru, записали?", "ru", ["anna_k-1985@yandex.ru"]),
    ("It's john.doe @ example.co.uk", "en", ["john.doe@example.co.uk"]),
    ("j.smith at gmail.com", "en", ["j.smith@gmail.com"]),
    ("ivan dot petrov@mail.ru", "en", ["ivan.petrov@mail.ru"]),
    ("Two: a.b@x.org and c_d@y.net.", "en", ["a.b@x.org", "c_d@y.net"]),
    # Russian dictation
    ("Записывайте: ivan точка petrov собака mail точка ru.", "ru", ["ivan.petrov@mail.ru"]),
    ("Моя почта ivan собачка майл ру", "ru", ["ivan@mail.ru"]),
    ("olga эт мейл точка ру", "ru", ["olga@mail.ru"]),
    ("petrov собака мэйл ру, спасибо", "ru", ["petrov@mail.ru"]),
    ("ivan дефис petrov собака яндекс ру", "ru", ["ivan-petrov@yandex.ru"]),
    ("ivan тире petrov собака яндекс точка ру", "ru", ["ivan-petrov@yandex.ru"]),
    ("ivan минус petrov собака gmail дот com", "ru", ["ivan-petrov@gmail.com"]),
    ("ivan нижнее подчёркивание petrov собака гмейл ком", "ru", ["ivan_petrov@gmail.com"]),
    ("ivan подчеркивание petrov собака джимейл ком", "ru", ["ivan_petrov@gmail.com"]),
    ("ivan собака джи мейл точка ком", "ru", ["ivan@gmail.com"]),
    ("пишите на sergey собака рамблер", "ru", ["sergey@rambler.ru"]),
    ("sergey собака рамблер ру", "ru", ["sergey@rambler.ru"]),
    ("ivan 1985 собака яндекс ру", "ru", ["ivan1985@yandex.ru"]),
    ("ivan at mail ru", "ru", ["ivan@mail.ru"]),
    ("ivan собака company точка ком", "ru", ["ivan@company.com"]),
    # English dictation
    ("j dot smith at gmail dot com", "en", ["j.smith@gmail.com"]),
    ("Sure, it's john underscore doe at yahoo dot co dot uk.", "en", ["john_doe@yahoo.co.uk"]),
    ("my email is jsmith at outlook dot com", "en", ["jsmith@outlook.com"]),
    ("mary dash jane at acme dash site dot org", "en", ["mary-jane@acme-site.org"]),
    ("My email is 585@mail.ru", "en", ["585@mail.ru"]),
    ("Send it to 047 at nnd dot net", "en", ["047@nnd.net"]),
    ("su 1 at example dot com", "en", ["su1@example.com"]),
    ("mary hyphen jane at acme dot io", "en", ["mary-jane@acme.io"]),
    ("john at gmail com", "en", ["john@gmail.com"]),
    ("jsmith42 at hotmail dot com", "en", ["jsmith42@hotmail.com"]),
    ("John Smith 99 at AOL dot com", "en", ["smith99@aol.com"]),
    # spelled letters
    ("j o h n dot s m i t h at gmail dot com", "en", ["john.smith@gmail.com"]),
    ("It's J-O-H-N at gmail dot com", "en", ["john@gmail.com"]),
    ("J, O, H, N, at, gmail, dot, com", "en", ["john@gmail.com"]),
    ("J, O, H, N @ gmail.com", "en", ["john@gmail.com"]),
    ("J-O-H-N@gmail.com", "en", ["john@gmail.com"]),
    ("j smith at g m a i l dot com", "en", ["jsmith@gmail.com"]),
    ("i v a n 1 9 8 5 собака mail точка ru", "ru", ["ivan1985@mail.ru"]),
    # "at", "dot" glued to the address are letters of it
    ("ivan.at.home@mail.ru", "en", ["ivan.at.home@mail.ru"]),
    ("dot@dash.com", "en", ["dot@dash.com"]),
    # lower-case hyphens between single letters, written with "@", are the address's own
    ("a-b@x.org", "en", ["a-b@x.org"]),
])
def test_emails_are_found_and_normalised(text: str, lang: str, expected: list[str]) -> None:
    assert emails(text, lang) == expected


@pytest.mark.parametrize(("text", "lang"), [
    ("Look at the dot.", "en"),
    ("I'm at home.", "en"),
    ("Let's meet at 5.", "en"),
    ("Meet at 5.30 tomorrow.", "en"),
    ("Я в точке сбора.", "ru"),
    ("at gmail dot com", "en"),
    ("It's at gmail.", "en"),
    ("Go to www.example.com for details.", "en"),
    ("example.com", "en"),
    ("look at the dot com bubble", "en"),
    ("email me at gmail dot com", "en"),
    ("He works at google dot com.", "en"),
    ("I ordered at amazon dot com", "en"),
    ("It's listed at ebay dot com", "en"),
    ("My son is at school, dot, and then", "en"),
    ("Купил на ozon точка ру", "ru"),
    ("We're at google dot com.", "en"),
    ("john at gmail", "en"),
    ("john@localhost", "en"),
    ("john@mail.5", "en"),
    ("Reach me at 646.555.0177 tomorrow.", "en"),
    ("У нас собака, а не кошка.", "ru"),
    ("моя почта собака майл ру", "ru"),  # the sentence, not a login
    ("Иван.Петров@mail.ru", "ru"),  # Cyrillic is a login only when said aloud
    ("точка, точка, запятая", "ru"),
    ("London. John at the office.", "en"),
    ("@ . - _", "en"),
    ("", "en"),
])
def test_ordinary_speech_is_no_email(text: str, lang: str) -> None:
    assert emails(text, lang) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Анна точка Петрова собака мэйл точка ру.", "anna.petrova@mail.ru"),
    ("иван собака майл ру", "ivan@mail.ru"),
    ("Пишите: Юлия подчеркивание Ханова собака gmail.com", "yuliya_khanova@gmail.com"),
    ("Сергей дефис Щукин собака яндекс точка ру", "sergey-shchukin@yandex.ru"),
])
def test_a_login_said_in_russian_is_transliterated_and_marked_unsure(
        text: str, expected: str) -> None:
    (found,) = find_emails(text, "ru")
    assert found.value == expected and found.uncertain == ("local part",)
    # the same address with a Latin login is no guess
    latin = find_emails(f"{expected.partition('@')[0]} собака mail.ru", "ru")
    assert latin and latin[0].uncertain == ()


@pytest.mark.parametrize("text", [
    "a dot " * 4000, "a " * 8000 + "at", "x at " + "y dot " * 4000, "J-" * 8000, "a, " * 6000,
])
def test_long_runs_without_an_address_are_read_quickly(text: str) -> None:
    assert emails(text) == []  # the pattern's repeats are bounded: no quadratic search


def test_the_span_is_the_address_as_said() -> None:
    text = "Да, записывайте: ivan точка petrov собака mail точка ru. Спасибо."
    (match,) = find_emails(text, "ru")
    assert match.raw == text[match.start:match.end] == "ivan точка petrov собака mail точка ru"


def test_email_near_a_phone_leaves_the_phone_alone() -> None:
    text = "Call me at 646.555.0177 or write to jsmith at gmail dot com."
    found = extract(text, "en")
    assert [(item.kind, item.value) for item in found] == [
        ("phone", "+16465550177"), ("email", "jsmith@gmail.com")]


# -- generated variants: random addresses rendered the ways people say them ------------------

COMMON_DOMAINS = ["gmail.com", "mail.ru", "yandex.ru", "yahoo.co.uk", "outlook.com",
                  "rambler.ru", "list.ru", "hotmail.com", "icloud.com", "bk.ru"]
TLDS = ["com", "ru", "net", "org", "io", "de", "info", "co.uk", "biz"]
RU_SAID = {  # domains said in Russian, as people say them
    "mail.ru": ["майл ру", "мейл ру", "мэйл ру", "майл точка ру", "mail точка ru"],
    "yandex.ru": ["яндекс ру", "яндекс точка ру", "yandex точка ру"],
    "gmail.com": ["гмейл ком", "джимейл ком", "джи мейл точка ком", "gmail точка com"],
    "rambler.ru": ["рамблер", "рамблер ру", "рамблер точка ру"],
}
# Words that are speech, not letters of an address, when said aloud (a documented limit).
UNSAYABLE = RESERVED | STOP_LOCAL | STOP_DOMAIN
SEPARATORS = {"en": {".": ["dot"], "_": ["underscore"], "-": ["dash", "hyphen"]},
              "ru": {".": ["точка"], "_": ["нижнее подчёркивание", "подчёркивание"],
                     "-": ["дефис", "тире", "минус"]}}
AT = {"en": ["at"], "ru": ["собака", "собачка", "эт"]}
PREFIXES = {"en": ["", "My email is ", "It's ", "Sure, my e-mail is ", "You can write to ",
                   "Send it to ", "Email: ", "Yes, the address is "],
            "ru": ["", "Моя почта ", "Почта: ", "Запишите, пожалуйста, ", "Пишите на ",
                   "Да, адрес "]}
SUFFIXES = {"en": ["", ".", ", thanks.", " — thank you.", "? Did you get that?", " please."],
            "ru": ["", ".", ", спасибо.", " — записали?", ", всё."]}
STYLES = ("written", "words", "spelled")


@dataclass(frozen=True)
class Variant:
    text: str
    said: str  # the address as it appears in the text
    value: str
    style: str
    lang: str


def _chunk(rng: random.Random, alphabet: str, lengths: tuple[int, int]) -> str:
    while True:
        chunk = "".join(rng.choice(alphabet) for _ in range(rng.randint(*lengths)))
        if chunk not in UNSAYABLE:
            return chunk


def random_local(rng: random.Random) -> list[str]:
    """Chunks and separators: ["ivan", ".", "petrov"]. A hyphen between two single
    characters is avoided: "a-b" reads as spelling (a documented limit)."""
    parts = [_chunk(rng, "abcdefghijklmnopqrstuvwxyz0123456789", (1, 8))]
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        chunk = _chunk(rng, "abcdefghijklmnopqrstuvwxyz0123456789", (1, 8))
        separator = rng.choice(".._-")
        if separator == "-" and (len(chunk) == 1 or len(parts[-1]) == 1):
            separator = "."
        parts += [separator, chunk]
    return parts


def random_domain(rng: random.Random) -> list[str]:
    """Labels and separators: ["my", "-", "site", ".", "com"]."""
    if rng.random() < 0.5:
        name = rng.choice(COMMON_DOMAINS)
        return re.split(r"(\.)", name)
    parts = [_chunk(rng, "abcdefghijklmnopqrstuvwxyz", (1, 1))
             + _chunk(rng, "abcdefghijklmnopqrstuvwxyz0123456789", (1, 9))]
    while parts[0] in UNSAYABLE:
        parts[0] += rng.choice("0123456789")
    if rng.random() < 0.2:
        parts += ["-", _chunk(rng, "abcdefghijklmnopqrstuvwxyz", (2, 8))]
    return parts + re.split(r"(\.)", "." + rng.choice(TLDS))[1:]


def _case(rng: random.Random, word: str) -> str:
    return rng.choice([word, word, word.lower(), word.capitalize(), word.upper()])


def _said_word(rng: random.Random, piece: str) -> str:
    """One chunk said as a word; letters then digits are sometimes said apart ("ivan 1985")."""
    split = re.fullmatch(r"([a-z]+)([0-9]+)", piece)
    if split and split[1] not in UNSAYABLE and rng.random() < 0.3:
        return f"{_case(rng, split[1])} {split[2]}"
    return _case(rng, piece)


def _spell(piece: str, joiner: str, upper: bool) -> str:
    return joiner.join(char.upper() if upper else char for char in piece)


def render_written(rng: random.Random, local: list[str], domain: list[str], lang: str) -> str:
    at = rng.choice(["@", "@", " @ ", " at "])
    return "".join(_case(rng, part) for part in local) + at + "".join(
        _case(rng, part) for part in domain)


def _said_parts(rng: random.Random, parts: list[str], lang: str, say: dict[int, str],
                joiner: str = " ") -> str:
    """Chunks (said as `say` has them, by position) with their separators said as words."""
    return joiner.join(rng.choice(SEPARATORS[lang][part]) if part in ".-_"
                       else say.get(index, part) for index, part in enumerate(parts))


def render_words(rng: random.Random, local: list[str], domain: list[str], lang: str) -> str:
    said_local = {index: _said_word(rng, part) for index, part in enumerate(local)}
    joiner = rng.choice([" ", " ", " ", ", "])  # Whisper puts commas between dictated words
    name = "".join(domain)
    if lang == "ru" and name in RU_SAID and rng.random() < 0.8:
        said_domain = rng.choice(RU_SAID[name])
    else:
        said = {index: _case(rng, part) for index, part in enumerate(domain)}
        tld_words = {"ru": "ру", "com": "ком"} if lang == "ru" and rng.random() < 0.5 else {}
        said[len(domain) - 1] = tld_words.get(domain[-1], said[len(domain) - 1])
        said_domain = _said_parts(rng, domain, lang, said, joiner)
    at = rng.choice(AT[lang] + ["at"])
    return joiner.join([_said_parts(rng, local, lang, said_local, joiner), at, said_domain])


def render_spelled(rng: random.Random, local: list[str], domain: list[str], lang: str) -> str:
    joiner, upper = rng.choice([" ", " ", "-", ", "]), rng.random() < 0.4
    separator = ", " if joiner == ", " else " "
    said_local = _said_parts(rng, local, lang, {
        index: _spell(part, joiner, upper) for index, part in enumerate(local)}, separator)
    spelled_name = {0: _spell(domain[0], " ", upper)} if rng.random() < 0.3 else {}
    said_domain = _said_parts(rng, domain, lang, spelled_name)
    at = rng.choice(AT[lang] + ["at"])
    return f"{said_local}{separator}{at} {said_domain}"


RENDERERS = {"written": render_written, "words": render_words, "spelled": render_spelled}


def generate(rng: random.Random) -> Variant:
    """One random address said one way, inside a sentence."""
    lang, style = rng.choice(["en", "ru"]), rng.choice(STYLES)
    local, domain = random_local(rng), random_domain(rng)
    said = RENDERERS[style](rng, local, domain, lang)
    prefix, suffix = rng.choice(PREFIXES[lang]), rng.choice(SUFFIXES[lang])
    return Variant(prefix + said + suffix, said, "".join(local) + "@" + "".join(domain),
                   style, lang)


SEEDS = st.integers(min_value=0, max_value=2**32 - 1).map(random.Random)


def found_whole(variant: Variant) -> bool:
    matches = find_emails(variant.text, variant.lang)
    return [(match.raw, match.value) for match in matches] == [(variant.said, variant.value)]


@settings(max_examples=400, deadline=None)
@given(SEEDS)
def test_a_generated_address_is_found_once_and_whole(rng: random.Random) -> None:
    variant = generate(rng)
    matches = find_emails(variant.text, variant.lang)
    assert [(match.raw, match.value) for match in matches] == [(variant.said, variant.value)], \
        variant


def test_generated_variant_recall(capsys: pytest.CaptureFixture[str]) -> None:
    """Recall over 2,000 seeded variants, by style and language (printed with -s)."""
    totals: Counter[tuple[str, str]] = Counter()
    hits: Counter[tuple[str, str]] = Counter()
    rng = random.Random(20240611)
    for _ in range(2000):
        variant = generate(rng)
        totals[(variant.style, variant.lang)] += 1
        hits[(variant.style, variant.lang)] += found_whole(variant)
    with capsys.disabled():
        for key in sorted(totals):
            print(f"recall {key[0]:8} {key[1]}: {hits[key]}/{totals[key]}")
        print(f"recall all: {sum(hits.values())}/{sum(totals.values())}")
    assert sum(hits.values()) / sum(totals.values()) >= 0.99


# -- properties -------------------------------------------------------------------------------

SAID = st.lists(
    st.sampled_from([
        "at", "AT", "@", " @ ", "dot", "точка", "собака", "собачка", "эт", "dash", "дефис",
        "underscore", "нижнее подчёркивание", "ру", "ком", "майл", "яндекс", "рамблер",
        "джи мейл", "gmail", "mail", "com", "ru", "co", "uk", "ivan", "J", "o", "h", "n",
        "1985", "5", "the", "home", "me", ".", ",", "-", "_", ", ", "...", "\n", "x", "",
        "www", "example", "646.555.0177", "J-O-H-N", "a.b@c.de", "Ivan.Petrov@Mail.ru",
    ]),
    max_size=30,
).map(" ".join)
SHAPE = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*@[a-z0-9]+(?:-[a-z0-9]+)*"
                   r"(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*\.[a-z]{2,}")


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=200), SAID), st.sampled_from(["ru", "en"]))
def test_never_raises_spans_are_substrings_values_are_idempotent(text: str, lang: str) -> None:
    for match in find_emails(text, lang):
        assert text[match.start:match.end] == match.raw and match.raw
        assert SHAPE.fullmatch(match.value), match.value
        again = find_emails(match.value, lang)
        assert [(item.raw, item.value) for item in again] == [(match.value, match.value)]


@settings(max_examples=200, deadline=None)
@given(SEEDS)
def test_a_generated_value_is_idempotent(rng: random.Random) -> None:
    value = generate(rng).value
    assert emails(value) == [value]


# -- compare, mask, the registry --------------------------------------------------------------

def test_compare_confirms_names_the_part_or_declines() -> None:
    assert compare_emails("ivan.petrov@mail.ru", "ivan.petrov@mail.ru") == (True, ())
    assert compare_emails("ivan.petrov@mail.ru", "ivan.petrof@mail.ru") == (
        False, ("local part: ivan.petrov given, ivan.petrof repeated",))
    assert compare_emails("ivan.petrov@mail.ru", "ivan.petrov@gmail.com") == (
        False, ("domain: mail.ru given, gmail.com repeated",))
    assert compare_emails("j.smith@gmail.com", "j.smyth@gmial.com") == (
        False, ("local part: j.smith given, j.smyth repeated",
                "domain: gmail.com given, gmial.com repeated"))
    assert compare_emails("ivan.petrov@mail.ru", "olga.smirnova@yandex.ru") is None
    assert compare_emails("ivan@mail.ru", "olga@mail.ru") is None


@pytest.mark.parametrize(("value", "masked"), [
    ("ivan.petrov@mail.ru", "•••@•••.ru"),
    ("john_doe@yahoo.co.uk", "•••@•••.uk"),
    ("not an address", "•••"),
    ("", "•••"),
])
def test_mask_keeps_only_the_top_level_domain(value: str, masked: str) -> None:
    assert EmailFinder().mask(value) == masked
    assert mask_entity("email", value) == masked


def test_the_finder_is_registered_after_phone_and_address() -> None:
    email = finder("email")
    assert isinstance(email, EmailFinder) and email.plural == "emails"
    assert email.label("ru") == "Эл. почта" and email.label("en") == "E-mail"
    (found,) = email.find("ivan собака майл ру", FindContext("ru", "RU"))
    assert (found.kind, email.output(found)) == ("email", "ivan@mail.ru")
    assert email.display(found.value, found.raw) == "ivan@mail.ru"


# -- a call: dictated across two windows, read back wrong ------------------------------------

def utterance(uid: int, speaker: str, text: str, start: float) -> TranscriptUpdated:
    end = start + 2.0
    return TranscriptUpdated(uid, speaker, 0 if speaker == "operator" else 1, text, start, end,
                             True, "ru", StageTimes(end, end, end, end, end + 0.5), "silence",
                             -0.2, 0.01)


def test_an_email_dictated_across_windows_and_read_back_wrong() -> None:
    extractor = CallExtractor(ExtractConfig())
    lines = [("customer", "Моя почта ivan точка petrov,"),
             ("customer", "собака mail точка ru."),
             ("operator", "Записала: ivan точка petrof собака mail точка ru, верно?")]
    events: list[object] = []
    for index, (speaker, text) in enumerate(lines):
        events += extractor.process(utterance(index + 1, speaker, text, index * 3.0),
                                    index * 3.0 + 2.5)
    found = [event for event in events
             if isinstance(event, EntityExtracted) and event.kind == "email"]
    assert [(item.value, item.speaker, item.utterance_id) for item in found] == [
        ("ivan.petrov@mail.ru", "customer", 2), ("ivan.petrof@mail.ru", "operator", 3)]
    assert found[0].span[0] < 0  # it began in the previous window
    (check,) = [event for event in events if isinstance(event, ReadbackChecked)]
    assert (check.kind, check.matched) == ("email", False)
    assert check.differences == ("local part: ivan.petrov given, ivan.petrof repeated",)
