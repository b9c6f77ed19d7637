"""The engine with a fake detector and recognizer: pacing, stage times, backlog, speakers."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from assist import ArraySource, Engine, EngineConfig, replace_config
from assist.asr.options import DecodeOptions
from assist.asr.recognizer import Recognition
from assist.asr.worker import LanguageState
from assist.config import LANGUAGE_AUTO, AsrConfig
from assist.endpointer import Window
from assist.errors import ModelLoadError
from assist.events import (
    BacklogReported,
    EngineStateChanged,
    EntityExtracted,
    Event,
    LevelsMeasured,
    ReadbackChecked,
    TranscriptUpdated,
)
from tests.helpers.fakes import EnergyDetector, ScriptedRecognizer, silence, tone


def call_audio() -> list[np.ndarray]:
    """Operator speaks at 1-3 s, customer at 4-6.5 s and 8-9 s."""
    operator = np.concatenate([silence(1.0), tone(2.0), silence(7.0)])
    customer = np.concatenate([silence(4.0), tone(2.5), silence(1.5), tone(1.0), silence(1.0)])
    return [operator, customer]


def transcribe(config: EngineConfig, recognizer: ScriptedRecognizer) -> list[Event]:
    events: list[Event] = []
    engine = Engine(config, events.append, recognizer=recognizer,
                    detector_factory=EnergyDetector)
    engine.transcribe(ArraySource(call_audio()))
    return events


def finals(events: list[Event]) -> list[TranscriptUpdated]:
    return [e for e in events if isinstance(e, TranscriptUpdated) and e.final]


@pytest.mark.parametrize("pace", ["simulated", "fast"])
def test_two_legs_become_labelled_utterances(pace: str) -> None:
    events = transcribe(replace_config(EngineConfig(), pace=pace), ScriptedRecognizer())
    said = finals(events)
    assert [e.speaker for e in said] == ["operator", "customer", "customer"]
    expected = [(1.0, 3.0), (4.0, 6.5), (8.0, 9.0)]
    for event, (start, end) in zip(said, expected, strict=True):
        assert event.start == pytest.approx(start, abs=0.04)
        assert event.end == pytest.approx(end, abs=0.04)
    states = [e.state for e in events if isinstance(e, EngineStateChanged)]
    assert states[0] == "running" and states[-1] == "stopped"


def test_simulated_stage_times_follow_the_virtual_clock() -> None:
    config = replace_config(EngineConfig(), pace="simulated")
    events = transcribe(config, ScriptedRecognizer(compute_s=0.2))
    for event in finals(events):
        times = event.times
        assert times.captured <= times.endpointed + 1e-9
        assert times.endpointed <= times.asr_start + 1e-9 <= times.asr_end + 2e-9
        assert times.asr_end <= times.emitted + 1e-9
        # compute is counted: 0.2 s of recognizer time lies between start and end
        assert times.asr_end - times.asr_start == pytest.approx(0.2, abs=0.05)
        # the end must be confirmed by min_silence before the text is final
        assert event.latency >= config.endpoint.min_silence_ms / 1000 - 0.04
        assert event.latency < 1.0


def test_speculation_overlaps_the_silence_wait() -> None:
    base = replace_config(EngineConfig(), pace="simulated")
    waiting = replace_config(base, **{"endpoint.early_silence_ms": 0})
    fast = [e.latency for e in finals(transcribe(base, ScriptedRecognizer(compute_s=0.25)))]
    slow = [e.latency for e in finals(transcribe(waiting, ScriptedRecognizer(compute_s=0.25)))]
    assert len(fast) == len(slow) == 3
    assert np.median(fast) < np.median(slow) - 0.1


def test_a_slow_recognizer_folds_or_sheds_and_says_so() -> None:
    config = replace_config(EngineConfig(), pace="simulated",
                            **{"backlog.max_pending": 1, "backlog.max_lag_s": 30.0})
    pieces = []
    for _ in range(8):  # eight short utterances, 0.6 s apart, on one leg
        pieces += [tone(0.5), silence(0.6)]
    events: list[Event] = []
    engine = Engine(config, events.append, recognizer=ScriptedRecognizer(compute_s=1.5),
                    detector_factory=EnergyDetector)
    stats = engine.transcribe(ArraySource([np.concatenate(pieces)]))
    reports = [e for e in events if isinstance(e, BacklogReported)]
    assert reports and stats.folded + stats.shed == len(reports)
    assert any(isinstance(e, EngineStateChanged) and e.state == "catching_up" for e in events)
    assert len(finals(events)) < 8


class DictationRecognizer(ScriptedRecognizer):
    """The customer (2.0 s of speech) dictates a number; the operator (3.0 s) reads it back.
    Windows carry the configured padding, so they are told apart by the middle (2.75 s)."""

    def __init__(self, readback: str) -> None:
        super().__init__()
        self.readback = readback

    def recognize(self, audio: np.ndarray, language: str,
                  options: DecodeOptions | None = None) -> Recognition:
        duration = len(audio) / 16000
        text = "My number is 415-555-0132." if duration < 2.75 else self.readback
        return Recognition(text, "en", -0.2, 0.01, 1.2)


def readback_call() -> list[np.ndarray]:
    """Customer speaks at 1-3 s; the operator repeats at 4-7 s."""
    operator = np.concatenate([silence(4.0), tone(3.0), silence(1.5)])
    customer = np.concatenate([silence(1.0), tone(2.0), silence(5.0)])
    return [operator, customer]


@pytest.mark.parametrize("pace", ["simulated", "fast"])
def test_a_wrong_read_back_reaches_the_sink_through_the_engine(pace: str) -> None:
    events: list[Event] = []
    engine = Engine(replace_config(EngineConfig(), pace=pace), events.append,
                    recognizer=DictationRecognizer("So that's 415-555-0123, right?"),
                    detector_factory=EnergyDetector)
    engine.transcribe(ArraySource(readback_call()))
    found = [e for e in events if isinstance(e, EntityExtracted)]
    assert [(e.speaker, e.value) for e in found] == [("customer", "+14155550132"),
                                                     ("operator", "+14155550123")]
    (check,) = [e for e in events if isinstance(e, ReadbackChecked)]
    assert (check.matched, check.given_by, check.repeated_by) == (False, "customer", "operator")
    assert check.differences == ("digit 10: 3 given, 2 repeated",
                                 "digit 11: 2 given, 3 repeated")
    transcript = [e for e in events if isinstance(e, TranscriptUpdated) and e.final]
    assert events.index(check) > events.index(transcript[-1])  # after the text it came from


def test_a_correct_read_back_is_confirmed_through_the_engine() -> None:
    events: list[Event] = []
    engine = Engine(replace_config(EngineConfig(), pace="simulated"), events.append,
                    recognizer=DictationRecognizer("Four one five, five five five, oh one "
                                                   "three two. Got it."),
                    detector_factory=EnergyDetector)
    engine.transcribe(ArraySource(readback_call()))
    (check,) = [e for e in events if isinstance(e, ReadbackChecked)]
    assert check.matched and check.differences == ()
    assert len([e for e in events if isinstance(e, EntityExtracted)]) == 1


def test_interim_text_comes_before_its_final_and_only_for_the_screen() -> None:
    """A speculative recognition done before the end is confirmed is shown as interim."""
    events: list[Event] = []
    engine = Engine(replace_config(EngineConfig(), pace="simulated"), events.append,
                    recognizer=ScriptedRecognizer(compute_s=0.05),
                    detector_factory=EnergyDetector)
    engine.transcribe(ArraySource(call_audio()))
    said = [e for e in events if isinstance(e, TranscriptUpdated)]
    interim = [e for e in said if not e.final]
    assert interim, "no interim text although recognition beat the end confirmation"
    for event in interim:
        final = next(e for e in said[said.index(event):] if e.final)
        assert (final.speaker, final.text) == (event.speaker, event.text)
        assert event.utterance_id == 0 and event.times.emitted <= final.times.emitted
    assert [e.utterance_id for e in said if e.final] == [1, 2, 3]


def test_levels_follow_each_leg() -> None:
    events = transcribe(replace_config(EngineConfig(), pace="simulated"), ScriptedRecognizer())
    levels = [e for e in events if isinstance(e, LevelsMeasured)]
    assert 40 <= len(levels) <= 52  # every 0.2 s of a 10 s call
    during = next(e for e in levels if 2.0 <= e.at <= 2.4)  # operator speaks, customer not
    assert during.speakers == ("operator", "customer")
    assert during.levels[0] == pytest.approx(20 * np.log10(0.3 / np.sqrt(2)), abs=0.5)
    assert during.levels[1] == -90.0


def test_auto_language_is_kept_only_once_clear_on_enough_speech() -> None:
    config = replace_config(EngineConfig(), **{"channels.languages": (LANGUAGE_AUTO, "ru")})
    state = LanguageState(config)

    def window(speech_s: float) -> Window:
        return Window(0, tone(speech_s), 0.0, speech_s, speech_s, speech_s, "silence", speech_s)

    assert state.language_for(0) == LANGUAGE_AUTO and state.language_for(1) == "ru"
    state.observe(window(0.6), Recognition("да", "ru", -0.2, 0.01, 1.0, language_prob=0.99))
    assert state.language_for(0) == LANGUAGE_AUTO  # too little speech to decide the call
    state.observe(window(2.0), Recognition("ok", "en", -0.2, 0.01, 1.0, language_prob=0.6))
    assert state.language_for(0) == LANGUAGE_AUTO  # not sure enough
    state.observe(window(2.0), Recognition("hello", "en", -0.2, 0.01, 1.0, language_prob=0.95))
    assert state.language_for(0) == "en"
    state.observe(window(2.0), Recognition("привет", "ru", -0.2, 0.01, 1.0, language_prob=0.99))
    assert state.language_for(0) == "en"  # kept for the call


class NamedRecognizer(ScriptedRecognizer):
    """A recognizer standing for one model: English-only when its name ends in ".en"."""

    def __init__(self, model: str) -> None:
        super().__init__()
        self.model = model

    @property
    def multilingual(self) -> bool:
        return not self.model.endswith(".en")


def test_the_second_opinion_is_loaded_only_where_a_leg_may_be_english(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    created: list[str] = []

    def create(config: AsrConfig) -> NamedRecognizer:
        if config.model == "missing.en":
            raise ModelLoadError("no model 'missing.en' here")
        created.append(config.model)
        return NamedRecognizer(config.model)

    monkeypatch.setattr("assist.engine.create_recognizer", create)

    def load(**changes: object) -> Engine:
        engine = Engine(replace_config(EngineConfig(), **changes))
        engine.load()
        return engine

    engine = load()  # legs "auto" among ru and en: English may come
    assert created == ["base", "tiny.en"] and engine._second is not None
    created.clear()
    engine = load(**{"channels.languages": ("ru", "ru")})  # a Russian desk: one model
    assert created == ["base"] and engine._second is None
    # the desk takes English calls from now on: the model stays, the second one comes
    engine.configure(replace_config(engine.config, **{"channels.languages": ("ru", "en")}))
    assert created == ["base", "tiny.en"] and engine.loaded and engine._second is not None
    created.clear()
    assert load(**{"asr.second_opinion": ""})._second is None and created == ["base"]
    created.clear()
    assert load(**{"asr.second_opinion": "small"})._second is None  # not English-only
    # a second opinion that cannot load costs nothing but a line in the log
    with caplog.at_level(logging.WARNING, logger="assist.engine"):
        engine = load(**{"asr.second_opinion": "missing.en"})
    assert engine.loaded and engine._second is None
    assert "missing.en" in caplog.text
