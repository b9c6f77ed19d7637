"""One call's cards: the card sources (admin rules first) and the gate behind one lock.

The call pipeline feeds it final utterances, entities and clock ticks; the operator's
controls (mute, snooze, feedback, reload) may come from any thread. Every outcome goes to
the event sink, called outside the lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence

from assist.cards import Candidate, CandidateSource, Proposal
from assist.config import RulesConfig
from assist.events import (
    ChecklistUpdated,
    EntityExtracted,
    Event,
    EventSink,
    FeedbackAction,
    SuggestionShown,
    TranscriptUpdated,
)
from assist.rules.book import RuleBook
from assist.rules.evaluator import CallRules, CompiledRules
from assist.rules.gate import Gate
from assist.rules.loader import Rule


class AdminRules:
    """The admin's rules as a card source: one call's rule state over the compiled rules."""

    name = "rules"

    def __init__(self, compiled: CompiledRules) -> None:
        self.compiled = compiled
        self._call = CallRules(compiled)

    def start(self, speakers: Sequence[str]) -> None:
        self._call = CallRules(self.compiled, speakers)

    def replace(self, compiled: CompiledRules) -> None:
        """New rules mid-call: the call's state is kept by rule id."""
        self.compiled = compiled
        self._call.replace(compiled)

    def transcript(self, event: TranscriptUpdated, at: float) -> Sequence[Proposal]:
        candidates, checklists = self._call.on_transcript(
            event.speaker, event.text, event.language, event.end, at)
        return [*checklists, *candidates]

    def entity(self, event: EntityExtracted, at: float) -> Sequence[Proposal]:
        return self._call.on_entity(event.kind, event.speaker, event.value, event.entity_id,
                                    event.end, event.supersedes)

    def tick(self, now: float, speaking: Iterable[str]) -> Sequence[Proposal]:
        return self._call.tick(now, speaking)


class RuleSession:
    """Cards for the current call: admin rules, any other sources, and the gate. Thread-safe."""

    def __init__(self, config: RulesConfig, sink: EventSink, book: RuleBook | None = None,
                 rules: Sequence[Rule] = (), sources: Sequence[CandidateSource] = ()) -> None:
        self.config = config
        self._sink = sink
        self.book = book
        self._lock = threading.RLock()
        self._clock: Callable[[], float] = lambda: 0.0
        self._version = -1
        self._last_check = float("-inf")
        self._admin = AdminRules(CompiledRules(book.rules if book is not None else rules))
        self._sources: list[CandidateSource] = [self._admin, *sources]
        self.gate = Gate(config)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._admin.compiled.rules

    @property
    def compiled(self) -> CompiledRules:
        return self._admin.compiled

    @property
    def muted(self) -> bool:
        with self._lock:
            return self.gate.muted

    def start(self, clock: Callable[[], float], speakers: Sequence[str] = ("operator", "customer")
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
            for source in self._sources:
                source.start(speakers)
        self._send(pending)

    # -- engine input -------------------------------------------------------------------

    def transcript(self, event: TranscriptUpdated, at: float) -> None:
        if not event.final or not event.text:
            return
        with self._lock:
            pending = self._check_files(at)
            pending += self._settle([item for source in self._sources
                                     for item in source.transcript(event, at)], at)
        self._send(pending)

    def entity(self, event: EntityExtracted, at: float) -> None:
        with self._lock:
            pending = self._settle([item for source in self._sources
                                    for item in source.entity(event, at)], at)
        self._send(pending)

    def tick(self, now: float, speaking: Iterable[str] = ()) -> None:
        speaking_now = tuple(speaking)
        with self._lock:
            pending = self._check_files(now)
            pending += self._settle([item for source in self._sources
                                     for item in source.tick(now, speaking_now)], now)
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

    def reload(self) -> None:
        """Re-read the rule files now (the last good rules stay if a file is broken)."""
        with self._lock:
            self._last_check = float("-inf")
            pending = self._check_files(self._clock())
        self._send(pending)

    def visible(self) -> list[SuggestionShown]:
        with self._lock:
            return self.gate.visible(self._clock())

    # -- internals ----------------------------------------------------------------------

    def _settle(self, proposals: list[Proposal], at: float) -> list[Event]:
        """Script progress as it is; candidates through the gate, most important first."""
        settled: list[Event] = [item for item in proposals if isinstance(item, ChecklistUpdated)]
        candidates = [item for item in proposals if isinstance(item, Candidate)]
        for candidate in sorted(candidates, key=lambda c: -c.rule.priority):
            settled += self.gate.decide(candidate, at)
        return settled

    def _check_files(self, at: float) -> list[Event]:
        """Reload changed rule files at most every `reload_check_s`; keep the last good."""
        if self.book is None or at - self._last_check < self.config.reload_check_s:
            return []
        self._last_check = at
        loaded = self.book.reload(at)
        if self.book.version != self._version:
            self._version = self.book.version
            self._admin.replace(CompiledRules(self.book.rules))
        return [loaded] if loaded is not None else []

    def _send(self, events: list[Event]) -> None:
        for event in events:
            self._sink(event)
