"""The entity kinds: one `EntityFinder` per kind, registered once; nothing else dispatches on kind.

A new kind is one module with a finder class and one `register` call (the built-in kinds
register in `assist.extract.builtin`). Extraction, the read-back check, masking in saved
calls and logs, the `extract` command's output and the app's card label all ask the
registry, so a kind the registry does not know is an error, never a silent fallback.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

Verdict = tuple[bool, tuple[str, ...]]  # (matched, the parts that differ)


@dataclass(frozen=True)
class FindContext:
    """What a finder may use besides the text: its language and the extraction settings."""

    language: str  # "ru" or "en"
    region: str  # default region for numbers said without a country code
    gazetteer: tuple[str, ...] = ()
    gazetteer_min_score: float = 85.0


@dataclass(frozen=True)
class Found:
    """One entity in one text: where it was said and its normalised value."""

    kind: str
    start: int
    end: int
    raw: str
    value: str
    corrected: bool = False
    uncertain: tuple[str, ...] = ()  # parts the finder had to guess (a login spelled in Cyrillic)


class EntityFinder(Protocol):
    """One kind of entity: how to find it, compare a read-back, mask it and name it."""

    @property
    def kind(self) -> str:
        """The kind's name in events and records: "phone", "address", "email"."""
        ...

    @property
    def plural(self) -> str:
        """The key of this kind's list in `sufler extract` output: "phones"."""
        ...

    def find(self, text: str, context: FindContext) -> list[Found]:
        """Every entity of this kind in `text`. Pure; never raises on text."""
        ...

    def compare(self, given: str, repeated: str) -> Verdict | None:
        """(matched, differences) when `repeated` reads back `given`; None when it is
        another entity altogether (no read-back)."""
        ...

    def mask(self, value: str) -> str:
        """The value as saved calls and logs may keep it."""
        ...

    def label(self, language: str) -> str:
        """The kind's name for a card in the UI language ("en" or "ru")."""
        ...

    def output(self, found: Found) -> str:
        """What `sufler extract` prints for one entity (the value, or the words as said)."""
        ...

    def display(self, value: str, raw: str) -> str:
        """How a card shows (and copies) an entity: its value, formatted for people."""
        ...


_finders: dict[str, EntityFinder] = {}
_lock = threading.Lock()
_builtins_loaded = False


def register(finder: EntityFinder) -> None:
    """Add a kind; the same kind twice is a programming error."""
    with _lock:
        if finder.kind in _finders:
            raise ValueError(f"entity kind {finder.kind!r} is registered already")
        _finders[finder.kind] = finder


def _ensure_builtins() -> None:
    global _builtins_loaded
    if _builtins_loaded:
        return
    import assist.extract.builtin  # noqa: F401 - registers phone, address and e-mail

    _builtins_loaded = True


def finders() -> tuple[EntityFinder, ...]:
    """Every registered finder, in registration order (the order of `extract` output)."""
    _ensure_builtins()
    return tuple(_finders.values())


def kinds() -> tuple[str, ...]:
    return tuple(finder.kind for finder in finders())


def finder(kind: str) -> EntityFinder:
    """The finder of `kind`; KeyError names the known kinds."""
    _ensure_builtins()
    try:
        return _finders[kind]
    except KeyError:
        raise KeyError(f"unknown entity kind {kind!r} (known: {', '.join(_finders)})") from None


def outputs(found: list[Found]) -> dict[str, list[str]]:
    """`sufler extract`'s lists: every kind's plural → what it prints, without repeats."""
    return {kind.plural: list(dict.fromkeys(kind.output(item) for item in found
                                            if item.kind == kind.kind))
            for kind in finders()}


def mask_entity(kind: str, value: str) -> str:
    """A value masked by its kind's rule; an unknown kind is masked whole."""
    _ensure_builtins()
    known = _finders.get(kind)
    return known.mask(value) if known is not None else f"[{kind}]"


def entity_display(kind: str, value: str, raw: str) -> str:
    """A value as a card shows it; an unknown kind shows the value as it is."""
    _ensure_builtins()
    known = _finders.get(kind)
    return known.display(value, raw) if known is not None else value


def entity_label(kind: str, language: str) -> str:
    """The UI name of a kind ("Phone", «Телефон»); an unknown kind shows its name."""
    _ensure_builtins()
    known = _finders.get(kind)
    return known.label(language) if known is not None else kind
