"""The extractor on generated variants and across windows (issue 17): said in any of these
ways, a number is found exactly once and whole; context never leaks between entities."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from assist.config import ExtractConfig
from assist.events import EntityExtracted, StageTimes, TranscriptUpdated
from assist.extract import extract, find_phones
from assist.extract.extractor import CallExtractor
from assist.extract.scoring import Counts, score_addresses, score_phones
from assist.extract.variants import generate, variants


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["ru", "en"]))
def test_a_generated_number_is_never_reported_twice(seed: int, language: str) -> None:
    variant = generate(random.Random(seed), language)
    found = [item.value for item in extract(variant.text, language) if item.kind == "phone"]
    assert len(found) == len(set(found))
    assert all(value[1:].isdigit() for value in found)


def test_generated_variants_meet_the_targets() -> None:
    for language in ("ru", "en"):
        phones, addresses = Counts(), Counts()
        for variant in variants(600, language, seed=5):
            found = extract(variant.text, language)
            phones.add(score_phones([item.value for item in found if item.kind == "phone"],
                                    list(variant.phones)))
            addresses.add(score_addresses(variant.text,
                                          [item.raw for item in found if item.kind == "address"],
                                          list(variant.addresses)))
        assert phones.f1 >= 0.97, (language, phones)
        assert addresses.f1 >= 0.90, (language, addresses)


def test_digits_that_form_no_number_give_no_phone() -> None:
    assert find_phones("Телефон 8 999 12 34 567 89.", "ru") == []
    assert find_phones("It's 312 555 01234.", "en") == []


def test_corrections_edit_the_number_being_dictated() -> None:
    said = [("Nine one seven, five five five, oh one, no, oh two, three three.", "en",
             "+19175550233"),
            ("восемь девятьсот шестнадцать, три один... ой, три один два, сорок пять, "
             "шестьдесят семь", "ru", "+79163124567"),
            ("Восемь девятьсот двадцать шесть, сто пятьдесят, двадцать, не девяносто, "
             "девяносто один.", "ru", "+79261502091"),
            ("Код 812, номер 318-42-90.", "ru", "+78123184290"),
            ("Just call 1-800-FLOWERS.", "en", "+18003569377"),
            ("8 900 16 542 31 07", "ru", "+79165423107")]
    for text, language, value in said:
        assert [match.e164 for match in find_phones(text, language)] == [value], text


def _run(lines: list[str], language: str) -> list[EntityExtracted]:
    extractor = CallExtractor(ExtractConfig())
    events: list[EntityExtracted] = []
    for index, text in enumerate(lines):
        utterance = TranscriptUpdated(index + 1, "customer", 1, text, index * 3.0,
                                      index * 3.0 + 2, True, language,
                                      StageTimes(0, 0, 0, 0, 0), "silence", -0.2, 0.01)
        events += [event for event in extractor.process(utterance, index * 3.0 + 2.5)
                   if isinstance(event, EntityExtracted)]
    return events


def test_an_apartment_number_does_not_spoil_the_next_phone() -> None:
    found = _run(["…доставка, квартира 118", "8-9-9-9", "160 18 11"], "ru")
    assert [item.value for item in found] == ["+79991601811"]


def test_a_plus_four_windows_back_is_kept() -> None:
    found = _run(["Номер плюс семь.", "Девятьсот шестнадцать.", "Двести два.", "Ноль ноль.",
                  "Восемьдесят."], "ru")
    assert [item.value for item in found] == ["+79162020080"]


def test_a_finished_entity_does_not_start_the_next_one() -> None:
    found = _run(["My number is 415 555 0132.", "12 Baker Street, London."], "en")
    assert [item.value for item in found] == ["+14155550132", "12 Baker Street, London"]
