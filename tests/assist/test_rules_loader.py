"""Rule files: typed rules out of TOML, every problem listed at once with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assist.cli import main
from assist.rules import load_rules, parse_rules

GOOD = """\
[[rule]]
id = "refund"
title = "Refund policy"
text = "Offer a new delivery before a refund."
speaker = "customer"
phrases = ["refund", "money back"]
negative = ["no refund"]
threshold = 80

[[rule]]
id = "read-back"
title = "Read it back"
text = "Repeat the number to the customer."
kind = "entity"
entity = "phone"

[[rule]]
id = "disclosure"
title = "Recording disclosure"
text = "Say that the call is recorded."
kind = "timing"
condition = "operator_missing"
within_s = 30
phrases = ["this call is recorded"]

[[rule]]
id = "script"
title = "Greeting script"
text = "Finish the greeting."
kind = "checklist"
items = [{name = "name", phrases = ["my name is"]}, {name = "help", phrases = ["how can I help"]}]
"""

BROKEN = """\
[[rule]]
id = "one"
title = "One"
text = "x"
phrases = []

[[rule]]
id = "two"
title = "Two"
text = "y"
phrases = ["hello"]
threshold = 150
speaker = "boss"
colour = "red"

[[rule]]
id = "one"
title = "Again"
text = "z"
phrases = ["again"]

[[rule]]
title = "No id"
text = "w"
phrases = ["w"]
priority = "high"
"""


def test_a_good_file_gives_typed_rules() -> None:
    ruleset = parse_rules(GOOD, "good.toml")
    assert ruleset.problems == []
    assert [rule.id for rule in ruleset.rules] == ["refund", "read-back", "disclosure", "script"]
    refund = ruleset.rules[0]
    assert refund.phrases == ("refund", "money back") and refund.threshold == 80.0
    assert [item.name for item in ruleset.rules[3].items] == ["name", "help"]


def test_every_problem_is_listed_with_its_line() -> None:
    ruleset = parse_rules(BROKEN, "broken.toml")
    assert [str(problem) for problem in ruleset.problems] == [
        "broken.toml:5: rule 'one': phrases: a phrase rule needs at least one trigger phrase",
        "broken.toml:14: rule 'two': colour: unknown key (known: category, condition, "
        "cooldown_s, enabled, entity, id, items, kind, language, max_per_call, negative, "
        "phrases, priority, silence_s, speaker, text, threshold, title, within_s)",
        "broken.toml:13: rule 'two': speaker: must be one of customer, operator, any, "
        "got 'boss'",
        "broken.toml:12: rule 'two': threshold: must be in (0, 100], got 150",
        "broken.toml:17: rule 'one': id: duplicate id (first at line 2)",
        "broken.toml:26: rule '#4': priority: expected an integer, got str",
        "broken.toml:22: rule '#4': id: required, must be a non-empty string",
    ]
    assert [rule.id for rule in ruleset.rules] == []  # a rule with a problem is not loaded


def test_a_duplicate_id_names_the_first_line() -> None:
    text = GOOD + '\n[[rule]]\nid = "refund"\ntitle = "t"\ntext = "x"\nphrases = ["a"]\n'
    (problem,) = parse_rules(text, "dup.toml").problems
    assert str(problem) == "dup.toml:34: rule 'refund': id: duplicate id (first at line 2)"


def test_a_file_that_is_not_rule_tables_is_one_clear_problem() -> None:
    problems = parse_rules('rule = [1, 2]\nextra = true\n', "odd.toml").problems
    assert [(p.field, p.message) for p in problems] == [
        ("extra", "unknown key (expected [[rule]])"),
        ("rule", "must be an array of tables [[rule]]"),
    ]


def test_a_syntax_error_gives_its_line() -> None:
    (problem,) = parse_rules('[[rule]]\nid = "a"\ntitle = \n', "bad.toml").problems
    assert problem.line == 3 and problem.field == "syntax"


def test_rules_check_exits_2_listing_all_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    assert main(["rules", "check", str(broken)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 7 and all(line.startswith(f"{broken}:") for line in err)
    good = tmp_path / "good.toml"
    good.write_text(GOOD, encoding="utf-8")
    assert main(["rules", "check", str(good)]) == 0
    assert "4 rules, no problems" in capsys.readouterr().out
    assert main(["rules", "check", str(tmp_path / "missing.toml")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_load_rules_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert len(load_rules(path).rules) == 4


@pytest.mark.parametrize("name", ["en.toml", "ru.toml"])
def test_the_default_rule_sets_are_valid(name: str) -> None:
    ruleset = load_rules(Path(__file__).resolve().parents[2] / "resources" / "rules" / name)
    assert ruleset.problems == []
    kinds = {rule.kind for rule in ruleset.rules}
    assert kinds == {"phrase", "entity", "timing", "checklist"}


PIECES = st.sampled_from([
    "[[rule]]\n", 'id = "a"\n', 'title = "t"\n', 'text = "x"\n', "phrases = []\n",
    'phrases = ["p"]\n', "threshold = 200\n", 'kind = "timing"\n', "items = [1]\n",
    'items = [{name = "n"}]\n', "rule = 3\n", "[rule]\n", "x = \n", "enabled = 1\n",
])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=20).map("".join)))
def test_parsing_never_raises_and_loads_only_valid_rules(text: str) -> None:
    ruleset = parse_rules(text, "fuzz.toml")
    for rule in ruleset.rules:
        assert rule.id and rule.title and rule.text
    assert all(str(problem).startswith("fuzz.toml:") for problem in ruleset.problems)
