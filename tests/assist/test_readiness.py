"""A slow model load never counts against a hint's budget: the call's clock starts after the
model is loaded and warmed up, and READY is announced before the call runs (issue 19)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from assist import ArraySource, Engine, EngineConfig, replace_config
from assist.config import AsrConfig
from assist.events import EngineStateChanged, Event, SuggestionDropped, SuggestionShown
from tests.helpers.fakes import EnergyDetector, SpokenRecognizer, silence, tone

WARM_UP_S = 1.5  # longer than the budget below


class SlowToWarmRecognizer(SpokenRecognizer):
    """A recognizer whose warm-up takes longer than the hints' latency budget."""

    def warm_up(self) -> None:
        time.sleep(WARM_UP_S)


def test_a_slow_warm_up_does_not_make_a_hint_late(monkeypatch: pytest.MonkeyPatch) -> None:
    recognizer = SlowToWarmRecognizer([(9.0, "I'd like a refund, please.")])
    created: list[AsrConfig] = []

    def create(config: AsrConfig) -> SlowToWarmRecognizer:
        created.append(config)
        return recognizer

    monkeypatch.setattr("assist.engine.create_recognizer", create)
    config = replace_config(EngineConfig(), pace="realtime", **{"rules.budget_s": 1.0})
    events: list[Event] = []
    engine = Engine(config, events.append, detector_factory=EnergyDetector)
    customer = np.concatenate([silence(0.5), tone(1.5), silence(1.0)])
    engine.transcribe(ArraySource([silence(len(customer) / 16000), customer]))
    assert created, "the engine loaded its recognizer itself"
    states = [event.state for event in events if isinstance(event, EngineStateChanged)]
    assert states.index("ready") < states.index("running")  # warmed before the call ran
    shown = [event for event in events if isinstance(event, SuggestionShown)]
    dropped = [event for event in events if isinstance(event, SuggestionDropped)]
    assert [event.rule_id for event in shown] == ["en-refund"], dropped
    assert shown[0].age < 1.0 < WARM_UP_S
    assert not dropped
