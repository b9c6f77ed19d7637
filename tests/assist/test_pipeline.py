"""The call pipeline: stages after recognition on their own thread, the call context the
recognizer reads per window, and the engine's control API."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from assist import ArraySource, CallRecorder, Engine, EngineConfig, replace_config, run_call
from assist.asr.options import ChannelState, DecodeOptions, FastPath
from assist.cli import JsonLinesWriter
from assist.context import CallContext
from assist.events import (
    EntityExtracted,
    Event,
    HintsControlled,
    ReadbackChecked,
    TranscriptUpdated,
    UtteranceProcessed,
)
from tests.helpers.fakes import EnergyDetector, SpokenRecognizer, silence, tone

QUESTION = "Could you give me your phone number, please?"
DIGITS = "Sure, it is 415 555 0132."


def dictation_call() -> list[np.ndarray]:
    """Customer says hello (1 s) at 0.5 s; the operator asks (2 s) at 3 s; the customer
    dictates (3 s) at 6.5 s."""
    operator = np.concatenate([silence(3.0), tone(2.0), silence(6.5)])
    customer = np.concatenate([silence(0.5), tone(1.0), silence(5.0), tone(3.0), silence(2.0)])
    return [operator, customer]


def recognizer() -> SpokenRecognizer:
    return SpokenRecognizer([(1.9, "Hello, good morning."), (2.9, QUESTION), (9.0, DIGITS)])


class ExpectsPhone:
    """A policy: a leg asked for a phone number is decoded with beam 5 and a slot prompt."""

    def choose(self, state: ChannelState) -> DecodeOptions | None:
        if state.expecting == "phone":
            return DecodeOptions(beam_size=5, prompt="Phone number: 415-555-0132.",
                                 reason="dictation")
        return None


def asked_for_a_phone(context: CallContext, event: Event) -> None:
    """A context writer: the operator asking for a number makes the customer's leg expect one;
    the number, once heard, ends the expectation."""
    customer = context.channel_of("customer")
    if customer is None:
        return
    if (isinstance(event, TranscriptUpdated) and event.speaker == "operator"
            and "phone number" in event.text):
        context.expect(customer, "phone")
    elif isinstance(event, EntityExtracted) and event.speaker == "customer":
        context.expect(customer, None)


@pytest.mark.parametrize("pace", ["simulated", "fast"])
def test_the_recognizer_decodes_a_window_with_what_the_context_says(pace: str) -> None:
    fake = recognizer()
    events: list[Event] = []
    engine = Engine(replace_config(EngineConfig(), pace=pace), events.append, recognizer=fake,
                    detector_factory=EnergyDetector, policy=ExpectsPhone(),
                    context_writers=[asked_for_a_phone])
    engine.transcribe(ArraySource(dictation_call()))
    texts = [e.text for e in events if isinstance(e, TranscriptUpdated) and e.final]
    assert texts == ["Hello, good morning.", QUESTION, DIGITS]
    # recognitions (tentative ones included) in order: hello and the question took the fast
    # path; the dictation, which starts after the question was understood, did not
    chosen = fake.options
    first_dictation = next(index for index, seconds in enumerate(fake.calls) if seconds > 2.9)
    assert all(options is None for options in chosen[:first_dictation]), chosen
    assert all(options is not None and options.beam_size == 5 and options.reason == "dictation"
               for options in chosen[first_dictation:]), chosen
    assert any(isinstance(e, EntityExtracted) and e.value == "+14155550132" for e in events)


def test_with_the_fast_path_policy_every_window_takes_the_fast_path() -> None:
    fake = recognizer()
    engine = Engine(replace_config(EngineConfig(), pace="simulated"), lambda event: None,
                    recognizer=fake, detector_factory=EnergyDetector, policy=FastPath())
    engine.transcribe(ArraySource(dictation_call()))
    assert fake.options and all(options is None for options in fake.options)


def test_stages_and_sinks_run_on_the_pipeline_thread_in_order() -> None:
    threads: list[str] = []
    events: list[Event] = []

    def sink(event: Event) -> None:
        if isinstance(event, TranscriptUpdated | EntityExtracted | UtteranceProcessed):
            threads.append(threading.current_thread().name)
        events.append(event)

    engine = Engine(replace_config(EngineConfig(), pace="fast"), sink, recognizer=recognizer(),
                    detector_factory=EnergyDetector)
    engine.transcribe(ArraySource(dictation_call()))
    assert threads and set(threads) == {"assist-pipeline"}
    order = [type(e).__name__ for e in events
             if isinstance(e, EntityExtracted | UtteranceProcessed)
             or (isinstance(e, TranscriptUpdated) and e.final)]
    # each utterance: its text, then its entities, then its processed stamps
    assert order == ["TranscriptUpdated", "UtteranceProcessed"] * 2 + [
        "TranscriptUpdated", "EntityExtracted", "UtteranceProcessed"]


def test_controls_from_any_thread_take_effect_between_utterances() -> None:
    events: list[Event] = []
    engine = Engine(replace_config(EngineConfig(), pace="realtime", **{"chunk_ms": 50}),
                    events.append, recognizer=recognizer(), detector_factory=EnergyDetector)
    short = [silence(0.3), np.concatenate([silence(0.1), tone(0.5), silence(0.6)])[:4800]]
    caller = threading.Thread(target=engine.transcribe, args=(ArraySource(short),))
    caller.start()
    while not engine.running and caller.is_alive():
        threading.Event().wait(0.005)
    threads = [threading.Thread(target=engine.mute, args=(True,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    caller.join()
    controlled = [e for e in events if isinstance(e, HintsControlled)]
    assert len(controlled) == 3 and all(e.muted for e in controlled)
    assert engine.muted  # kept after the call
    engine.mute(False)  # between calls: applied at once
    assert not engine.muted


def test_a_readback_runs_through_the_pipeline() -> None:
    events: list[Event] = []
    spoken = SpokenRecognizer([(1.9, "Hello, good morning."), (2.9, "So 415 555 0133?"),
                               (9.0, DIGITS)])
    operator = np.concatenate([silence(10.5), tone(2.0), silence(1.0)])
    customer = np.concatenate([silence(0.5), tone(1.0), silence(5.0), tone(3.0), silence(4.0)])
    engine = Engine(replace_config(EngineConfig(), pace="simulated"), events.append,
                    recognizer=spoken, detector_factory=EnergyDetector)
    engine.transcribe(ArraySource([operator, customer]))
    (check,) = [e for e in events if isinstance(e, ReadbackChecked)]
    assert not check.matched and check.given == "+14155550132"
    assert check.differences == ("digit 11: 2 given, 3 repeated",)


@pytest.mark.parametrize(("dictated", "read_back", "value", "difference"), [
    ("Yes, it is j dot smith at gmail dot com.", "So that is j dot smyth at gmail dot com?",
     "j.smith@gmail.com", "local part: j.smith given, j.smyth repeated"),
    ("Записывайте: ivan точка petrov собака mail точка ru.",
     "Проверяю: ivan точка petrof собака mail точка ru.",
     "ivan.petrov@mail.ru", "local part: ivan.petrov given, ivan.petrof repeated"),
])
def test_an_email_dictated_and_read_back_wrong_end_to_end(
        dictated: str, read_back: str, value: str, difference: str, tmp_path: Path) -> None:
    """Two legs: the customer dictates an e-mail, the operator reads it back with one letter
    wrong. The entity, the read-back verdict, the JSON Lines and the masked saved call."""
    spoken = SpokenRecognizer([(1.9, "Hello."), (2.9, read_back), (9.0, dictated)])
    operator = np.concatenate([silence(10.5), tone(2.0), silence(1.0)])
    customer = np.concatenate([silence(0.5), tone(1.0), silence(5.0), tone(3.0), silence(4.0)])
    out = io.StringIO()
    recorder = CallRecorder(tmp_path, "email")
    events: list[Event] = []
    config = replace_config(EngineConfig(), pace="simulated")
    run_call(config, ArraySource([operator, customer]), [events.append, JsonLinesWriter(out),
                                                         recorder],
             Engine(config, recognizer=spoken, detector_factory=EnergyDetector))
    (entity,) = [e for e in events if isinstance(e, EntityExtracted) and e.speaker == "customer"]
    assert entity.kind == "email" and entity.value == value
    (check,) = [e for e in events if isinstance(e, ReadbackChecked)]
    assert check.kind == "email" and not check.matched and check.differences == (difference,)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {"type": "readback", "kind": "email", "matched": False} .items() <= next(
        line for line in lines if line["type"] == "readback").items()
    saved = recorder.save()
    assert saved is not None
    text = saved.read_text(encoding="utf-8")
    assert value not in text and "petrov" not in text and "smith" not in text
    masked = [json.loads(line) for line in text.splitlines()]
    assert next(r for r in masked if r["type"] == "entity" and r["speaker"] == "customer")[
        "value"] == "•••@•••." + value.rpartition(".")[2]
