"""Addresses that Whisper transcribes well enough but the extractor used to cut or miss:
multi-word street names, a unit before the house, Russian without commas, oblique cases,
ordinal house numbers, and a phone's digits bleeding into the next address."""

from __future__ import annotations

import pytest

from assist.extract.addresses import address_fields
from assist.extract.extractor import extract
from tests.assist.test_extract import entities, run_call


def found(text: str, lang: str) -> list[tuple[str, str]]:
    return [(item.raw, item.value) for item in extract(text, lang) if item.kind == "address"]


@pytest.mark.parametrize(("text", "raw", "value"), [
    ("Deliver to 3310 Maple Ridge Lane, Suite 12, Denver, CO 80203.",
     "3310 Maple Ridge Lane, Suite 12, Denver, CO 80203",
     "3310 Maple Ridge Lane, Suite 12, Denver, CO 80203"),
    ("It's 77 Cherry Blossom Court, Boston.", "77 Cherry Blossom Court, Boston",
     "77 Cherry Blossom Court, Boston"),
    ("ship it to 410 oak hollow road, austin, texas 78701",
     "410 oak hollow road, austin, texas 78701", "410 Oak Hollow road, Austin, Texas 78701"),
])
def test_a_multi_word_street_name_keeps_every_word(text: str, raw: str, value: str) -> None:
    assert found(text, "en") == [(raw, value)]


@pytest.mark.parametrize(("text", "raw"), [
    ("Suite 300 145 Queen Street East Toronto Ontario M5A 1S2",
     "Suite 300 145 Queen Street East Toronto Ontario M5A 1S2"),
    ("It's flat 9 27 Hampton Road, Bristol.", "flat 9 27 Hampton Road, Bristol"),
    ("Apt 4B 600 Pine Avenue, Reno, NV 89502.", "Apt 4B 600 Pine Avenue, Reno, NV 89502"),
])
def test_a_unit_said_before_the_house_without_a_comma_is_kept(text: str, raw: str) -> None:
    assert [item[0] for item in found(text, "en")] == [raw]


@pytest.mark.parametrize(("text", "raw"), [
    ("Записывайте Казань Баумана 17 квартира 4", "Казань Баумана 17 квартира 4"),
    ("Адрес Пермь Ленина 50", "Пермь Ленина 50"),
    ("Омск Садовая дом 12 квартира 9", "Омск Садовая дом 12 квартира 9"),
    ("Воронеж Лесная улица дом 3 квартира 21", "Воронеж Лесная улица дом 3 квартира 21"),
    ("город Тула улица Мира дом 5 квартира 2", "город Тула улица Мира дом 5 квартира 2"),
    ("Уфа, Гагарина двадцать два, квартира семь", "Уфа, Гагарина двадцать два, квартира семь"),
])
def test_a_russian_address_without_commas_is_found_whole(text: str, raw: str) -> None:
    assert [item[0] for item in found(text, "ru")] == [raw]


@pytest.mark.parametrize("text", [
    "Анна 25 лет работает у нас",  # a name and a number, no street, no city
    "Москва 2024 год была тёплой",
    "Да 15 минут подождите",
])
def test_a_name_and_a_number_without_a_known_street_or_city_is_no_address(text: str) -> None:
    assert found(text, "ru") == []


@pytest.mark.parametrize(("text", "value"), [
    ("Доставка на улицу садовую дом 14", "улица Садовая дом 14"),
    ("Мы на улице Школьной, дом 9, квартира 3.", "улица Школьная, дом 9, квартира 3"),
    ("живу на улице строителей дом 40", "улица Строителей дом 40"),
    ("улица лесной дом 2", "улица Лесная дом 2"),
    ("Адрес: улице Зеленой, дом 6.", "улица Зеленая, дом 6"),
])
def test_a_known_street_in_an_oblique_case_is_given_in_the_nominative(text: str,
                                                                     value: str) -> None:
    assert [item[1] for item in found(text, "ru")] == [value]


def test_an_unknown_street_in_an_oblique_case_keeps_the_form_heard() -> None:
    assert [item[1] for item in found("на улице Кукушкиной дом 3", "ru")] == [
        "улице Кукушкиной дом 3"]


@pytest.mark.parametrize(("text", "raw", "value"), [
    ("It's 7th Maple Grove Road, Leeds.", "7th Maple Grove Road, Leeds",
     "7 Maple Grove Road, Leeds"),
    ("Send it to 21st Oak Lane, Austin, Texas 78701.", "21st Oak Lane, Austin, Texas 78701",
     "21 Oak Lane, Austin, Texas 78701"),
    ("I live at 300 Third Avenue, Seattle.", "300 Third Avenue, Seattle",
     "300 Third Avenue, Seattle"),
    ("We're at 88 5th Avenue, New York.", "88 5th Avenue, New York", "88 5th Avenue, New York"),
])
def test_an_ordinal_before_a_named_street_is_the_house(text: str, raw: str, value: str) -> None:
    assert found(text, "en") == [(raw, value)]


