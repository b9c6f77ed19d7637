"""Rule files (TOML): parsed into typed rules, with every problem reported at once by line."""

from __future__ import annotations

import logging
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from assist.errors import RuleError
from assist.extract.registry import kinds as entity_kinds

log = logging.getLogger(__name__)

KINDS = ("phrase", "entity", "timing", "checklist")
SPEAKERS = ("customer", "operator", "any")
LANGUAGES = ("ru", "en", "any")
CONDITIONS = ("operator_missing", "customer_silent")
# Rule ids name rules in logs, reports and mute lists: plain ASCII only, so no look-alike
# letter from another alphabet, bidi control or invisible character can hide in one.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
ID_RULE = ("lower-case ASCII letters, digits, '_', '.' or '-' (at most 64, the first a letter "
           "or digit)")
# Scripts that share words in one language: Japanese writes kanji and kana in one word.
_SCRIPT_FAMILIES = {"CJK": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK"}


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
        return f"{self.path}:{self.line}: {where}{printable(self.field)}: {self.message}"


@dataclass
class RuleSet:
    rules: tuple[Rule, ...]
    path: str
    problems: list[Problem] = field(default_factory=list)
    # things that load but look wrong (a word mixing alphabets): told, never blocking
    warnings: list[Problem] = field(default_factory=list)


def shown_id(ident: str) -> str:
    """A rule id as it may be printed: an id outside the safe alphabet with every
    non-ASCII or control character escaped (a U+202E must not reverse the terminal)."""
    if ID_PATTERN.fullmatch(ident):
        return ident
    return "".join(char if " " <= char <= "~" else f"\\u{ord(char):04x}" for char in ident)


def printable(text: str) -> str:
    """`text` with line breaks, control and format characters (bidi overrides, zero-width
    spaces) escaped, so a problem is one line that shows what it says."""
    return "".join(f"\\u{ord(char):04x}" if not char.isprintable()
                   or unicodedata.category(char) == "Cf" else char for char in text)


def _id_problem(ident: str) -> str | None:
    if ID_PATTERN.fullmatch(ident):
        return None
    odd = next((char for char in ident if not ("a" <= char <= "z" or "0" <= char <= "9"
                                               or char in "_.-")), None)
    if odd is None:
        found = f"{len(ident)} characters" if len(ident) > 64 else "the first character"
    elif odd.isascii() and odd.isprintable():
        found = repr(odd)
    else:  # named: a look-alike letter or an invisible character shows nothing on screen
        found = f"U+{ord(odd):04X} {unicodedata.name(odd, 'a control or format character')}"
    return f"must be {ID_RULE}; found {found}"


def normalised(phrase: str) -> str:
    """A trigger phrase as matching sees it: NFKC (full-width and compatibility letters to
    plain ones), invisible format characters (zero-width spaces, bidi controls) removed."""
    text = unicodedata.normalize("NFKC", phrase)
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    script = name.split(" ", 1)[0] if name else "UNKNOWN"
    return _SCRIPT_FAMILIES.get(script, script)


def mixed_script(phrase: str) -> str | None:
    """A note when a word of `phrase` mixes letters of two alphabets (a Cyrillic «е» in an
    English word never matches what the recognizer writes), else None."""
    for word in re.findall(r"\w+", phrase):
        scripts: dict[str, list[str]] = {}
        for char in word:
            if char.isalpha():
                scripts.setdefault(_script(char), []).append(char)
        if len(scripts) > 1:
            fewest = min(scripts, key=lambda script: len(scripts[script]))
            letters = ", ".join(f"{char} U+{ord(char):04X}" for char in dict.fromkeys(
                scripts[fewest]))
            names = " and ".join(sorted(script.title() for script in scripts))
            return f"the word {word!r} mixes {names} letters ({fewest.title()}: {letters})"
    return None


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
    except RecursionError:  # arrays nested thousands deep
        return RuleSet((), path, [Problem(path, 0, None, "syntax", "values nested too deeply")])
    lines = _Lines(text)
    for key in data:
        if key != "rule":
            problems.append(Problem(path, 1, None, key, "unknown key (expected [[rule]])"))
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        problems.append(Problem(path, 1, None, "rule", "must be an array of tables [[rule]]"))
        entries = []
    rules: list[Rule] = []
    warnings: list[Problem] = []
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
                problems.append(Problem(path, lines.of(index, "id"), shown_id(ident), "id",
                                        f"duplicate id (first at line {seen[ident]})"))
                continue
            seen[ident] = lines.of(index, "id")
        if rule is not None:
            rules.append(rule)
            warnings += _mixed_scripts(rule, index, lines, path)
    return RuleSet(tuple(rules), path, problems, warnings)


def _mixed_scripts(rule: Rule, index: int, lines: _Lines, path: str) -> list[Problem]:
    found = []
    for key, phrases in (("phrases", rule.phrases), ("negative", rule.negative),
                         *(("items", item.phrases) for item in rule.items)):
        for phrase in phrases:
            note = mixed_script(phrase)
            if note is not None:
                found.append(Problem(path, lines.of(index, key), rule.id, key,
                                     f"{note}: a look-alike letter from another alphabet?"))
    return found


def _rule(entry: dict[str, Any], index: int, lines: _Lines, path: str
          ) -> tuple[Rule | None, list[Problem]]:
    ident = shown_id(entry["id"]) if isinstance(entry.get("id"), str) else f"#{index + 1}"
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
        if isinstance(value, float) and not math.isfinite(value):
            problem(key, f"must be a finite number, got {value}")
            continue
        values[key] = value
    for key in ("phrases", "negative"):
        if key in values and all(isinstance(item, str) for item in values[key]):
            values[key] = [normalised(item) for item in values[key]]
    if isinstance(values.get("id"), str) and values["id"].strip():
        bad_id = _id_problem(values["id"])
        if bad_id is not None:
            problem("id", bad_id)
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
            phrases = [normalised(phrase) for phrase in phrases]
            if not all(phrase.strip() for phrase in phrases):
                problem("items", f"item {number}: a phrase is only invisible characters")
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
    ruleset = parse_rules(text, str(path))
    for warning in ruleset.warnings:
        log.warning("%s", warning)
    return ruleset
