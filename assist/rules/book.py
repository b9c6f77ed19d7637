"""Rule files in force: loaded, watched for changes, and never replaced by a broken version.

Each file keeps its own last good rules. At start a file with problems contributes the rules
that are valid (better some hints than none) and its problems are reported; later, a changed
file with any problem is reported and its previous rules stay in force until it is fixed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assist.errors import RuleError
from assist.events import RulesLoaded
from assist.rules.loader import Problem, Rule, load_rules

log = logging.getLogger(__name__)


@dataclass
class _File:
    path: Path
    signature: tuple[int, int] | None = None  # (mtime_ns, size) when last read
    rules: tuple[Rule, ...] = ()
    loaded: bool = False


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class RuleBook:
    """The rules of several files, with duplicate ids across files reported."""

    def __init__(self, paths: Sequence[str | Path]) -> None:
        self._files = [_File(Path(path)) for path in paths]
        self.rules: tuple[Rule, ...] = ()
        self.version = 0  # bumped whenever `rules` changes
        self.problems: tuple[str, ...] = ()

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(str(entry.path) for entry in self._files)

    def reload(self, at: float = 0.0, force: bool = False) -> RulesLoaded | None:
        """Re-read files that changed since the last call (all of them with `force`).

        Returns what happened, or None when nothing changed.
        """
        changed = [entry for entry in self._files
                   if force or not entry.loaded or _signature(entry.path) != entry.signature]
        if not changed:
            return None
        problems: list[str] = []
        kept = False
        for entry in changed:
            entry.signature = _signature(entry.path)
            try:
                ruleset = load_rules(entry.path)
            except RuleError as exc:
                found: list[str] = [str(exc)]
                good: tuple[Rule, ...] = ()
            else:
                found = [str(problem) for problem in ruleset.problems]
                good = ruleset.rules
            problems += found
            if found and entry.loaded:
                kept = True  # a broken edit never replaces rules that worked
                continue
            entry.rules, entry.loaded = good, True
        rules, duplicates = self._merge()
        problems += [str(problem) for problem in duplicates]
        if rules != self.rules:
            self.rules = rules
            self.version += 1
        self.problems = tuple(problems)
        event = RulesLoaded(self.paths, len(self.rules), self.problems, kept, at)
        if problems:
            log.warning("rule problems%s:\n%s",
                        " (previous rules kept)" if kept else "", "\n".join(problems))
        return event

    def _merge(self) -> tuple[tuple[Rule, ...], list[Problem]]:
        seen: dict[str, str] = {}
        rules: list[Rule] = []
        duplicates: list[Problem] = []
        for entry in self._files:
            for rule in entry.rules:
                if rule.id in seen:
                    duplicates.append(Problem(str(entry.path), 0, rule.id, "id",
                                              f"duplicate id (also in {seen[rule.id]}); "
                                              "this one is ignored"))
                    continue
                seen[rule.id] = str(entry.path)
                rules.append(rule)
        return tuple(rules), duplicates
