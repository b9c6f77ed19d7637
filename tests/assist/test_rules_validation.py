"""Rule ids from a safe alphabet, finite numbers, NFKC phrases and a warning for words that
mix alphabets: the probes of issue 18 against `parse_rules` and `sufler rules check`."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assist.cli import main
from assist.config import resource_path
from assist.rules import load_rules, parse_rules
from assist.rules.loader import mixed_script, normalised, shown_id


def rule(ident: str = "en-refund", phrases: str = '["refund"]', extra: str = "") -> str:
    return (f'[[rule]]\nid = "{ident}"\ntitle = "Refund"\ntext = "Offer a redelivery."\n'
            f"phrases = {phrases}\n{extra}")


@pytest.mark.parametrize(("ident", "named"), [
    ("en-r\u0435fund", "U+0435 CYRILLIC SMALL LETTER IE"),  # a homoglyph of the Latin e
    ("en-\u202erefund", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("en\u200b-refund", "U+200B ZERO WIDTH SPACE"),
    ("en-refund\u00a0", "U+00A0 NO-BREAK SPACE"),
    ("En-Refund", "'E'"),
    ("en refund", "' '"),
    ("-refund", "the first character"),
    ("r" * 65, "65 characters"),
])
def test_rule_ids_outside_the_safe_alphabet_are_problems(ident: str, named: str) -> None:
    ruleset = parse_rules(rule(ident), "r.toml")
    assert ruleset.rules == ()
    [problem] = ruleset.problems
    assert problem.line == 2 and problem.field == "id"
    assert named in problem.message
    text = str(problem)
    assert text.isascii() and text.isprintable()  # no bidi override reaches the terminal


@pytest.mark.parametrize("ident", ["en-refund", "ru_cancel.v2", "0-first", "a"])
def test_safe_ids_load(ident: str) -> None:
    assert [loaded.id for loaded in parse_rules(rule(ident)).rules] == [ident]
    assert shown_id(ident) == ident


@pytest.mark.parametrize(("key", "value"), [
    ("cooldown_s", "nan"), ("cooldown_s", "inf"), ("within_s", "+inf"), ("silence_s", "-inf"),
    ("threshold", "nan"),
])
def test_non_finite_numbers_are_problems(key: str, value: str) -> None:
    ruleset = parse_rules(rule(extra=f"{key} = {value}\n"), "r.toml")
    assert ruleset.rules == ()
    [problem] = ruleset.problems
    assert (problem.line, problem.field) == (6, key)
    assert "finite" in problem.message


def test_phrases_are_nfkc_normalised_and_invisible_characters_dropped() -> None:
    ruleset = parse_rules(rule(phrases='["\uff52\uff45\uff46\uff55\uff4e\uff44", '
                                       '"money\u200b back", "\u2460 item"]',
                               extra='negative = ["no\u00a0refund"]\n'))
    [loaded] = ruleset.rules
    assert loaded.phrases == ("refund", "money back", "1 item")
    assert loaded.negative == ("no refund",)
    assert normalised("ﬁle\u202e") == "file"


def test_a_phrase_of_invisible_characters_only_is_a_problem() -> None:
    ruleset = parse_rules(rule(phrases='["\u200b\u200d"]'), "r.toml")
    assert [problem.field for problem in ruleset.problems] == ["phrases"]
    checklist = ('[[rule]]\nid = "script"\ntitle = "S"\ntext = "x"\nkind = "checklist"\n'
                 'items = [{name = "hi", phrases = ["\u200b"]}]\n')
    assert [problem.field for problem in parse_rules(checklist).problems] == ["items"]


def test_a_word_mixing_alphabets_loads_with_a_warning() -> None:
    ruleset = parse_rules(rule(phrases='["r\u0435fund please", "вернуть деньги"]'), "r.toml")
    assert ruleset.problems == [] and len(ruleset.rules) == 1
    [warning] = ruleset.warnings
    assert warning.line == 5 and warning.field == "phrases"
    assert "mixes Cyrillic and Latin letters (Cyrillic: е U+0435)" in warning.message
    checklist = ('[[rule]]\nid = "script"\ntitle = "S"\ntext = "x"\nkind = "checklist"\n'
                 'items = [{name = "hi", phrases = ["добрый dень"]}]\n')
    assert [warning.field for warning in parse_rules(checklist).warnings] == ["items"]


@pytest.mark.parametrize("phrase", ["refund", "вернуть деньги", "COVID-19 тест", "e-mail",
                                    "日本語のテキスト", "3D печать", "café"])
def test_words_of_one_alphabet_draw_no_warning(phrase: str) -> None:
    assert mixed_script(phrase) is None


@pytest.mark.parametrize("name", ["en.toml", "ru.toml"])
def test_the_default_rule_sets_draw_no_warning(name: str) -> None:
    ruleset = load_rules(resource_path("rules", name))
    assert ruleset.problems == [] and ruleset.warnings == []


def test_rules_check_rejects_the_probes_with_rc_2(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "probes.toml"
    path.write_text(rule("en-r\u0435fund") + "\n" + rule("en-\u202eback") + "\n"
                    + rule("zw\u200bsp") + "\n" + rule("cool", extra="cooldown_s = nan\n"),
                    encoding="utf-8")
    assert main(["rules", "check", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(line.startswith(f"{path}:") for line in err)
    assert "\u202e" not in "".join(err) and "\u200b" not in "".join(err)
    assert "U+0435" in err[0] and "U+202E" in err[1] and "U+200B" in err[2]
    assert "cooldown_s: must be a finite number, got nan" in err[3]


def test_rules_check_passes_a_mixed_script_phrase_and_logs_the_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "mixed.toml"
    path.write_text(rule(phrases='["r\u0435fund"]'), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="assist.rules.loader"):
        assert main(["rules", "check", str(path)]) == 0
    assert "1 rules, no problems" in capsys.readouterr().out
    assert any(message.startswith(f"{path}:5: rule 'en-refund': phrases: the word")
               for message in caplog.messages)


def test_deeply_nested_toml_is_a_problem_not_a_crash() -> None:
    ruleset = parse_rules("x = " + "[" * 50_000 + "]" * 50_000, "deep.toml")
    assert [(problem.field, problem.message) for problem in ruleset.problems] == [
        ("syntax", "values nested too deeply")]


def test_an_unknown_key_with_a_line_break_or_bidi_mark_is_shown_escaped() -> None:
    text = '"top\\n" = 2\n' + rule(extra='"col\\nour\\u202e" = 1\n')
    shown = [str(problem) for problem in parse_rules(text, "r.toml").problems]
    assert shown[0] == "r.toml:1: top\\u000a: unknown key (expected [[rule]])"
    assert shown[1].startswith("r.toml:2: rule 'en-refund': col\\u000aour\\u202e: unknown key")
    assert all("\n" not in line and "\u202e" not in line for line in shown)
