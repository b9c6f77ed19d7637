"""One call's rules: the rule book, the call's rule state and the gate behind one lock.

The engine feeds it final utterances, entities and clock ticks from its threads; the app
calls the operator controls from the GUI thread. Every outcome goes to the event sink.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence

from assist.config import RulesConfig
from assist.events import (
    EntityExtracted,
    Event,
    EventSink,
    FeedbackAction,
    SuggestionShown,
    TranscriptUpdated,
)
from assist.rules.book import RuleBook
from assist.rules.evaluator import CallRules, Candidate, CompiledRules
from assist.rules.gate import Gate
from assist.rules.loader import Rule


class RuleSession:
    """Rules for the current call. Thread-safe."""

    def __init__(self, config: RulesConfig, sink: EventSink, book: RuleBook | None = None,
                 rules: Sequence[Rule] = ()) -> None:
        self.config = config
        self._sink = sink
        self.book = book
        self._lock = threading.RLock()
        self._clock: Callable[[], float] = lambda: 0.0
        self._version = -1
        self._last_check = float("-inf")
        self._compiled = CompiledRules(book.rules if book is not None else rules)
        self._call = CallRules(self._compiled)
        self.gate = Gate(config)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._compiled.rules

    @property
    def compiled(self) -> CompiledRules:
        return self._compiled

    def start(self, clock: Callable[[], float], legs: Sequence[str] = ("operator", "customer")
              ) -> None:
        """A new call: fresh gate and state (the operator's mute stays until unmuted; a
        snooze and per-call rule mutes end with the call); rule files are re-read."""
        with self._lock:
            self._clock = clock
            muted = self.gate.muted
            self.gate = Gate(self.config)
            self.gate.muted = muted
            self._last_check = float("-inf")
            pending = self._check_files(clock())
            self._call = CallRules(self._compiled, legs)
        self._send(pending)

    # -- engine input -------------------------------------------------------------------

    def transcript(self, event: TranscriptUpdated, at: float) -> None:
        if not event.final or not event.text:
            return
        with self._lock:
            pending = self._check_files(at)
            candidates, checklists = self._call.on_transcript(
                event.speaker, event.text, event.language, event.end, at)
            pending += checklists
            pending += self._decide(candidates, at)
        self._send(pending)

    def entity(self, event: EntityExtracted, at: float) -> None:
        with self._lock:
            candidates = self._call.on_entity(event.kind, event.speaker, event.value,
                                              event.entity_id, event.end, event.supersedes)
            pending = self._decide(candidates, at)
        self._send(pending)

    def tick(self, now: float, speaking: Iterable[str] = ()) -> None:
        with self._lock:
            pending = self._check_files(now)
            pending += self._decide(self._call.tick(now, speaking), now)
        self._send(pending)

    # -- operator controls (engine clock time from the call's clock) --------------------

    def set_muted(self, muted: bool) -> None:
        with self._lock:
            pending: list[Event] = [*self.gate.set_muted(muted, self._clock())]
        self._send(pending)

    def snooze(self, minutes: float | None = None) -> None:
        with self._lock:
            pending: list[Event] = [self.gate.snooze(minutes, self._clock())]
        self._send(pending)

    def mute_rule(self, rule_id: str) -> None:
        with self._lock:
            pending: list[Event] = [*self.gate.mute_rule(rule_id, self._clock())]
        self._send(pending)

    def feedback(self, card_id: int, action: FeedbackAction) -> None:
        with self._lock:
            pending: list[Event] = [*self.gate.feedback(card_id, action, self._clock())]
        self._send(pending)

    def visible(self) -> list[SuggestionShown]:
        with self._lock:
            return self.gate.visible(self._clock())

    # -- internals ----------------------------------------------------------------------

    def _decide(self, candidates: list[Candidate], at: float) -> list[Event]:
        decided: list[Event] = []
        for candidate in sorted(candidates, key=lambda c: -c.rule.priority):
            decided += self.gate.decide(candidate, at)
        return decided

    def _check_files(self, at: float) -> list[Event]:
        """Reload changed rule files at most every `reload_check_s`; keep the last good."""
        if self.book is None or at - self._last_check < self.config.reload_check_s:
            return []
        self._last_check = at
        loaded = self.book.reload(at)
        if self.book.version != self._version:
            self._version = self.book.version
            self._compiled = CompiledRules(self.book.rules)
            self._call.replace(self._compiled)
        return [loaded] if loaded is not None else []

    def _send(self, events: list[Event]) -> None:
        for event in events:
            self._sink(event)
