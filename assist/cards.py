"""Card candidates and where they come from: the seam between card sources and the gate.

A `CandidateSource` turns what was said, captured and left unsaid into `Candidate` cards;
the gate (`assist.rules.gate`) decides which are shown. Admin rules are the first source
(`assist.rules.session.AdminRules`); another source (a knowledge base, say) implements the
protocol and is handed to the rule session, with no change to the gate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from assist.events import ChecklistUpdated, EntityExtracted, TranscriptUpdated


class CardSpec(Protocol):
    """What the gate needs to know of the thing a card comes from (an admin `Rule` is one)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def priority(self) -> int: ...
    @property
    def cooldown_s(self) -> float: ...
    @property
    def max_per_call(self) -> int: ...


@dataclass(frozen=True)
class Candidate:
    """A card a source proposes; the gate decides whether it is shown."""

    rule: CardSpec
    speaker: str
    evidence: str
    evidence_end: float  # engine-clock end of the speech (or deadline) that triggered it
    key: str  # the same rule with the same key is the same card
    replaces: str | None = None  # key of an earlier card of this rule this one corrects
    source: str = "rules"  # the source's name, carried onto the shown card
    body: str = ""  # optional longer content for the card


Proposal = Candidate | ChecklistUpdated  # a source may also report script progress


class CandidateSource(Protocol):
    """Proposes cards from a call's utterances, entities and the passing of time."""

    @property
    def name(self) -> str: ...

    def start(self, speakers: Sequence[str]) -> None:
        """A new call with these speakers."""
        ...

    def transcript(self, event: TranscriptUpdated, at: float) -> Sequence[Proposal]: ...

    def entity(self, event: EntityExtracted, at: float) -> Sequence[Proposal]: ...

    def tick(self, now: float, speaking: Iterable[str]) -> Sequence[Proposal]: ...
