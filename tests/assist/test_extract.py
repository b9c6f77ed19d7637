"""The phone/address extractor: spoken numbers, phones, addresses, call context, read-back."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assist.cli import main
from assist.config import ExtractConfig
from assist.events import EntityExtracted, ReadbackChecked, StageTimes, TranscriptUpdated
from assist.extract import extract, find_addresses, find_phones, spoken_to_digits
from assist.extract.addresses import compare_addresses
from assist.extract.extractor import CallExtractor
from assist.extract.phones import compare_phones
from assist.extract.scoring import Counts, score_addresses, score_phones

DEV_SET = Path(__file__).resolve().parents[3] / "shared" / "data" / "extraction" / "dev.jsonl"


def phones(text: str, lang: str) -> list[str]:
    return [match.e164 for match in find_phones(text, lang)]


def addresses(text: str) -> list[str]:
    return [match.raw for match in find_addresses(text)]


# -- spoken numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "digits"), [
    ("восемьсот", "800"),
    ("двести сорока пяти", "245"),
    ("девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь", "916 123 45 67"),
    ("три семёрки", "777"),
    ("два нуля", "00"),
    ("ноль", "0"),
    ("double five", "55"),
    ("triple two", "222"),
    ("five fifty-five", "5 55"),
    ("eight hundred", "800"),
])
def test_number_words_become_digits(text: str, digits: str) -> None:
    assert spoken_to_digits(text) == digits


# -- phones -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "lang", "expected"), [
    # digits as Whisper writes them
    ("Перезвоните мне на 8 (916) 555-12-34, пожалуйста.", "ru", ["+79165551234"]),
    ("Мой сотовый 9161234567.", "ru", ["+79161234567"]),
    ("Reach me at 646.555.0177 tomorrow.", "en", ["+16465550177"]),
    # words, grouped dictation, fillers
    ("Телефон восемь девятьсот три, сто двадцать, э-э, сорок, ноль шесть.", "ru",
     ["+79031204006"]),
    ("Записывайте: восемь девятьсот шестнадцать, три семёрки, два нуля, двенадцать.", "ru",
     ["+79167770012"]),
    ("It's nine one seven... uh... five five five... oh one double eight.", "en",
     ["+19175550188"]),
    ("Call me on two oh two, five five five, zero one four four.", "en", ["+12025550144"]),
    # international and extensions
    ("Мой казахстанский номер +7 701 222 33 44.", "ru", ["+77012223344"]),
    ("My London office is 020 7946 0018.", "en", ["+442079460018"]),
    ("Dial 212-555-0147 ext 23 for billing.", "en", ["+12125550147"]),
    # corrections yield only the final number
    ("Номер 8 926 111-22-33, ой, нет, последние цифры 34.", "ru", ["+79261112234"]),
    ("It's 415-555-0166, sorry, 67, not 66.", "en", ["+14155550167"]),
    ("My cell is 917 555 0123, no wait, 917 555 0124.", "en", ["+19175550124"]),
    ("8 916 123 45 76, нет, последние две цифры 67.", "ru", ["+79161234567"]),
    ("It's 415 555 0132, wait, the last two digits are 23.", "en", ["+14155550123"]),
    # words that only look like number labels («домашний», «правильно», "refund", a center)
    ("Да, правильно, мой домашний 8 495 123 45 67.", "ru", ["+74951234567"]),
    ("Сервисный центр 8 800 555 35 35.", "ru", ["+78005553535"]),
    ("For a refund, customer care is 1-800-555-0199.", "en", ["+18005550199"]),
    # two different numbers stay two
    ("Звоните на 8 495 123 45 67 или на 8 495 123 45 68.", "ru",
     ["+74951234567", "+74951234568"]),
])
def test_phones_are_found_and_normalised(text: str, lang: str, expected: list[str]) -> None:
    assert phones(text, lang) == expected


@pytest.mark.parametrize(("text", "lang"), [
    ("Номер договора 9161234567, оформлен в мае.", "ru"),
    ("Ваш лицевой счёт 8 916 123 45 67.", "ru"),
    ("Сумма восемь тысяч девятьсот шестнадцать рублей.", "ru"),
    ("Your tracking number is 2125550147.", "en"),
    ("Your order number's 3125550147.", "en"),
    ("The invoice total is $2,125,550.14.", "en"),
    ("We close at 9:30 on 12/05/2025.", "en"),
    ("Just dial 911.", "en"),
    ("The number ends in 4567.", "en"),
    ("Мой индекс 125009.", "ru"),
])
def test_number_shaped_non_phones_are_rejected(text: str, lang: str) -> None:
    assert phones(text, lang) == []


def test_phone_spans_are_the_words_said() -> None:
    text = "Да, плюс семь девятьсот шестнадцать, сто двадцать три, сорок пять, шестьдесят семь."
    (match,) = find_phones(text, "ru")
    assert match.raw == text[match.start : match.end]
    assert match.raw.startswith("плюс семь") and match.raw.endswith("шестьдесят семь")


# -- addresses --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Привезите на улицу Садовую, дом пятнадцать, квартира девяносто восемь, спасибо.",
     ["улицу Садовую, дом пятнадцать, квартира девяносто восемь"]),
    ("Мой адрес: улица Ленина дом 5 квартира 12, спасибо.", ["улица Ленина дом 5 квартира 12"]),
    ("г. Казань, ул. Пушкина, д. 10/2, кв. 7. Жду.", ["г. Казань, ул. Пушкина, д. 10/2, кв. 7"]),
    ("посёлок Рощино, улица Советская, 5, у нас собака.",
     ["посёлок Рощино, улица Советская, 5"]),
    ("деревня Малые Вязёмы, дом 12, возле магазина.", ["деревня Малые Вязёмы, дом 12"]),
    ("Город Санкт-Петербург, Невский проспект, дом 28, литера А, квартира 5.",
     ["Город Санкт-Петербург, Невский проспект, дом 28, литера А, квартира 5"]),
    ("Write it down: 123 Main St Apt 4B Springfield IL 62704",
     ["123 Main St Apt 4B Springfield IL 62704"]),
    ("It's 221B Baker Street, London NW1 6XE.", ["221B Baker Street, London NW1 6XE"]),
    ("Send it to one twenty-three Pine Street, Springfield.",
     ["one twenty-three Pine Street, Springfield"]),
    ("We moved to 15 Elm Street last year.", ["15 Elm Street"]),
    ("Mail it to PO Box 12, Reno, Nevada 89501.", ["PO Box 12, Reno, Nevada 89501"]),
    ("It is 1900 K Street NW, Washington, D.C. 20006.",
     ["1900 K Street NW, Washington, D.C. 20006"]),
])
def test_addresses_are_found_as_said(text: str, expected: list[str]) -> None:
    assert addresses(text) == expected


@pytest.mark.parametrize("text", [
    "На улице Ленина сейчас ремонт, курьер не проедет.",
    "Дом у нас пятиэтажный, квартир сорок.",
    "Я сейчас в Москве.",
    "Main Street is closed today.",
    "Meet me at the corner of Fifth and Pine.",
    "Highway 101 was backed up.",
    "I'll be in Room 204.",
])
def test_places_without_a_house_are_not_addresses(text: str) -> None:
    assert addresses(text) == []


def test_gazetteer_corrects_a_misheard_street_name() -> None:
    found = extract("Адрес: ул. Профсаюзная, д. 43.", "ru",
                    gazetteer=("Профсоюзная", "Ленина"))
    (address,) = [item for item in found if item.kind == "address"]
    assert address.raw == "ул. Профсаюзная, д. 43"
    assert address.value == "ул. Профсоюзная, д. 43"


# -- properties -------------------------------------------------------------------------------

SPOKEN = st.lists(
    st.sampled_from([
        "восемь", "девятьсот", "шестнадцать", "ноль", "три", "семёрки", "два", "нуля", "сорока",
        "пяти", "тысяч", "oh", "double", "triple", "five", "fifty-five", "hundred", "twenty-two",
        "8", "916", "+7", "(495)", "555-01-23", "...", ",", "э-э", "uh", "нет", "sorry", "not",
        "ул.", "улица", "Ленина", "дом", "д.", "кв.", "Street", "Apt", "Main", "12", "#5",
        ".", "\n", "x", "", "последние", "цифры", "area", "code",
    ]),
    max_size=30,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), SPOKEN), st.sampled_from(["ru", "en", None]))
def test_extract_never_raises_and_spans_are_substrings(text: str, lang: str | None) -> None:
    for item in extract(text, lang):
        assert text[item.start : item.end] == item.raw
        assert item.raw and item.raw in text
        if item.kind == "phone":
            assert item.value.startswith("+") and item.value[1:].isdigit()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=120), SPOKEN))
def test_spoken_number_normalisation_is_idempotent(text: str) -> None:
    once = spoken_to_digits(text)
    assert spoken_to_digits(once) == once


# -- a call: context across windows, de-duplication, read-back -------------------------------

def utterance(uid: int, speaker: str, text: str, start: float, lang: str = "ru"
              ) -> TranscriptUpdated:
    end = start + 2.0
    return TranscriptUpdated(uid, speaker, 0 if speaker == "operator" else 1, text, start, end,
                             True, lang, StageTimes(end, end, end, end, end + 0.5), "silence",
                             -0.2, 0.01)


def run_call(lines: list[tuple[str, str]], lang: str = "ru") -> list[object]:
    extractor = CallExtractor(ExtractConfig())
    events: list[object] = []
    for index, (speaker, text) in enumerate(lines):
        events += extractor.process(utterance(index + 1, speaker, text, index * 3.0, lang),
                                    index * 3.0 + 2.5)
    return events


def entities(events: list[object]) -> list[EntityExtracted]:
    return [event for event in events if isinstance(event, EntityExtracted)]


def test_a_number_split_across_windows_is_found_once_and_whole() -> None:
    events = run_call([("customer", "Да, записывайте, восемь девятьсот шестнадцать,"),
                       ("customer", "двести восемьдесят, тридцать один, ноль четыре.")])
    found = entities(events)
    assert [(item.value, item.utterance_id, item.supersedes) for item in found] == [
        ("+79162803104", 2, None)]
    assert found[0].span[0] < 0  # it began in the previous window


def test_a_correction_in_the_next_window_supersedes_the_number() -> None:
    events = run_call([("customer", "Телефон 8 915 077-42-19."),
                       ("customer", "Ой, нет, извините, не 19, а 91.")])
    found = entities(events)
    assert [item.value for item in found] == ["+79150774219", "+79150774291"]
    assert found[1].supersedes == found[0].entity_id and found[1].corrected


def test_an_address_completed_in_the_next_window_replaces_the_partial_one() -> None:
    events = run_call([("customer", "I'm at 6310 Cedar Hollow Road,"),
                       ("customer", "apartment 12, Austin, Texas 78745.")], lang="en")
    found = entities(events)
    assert found[-1].raw == "6310 Cedar Hollow Road, apartment 12, Austin, Texas 78745"
    assert found[-1].supersedes == found[0].entity_id


def test_a_repeat_is_reported_once_and_a_correct_read_back_is_confirmed() -> None:
    events = run_call([("customer", "Мой номер 8 916 482-17-35."),
                       ("customer", "Ещё раз: 8 916 482-17-35."),
                       ("operator", "Записала: восемь девятьсот шестнадцать, четыреста "
                                    "восемьдесят два, семнадцать, тридцать пять.")])
    assert [item.value for item in entities(events)] == ["+79164821735"]
    (check,) = [event for event in events if isinstance(event, ReadbackChecked)]
    assert check.matched and check.given_by == "customer" and check.repeated_by == "operator"


def test_a_wrong_read_back_names_the_digits_that_differ() -> None:
    events = run_call([("customer", "My number is 415-555-0132."),
                       ("operator", "So that's 415-555-0123, correct?")], lang="en")
    (check,) = [event for event in events if isinstance(event, ReadbackChecked)]
    assert not check.matched
    assert check.differences == ("digit 10: 3 given, 2 repeated",
                                 "digit 11: 2 given, 3 repeated")


def test_a_wrong_address_read_back_names_the_part() -> None:
    verdict = compare_addresses("ул. Профсоюзная, д. 43, кв. 118",
                                "улица Профсоюзная, дом 43, квартира 181")
    assert verdict == (False, ("apartment: 118 given, 181 repeated",))
    assert compare_addresses("ул. Ленина, д. 5", "улица Ленина, дом 5") == (True, ())
    assert compare_addresses("ул. Ленина, д. 5", "Baker Street 221") is None


@pytest.mark.parametrize(("given", "repeated", "verdict"), [
    # a street heard without its type on one leg, with it on the other
    ("Гагарина 32, квартира 8", "Тула, улица Гагарина, 32, квартира 8", (True, ())),
    ("Садовая 14", "улица Садовая, дом 41", (False, ("house: 14 given, 41 repeated",))),
    # one street heard in two inflections and one vowel apart (a noisy leg)
    ("Коширская шоссе, дом 61, корпус 4", "Каширское шоссе, дом 67, корпус 4",
     (False, ("house: 61 given, 67 repeated",))),
    ("Лесной переулок, дом 3", "Лесному переулку, дом 3", (True, ())),
    # unit 5 of house 220, written the Canadian way; King Street West is another street
    # than King Street, so a read-back that drops "West" is flagged, not confirmed
    ("220 King Street West", "5-220 King Street West", (True, ())),
    ("220 King Street West", "5-220 King Street, Toronto",
     (False, ("street: king west given, king repeated",))),
    # ... but a "West" Whisper's comma put into the city was said
    ("88 Queen Street West", "3-88 Queen Street, West Hamilton", (True, ())),
    ("88 Queen Street East", "3-88 Queen Street, West Hamilton",
     (False, ("street: queen east given, queen repeated",))),
    # the line mangled the street name, the operator slipped on the house: the unit and the
    # other number tell it is this address read back
    ("58 Wexley Road, flat 4", "68 Hexagon Road, flat 4",
     (False, ("street: wexley given, hexagon repeated", "house: 58 given, 68 repeated"))),
    ("Unit 5, 220 King Street West", "7-220 King Street West",
     (False, ("apartment: 5 given, 7 repeated",))),
    # a street's type is part of its name
    ("улица Лесная, дом 5", "Лесной переулок, дом 5",
     (False, ("street type: улица given, переулок repeated",))),
    ("ул. Ленина, д. 5", "улица Ленина, дом 5", (True, ())),
    ("12 Oak Ave", "12 Oak Avenue", (True, ())),
    # a unit said before the street is no street
    ("подъезд 3, Гагарина 32", "улица Гагарина, дом 32", (True, ())),
])
def test_a_read_back_is_compared_across_the_ways_one_address_is_heard(
        given: str, repeated: str, verdict: tuple[bool, tuple[str, ...]]) -> None:
    assert compare_addresses(given, repeated) == verdict


def test_different_streets_are_no_read_back_of_each_other() -> None:
    assert compare_addresses("Гагарина 32", "Пушкина 14") is None
    assert compare_addresses("58 Wexley Road, flat 4", "93 Hexagon Road, flat 4") is None
    assert compare_addresses("Лесная, дом 26", "Садовая, дом 36") is None  # one number only
    assert compare_addresses("улица Лесная, дом 26", "улица Садовая, дом 8") is None
    assert compare_addresses("12 Oak Street", "40 Elm Street") is None


def test_an_unrelated_number_is_no_read_back() -> None:
    assert compare_phones("+14155550132", "+18005550199") is None
    assert compare_phones("+14155550132", "+14155550132") == (True, ())


# -- scoring and the command line ------------------------------------------------------------

def test_scoring_follows_the_dev_set_rules() -> None:
    text = "Доставка по адресу: г. Москва, ул. Профсоюзная, д. 43, корп. 2, кв. 118."
    gold = ["г. Москва, ул. Профсоюзная, д. 43, корп. 2, кв. 118"]
    assert score_addresses(text, ["Москва, ул. Профсоюзная, д. 43, корп. 2, кв. 118"], gold).tp == 1
    assert score_addresses(text, ["ул. Профсоюзная, д. 43"], gold) == Counts(0, 1, 1)
    assert score_phones(["+79161234567", "+79161234568"], ["+79161234567"]) == Counts(1, 1, 0)


def test_cli_extract_answers_every_line_and_reports_bad_ones(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"id": "a", "lang": "ru", "text": "Мой номер +7 926 318-70-55."},
        "not json",
        {"id": "b", "lang": "de", "text": "x"},
        {"id": "c", "lang": "en", "segments": ["Ship it to 4821 Maple Ridge Drive,",
                                               "Austin, Texas 78745."]},
        {"id": "d", "lang": "en", "segments": "oops"},
    ]
    stdin = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin + "\n"))
    assert main(["extract"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out[0] == {"id": "a", "phones": ["+79263187055"], "addresses": [], "emails": []}
    assert out[1]["id"] is None and "not JSON" in out[1]["error"]
    assert out[2]["id"] == "b" and "lang" in out[2]["error"]
    assert out[3] == {"id": "c", "phones": [],
                      "addresses": ["4821 Maple Ridge Drive, Austin, Texas 78745"], "emails": []}
    assert out[4]["id"] == "d" and "segments" in out[4]["error"]


@pytest.mark.skipif(not DEV_SET.exists(), reason="../shared/data/extraction/dev.jsonl is absent")
def test_dev_set_meets_the_f1_targets() -> None:
    totals = {(lang, kind): Counts() for lang in ("ru", "en") for kind in ("phone", "address")}
    for line in DEV_SET.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        text = " ".join(case["segments"]) if "segments" in case else case["text"]
        found = extract(text, case["lang"])
        totals[(case["lang"], "phone")].add(score_phones(
            [item.value for item in found if item.kind == "phone"], case["phones"]))
        totals[(case["lang"], "address")].add(score_addresses(
            text, [item.raw for item in found if item.kind == "address"], case["addresses"]))
    for (lang, kind), counts in totals.items():
        assert counts.f1 >= (0.95 if kind == "phone" else 0.90), (lang, kind, counts)
