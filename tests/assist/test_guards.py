"""Hallucination guards reject phantoms and loops but keep dictated numbers."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assist.asr.dictation import DictationPolicy
from assist.asr.guards import collapse_repeats, judge
from assist.asr.options import ChannelState, DecodeOptions
from assist.asr.recognizer import Recognition
from assist.asr.worker import AsrWorker
from assist.config import EngineConfig, GuardConfig, replace_config
from assist.endpointer import Window
from assist.vad import Audio
from tests.helpers.fakes import ScriptedRecognizer, silence

CONFIG = GuardConfig()


@pytest.mark.parametrize(
    "text",
    [
        "Продолжение следует...",
        "Субтитры сделал DimaTorzok",
        "Thanks for watching!",
        "Thank you for watching. Please subscribe.",
        "Редактор субтитров А.Семкин Корректор А.Егорова",
    ],
)
def test_known_phantoms_are_rejected(text: str) -> None:
    assert judge(text, -0.3, 0.1, 1.2, CONFIG).reason == "phantom"


def test_phantom_sentence_is_removed_from_real_speech() -> None:
    verdict = judge("I need a refund today. Thanks for watching!", -0.3, 0.1, 1.2, CONFIG)
    assert verdict.reason is None and verdict.text == "I need a refund today."


@pytest.mark.parametrize("text", [
    "Sure, it is Mary.Jones at Outlook.com.",
    "Пишите: ivan.petrov@mail.ru, вес 3.5 кг.",
    "It weighs 2.75 kg, order no. 18.",
])
def test_dots_inside_words_and_numbers_are_no_sentence_ends(text: str) -> None:
    # an e-mail address or a decimal passes the guards as heard (it came out "Mary. Jones")
    assert judge(text, -0.3, 0.1, 1.2, CONFIG).text == text


def test_a_phantom_after_an_address_leaves_the_address_whole() -> None:
    verdict = judge("Write to anna.petrova@yandex.ru please. Thanks for watching!", -0.3, 0.1,
                    1.2, CONFIG)
    assert verdict.text == "Write to anna.petrova@yandex.ru please."


def test_no_speech_with_low_confidence_is_rejected() -> None:
    assert judge("Hello.", -1.2, 0.9, 1.0, CONFIG).reason == "no_speech"
    assert judge("Hello.", -0.2, 0.9, 1.0, CONFIG).reason is None


def test_high_compression_ratio_is_rejected() -> None:
    assert judge("la la la", -0.2, 0.1, 3.1, CONFIG).reason == "compression_ratio"


def test_loops_are_collapsed_or_rejected() -> None:
    looping = "I will call you back " + "call you back " * 8
    assert judge(looping, -0.2, 0.1, 2.0, CONFIG).reason == "repetition"
    words, removed = collapse_repeats(["yes"] * 5 + ["the", "order"], 4)
    assert words == ["yes", "the", "order"] and removed == 4


def test_dictated_digits_survive() -> None:
    verdict = judge("five five five five one two", -0.3, 0.1, 1.4, CONFIG)
    assert verdict.reason is None and verdict.text == "five five five five one two"
    assert judge("5 5 5 5 1 2", -0.3, 0.1, 1.4, CONFIG).text == "5 5 5 5 1 2"


@given(st.text(max_size=200))
def test_judge_never_raises(text: str) -> None:
    verdict = judge(text, -0.5, 0.2, 1.5, CONFIG)
    assert verdict.reason is not None or verdict.text.strip()


class MishearsGreedily(ScriptedRecognizer):
    """Greedy decoding hears digits that make no number; beam search has a rival that does."""

    def recognize(self, audio: Audio, language: str,
                  options: DecodeOptions | None = None) -> Recognition:
        super().recognize(audio, language, options)
        if options is not None and options.alternatives:
            return Recognition("My mobile is 4, 7, 8, 3, 2, 9, 4, 6.", "en", -0.4, 0.1, 1.3,
                               alternatives=(("My mobile is 4 7 8 3 2 1 1 9 4 0 6.", -0.5),))
        return Recognition(self.text or "", "en", -0.4, 0.1, 1.3)


def test_a_window_heard_as_dictation_on_the_fast_path_is_decoded_again_for_rivals() -> None:
    window = Window(1, silence(3.0), 0.0, 3.0, 3.0, 3.0, "silence", 3.0)
    recognizer = MishearsGreedily(text="My mobile is 4, 7, 8, 3, 2, 1, 9, 4, 6.")
    outcome = AsrWorker(recognizer, EngineConfig(), lambda: None, lambda outcome: None,
                        time.perf_counter, policy=DictationPolicy()).process(window)
    assert outcome.options is not None and outcome.options.reason == "dictation:heard"
    assert outcome.recognition is not None and len(outcome.recognition.alternatives) == 1
    assert len(recognizer.calls) == 2  # greedy, then the dictation's beam search
    # a window without dictation is decoded once
    chat = MishearsGreedily(text="I'd like to change my delivery day.")
    outcome = AsrWorker(chat, EngineConfig(), lambda: None, lambda outcome: None,
                        time.perf_counter, policy=DictationPolicy()).process(window)
    assert outcome.options is None and len(chat.calls) == 1


class HearsInLanguage(ScriptedRecognizer):
    """A model that hears the same digits with its own rivals, in the leg's language."""

    def __init__(self, best: tuple[str, float], rival: tuple[str, float]) -> None:
        super().__init__()
        self.best, self.rival = best, rival

    def recognize(self, audio: Audio, language: str,
                  options: DecodeOptions | None = None) -> Recognition:
        super().recognize(audio, language, options)
        return Recognition(self.best[0], language, self.best[1], 0.1, 1.2,
                           alternatives=(self.rival,) if options and options.alternatives else ())