@pytest.mark.parametrize("text", ["Turn left on 3rd Street.", "It's on 42nd Street near the park.",
                                  "Meet me at 5th Avenue."])
def test_an_ordinal_street_alone_is_no_address(text: str) -> None:
    assert found(text, "en") == []


@pytest.mark.parametrize(("windows", "lang", "address"), [
    (["Телефон 8 903", "412 55", "18 Ленинский проспект, дом 30, квартира 2."], "ru",
     "Ленинский проспект, дом 30, квартира 2"),
    (["Мой номер плюс семь девятьсот пять", "триста двенадцать сорок четыре",
      "семнадцать Варшавское шоссе, дом 14."], "ru", "Варшавское шоссе, дом 14"),
    (["Телефон 8 916 204 33 71. 5 Кутузовский проспект дом 2"], "ru",
     "Кутузовский проспект дом 2"),
])
def test_a_phone_said_just_before_does_not_give_the_address_a_house(
        windows: list[str], lang: str, address: str) -> None:
    found_ = entities(run_call([("customer", text) for text in windows], lang))
    assert [item.raw for item in found_ if item.kind == "address"] == [address]
    assert [item.kind for item in found_].count("phone") == 1


def test_a_street_named_for_a_date_keeps_its_number() -> None:
    assert [item[0] for item in found("Адрес: 8 Марта улица, дом 4", "ru")] == [
        "8 Марта улица, дом 4"]


@pytest.mark.parametrize(("text", "value"), [
    # a street type word a telephone line bent, with the house number right after
    ("Рязанское шассе, дом 12, квартира 40.", "Рязанское шоссе, дом 12, квартира 40"),
    ("Никитский пульвар, дом 9, квартира 3.", "Никитский бульвар, дом 9, квартира 3"),
    ("Лиговский праспект, дом 50, офис 7.", "Лиговский проспект, дом 50, офис 7"),
    ("улицо Пушкина, дом 5", "улица Пушкина, дом 5"),
    # heard as it sounds: reduced vowels and a devoiced last letter («-лог» for «-лок»)
    ("Казань, Лесной периолог, дом 3, квартира 12.", "Казань, Лесной переулок, дом 3, квартира 12"),
])
def test_a_misheard_street_type_word_is_read_as_said(text: str, value: str) -> None:
    assert [item for _, item in found(text, "ru")] == [value]
    assert found(text, "ru")[0][0] == text.rstrip(".")  # the card's words stay as heard


@pytest.mark.parametrize("text", [
    "Я проспал, дом 5 минут ждал.",  # close to «проспект» in no way that counts
    "Шасси, 5 штук.",  # no name, no house
])
def test_a_word_near_a_street_type_is_no_address_by_itself(text: str) -> None:
    assert found(text, "ru") == []


@pytest.mark.parametrize(("text", "raw"), [
    ("Apt 3 45 Maple Avenue Springfield Illinois", "Apt 3 45 Maple Avenue"),
    ("Suite 12 880 Ocean Drive Miami Florida", "Suite 12 880 Ocean Drive"),
])
def test_a_unit_before_the_house_is_kept_when_a_city_follows_without_commas(
        text: str, raw: str) -> None:
    assert [item for item, _ in found(text, "en")] == [raw]


@pytest.mark.parametrize(("text", "value"), [
    ("88, Ocean Drive, apartment 2, Miami.", "88 Ocean Drive, apartment 2, Miami"),
    ("It's 1730, Elm Street, unit 9.", "1730 Elm Street, unit 9"),
])
def test_a_comma_between_the_house_number_and_its_street_is_read_through(
        text: str, value: str) -> None:
    assert [item for _, item in found(text, "en")] == [value]


def test_a_unit_number_before_a_comma_is_no_house() -> None:
    assert found("Apartment 12, Oak Street.", "en") == []


@pytest.mark.parametrize(("text", "value"), [
    ("Омск, улица, зеленая, дом 4, квартира 11.", "Омск, улица Зеленая, дом 4, квартира 11"),
    ("Казань, проспект, победы, дом 30.", "Казань, проспект Победы, дом 30"),
    ("Садовая улица, дом 8, квартира 6.", "Садовая улица, дом 8, квартира 6"),  # no name after
])
def test_a_comma_between_a_street_type_and_its_name_is_read_through(text: str,
                                                                    value: str) -> None:
    assert [item for _, item in found(text, "ru")] == [value]


