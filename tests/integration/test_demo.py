"""The built-in demo calls show what Sufler is for, on the default configuration (issue 19).

`sufler --demo LANG --no-gui --pace fast` with the default model (base) must print, for each
language: a phone card and an address card whose values equal the demo's script
(resources/demo/demo_LANG.jsonl), a read-back confirmed and one flagged, at least two hints
shown, and the greeting checklist completed. One run per language (~35-45 s each here).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from typing import Any

import pytest

from assist import DEMO_LANGUAGES, demo_audio

pytestmark = pytest.mark.model


def script(language: str) -> list[dict[str, Any]]:
    path = demo_audio(language).with_suffix(".jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def said(language: str, kind: str) -> list[str]:
    """The values of the entities of `kind` the script's turns carry."""
    return [turn["entity"]["value"] for turn in script(language)
            if turn.get("entity", {}).get("kind") == kind]


def words(value: str) -> str:
    """An address as words: case and punctuation aside ("Unit 12," is "unit 12")."""
    return " ".join(re.findall(r"\w+", value.lower().replace("ё", "е")))


@cache
def demo_output(language: str, base_model: str) -> tuple[dict[str, Any], ...]:
    done = subprocess.run(
        [sys.executable, "-m", "app.main", "--demo", language, "--no-gui", "--pace", "fast",
         "--model", base_model],
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return tuple(json.loads(line) for line in done.stdout.splitlines() if line.strip())


@pytest.fixture(params=DEMO_LANGUAGES)
def demo(request: pytest.FixtureRequest, base_model: str) -> tuple[str, list[dict[str, Any]]]:
    language = str(request.param)
    return language, list(demo_output(language, base_model))


def of_type(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [record for record in records if record["type"] == kind]


def test_the_demo_shows_every_card_the_script_holds(
        demo: tuple[str, list[dict[str, Any]]]) -> None:
    language, records = demo
    entities = of_type(records, "entity")
    phones = {entity["value"] for entity in entities
              if entity["kind"] == "phone" and entity["speaker"] == "customer"}
    assert set(said(language, "phone")) <= phones, entities
    addresses = {words(entity["value"]) for entity in entities
                 if entity["kind"] == "address" and entity["speaker"] == "customer"}
    assert {words(value) for value in said(language, "address")} <= addresses, entities


def test_the_demo_confirms_one_read_back_and_flags_the_slip(
        demo: tuple[str, list[dict[str, Any]]]) -> None:
    language, records = demo
    readbacks = of_type(records, "readback")
    expected = {(turn["readback"]["of"], turn["readback"]["matched"])
                for turn in script(language) if "readback" in turn}
    assert {("phone", True), ("address", False)} <= expected  # what the script is for
    assert expected <= {(readback["kind"], readback["matched"]) for readback in readbacks}
    slip = next(readback for readback in readbacks if not readback["matched"])
    assert any(difference.startswith("apartment") for difference in slip["differences"])


def test_the_demo_shows_hints_in_time_and_completes_the_checklist(
        demo: tuple[str, list[dict[str, Any]]]) -> None:
    language, records = demo
    shown = [record for record in of_type(records, "suggestion")
             if record["decision"] == "shown"]
    assert len({record["rule"] for record in shown}) >= 2, shown
    assert all(record["age"] <= 3.0 for record in shown)  # rules.budget_s
    assert all(record["rule"].startswith(f"{language}-") for record in shown)
    checklists = of_type(records, "checklist")
    assert any(not record["remaining"] and record["done"] for record in checklists), checklists


def test_the_demo_shows_the_dictated_e_mail(demo: tuple[str, list[dict[str, Any]]]) -> None:
    language, records = demo
    emails = {entity["value"] for entity in of_type(records, "entity")
              if entity["kind"] == "email"}
    assert set(said(language, "email")) <= emails


def test_each_demo_has_its_script() -> None:
    for language in DEMO_LANGUAGES:
        assert demo_audio(language).is_file()
        turns = script(language)
        assert {turn["speaker"] for turn in turns} == {"operator", "customer"}
        assert all(turn["source"] for turn in turns)
