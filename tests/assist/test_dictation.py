"""Dictation: the expectation state, the choice among hypotheses, uncertainty, and the
read-back as the fix (issue 16), without the model."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assist.asr.dictation import DictationPolicy
from assist.asr.options import ChannelState
from assist.context import CallContext
from assist.dictation import (
    KEEP_S,
    Expectations,
    Hypotheses,
    adopt_readback,
    asked_for,
    revise_on_readback,
)
from assist.events import EntityExtracted, ReadbackChecked, StageTimes, TranscriptUpdated
from assist.extract.extractor import extract

ENGLISH = "en"


def said(speaker: str, text: str, start: float, utterance: int = 1,
         alternatives: tuple[tuple[str, float], ...] = (), logprob: float = -0.2,
         language: str = ENGLISH) -> TranscriptUpdated:
    channel = 0 if speaker == "operator" else 1
    end = start + 2.0
    return TranscriptUpdated(utterance, speaker, channel, text, start, end, True, language,
                             StageTimes(end, end, end, end, end), "silence", logprob, 0.01,
                             alternatives)


def entity(kind: str, value: str, utterance: int = 1, entity_id: int = 1,
           uncertain: tuple[str, ...] = ()) -> EntityExtracted:
    return EntityExtracted(entity_id, kind, value, value, "customer", utterance, (0, 10), 1.0,
                           3.0, 3.2, uncertain=uncertain)


def hypotheses() -> Hypotheses:
    return Hypotheses(lambda text, language: extract(text, language))


def test_the_operator_asking_makes_the_customer_expect_that_kind() -> None:
    assert asked_for("Could you give me a phone number where we can reach you?") == "phone"
    assert asked_for("И продиктуйте, пожалуйста, адрес доставки.") == "address"
    assert asked_for("What's your e-mail?") == "email"
    assert asked_for("Как вас зовут?") is None
    context = CallContext(("operator", "customer"))
    writer = Expectations()
    writer(context, said("operator", "What is your phone number?", 1.0))
    assert context.state(1).expecting == "phone" and context.state(0).expecting is None
    writer(context, said("customer", "Eight nine one five, three oh six,", 4.0))
    assert context.state(1).dictating  # digits being said: the next window continues it
    writer(context, entity("phone", "+19153064407"))
    assert context.state(1).expecting is None and not context.state(1).dictating


def test_asks_without_the_word_phone_or_address_are_asks_too() -> None:
    # the kind of line, or a question word alone: how operators ask in a contact center
    assert asked_for("Do you have a direct line?") == "phone"
    assert asked_for("And a cell?") == "phone"
    assert asked_for("А сотовый у вас есть?") == "phone"
    assert asked_for("Куда подъехать курьеру?") == "address"
    assert asked_for("Where should the parcel go?") == "address"
    assert asked_for("Откуда вас встретить?") == "address"
    # a noun names the thing: «куда перезвонить» asks for a number
    assert asked_for("Куда вам перезвонить, на какой номер?") == "phone"
    assert asked_for("Where did you buy the kettle?") is None
    assert asked_for("Как вам удобнее?") is None


def test_a_short_follow_up_question_asks_for_the_same_kind_again() -> None:
    context = CallContext(("operator", "customer"))
    writer = Expectations()
    writer(context, said("operator", "Куда доставить шкаф?", 1.0))
    writer(context, entity("address", "Казань, улица Гоголя, дом 4"))
    assert context.state(1).expecting is None
    writer(context, said("operator", "А стол на склад?", 8.0))
    assert context.state(1).expecting == "address"
    # a follow-up long after the ask, or a statement, asks for nothing
    later = CallContext(("operator", "customer"))
    writer = Expectations()
    writer(later, said("operator", "What's your phone number?", 1.0))
    writer(later, entity("phone", "+14155550132"))
    writer(later, said("operator", "And the reason for the call?", 200.0))
    assert later.state(1).expecting is None
    writer(later, said("operator", "And thank you.", 202.0))
    assert later.state(1).expecting is None


def test_a_read_back_is_no_question_and_an_old_ask_lapses() -> None:
    context = CallContext(("operator", "customer"))
    writer = Expectations(expect_s=30.0)
    writer(context, said("operator", "So the number is 415 555 0132?", 1.0))
    assert context.state(1).expecting is None
    writer(context, said("operator", "And your address?", 2.0))
    assert context.state(1).expecting == "address"
    writer(context, said("customer", "Hold on, let me check.", 40.0))
    assert context.state(1).expecting is None


def test_the_policy_decodes_only_dictation_with_n_best_beam_search() -> None:
    policy = DictationPolicy(beam_size=5, alternatives=4)
    assert policy.choose(ChannelState()) is None
    options = policy.choose(ChannelState(expecting="phone"))
    assert options is not None and options.beam_size == 5 and options.alternatives == 4
    assert policy.choose(ChannelState(dictating=True)) is not None
    readback = policy.choose(ChannelState(speaker="operator", repeating="phone"))
    assert readback is not None and readback.alternatives == 4
    assert readback.reason == "readback:phone"
    # names are heard better greedily on the clean leg: an address read-back keeps the fast path
    assert policy.choose(ChannelState(speaker="operator", repeating="address")) is None


def test_a_fast_path_window_heard_as_dictation_is_decoded_again_as_one() -> None:
    policy = DictationPolicy(beam_size=5, alternatives=4)
    heard = "Hi, my mobile is plus double four, seven eight three, two six one."
    options = policy.again(ChannelState(speaker="customer"), heard)
    assert options is not None and options.alternatives == 4 and options.beam_size == 5
    assert options.reason == "dictation:heard"
    assert policy.again(ChannelState(language="ru"), "Мой номер 8 916 300") is not None
    # talk with a number or two in it stays as heard
    assert policy.again(ChannelState(), "I paid 30 dollars on the 5th.") is None
    # an address read back keeps the fast path whatever its numbers
    assert policy.again(ChannelState(speaker="operator", repeating="address"),
                        "1240 Lake Shore Drive, apartment 12") is None


def test_a_russian_address_dictation_is_decoded_after_the_words_of_an_address() -> None:
    policy = DictationPolicy()
    russian = policy.choose(ChannelState(language="ru", expecting="address"))
    english = policy.choose(ChannelState(language="en", expecting="address"))
    assert russian is not None and russian.prompt is not None and "квартира" in russian.prompt
    assert not any(character.isdigit() for character in russian.prompt)  # nothing to copy
    assert english is not None and english.prompt is None  # no wording helped in English
    assert russian.beam_size == 5 and russian.reason == "dictation:address"
    # phones get no prompt (it did nothing for them); a leg of unknown language gets none
    phone = policy.choose(ChannelState(language="ru", expecting="phone"))
    assert phone is not None and phone.prompt is None
    unknown = policy.choose(ChannelState(expecting="address"))
    assert unknown is not None and unknown.prompt is None
    assert DictationPolicy(address_prompts={}).choose(
        ChannelState(language="ru", expecting="address")).prompt is None  # type: ignore[union-attr]


def test_what_the_customer_dictated_makes_the_operator_expect_a_read_back() -> None:
    context = CallContext(("operator", "customer"))
    writer = Expectations(readback_s=20.0)
    writer(context, said("operator", "What is your phone number?", 1.0))
    assert context.state(0).repeating is None
    writer(context, entity("phone", "+14155550132"))  # the customer's card (ends at 3.0 s)
    assert context.state(0).repeating == "phone" and context.state(1).repeating is None
    operator_card = replace(entity("phone", "+14155550132", entity_id=2), speaker="operator")
    writer(context, operator_card)  # the operator read it back
    assert context.state(0).repeating is None
    # the customer's card as the read-back revised it is no new dictation to repeat
    writer(context, replace(entity("phone", "+14155550132", entity_id=3), source="readback"))
    assert context.state(0).repeating is None


def test_digits_without_a_card_are_read_back_too_and_the_expectation_ends() -> None:
    context = CallContext(("operator", "customer"))
    writer = Expectations(readback_s=20.0)
    writer(context, said("operator", "And your address?", 1.0))
    writer(context, said("customer", "Eight nine one five three oh six", 4.0))  # no card yet
    assert context.state(0).repeating == "address"
    writer(context, said("operator", "Thank you.", 8.0))
    assert context.state(0).repeating == "address"  # still within the read-back's time
    writer(context, said("operator", "Anything else I can do?", 30.0))
    assert context.state(0).repeating is None  # no read-back came: the fast path again
    # digits long after the ask (it lapsed): a read-back of "a dictation" is expected
    writer(context, said("customer", "Four one five, five five five, oh one three two", 40.0))
    assert context.state(0).repeating == "dictation"
    writer(context, said("operator", "And your e-mail?", 44.0))
    assert context.state(0).repeating is None  # a new question: that dictation is done


def test_the_first_hypothesis_whose_number_validates_is_chosen() -> None:
    chooser = hypotheses()
    heard = said("customer", "8, 8, 8, 1, 5, 3, 0, 6, 44, 0, 7.", 1.0, language="ru",
                 alternatives=(("8, 9, 1, 5, 3, 0, 6, 44, 0, 7.", -0.25),), logprob=-0.22)
    chosen = chooser.choose(heard)
    assert chosen.text == "8, 9, 1, 5, 3, 0, 6, 44, 0, 7."
    # the best hypothesis heard no number there: the card is a rival's guess, and asks
    assert chooser.uncertain(entity("phone", "+79153064407")) == ("all",)
    # a far worse rival is not believed
    far = said("customer", "8, 8, 8, 1, 5, 3, 0, 6, 44, 0, 7.", 1.0, 2, language="ru",
               alternatives=(("8, 9, 1, 5, 3, 0, 6, 44, 0, 7.", -1.5),), logprob=-0.22)
    assert chosen.text != chooser.choose(far).text


def test_a_number_split_over_two_windows_validates_with_the_previous_one() -> None:
    chooser = hypotheses()
    chooser.choose(said("customer", "Four one five,", 1.0, 1))
    second = said("customer", "5 5 5 0 1 3 2 2 2.", 4.0, 2,
                  alternatives=(("5 5 5 0 1 3 2.", -0.3),), logprob=-0.25)
    assert chooser.choose(second).text == "5 5 5 0 1 3 2."


def test_a_number_split_over_three_windows_validates_with_the_two_before() -> None:
    chooser = hypotheses()
    chooser.choose(said("customer", "Four one five,", 1.0, 1))
    chooser.choose(said("customer", "five five five,", 3.5, 2))
    last = said("customer", "Oh one tree too.", 6.0, 3,
                alternatives=(("0 1 3 2.", -0.35),), logprob=-0.3)
    assert chooser.choose(last).text == "0 1 3 2."
    # windows long before are another matter: the best hypothesis stays
    later = said("customer", "Oh one tree too.", 60.0, 4,
                 alternatives=(("0 1 3 2.", -0.35),), logprob=-0.3)
    assert chooser.choose(later).text == "Oh one tree too."


def test_digits_the_rivals_disagree_on_are_uncertain() -> None:
    chooser = hypotheses()
    chooser.choose(said("customer", "415 555 0132.", 1.0, 7,
                        alternatives=(("415 555 0182.", -0.3), ("415-555-0132", -0.31)),
                        logprob=-0.25))
    assert chooser.uncertain(entity("phone", "+14155550132", utterance=7)) == ("digit 10",)
    chooser.choose(said("customer", "415 555 0132.", 1.0, 8, logprob=-1.1))
    assert chooser.uncertain(entity("phone", "+14155550132", utterance=8)) == ("all",)
    chooser.choose(said("customer", "415 555 0132.", 1.0, 9,
                        alternatives=(("415-555-0132.", -0.3),), logprob=-0.25))
    assert chooser.uncertain(entity("phone", "+14155550132", utterance=9)) == ()


def check(given: str, repeated: str, matched: bool, differences: tuple[str, ...]
          ) -> ReadbackChecked:
    return ReadbackChecked("phone", matched, differences, given, "customer", 1, repeated,
                           "operator", 2, 9.0)


def test_a_read_back_corrects_an_uncertain_digit_the_customer_also_may_have_said() -> None:
    chooser = hypotheses()
    chooser.choose(said("customer", "415 555 0182.", 1.0, 1,
                        alternatives=(("415 555 0132.", -0.3),), logprob=-0.25))
    card = entity("phone", "+14155550182", uncertain=("digit 10",))
    verdict, revised = revise_on_readback(
        check("+14155550182", "+14155550132", False, ("digit 10: 8 given, 3 repeated",)),
        card, chooser, lambda: 5)
    assert revised is not None and revised.value == "+14155550132"
    assert revised.source == "readback" and revised.supersedes == 1 and not revised.uncertain
    assert verdict.matched and verdict.given_entity == 5


def test_a_wrong_read_back_of_a_certain_or_unsupported_digit_stays_a_mismatch() -> None:
    chooser = hypotheses()
    chooser.choose(said("customer", "415 555 0132.", 1.0, 1,
                        alternatives=(("415 555 0182.", -0.3),), logprob=-0.25))
    wrong = check("+14155550132", "+14155550139", False, ("digit 11: 2 given, 9 repeated",))
    certain = entity("phone", "+14155550132", uncertain=("digit 10",))
    assert revise_on_readback(wrong, certain, chooser, lambda: 5) == (wrong, None)
    other = check("+14155550132", "+14155550172", False, ("digit 10: 3 given, 7 repeated",))
    # digit 10 was uncertain, but no hypothesis heard a 7 there
    assert revise_on_readback(other, certain, chooser, lambda: 5) == (other, None)


def test_a_matching_read_back_confirms_an_uncertain_card() -> None:
    chooser = hypotheses()
    card = entity("phone", "+14155550132", uncertain=("all",))
    same = check("+14155550132", "+14155550132", True, ())
    verdict, revised = revise_on_readback(same, card, chooser, lambda: 6)
    assert verdict.matched and verdict.given_entity == 6 and revised is not None
    assert revised.value == card.value and revised.uncertain == () and revised.supersedes == 1
    sure = entity("phone", "+14155550132")
    assert revise_on_readback(same, sure, chooser, lambda: 6) == (same, None)


def test_a_read_back_becomes_the_customers_card_when_their_digits_end_it() -> None:
    chooser = hypotheses()
    chooser.choose(said("customer", "831", 27.5, 8, language="ru"))
    chooser.choose(said("customer", "4331905", 30.5, 9, language="ru"))
    operator = EntityExtracted(2, "phone", "8-831-433-1905", "+78314331905", "operator", 10,
                               (0, 14), 35.0, 39.5, 40.0)
    adopted = adopt_readback(operator, "customer", chooser, lambda: 11)
    assert adopted is not None
    card, verdict = adopted
    assert card.speaker == "customer" and card.value == "+78314331905"
    assert card.source == "readback" and card.utterance_id == 9 and card.entity_id == 11
    assert verdict.matched and verdict.given_entity == 11 and verdict.repeated_entity == 2
    # a read-back that changes a digit the customer was heard saying: their digit stays on
    # the card, marked, and the verdict is a mismatch for the operator to ask about
    wrong = replace(operator, value="+78314331906")
    adopted = adopt_readback(wrong, "customer", chooser, lambda: 12)
    assert adopted is not None
    card, verdict = adopted
    assert card.value == "+78314331905" and card.uncertain == ("digit 11",)
    assert not verdict.matched and verdict.differences == ("digit 11: 5 given, 6 repeated",)
    # two digits changed is another number, or too garbled to tell: nothing is adopted
    other = replace(operator, value="+78314331966")
    assert adopt_readback(other, "customer", chooser, lambda: 13) is None


def test_a_digit_the_customers_line_lost_is_taken_from_the_read_back_and_marked() -> None:
    chooser = hypotheses()
    # "three one two, double four five, eight six seven oh": the line lost one of the fours
    chooser.choose(said("customer", "Okay, 312.458670.", 4.0, 3))
    operator = EntityExtracted(2, "phone", "312-445-8670", "+13124458670", "operator", 4,
                               (0, 12), 7.0, 9.5, 10.0)
    adopted = adopt_readback(operator, "customer", chooser, lambda: 5)
    assert adopted is not None
    card, verdict = adopted
    assert card.value == "+13124458670" and verdict.matched
    assert card.uncertain == ("digit 5",)  # only the operator said it
    # and a slip on the last digit besides: the customer's digit, the mismatch shown
    slip = replace(operator, value="+13124458671")
    adopted = adopt_readback(slip, "customer", chooser, lambda: 6)
    assert adopted is not None
    card, verdict = adopted
    assert card.value == "+13124458670" and not verdict.matched
    assert set(card.uncertain) == {"digit 5", "digit 11"}


def test_an_address_read_back_one_digit_off_gives_the_customers_number_and_a_mismatch(
        ) -> None:
    chooser = hypotheses()
    # "Boulevard" lost on the line: no card from the customer's words
    chooser.choose(said("customer", "7,300 lakeshore with Ortz, Tulsa.", 20.0, 5))
    operator = EntityExtracted(2, "address", "7200 Lakeshore Boulevard",
                               "7200 Lakeshore Boulevard", "operator", 6, (0, 24), 24.0, 27.0,
                               27.5)
    adopted = adopt_readback(operator, "customer", chooser, lambda: 7)
    assert adopted is not None
    card, verdict = adopted
    assert card.value == "7300 Lakeshore Boulevard" and card.uncertain == ("house",)
    assert not verdict.matched and verdict.given == "7300 Lakeshore Boulevard"
    # a number far from anything the customer said adopts nothing
    far = replace(operator, value="9100 Lakeshore Boulevard", raw="9100 Lakeshore Boulevard")
    assert adopt_readback(far, "customer", chooser, lambda: 8) is None


def test_the_read_backs_street_name_corrects_a_mangled_one() -> None:
    chooser = hypotheses()
    card = EntityExtracted(3, "address", "Новосиберск, улица Лисная, дом 26",
                           "Новосиберск, улица Лисная, дом 26", "customer", 4, (0, 30), 1.0,
                           4.0, 4.2, uncertain=("street",))
    street = ReadbackChecked("address", False, ("street: лисная given, лесная repeated",),
                             card.value, "customer", 3, "улица Лесная, дом 26", "operator", 5,
                             9.0)
    verdict, revised = revise_on_readback(street, card, chooser, lambda: 7)
    assert verdict.matched and revised is not None
    assert revised.value == "Новосиберск, улица Лесная, дом 26" and not revised.uncertain
    assert revised.raw == revised.value
    # a street the card was sure of is not overwritten by the read-back's
    sure = replace(card, uncertain=())
    assert revise_on_readback(street, sure, chooser, lambda: 7) == (street, None)
    # a street the card's words cannot take ("King Street West" → "King") stays a mismatch,
    # never a confirmation of a card that still shows the other street
    west = EntityExtracted(4, "address", "220 King Street West", "220 King Street West",
                           "customer", 4, (0, 20), 1.0, 4.0, 4.2, uncertain=("street",))
    shorter = ReadbackChecked("address", False, ("street: king west given, king repeated",),
                              west.value, "customer", 4, "5-220 King Street, West Toronto",
                              "operator", 5, 9.0)
    assert revise_on_readback(shorter, west, chooser, lambda: 7) == (shorter, None)
    house = ReadbackChecked("address", False, ("house: 26 given, 27 repeated",), card.value,
                            "customer", 3, "улица Лисная, дом 27", "operator", 5, 9.0)
    assert revise_on_readback(house, card, chooser, lambda: 7) == (house, None)


def test_a_unit_said_but_missing_from_the_card_is_uncertain() -> None:
    chooser = hypotheses()
    chooser.choose(said("customer", "Unit 5, 220 King Street West, Toronto.", 1.0, 3))
    card = EntityExtracted(1, "address", "220 King Street West", "220 King Street West",
                           "customer", 3, (8, 28), 1.0, 3.0, 3.2)
    assert chooser.uncertain(card) == ("apartment",)


def test_a_number_heard_right_after_an_address_makes_its_unit_uncertain() -> None:
    chooser = hypotheses()
    chooser.choose(said("customer", "Send it to 2115 Commerce Parkway, 3300 Dallas, Texas.", 1.0,
                        4))
    card = EntityExtracted(1, "address", "2115 Commerce Parkway", "2115 Commerce Parkway",
                           "customer", 4, (11, 32), 1.0, 3.0, 3.2)
    assert "apartment" in chooser.uncertain(card)


def test_a_number_a_word_after_an_address_makes_its_unit_uncertain_but_a_zip_does_not() -> None:
    chooser = hypotheses()
    # "suite 300" heard as "please 300": the unit word is lost, its number is not
    chooser.choose(said("customer", "It's 48 Ferry Road, please 300, Austin, Texas 78701.", 1.0,
                        5))
    card = EntityExtracted(1, "address", "48 Ferry Road", "48 Ferry Road", "customer", 5,
                           (5, 18), 1.0, 3.0, 3.2)
    assert "apartment" in chooser.uncertain(card)
    # ... or written as a sum of money after a full stop
    chooser.choose(said("customer", "It's 48 Ferry Road. Please $300 Texas 78701.", 3.0, 7))
    assert "apartment" in chooser.uncertain(replace(card, utterance_id=7))
    chooser.choose(said("customer", "It's 48 Ferry Road, Austin, Texas 78701.", 5.0, 6))
    plain = EntityExtracted(2, "address", "48 Ferry Road", "48 Ferry Road", "customer", 6,
                            (5, 18), 5.0, 7.0, 7.2)
    assert "apartment" not in chooser.uncertain(plain)


def test_a_read_back_that_lacks_the_unsure_unit_leaves_it_unsure() -> None:
    card = EntityExtracted(3, "address", "2115 Commerce Parkway", "2115 Commerce Parkway",
                           "customer", 7, (0, 21), 1.0, 4.0, 4.2, uncertain=("apartment",))
    same = ReadbackChecked("address", True, (), card.value, "customer", 3,
                           "2115 Commerce Parkway", "operator", 5, 9.0)
    assert revise_on_readback(same, card, hypotheses(), lambda: 8) == (same, None)
    fuller = replace(same, repeated="2115 Commerce Parkway, suite 300")
    verdict, revised = revise_on_readback(fuller, card, hypotheses(), lambda: 8)
    assert verdict.matched and verdict.given_entity == 8
    assert revised is not None and revised.value.endswith("suite 300") and not revised.uncertain
    assert revised.raw == revised.value  # the card shows the words of the value it now holds


def test_a_read_back_never_shortens_a_card() -> None:
    card = EntityExtracted(3, "address", "12 Smallville Road, apartment 5",
                           "12 Smallville Road, apartment 5", "customer", 7, (0, 30), 1.0, 4.0,
                           4.2, uncertain=("street",))
    shorter = ReadbackChecked("address", True, (), card.value, "customer", 3,
                              "12 Smallville Road", "operator", 5, 9.0)
    _, revised = revise_on_readback(shorter, card, hypotheses(), lambda: 8)
    assert revised is not None and revised.value == card.value  # apartment 5 kept
    assert revised.raw == card.raw


def test_what_was_heard_long_ago_is_forgotten() -> None:
    chooser = hypotheses()
    chooser.choose(said("customer", "415 555 0132.", 1.0, 1, logprob=-1.1))
    old = entity("phone", "+14155550132", utterance=1)
    assert chooser.uncertain(old) == ("all",)
    chooser.choose(said("customer", "Thanks, bye.", 1.0 + KEEP_S + 10.0, 2))
    assert chooser.uncertain(old) == ()  # nothing kept about utterance 1


def test_a_prompted_window_needs_more_confidence_to_be_sure() -> None:
    # the same score is sure enough for a plain window and not for one decoded after a prompt
    text = "Омск, улица Ленина, дом 12, квартира 5."
    value = "Омск, улица Ленина, дом 12, квартира 5"
    plain = hypotheses()
    plain.choose(said("customer", text, 1.0, 8, logprob=-0.4, language="ru"))
    assert "all" not in plain.uncertain(entity("address", value, utterance=8))
    prompted = hypotheses()
    prompted.choose(replace(said("customer", text, 1.0, 8, logprob=-0.4, language="ru"),
                            prompted=True))
    assert "all" in prompted.uncertain(entity("address", value, utterance=8))
    sure = hypotheses()
    sure.choose(replace(said("customer", text, 1.0, 8, logprob=-0.2, language="ru"),
                        prompted=True))
    assert "all" not in sure.uncertain(entity("address", value, utterance=8))


def test_a_number_run_into_a_word_fragment_makes_that_part_uncertain() -> None:
    # «квартира девяносто» heard as «квартира 9 роста»
    chooser = hypotheses()
    chooser.choose(said("customer", "Омск, улица Ленина, дом 12, квартира 9 роста.", 1.0, 9,
                        language="ru"))
    card = EntityExtracted(1, "address", "Омск, улица Ленина, дом 12, квартира 9",
                           "Омск, улица Ленина, дом 12, квартира 9", "customer", 9, (0, 38),
                           1.0, 3.0, 3.2)
    assert "apartment" in chooser.uncertain(card)
    chooser.choose(said("customer", "Омск, улица Ленина, дом 12, квартира 9.", 5.0, 10,
                        language="ru"))
    clean = replace(card, utterance_id=10)
    assert chooser.uncertain(clean) == ()


@pytest.mark.parametrize(("heard", "value"), [
    # "eight twelve Maple Avenue" heard as "A12 Maple Avenue": the card says 812, and asks
    ("A12 Maple Avenue, Tulsa.", "812 Maple Avenue, Tulsa"),
    # "four twenty Birch Lane" heard as "for 20th Birch Lane": 420
    ("for 20th Birch Lane, Boise.", "420 Birch Lane, Boise"),
    # "eighteen sixty Elm Street" written "18 60 Elm Street": 1860
    ("It's 18 60 Elm Street, Reno.", "1860 Elm Street, Reno"),
])
def test_a_house_the_finder_read_from_other_words_is_uncertain(heard: str, value: str) -> None:
    chooser = hypotheses()
    chooser.choose(said("customer", heard, 1.0, 11))
    found = [item for item in extract(heard, ENGLISH) if item.kind == "address"]
    assert [item.value for item in found] == [value]
    card = EntityExtracted(1, "address", found[0].raw, found[0].value, "customer", 11,
                           (found[0].start, found[0].end), 1.0, 3.0, 3.2)
    assert "house" in chooser.uncertain(card)


def _operator_address(value: str, entity_id: int = 20) -> EntityExtracted:
    return EntityExtracted(entity_id, "address", value, value, "operator", 30, (0, len(value)),
                           12.0, 14.0, 14.5)


def test_an_address_read_back_becomes_the_missing_card_when_its_numbers_were_heard() -> None:
    chooser = hypotheses()
    # the customer's line mangled the street and left no card; the numbers came through
    chooser.choose(said("customer", "Казань с пасской периодом дом 14 квартира 52.", 8.0, 21,
                        language="ru"))
    operator = _operator_address("Казань, Спасский переулок, дом 14, квартира 52")
    adopted = adopt_readback(operator, "customer", chooser, lambda: 31)
    assert adopted is not None
    card, verdict = adopted
    assert card.speaker == "customer" and card.value == operator.value
    assert card.source == "readback" and card.uncertain == ("street",)  # heard only loosely
    assert verdict.matched and verdict.given_entity == 31
    # an operator who misreads a number adopts nothing
    wrong = _operator_address("Казань, Спасский переулок, дом 14, квартира 25", 21)
    assert adopt_readback(wrong, "customer", chooser, lambda: 32) is None
    # a street the customer's words are nothing like is taken on numbers of three digits
    # or more (the line lost the street), and stays unsure
    other = _operator_address("Казань, улица Баумана, дом 14, квартира 52", 22)
    adopted = adopt_readback(other, "customer", chooser, lambda: 33)
    assert adopted is not None and adopted[0].uncertain == ("street",) and adopted[1].matched
    # ... but not on one or two digits, which a chance number repeats
    short = hypotheses()
    short.choose(said("customer", "Казань с пасской периодом дом 5.", 8.0, 24, language="ru"))
    assert adopt_readback(_operator_address("Казань, улица Баумана, дом 5", 23), "customer",
                          short, lambda: 36) is None


def test_an_address_read_back_is_adopted_where_the_line_lost_the_street() -> None:
    chooser = hypotheses()
    # "Lakeshore Boulevard" lost whole; the house came through, and the operator slipped
    chooser.choose(said("customer", "8,200 shore with Ortz, Tulsa, Oklahoma.", 6.0, 5))
    operator = _operator_address("8300 Lakeshore Boulevard")
    adopted = adopt_readback(operator, "customer", chooser, lambda: 37)
    assert adopted is not None
    card, verdict = adopted
    assert card.value == "8200 Lakeshore Boulevard" and card.source == "readback"
    assert set(card.uncertain) == {"street", "house"} and not verdict.matched


def test_an_english_address_read_back_is_adopted_certain_when_the_street_was_heard() -> None:
    operator = _operator_address("Flat 3, 5 Mill Road, Leeds")
    unheard = hypotheses()
    unheard.choose(said("customer", "It's 5 Mill Road, flat, Leeds.", 8.0, 22))
    assert adopt_readback(operator, "customer", unheard, lambda: 34) is None  # 3 never heard
    chooser = hypotheses()
    chooser.choose(said("customer", "Flat 3, 5 Mill Road, Leeds.", 8.0, 23))
    adopted = adopt_readback(operator, "customer", chooser, lambda: 35)
    assert adopted is not None and adopted[0].uncertain == ()


def test_a_confirming_address_read_back_keeps_the_customers_words_unless_it_adds_a_part(
        ) -> None:
    chooser = hypotheses()
    card = EntityExtracted(3, "address", "Омск, улица Лесная, дом 26, квартира 14",
                           "Омск, улица Лесная, дом 26, квартира 14", "customer", 7, (0, 40),
                           1.0, 4.0, 4.2, uncertain=("apartment",))
    # the operator misnames the city on the way: the customer's words stay on the card
    said_back = ReadbackChecked("address", True, (), card.value, "customer", 3,
                                "Омер, улица Лесная, дом 26, квартира 14", "operator", 4, 9.0)
    verdict, revised = revise_on_readback(said_back, card, chooser, lambda: 8)
    assert revised is not None and revised.value == card.value and revised.uncertain == ()
    assert verdict.matched and verdict.given_entity == 8
    # a read-back that adds a part the card lacked completes it with the operator's words
    short = replace(card, value="Омск, улица Лесная, дом 26", raw="Омск, улица Лесная, дом 26",
                    uncertain=("apartment",))
    completed, longer = revise_on_readback(
        replace(said_back, given=short.value), short, chooser, lambda: 9)
    assert longer is not None and longer.value == said_back.repeated
    assert completed.given_entity == 9
