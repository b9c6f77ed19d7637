"""Rules against one call: what was said, captured and left unsaid becomes candidate cards.

Pure and clock-free: every input carries its own engine-clock times, so the live engine and
the back-test replay drive it the same way. Candidates then pass the gate (`gate.py`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assist.cards import Candidate
from assist.events import ChecklistUpdated
from assist.rules.loader import Rule
from assist.rules.matcher import PhraseHit, PhraseIndex, span_text

_DIGIT = re.compile(r"\d")


def mask_digits(text: str) -> str:
    """Digits hidden: evidence goes to logs, and a trigger may sit next to a phone number."""
    return _DIGIT.sub("•", text)


class CompiledRules:
    """Enabled rules with all their phrases in one index."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rule for rule in rules if rule.enabled)
        groups: list[tuple[str, ...]] = []

        def group(phrases: Iterable[str]) -> int:
            groups.append(tuple(phrases))
            return len(groups) - 1

        # trigger group -> its rule: an utterance only visits the rules it hit
        self.by_trigger: dict[int, Rule] = {}
        self.negatives: dict[str, int] = {}
        self.items: dict[str, list[tuple[str, int]]] = {}
        for rule in self.rules:
            if rule.phrases:
                self.by_trigger[group(rule.phrases)] = rule
            if rule.negative:
                self.negatives[rule.id] = group(rule.negative)
            if rule.kind == "checklist":
                self.items[rule.id] = [(item.name, group(item.phrases)) for item in rule.items]
        floor = min((rule.threshold for rule in self.rules), default=100.0)
        self.index = PhraseIndex(groups, floor=floor)
        self._kinds: dict[str, list[Rule]] = {}
        for rule in self.rules:
            self._kinds.setdefault(rule.kind, []).append(rule)

    def of_kind(self, kind: str) -> list[Rule]:
        return self._kinds.get(kind, [])


def _speaks(rule: Rule, speaker: str, default: str) -> bool:
    wanted = rule.speaker if rule.speaker != "any" else default
    return wanted in ("any", speaker)


def _language_fits(rule: Rule, language: str | None) -> bool:
    return rule.language == "any" or not language or rule.language == language


@dataclass
class _Checklist:
    done: list[str] = field(default_factory=list)
    announced: bool = False


