"""The gate: a candidate card is shown only while it is timely and wanted.

Checks, in order: global mute, snooze, the rule muted for this call, the latency budget (a
card older than `budget_s` from the end of its evidence is worse than none), duplicates,
the rule's cooldown, its `max_per_call`, and the cap on visible cards (a more important card
replaces the least important one; otherwise it is dropped). Every decision is returned as an
event and written to the `assist.decisions` logger as one JSON object, with the evidence's
digits masked.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from assist.cards import Candidate
from assist.config import RulesConfig
from assist.events import (
    DropReason,
    FeedbackAction,
    FeedbackRecorded,
    HintsControlled,
    RetireReason,
    SuggestionDropped,
    SuggestionRetired,
    SuggestionShown,
)
from assist.records import decision_record

log = logging.getLogger(__name__)
decisions = logging.getLogger("assist.decisions")

Decision = SuggestionShown | SuggestionDropped


@dataclass
class _Card:
    shown: SuggestionShown
    key: str


def _log(event: SuggestionShown | SuggestionDropped | SuggestionRetired | FeedbackRecorded
         ) -> None:
    if decisions.isEnabledFor(logging.INFO):
        decisions.info(json.dumps(decision_record(event), ensure_ascii=False))


class Gate:
    """Decides, for one call, which candidates become visible cards. Not thread-safe: the
    rule session serialises calls."""

    def __init__(self, config: RulesConfig) -> None:
        self.config = config
        self.muted = False
        self.snoozed_until: float | None = None
        self.muted_rules: set[str] = set()
        self._visible: dict[int, _Card] = {}
        self._last_shown: dict[str, float] = {}  # rule id -> engine time
        self._shown_keys: dict[tuple[str, str], float] = {}
        self._count: dict[str, int] = {}
        self._cards: dict[int, str] = {}  # card id -> rule id, for feedback
        self._next_card = 1

    # -- decisions ----------------------------------------------------------------------

    def decide(self, candidate: Candidate, at: float
               ) -> list[SuggestionShown | SuggestionDropped | SuggestionRetired]:
        """Show or drop one candidate at engine time `at`; replaced cards are retired first."""
        self._expire(at)
        rule = candidate.rule
        age = max(0.0, at - candidate.evidence_end)
        replacing = [card_id for card_id, card in self._visible.items()
                     if candidate.replaces is not None and card.shown.rule_id == rule.id
                     and card.key == candidate.replaces]
        reason, detail = self._verdict(candidate, at, age, bool(replacing))
        if reason is not None:
            dropped = SuggestionDropped(rule.id, rule.title, rule.kind, reason, detail,
                                        candidate.speaker, candidate.evidence,
                                        candidate.evidence_end, at, age)
            _log(dropped)
            return [dropped]
        events: list[SuggestionShown | SuggestionDropped | SuggestionRetired] = []
        if not replacing and len(self._visible) >= self.config.max_visible:
            replacing = [min(self._visible, key=lambda card_id: (
                self._visible[card_id].shown.priority, self._visible[card_id].shown.at))]
        for card_id in replacing:
            events.append(self._retire(card_id, "replaced", at))
        shown = SuggestionShown(self._next_card, rule.id, rule.title, rule.text, rule.kind,
                                rule.category, rule.priority, candidate.speaker,
                                candidate.evidence, candidate.evidence_end, at, age,
                                at + self.config.card_ttl_s, candidate.source, candidate.body)
        self._next_card += 1
        self._visible[shown.card_id] = _Card(shown, candidate.key)
        self._cards[shown.card_id] = rule.id
        self._last_shown[rule.id] = at
        self._shown_keys[(rule.id, candidate.key)] = at
        self._count[rule.id] = self._count.get(rule.id, 0) + 1
        _log(shown)
        events.append(shown)
        return events

    def _verdict(self, candidate: Candidate, at: float, age: float, replacing: bool
                 ) -> tuple[DropReason | None, str]:
        rule = candidate.rule
        if self.muted:
            return "muted", "hints muted for this call"
        if self.snoozed_until is not None and at < self.snoozed_until:
            return "snoozed", f"snoozed for {self.snoozed_until - at:.0f} s more"
        if rule.id in self.muted_rules:
            return "muted", "rule muted for this call"
        if age > self.config.budget_s:
            return "over_budget", f"{age:.2f} s old, budget {self.config.budget_s:g} s"
        if replacing:
            return None, ""  # a correction of a visible card always goes through
        seen = self._shown_keys.get((rule.id, candidate.key))
        if seen is not None and at - seen < self.config.duplicate_window_s:
            return "duplicate", f"same card shown {at - seen:.0f} s ago"
        if any(card.shown.text == rule.text for card in self._visible.values()):
            return "duplicate", "the same text is on screen"
        last = self._last_shown.get(rule.id)
        if last is not None and at - last < rule.cooldown_s:
            return "cooldown", f"shown {at - last:.0f} s ago, cooldown {rule.cooldown_s:g} s"
        if self._count.get(rule.id, 0) >= rule.max_per_call:
            return "capped", f"max_per_call {rule.max_per_call} reached"
        if len(self._visible) >= self.config.max_visible:
            lowest = min(card.shown.priority for card in self._visible.values())
            if rule.priority <= lowest:
                return "capped", f"{len(self._visible)} cards on screen, none less important"
        return None, ""

    def _expire(self, at: float) -> None:
        for card_id in [card_id for card_id, card in self._visible.items()
                        if card.shown.expires_at <= at]:
            del self._visible[card_id]

    def _retire(self, card_id: int, reason: RetireReason, at: float) -> SuggestionRetired:
        card = self._visible.pop(card_id)
        retired = SuggestionRetired(card_id, card.shown.rule_id, reason, at)
        _log(retired)
        return retired

    def visible(self, at: float) -> list[SuggestionShown]:
        """Cards on screen at `at`, most important first."""
        self._expire(at)
        return sorted((card.shown for card in self._visible.values()),
                      key=lambda shown: (-shown.priority, shown.at))

    # -- operator controls --------------------------------------------------------------

    def set_muted(self, muted: bool, at: float) -> list[SuggestionRetired | HintsControlled]:
        """One-click mute for the rest of the call (or until unmuted): visible cards go too."""
        self.muted = muted
        retired = [self._retire(card_id, "muted", at) for card_id in list(self._visible)] \
            if muted else []
        return [*retired, self._state(at)]

    def snooze(self, minutes: float | None, at: float) -> HintsControlled:
        """No new cards for `minutes` (default from config); 0 ends a snooze."""
        length = self.config.snooze_min if minutes is None else minutes
        self.snoozed_until = at + length * 60 if length > 0 else None
        return self._state(at)

    def mute_rule(self, rule_id: str, at: float) -> list[SuggestionRetired | HintsControlled]:
        """'Not this rule for this call': its visible cards go, and it never shows again."""
        self.muted_rules.add(rule_id)
        retired = [self._retire(card_id, "muted", at) for card_id, card in
                   list(self._visible.items()) if card.shown.rule_id == rule_id]
        return [*retired, self._state(at)]

    def feedback(self, card_id: int, action: FeedbackAction, at: float
                 ) -> list[FeedbackRecorded | SuggestionRetired | HintsControlled]:
        """👍/👎, dismiss or mute-this-rule on a card; unknown cards are ignored."""
        rule_id = self._cards.get(card_id)
        if rule_id is None:
            log.warning("feedback on unknown card %d ignored", card_id)
            return []
        recorded = FeedbackRecorded(card_id, rule_id, action, at)
        _log(recorded)
        events: list[FeedbackRecorded | SuggestionRetired | HintsControlled] = [recorded]
        if action == "dismiss" and card_id in self._visible:
            events.append(self._retire(card_id, "dismissed", at))
        elif action == "mute_rule":
            events += self.mute_rule(rule_id, at)
        return events

    def _state(self, at: float) -> HintsControlled:
        snoozed = self.snoozed_until if self.snoozed_until and self.snoozed_until > at else None
        return HintsControlled(self.muted, snoozed, tuple(sorted(self.muted_rules)), at)