class Leg:
    def __init__(self, state: ChannelState) -> None:
        self._state = state

    def state(self, channel: int) -> ChannelState:
        return self._state


def test_an_english_dictation_window_gets_the_second_models_hypotheses_as_rivals() -> None:
    window = Window(1, silence(3.0), 0.0, 3.0, 3.0, 3.0, "silence", 3.0)

    def run(state: ChannelState, language: str = "en", said: str = "4, 4, 4, 2, 3, 8, 8, 1, 5."
            ) -> tuple[Recognition, int]:
        main = HearsInLanguage((said, -0.2), ("4, 0, 4, 2, 3", -0.3))
        second = HearsInLanguage(("404-263-8815", -0.5), ("404 263 88", -0.9))
        worker = AsrWorker(main, replace_config(EngineConfig(), **{
            "channels.languages": (language, language)}), lambda: None, lambda outcome: None,
            time.perf_counter, Leg(state), DictationPolicy(), second=second)
        outcome = worker.process(window)
        assert outcome.recognition is not None
        return outcome.recognition, len(second.calls)

    heard, asked = run(ChannelState(speaker="customer", expecting="phone"))
    assert asked == 1 and heard.text == "4, 4, 4, 2, 3, 8, 8, 1, 5."  # the main model's best
    # the second model's best scores as the main one's best; its rival keeps its distance
    assert heard.alternatives == (("4, 0, 4, 2, 3", -0.3), ("404-263-8815", -0.2),
                                  ("404 263 88", pytest.approx(-0.6)))
    # a number the main model heard needs no second opinion (it costs as much time again)
    asked = ChannelState(speaker="customer", expecting="phone")
    assert run(asked, said="Area code 303, then 552-1987.")[1] == 0
    # nor does a first group of one still being said (the next window would wait for it)
    assert run(asked, said="4, 1, 5,")[1] == 0
    # a read-back on the operator's clean leg, a Russian leg, and talk: one model only
    assert run(ChannelState(speaker="operator", repeating="phone"))[1] == 0
    assert run(ChannelState(speaker="customer", expecting="phone"), "ru")[1] == 0
    assert run(ChannelState(speaker="customer"), said="Thanks, that's all.")[1] == 0
    # digits nobody asked for are dictation all the same
    assert run(ChannelState(speaker="customer"))[1] == 1


