"""Rule files (TOML): parsed into typed rules, with every problem reported at once by line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from assist.errors import RuleError
from assist.extract.registry import kinds as entity_kinds

KINDS = ("phrase", "entity", "timing", "checklist")
SPEAKERS = ("customer", "operator", "any")
LANGUAGES = ("ru", "en", "any")
CONDITIONS = ("operator_missing", "customer_silent")


@dataclass(frozen=True)
class ChecklistItem:
    name: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """One admin-written suggestion rule."""

    id: str
    title: str
    text: str
    kind: str = "phrase"
    enabled: bool = True
    language: str = "any"
    speaker: str = "any"
    phrases: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    threshold: float = 85.0
    priority: int = 50
    cooldown_s: float = 60.0
    max_per_call: int = 3
    category: str = "general"
    entity: str = ""
    condition: str = ""
    within_s: float = 30.0
    silence_s: float = 20.0
    items: tuple[ChecklistItem, ...] = ()


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    rule: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"rule '{self.rule}': " if self.rule else ""
        return f"{self.path}:{self.line}: {where}{self.field}: {self.message}"


@dataclass
class RuleSet:
    rules: tuple[Rule, ...]
    path: str
    problems: list[Problem] = field(default_factory=list)


def _accepted(hint: Any) -> tuple[type, ...]:
    """TOML value types a Rule field accepts: lists for tuples, integers for floats."""
    if getattr(hint, "__origin__", None) is tuple:
        return (list,)
    return (float, int) if hint is float else (hint,)


# Derived from Rule, so a field added there is accepted and checked here.
_FIELDS: dict[str, tuple[type, ...]] = {
    name: _accepted(hint) for name, hint in get_type_hints(Rule).items()
}
_REQUIRED = ("id", "title", "text")
_TYPE_NAMES = {str: "a string", bool: "true or false", list: "a list", int: "an integer",
               float: "a number"}


class _Lines:
    """Line numbers of `[[rule]]` blocks and of their keys in the TOML text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.blocks = [number for number, line in enumerate(self.lines, start=1)
                       if re.match(r"^\s*\[\[\s*rule\s*\]\]", line)]

    def of(self, index: int, key: str | None = None) -> int:
        if index >= len(self.blocks):
            return 0
        start = self.blocks[index]
        end = self.blocks[index + 1] if index + 1 < len(self.blocks) else len(self.lines) + 1
        if key is None:
            return start
        for number in range(start + 1, end):
            if re.match(rf"^\s*{re.escape(key)}\s*=", self.lines[number - 1]):
                return number
        return start


def parse_rules(text: str, path: str = "<rules>") -> RuleSet:
    """Every rule that is valid, and every problem found (never stops at the first)."""
    problems: list[Problem] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 0
        return RuleSet((), path, [Problem(path, line, None, "syntax", str(exc).split(" (at")[0])])
    lines = _Lines(text)
    for key in data:
        if key != "rule":
            problems.append(Problem(path, 1, None, key, "unknown key (expected [[rule]])"))
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        problems.append(Problem(path, 1, None, "rule", "must be an array of tables [[rule]]"))
        entries = []
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(Problem(path, 1, None, "rule", "must be an array of tables [[rule]]"))
            break
        rule, found = _rule(entry, index, lines, path)
        problems += found
        ident = entry.get("id")
        if isinstance(ident, str):
            if ident in seen:  # a duplicate is a problem even when the first one is broken
                problems.append(Problem(path, lines.of(index, "id"), ident, "id",
                                        f"duplicate id (first at line {seen[ident]})"))
                continue
            seen[ident] = lines.of(index, "id")
        if rule is not None:
            rules.append(rule)
    return RuleSet(tuple(rules), path, problems)


def _rule(entry: dict[str, Any], index: int, lines: _Lines, path: str
          ) -> tuple[Rule | None, list[Problem]]:
    ident = entry.get("id") if isinstance(entry.get("id"), str) else f"#{index + 1}"
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(path, lines.of(index, key if key in entry else None), ident, key,
                                message))

    values: dict[str, Any] = {}
    for key, value in entry.items():
        if key not in _FIELDS:
            problem(key, f"unknown key (known: {', '.join(sorted(_FIELDS))})")
            continue
        types = _FIELDS[key]
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            problem(key, f"expected {_TYPE_NAMES[types[0]]}, got {type(value).__name__}")
            continue
        values[key] = value
    for key in _REQUIRED:
        if not (isinstance(values.get(key), str) and values[key].strip()):
            if key in entry and key not in values:
                continue  # already reported as a wrong type
            problem(key, "required, must be a non-empty string")
    kind = values.get("kind", "phrase")
    for key, allowed in (("kind", KINDS), ("speaker", SPEAKERS), ("language", LANGUAGES)):
        if key in values and values[key] not in allowed:
            problem(key, f"must be one of {', '.join(allowed)}, got {values[key]!r}")
    for key in ("phrases", "negative"):
        if key in values:
            bad = [item for item in values[key] if not isinstance(item, str) or not item.strip()]
            if bad:
                problem(key, "every item must be a non-empty string")
    if "threshold" in values and not 0 < values["threshold"] <= 100:
        problem("threshold", f"must be in (0, 100], got {values['threshold']}")
    if "priority" in values and not 0 <= values["priority"] <= 100:
        problem("priority", f"must be in [0, 100], got {values['priority']}")
    for key in ("cooldown_s", "within_s", "silence_s"):
        if key in values and values[key] < 0:
            problem(key, f"must not be negative, got {values[key]}")
    if "max_per_call" in values and values["max_per_call"] < 1:
        problem("max_per_call", f"must be at least 1, got {values['max_per_call']}")
    if kind == "phrase" and not values.get("phrases"):
        problem("phrases", "a phrase rule needs at least one trigger phrase")
    if kind == "entity" and values.get("entity") not in entity_kinds():
        problem("entity", f"an entity rule needs entity = {' or '.join(entity_kinds())}")
    if kind == "timing":
        condition = values.get("condition")
        if condition not in CONDITIONS:
            problem("condition", f"a timing rule needs condition = {' or '.join(CONDITIONS)}")
        elif condition == "operator_missing" and not values.get("phrases"):
            problem("phrases", "operator_missing needs the phrases the operator must say")
    items: list[ChecklistItem] = []
    if kind == "checklist":
        for number, item in enumerate(values.get("items", []), start=1):
            name = item.get("name") if isinstance(item, dict) else None
            phrases = item.get("phrases") if isinstance(item, dict) else None
            if not isinstance(name, str) or not name.strip() or not isinstance(phrases, list) \
                    or not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
                problem("items", f"item {number}: needs a name and a non-empty list of phrases")
                continue
            items.append(ChecklistItem(name, tuple(phrases)))
        if not items and not any(p.field == "items" for p in problems):
            problem("items", "a checklist rule needs at least one item")
    if problems:
        return None, problems
    fields: dict[str, Any] = {key: tuple(value) if key in ("phrases", "negative") else value
                              for key, value in values.items() if key != "items"}
    for key in ("threshold", "cooldown_s", "within_s", "silence_s"):
        if key in fields:
            fields[key] = float(fields[key])
    return Rule(**fields, items=tuple(items)), []


def load_rules(path: str | Path) -> RuleSet:
    """Read and parse a rule file; an unreadable file is a RuleError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path}: not UTF-8 text") from exc
    return parse_rules(text, str(path))
