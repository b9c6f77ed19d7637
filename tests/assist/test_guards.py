"""Hallucination guards reject phantoms and loops but keep dictated numbers."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assist.asr.guards import collapse_repeats, judge
from assist.asr.options import DecodeOptions
from assist.asr.recognizer import Recognition
from assist.asr.worker import AsrWorker
from assist.config import EngineConfig, GuardConfig
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