@pytest.mark.parametrize(("text", "value"), [
    # the wrong gender heard: an adjective street name agrees with its type word
    ("Рязанская шоссе, дом 12.", "Рязанское шоссе, дом 12"),
    ("Верхний шоссе, дом 3.", "Верхнее шоссе, дом 3"),
    ("улица Полевое, дом 7.", "улица Полевая, дом 7"),
    # right already, a noun, or a masculine type (whose ending the stress decides): unchanged
    ("Варшавское шоссе, дом 40.", "Варшавское шоссе, дом 40"),
    ("шоссе Энтузиастов, дом 5.", "шоссе Энтузиастов, дом 5"),
    ("Полевая проспект, дом 2.", "Полевая проспект, дом 2"),
    ("улица Красный Путь, дом 9.", "улица Красный Путь, дом 9"),  # its own noun follows
    ("улица Лесной дом 3", "улица Лесная дом 3"),
])
def test_an_adjective_street_name_agrees_with_its_type(text: str, value: str) -> None:
    assert [item for _, item in found(text, "ru")] == [value]


@pytest.mark.parametrize(("text", "value"), [
    # "suite" sounds as "sweet", and Whisper writes it so
    ("Ship it to 880 Harbor Parkway, sweet 410, Tampa.", "880 Harbor Parkway, suite 410, Tampa"),
    ("880 Harbor Parkway Sweet 410", "880 Harbor Parkway Suite 410"),
])
def test_a_suite_heard_as_sweet_is_the_unit(text: str, value: str) -> None:
    assert [item for _, item in found(text, "en")] == [value]


def test_an_at_heard_before_a_unit_is_the_pause_before_it() -> None:
    # "Harbor Parkway, suite four ten" heard as "Harbor Parkway at Sweet 410"
    assert [value for _, value in found("880 Harbor Parkway at Sweet 410 Tampa", "en")] == [
        "880 Harbor Parkway, Suite 410"]
    assert [value for _, value in found("12 Oak Street at unit B, Reno", "en")] == [
        "12 Oak Street, unit B, Reno"]
    # "at" before anything but a unit stays a word
    assert [value for _, value in found("We met at 12 Oak Street at noon", "en")] == [
        "12 Oak Street"]


@pytest.mark.parametrize(("text", "value"), [
    # "four twelve Oak Avenue" heard as "for 12th Oak Avenue": house 412
    ("for 12th Oak Avenue, apartment 3, Reno.", "412 Oak Avenue, apartment 3, Reno"),
    ("Sure. For 38 Willow Creek Road.", "438 Willow Creek Road"),
    # "for" inside a sentence is a word
    ("A table for 12 at 40 Oak Avenue", "40 Oak Avenue"),
    ("That is for 9th Street", None),
])
def test_a_house_heard_with_for_as_its_first_digit(text: str, value: str | None) -> None:
    assert [item for _, item in found(text, "en")] == ([value] if value else [])


@pytest.mark.parametrize(("text", "value"), [
    # "twelve forty-seven Maple Avenue" written "12 47 Maple Avenue": house 1247
    ("Send it to 12 47 Maple Avenue, Tulsa.", "1247 Maple Avenue, Tulsa"),
    ("Suite 210 18 60 North Elm Street", "Suite 210 1860 North Elm Street"),
    # a unit's number, or the end of a run of digits, is not half a house
    ("apartment 12 34 Oak Street", "apartment 12 34 Oak Street"),
    ("Call 555 12 34 Oak Street", "34 Oak Street"),
])
def test_a_house_said_in_pairs_and_written_apart_is_one_number(text: str, value: str) -> None:
    assert [item for _, item in found(text, "en")] == [value]


def test_sweet_without_a_number_is_a_word() -> None:
    assert found("That's sweet, 880 Harbor Parkway.", "en") == [
        ("880 Harbor Parkway", "880 Harbor Parkway")]


@pytest.mark.parametrize(("text", "value"), [
    # "eight oh six" heard as "A06", right before a street: the house number 806
    ("A27 Linden Hollow Court, Reno.", "827 Linden Hollow Court, Reno"),
    ("It's A14 Maple Avenue.", "814 Maple Avenue"),
    # a unit named with a letter keeps it
    ("Flat 3, 12 Maple Avenue", "Flat 3, 12 Maple Avenue"),
])
def test_a_house_number_heard_with_a_for_eight_is_read_as_said(text: str, value: str) -> None:
    assert [item for _, item in found(text, "en")] == [value]


def test_a_letter_a_after_a_unit_word_stays_a_letter() -> None:
    assert all("8" not in value for _, value in found("Unit A14 Maple Avenue, Reno", "en"))


def test_a_house_number_written_with_a_thousands_comma_is_one_number() -> None:
    assert found("6,400 Sunset Boulevard, Los Angeles", "en") == [
        ("6,400 Sunset Boulevard, Los Angeles", "6400 Sunset Boulevard, Los Angeles")]


def test_a_house_said_in_pairs_and_written_with_a_hyphen_is_one_number() -> None:
    # "nineteen forty, Cedar Lane" written "19-40": house 1940, not unit 19 of house 40
    assert found("Ship it to 19-40 Cedar Lane, Austin.", "en") == [
        ("19-40 Cedar Lane, Austin", "1940 Cedar Lane, Austin")]
    # unit 5 of house 220 stays so
    assert address_fields(found("5-220 Bay Street, Toronto", "en")[0][1])["house"] == "220"