class CallRules:
    """The rules' view of one call: feed it utterances, entities and clock ticks."""

    def __init__(self, compiled: CompiledRules, speakers: Sequence[str] = ("operator", "customer")
                 ) -> None:
        self.compiled = compiled
        self.speakers = tuple(speakers)
        self._languages: Counter[str] = Counter()
        self._said: set[str] = set()  # timing rules whose required phrase was said
        self._fired: set[str] = set()  # one-shot timing rules already fired
        self._heard: dict[str, float] = {}  # speaker -> engine time last heard
        self._silence_fired: dict[str, float] = {}  # rule id -> the silence it fired for
        self._checklists: dict[str, _Checklist] = {}
        self._entities: dict[int, str] = {}  # entity id -> value, to follow corrections

    def replace(self, compiled: CompiledRules) -> None:
        """New rules mid-call: state kept by rule id, so a reload does not re-fire anything."""
        self.compiled = compiled

    @property
    def language(self) -> str | None:
        """The call's language so far: the one most utterances were in."""
        common = self._languages.most_common(1)
        return common[0][0] if common else None

    def on_transcript(self, speaker: str, text: str, language: str, end: float, at: float
                      ) -> tuple[list[Candidate], list[ChecklistUpdated]]:
        """A final utterance: phrase rules fire, required phrases and script items tick."""
        if language:
            self._languages[language] += 1
        self._heard[speaker] = max(self._heard.get(speaker, 0.0), end)
        hits = self.compiled.index.match(text)
        found: list[Candidate] = []
        for group, hit in hits.items():
            rule = self.compiled.by_trigger.get(group)
            if rule is None or hit.score < rule.threshold:
                continue
            if rule.kind == "timing":
                if rule.condition == "operator_missing" and _speaks(rule, speaker, "operator"):
                    self._said.add(rule.id)
                continue
            if (rule.kind != "phrase" or not _speaks(rule, speaker, "any")
                    or not _language_fits(rule, language)
                    or self._hit(hits, self.compiled.negatives, rule) is not None):
                continue
            evidence = mask_digits(span_text(text, hit.first, hit.last))
            found.append(Candidate(rule, speaker, evidence, end, f"phrase:{hit.phrase}"))
        return found, self._tick_checklists(speaker, hits, at)

    def on_entity(self, kind: str, speaker: str, value: str, entity_id: int, end: float,
                  supersedes: int | None) -> list[Candidate]:
        """A phone or address was captured: entity rules for it fire."""
        self._entities[entity_id] = value
        replaces = self._entities.get(supersedes) if supersedes is not None else None
        return [
            Candidate(rule, speaker, kind, end, f"{kind}:{value}",
                      replaces=f"{kind}:{replaces}" if replaces else None)
            for rule in self.compiled.of_kind("entity")
            if rule.entity == kind and _speaks(rule, speaker, "any")
            and _language_fits(rule, self.language)
        ]

    def tick(self, now: float, speaking: Iterable[str] = ()) -> list[Candidate]:
        """Time passed: deadlines of timing rules. `speaking` are the speakers talking right now."""
        for speaker in speaking:
            self._heard[speaker] = max(self._heard.get(speaker, 0.0), now)
        found: list[Candidate] = []
        language = self.language
        for rule in self.compiled.of_kind("timing"):
            if rule.condition == "operator_missing":
                if (rule.id in self._said or rule.id in self._fired or now < rule.within_s
                        or language is None or not _language_fits(rule, language)):
                    continue  # an unknown language waits: the card then goes out late and
                    # the gate drops it as over budget, which is what the log should say
                self._fired.add(rule.id)
                found.append(Candidate(rule, "operator", f"not said in the first "
                                       f"{rule.within_s:g} s", rule.within_s, "missing"))
            elif rule.condition == "customer_silent":
                silent = rule.speaker if rule.speaker != "any" else "customer"
                if silent not in self.speakers or not _language_fits(rule, language):
                    continue
                since = self._heard.get(silent, 0.0)
                if now - since < rule.silence_s or self._silence_fired.get(rule.id) == since:
                    continue
                self._silence_fired[rule.id] = since
                found.append(Candidate(rule, silent, f"{silent} silent for "
                                       f"{rule.silence_s:g} s", since + rule.silence_s,
                                       f"silence:{since:.1f}"))
        return found

    def _tick_checklists(self, speaker: str, hits: dict[int, PhraseHit], at: float
                         ) -> list[ChecklistUpdated]:
        updates: list[ChecklistUpdated] = []
        for rule in self.compiled.of_kind("checklist"):
            if not _language_fits(rule, self.language):
                continue
            state = self._checklists.setdefault(rule.id, _Checklist())
            changed = not state.announced
            state.announced = True
            if _speaks(rule, speaker, "operator"):
                for name, group in self.compiled.items.get(rule.id, ()):
                    hit = hits.get(group)
                    if name not in state.done and hit is not None and hit.score >= rule.threshold:
                        state.done.append(name)
                        changed = True
            if changed:
                updates.append(self._progress(rule, at))
        return updates

    def _progress(self, rule: Rule, at: float) -> ChecklistUpdated:
        done = self._checklists.get(rule.id, _Checklist()).done
        remaining = tuple(item.name for item in rule.items if item.name not in done)
        ordered = tuple(item.name for item in rule.items if item.name in done)
        return ChecklistUpdated(rule.id, rule.title, ordered, remaining, at)

    @staticmethod
    def _hit(hits: dict[int, PhraseHit], groups: dict[str, int], rule: Rule) -> PhraseHit | None:
        group = groups.get(rule.id)
        hit = hits.get(group) if group is not None else None
        return hit if hit is not None and hit.score >= rule.threshold else None