def test_a_tentative_window_gets_the_second_opinion_only_for_a_whole_number() -> None:
    # decoded at a pause the speaker may go on from: most of a number is still being said
    tentative = Window(1, silence(3.0), 0.0, 3.0, 3.0, 3.0, "tentative", 3.0, tentative=True)

    def asked(said: str) -> int:
        second = HearsInLanguage(("7 1 8 3 4 5 9 2", -0.5), ("7 1 8 3", -0.9))
        worker = AsrWorker(HearsInLanguage((said, -0.3), ("7, 1, 8", -0.4)), replace_config(
            EngineConfig(), **{"channels.languages": ("en", "en")}), lambda: None,
            lambda outcome: None, time.perf_counter,
            Leg(ChannelState(speaker="customer", dictating=True)), DictationPolicy(),
            second=second)
        worker.process(tentative)
        return len(second.calls)

    assert asked("Seven, one, eight, three, four, five, nine.") == 0  # seven digits: wait
    assert asked("4, 4, 4, 2, 3, 8, 8, 1, 5, 5.") == 1  # ten digits and no number: ask


def test_a_group_heard_as_words_after_most_of_a_number_gets_the_second_opinion() -> None:
    second = HearsInLanguage(("50.", -0.9), ("30.", -1.4))
    heard = iter([("three one two", -0.4), ("7, 7, 9, 26", -0.4), ("Feel free.", -0.9)])

    class Hears(HearsInLanguage):
        def recognize(self, audio: Audio, language: str,
                      options: DecodeOptions | None = None) -> Recognition:
            self.best = next(heard)
            return super().recognize(audio, language, options)

    worker = AsrWorker(Hears(("", 0.0), ("Feel three.", -1.0)), replace_config(
        EngineConfig(), **{"channels.languages": ("en", "en")}), lambda: None,
        lambda outcome: None, time.perf_counter,
        Leg(ChannelState(speaker="customer", dictating=True)), DictationPolicy(),
        second=second)
    for start in (0.0, 2.0):  # the first groups: not yet most of a number, no second opinion
        worker.process(Window(1, silence(1.0), start, start + 1.0, 0.0, 0.0, "silence", 1.0))
    assert not second.calls
    outcome = worker.process(Window(1, silence(1.0), 4.0, 5.0, 0.0, 0.0, "silence", 1.0))
    assert len(second.calls) == 1 and outcome.recognition is not None
    assert ("50.", -0.9) in outcome.recognition.alternatives


class LoopsGreedily(ScriptedRecognizer):
    """Greedy decoding loops on the window; beam search hears it (as Whisper base did on a
    telephone leg: a whole sentence went missing)."""

    def recognize(self, audio: Audio, language: str,
                  options: DecodeOptions | None = None) -> Recognition:
        super().recognize(audio, language, options)
        if options is not None and (options.beam_size or 1) > 1:
            return Recognition("I ordered a parcel and I'd like a refund.", "en", -0.3, 0.1, 1.1)
        return Recognition("a refund " * 20, "en", -0.3, 0.1, 4.2)


def test_a_window_that_loops_is_decoded_again_with_beam_search_once() -> None:
    recognizer = LoopsGreedily()
    window = Window(1, silence(3.0), 0.0, 3.0, 3.0, 3.0, "silence", 3.0)
    worker = AsrWorker(recognizer, EngineConfig(), lambda: None, lambda outcome: None,
                       time.perf_counter)
    outcome = worker.process(window)
    assert outcome.verdict is not None and outcome.verdict.reason is None
    assert outcome.verdict.text == "I ordered a parcel and I'd like a refund."
    assert outcome.options is not None and outcome.options.beam_size == 5
    assert len(recognizer.calls) == 2  # greedy, then beam once

    class AlwaysLoops(LoopsGreedily):
        def recognize(self, audio: Audio, language: str,
                      options: DecodeOptions | None = None) -> Recognition:
            ScriptedRecognizer.recognize(self, audio, language, options)
            return Recognition("la " * 40, "en", -0.3, 0.1, 4.2)

    stuck = AlwaysLoops()
    outcome = AsrWorker(stuck, EngineConfig(), lambda: None, lambda outcome: None,
                        time.perf_counter).process(window)
    assert outcome.verdict is not None and outcome.verdict.reason == "compression_ratio"
    assert len(stuck.calls) == 2  # one retry, never more
