"""Phrase matching and the default rule sets: realistic phrasing fires, neutral talk does not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assist.config import RESOURCES
from assist.rules import load_rules
from assist.rules.evaluator import CallRules, Candidate, CompiledRules
from assist.rules.matcher import PhraseIndex, similarity, span_text, stem


def best(phrases: list[str], text: str) -> float:
    hit = PhraseIndex([phrases]).match(text).get(0)
    return hit.score if hit is not None else 0.0


@pytest.mark.parametrize(("phrase", "text"), [
    ("вернуть деньги", "Я хочу, чтобы вы вернули мне деньги."),
    ("вернуть деньги", "Верните деньги немедленно!"),
    ("вернуть деньги", "Деньги мне верните, пожалуйста"),  # free word order
    ("расторгнуть договор", "Я хочу расторгнуть этот договор"),
    ("позовите руководителя", "Позовите, пожалуйста, вашего руководителя"),
    ("отключить услугу", "Отключите мне эту услугу"),
    ("speak to a manager", "Can I speak to your manager?"),
    ("refund", "I'd like a refund, please"),
    ("cancel my subscription", "I want to cancel the subscription"),
    ("возврат", "я хочу оформить возрат"),  # a misheard word
])
def test_inflected_and_reworded_phrases_match(phrase: str, text: str) -> None:
    assert best([phrase], text) >= 85


@pytest.mark.parametrize(("phrase", "text"), [
    ("вернуть деньги", "Добрый день, я по поводу заказа"),
    ("вернуть деньги", "Верните, если сможете, в конце концов, эти старые деньги"),  # too far
    ("продлить подписку", "Хочу продать подписку"),  # a different verb
    ("меня зовут", "Как вас зовут?"),  # function words count in a two-word phrase
    ("my name is", "What is your name?"),
    ("contry", "But thou, contracted to thine own bright eyes"),  # a prefix is not a match
    ("count", "ask what you can do for your country"),
    ("speak to a manager", "Speak slowly, the line is bad today, our store manager said"),
])
def test_unrelated_or_scattered_words_do_not_match(phrase: str, text: str) -> None:
    assert best([phrase], text) < 85


def test_stems_and_similarity() -> None:
    assert stem("деньгами") == stem("деньги")
    assert similarity(stem("верните"), stem("вернуть")) >= 85  # prefix: an inflection
    assert similarity("дом", "дон") == 0.0  # short stems must be equal
    assert span_text("Ну, верните  мне деньги!", 1, 3) == "верните  мне деньги"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_matching_never_raises(text: str) -> None:
    index = PhraseIndex([["вернуть деньги"], ["refund"], ["my name is"]])
    for hit in index.match(text).values():
        assert 0 <= hit.score <= 100 and hit.first <= hit.last


def default_rules() -> CompiledRules:
    rules = []
    for name in ("ru.toml", "en.toml"):
        ruleset = load_rules(RESOURCES / "rules" / name)
        assert not ruleset.problems
        rules += ruleset.rules
    return CompiledRules(rules)


def fired(text: str, language: str, speaker: str = "customer") -> set[str]:
    call = CallRules(default_rules())
    found, _ = call.on_transcript(speaker, text, language, 5.0, 6.0)
    return {candidate.rule.id for candidate in found}


@pytest.mark.parametrize(("text", "language", "rule"), [
    ("Я хочу, чтобы вы вернули мне деньги за заказ", "ru", "ru-refund"),
    ("Когда будет возврат денежных средств?", "ru", "ru-refund"),
    ("Оформите мне возврат, пожалуйста", "ru", "ru-refund"),
    ("Я хочу отключить эту услугу", "ru", "ru-cancel"),
    ("Как мне отказаться от вашей подписки?", "ru", "ru-cancel"),
    ("Хочу расторгнуть договор с вами", "ru", "ru-cancel"),
    ("Соедините меня с вашим руководителем", "ru", "ru-complaint"),
    ("Я на вас буду жаловаться", "ru", "ru-complaint"),
    ("Я оставлю жалобу на ваш сервис", "ru", "ru-complaint"),
    ("I'd like a refund for this order", "en", "en-refund"),
    ("Can I get my money back?", "en", "en-refund"),
    ("I want to cancel my subscription today", "en", "en-cancel"),
    ("Please close my account", "en", "en-cancel"),
    ("Let me speak to your manager", "en", "en-supervisor"),
    ("I'm going to file a complaint", "en", "en-supervisor"),
])
def test_default_rules_fire_on_realistic_phrasing(text: str, language: str, rule: str) -> None:
    assert rule in fired(text, language)


@pytest.mark.parametrize(("text", "language"), [
    ("Добрый день, я звоню по поводу доставки", "ru"),
    ("Да, всё верно, спасибо", "ru"),
    ("Подскажите, пожалуйста, когда приедет курьер?", "ru"),
    ("Я вернулся из отпуска и увидел письмо", "ru"),
    ("Деньги я уже перевёл на карту вчера", "ru"),
    ("У меня вопрос по тарифу", "ru"),
    ("Договорились, до свидания", "ru"),
    ("Hi, I'm calling about my delivery", "en"),
    ("Yes, that's correct, thank you", "en"),
    ("When will the courier arrive?", "en"),
    ("The package was left at the door", "en"),
    ("Could you check the status of my order?", "en"),
    ("I already paid for it last week", "en"),
    ("I don't want a refund, just a replacement", "en"),  # a negative phrase suppresses
])
def test_default_rules_stay_quiet_on_neutral_talk(text: str, language: str) -> None:
    assert fired(text, language) == set()


def test_a_rule_for_one_language_ignores_the_other() -> None:
    assert "ru-refund" not in fired("вернуть деньги", "en")
    assert fired("I want a refund", "ru") == set()


def test_checklist_ticks_items_as_the_operator_says_them() -> None:
    call = CallRules(default_rules())
    _, first = call.on_transcript("operator", "Спасибо за звонок в компанию «Север».", "ru",
                                  2.0, 2.5)
    greeting = next(update for update in first if update.rule_id == "ru-greeting")
    assert greeting.done == ("компания",) and greeting.remaining == ("имя", "помощь")
    _, second = call.on_transcript("customer", "Меня зовут Олег", "ru", 4.0, 4.5)
    assert all(update.rule_id != "ru-greeting" for update in second)  # not the operator
    _, third = call.on_transcript("operator", "Меня зовут Анна, чем могу вам помочь?", "ru",
                                  6.0, 6.5)
    greeting = next(update for update in third if update.rule_id == "ru-greeting")
    assert greeting.remaining == () and greeting.done == ("компания", "имя", "помощь")


def ids(candidates: list[Candidate], kind: str) -> list[str]:
    return [c.rule.id for c in candidates if c.rule.condition == kind]


def test_timing_rules_fire_at_their_deadline_unless_satisfied() -> None:
    call = CallRules(default_rules())
    call.on_transcript("operator", "Добрый день, слушаю вас", "ru", 3.0, 3.5)
    assert ids(call.tick(29.9), "operator_missing") == []
    late = [c for c in call.tick(30.0) if c.rule.condition == "operator_missing"]
    assert [c.rule.id for c in late] == ["ru-disclosure"] and late[0].evidence_end == 30.0
    assert ids(call.tick(31.0), "operator_missing") == []  # once per call

    said = CallRules(default_rules())
    said.on_transcript("operator", "Добрый день, разговор записывается", "ru", 3.0, 3.5)
    assert ids(said.tick(30.0), "operator_missing") == []


def test_customer_silence_counts_from_the_last_time_they_were_heard() -> None:
    call = CallRules(default_rules())
    call.on_transcript("customer", "Hello, I have a question", "en", 4.0, 4.2)
    assert ids(call.tick(20.0, speaking=["operator"]), "customer_silent") == []
    call.tick(22.0, speaking=["customer"])  # speaking right now, not yet transcribed
    assert ids(call.tick(41.9), "customer_silent") == []
    silent = [c for c in call.tick(42.1) if c.rule.condition == "customer_silent"]
    assert [c.rule.id for c in silent] == ["en-silence"]
    assert silent[0].evidence_end == pytest.approx(42.0)
    assert ids(call.tick(50.0), "customer_silent") == []  # once per silence
