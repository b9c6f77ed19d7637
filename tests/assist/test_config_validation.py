"""Every engine setting has a type and a range: a bad value, language or region is one line
naming the file, the key's own line and the key; thread counts are clamped, not crashed."""

from __future__ import annotations

import dataclasses
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any, get_type_hints

import pytest

from assist.cli import main
from assist.config import (
    _SECTIONS,
    WHISPER_LANGUAGES,
    Bounds,
    EngineConfig,
    available_cpus,
    dump_config,
    load_config,
    load_config_text,
    replace_config,
)
from assist.errors import ConfigError

# The probes of issue 18, each as (TOML text, the error's line, what the error says).
PROBES = [
    ('chunk_ms = "fast"\n', 1, "chunk_ms: expected int, got str"),
    ("chunk_ms = 0\n", 1, "chunk_ms: must be in [10, 1000], got 0"),
    ("chunk_ms = -50\n", 1, "chunk_ms: must be in [10, 1000], got -50"),
    ("[endpoint]\nvad_threshold = 0.5\nmax_window_s = nan\n", 3,
     "endpoint.max_window_s: must be a finite number, got nan"),
    ("[endpoint]\nmax_window_s = 0.0\n", 2, "endpoint.max_window_s: must be in [1, 29]"),
    ("[endpoint]\nmax_window_s = -3.0\n", 2, "endpoint.max_window_s: must be in [1, 29]"),
    ("[endpoint]\nmin_silence_ms = 0\n", 2, "endpoint.min_silence_ms: must be in [1, 10000]"),
    ("[endpoint]\nmin_silence_ms = -500\n", 2, "endpoint.min_silence_ms: must be in"),
    ("[endpoint]\n\n# a comment\nvad_threshold = 5.0\n", 4,
     "endpoint.vad_threshold: must be in (0, 0.99], got 5"),
    ("[asr]\ntemperatures = []\n", 2, "asr.temperatures: needs at least 1 item"),
    ("[asr]\ntemperatures = [0.0, inf]\n", 2, "asr.temperatures: must be a finite number"),
    ("[extract]\ncontext_utterances = 0\n", 2, "extract.context_utterances: must be in [1, 20]"),
    ("[extract]\ncontext_utterances = -1\n", 2, "extract.context_utterances: must be in"),
    ('[extract]\nregion_en = "ZZ"\n', 2, "extract.region_en: unknown region 'ZZ'"),
    ('[extract]\nregion_ru = "ru"\n', 2,
     "extract.region_ru: unknown region 'ru' (did you mean RU?)"),
    ("[rules]\nbudget_s = nan\n", 2, "rules.budget_s: must be a finite number, got nan"),
    ("[rules]\nbudget_s = inf\n", 2, "rules.budget_s: must be a finite number, got inf"),
    ("[rules]\nbudget_s = 0.0\n", 2, "rules.budget_s: must be in (0, 600]"),
    ("[backlog]\nmax_pending = 0\n", 2, "backlog.max_pending: must be in [1, 1000], got 0"),
    ("[rules]\nreload_check_s = 0.0\n", 2, "rules.reload_check_s: must be in [0.1, 3600]"),
    ('[channels]\nlanguages = ["auto", "xx"]\n', 2, "channels.languages: unknown language 'xx'"),
    ('[asr]\nauto_languages = ["ru", "eng"]\n', 2,
     "asr.auto_languages: unknown language 'eng' (did you mean en?)"),
    ('[channels]\nspeakers = ["operator", "customer", "third"]\n', 2,
     "channels.speakers: 2 language(s) for 3 speaker(s)"),
    ('[channels]\nspeakers = ["operator"]\nlanguages = ["ru", "en"]\n', 3,
     "channels.languages: 2 language(s) for 1 speaker(s)"),
    ("[endpoint]\nsoft_max_s = 20.0\nmax_window_s = 10.0\n", 2,
     "endpoint.soft_max_s: must not exceed max_window_s"),
    ("[endpoint]\nmax_window_s = 1e400\n", 2, "must be a finite number, got inf"),
    ("chunk_ms = 1" + "0" * 40 + "\n", 1, "chunk_ms: must be in [10, 1000]"),
    ("[asr]\nbeam_size = true\n", 2, "asr.beam_size: expected int, got bool"),
    ("asr.beam_size = 0\n", 1, "asr.beam_size: must be in [1, 16]"),
    ("[guards]\nmin_logprob = 0.5\n", 2, "guards.min_logprob: must be at most 0"),
    ("[capture]\noperator_channel = -2\n", 2, "capture.operator_channel: must be in [0, 255]"),
    ("[storage]\nretention_days = 0\n", 2, "storage.retention_days: must be in [1, 36500]"),
    ('[asr]\n"bad\\nkey\\u202e" = 1\n', 1, "asr.bad\\u000akey\\u202e: unknown key"),
]


@pytest.mark.parametrize(("text", "line", "needle"), PROBES)
def test_a_bad_setting_is_one_line_at_the_key_s_own_line(text: str, line: int,
                                                         needle: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, "bad.toml")
    message = str(caught.value)
    assert message.startswith(f"bad.toml:{line}: "), message
    assert needle in message
    assert "\n" not in message


def _numeric_fields() -> list[tuple[str, str, Any, dataclasses.Field[Any]]]:
    """(section, key, type hint, field) of every number or list-of-numbers setting."""
    found = []
    for section, cls in [*_SECTIONS.items(), ("", EngineConfig)]:
        hints = get_type_hints(cls)
        for item in dataclasses.fields(cls):
            hint = hints[item.name]
            if hint in (int, float) or getattr(hint, "__args__", (None,))[0] in (int, float):
                found.append((section, item.name, hint, item))
    return found


NUMERIC = _numeric_fields()


def test_every_numeric_setting_declares_its_range() -> None:
    """A key added without `setting(..., low=/high=/above=)` fails here."""
    assert len(NUMERIC) > 30
    missing = [f"{section}.{key}" for section, key, _, item in NUMERIC
               if not isinstance(item.metadata.get("bounds"), Bounds)]
    assert missing == []


def _outside(bounds: Bounds, integer: bool) -> str:
    if bounds.low is not None:
        value = bounds.low - 1
    elif bounds.above is not None:
        value = bounds.above
    else:
        assert bounds.high is not None
        value = bounds.high + 1
    return str(int(value)) if integer else repr(float(value))


@pytest.mark.parametrize(("section", "key", "hint", "item"), NUMERIC,
                         ids=[f"{section or 'top'}.{key}" for section, key, _, _ in NUMERIC])
def test_each_numeric_setting_rejects_out_of_range_and_non_finite_values_at_its_line(
        section: str, key: str, hint: Any, item: dataclasses.Field[Any]) -> None:
    bounds = item.metadata["bounds"]
    listed = hint not in (int, float)
    integer = int in (hint, *getattr(hint, "__args__", ()))
    dotted = f"{section}.{key}" if section else key
    header = f"# settings\n[{section}]\n# the key:\n" if section else "# settings\n\n"
    values = [_outside(bounds, integer)] + ([] if integer else ["nan", "-inf"])
    for value in values:
        text = f"{header}{key} = {f'[{value}]' if listed else value}\n"
        with pytest.raises(ConfigError) as caught:
            load_config_text(text, "c.toml")
        assert str(caught.value).startswith(f"c.toml:{text.count(chr(10))}: {dotted}: "), \
            str(caught.value)


def test_thread_counts_past_the_cpus_are_clamped_with_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="assist.config"):
        config = load_config_text("[asr]\ncpu_threads = 100000\ndecoder_threads = 5000\n")
    cpus = available_cpus()
    assert config.asr.cpu_threads == cpus and config.asr.decoder_threads == min(5000, cpus)
    assert any("asr.cpu_threads = 100000" in message and f"using {cpus}" in message
               for message in caplog.messages)
    assert load_config_text("[asr]\ncpu_threads = 1\n").asr.cpu_threads == 1


def test_the_language_list_is_whisper_s() -> None:
    tokenizer = pytest.importorskip("faster_whisper.tokenizer")
    assert tokenizer._LANGUAGE_CODES == WHISPER_LANGUAGES


def test_an_unknown_language_names_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match=r"Whisper's codes: af, am, .*, ru, .*, zh, yue$"):
        load_config_text('[channels]\nlanguages = ["ru", "russian"]\n')
    config = load_config_text('[channels]\nlanguages = ["de", "auto"]\n'
                              '[asr]\nauto_languages = []\n')
    assert config.channels.languages == ("de", "auto") and config.asr.auto_languages == ()


def test_regions_are_phonenumbers_regions() -> None:
    config = load_config_text('[extract]\nregion_ru = "KZ"\nregion_en = "GB"\n')
    assert (config.extract.region_ru, config.extract.region_en) == ("KZ", "GB")
    with pytest.raises(ConfigError, match=r"e\.g\. RU, US, GB"):
        load_config_text('[extract]\nregion_en = "UK"\n')


def test_replace_config_checks_ranges_too() -> None:
    with pytest.raises(ConfigError, match=r"^backlog\.max_pending: must be in \[1, 1000\]"):
        replace_config(EngineConfig(), **{"backlog.max_pending": 0})
    with pytest.raises(ConfigError, match=r"^asr\.beam: unknown key"):
        replace_config(EngineConfig(), **{"asr.beam": 2})
    with pytest.raises(ConfigError, match=r"^endpoint\.vad_threshold: expected float, got str"):
        replace_config(EngineConfig(), **{"endpoint.vad_threshold": "high"})
    assert replace_config(EngineConfig(), **{"rules.budget_s": 2}).rules.budget_s == 2.0


def test_a_config_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[asr]\nprompt = "caf\xe9"\n')
    with pytest.raises(ConfigError, match=r"latin1\.toml:2: not UTF-8 text \(byte 19\)$"):
        load_config(path)


def test_toml_syntax_errors_and_deep_nesting_are_one_line() -> None:
    with pytest.raises(ConfigError, match=r"^s\.toml:3: "):
        load_config_text("[asr]\nmodel = 'base'\n[asr\n", "s.toml")
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config_text("x = " + "[" * 50_000 + "]" * 50_000, "s.toml")


def test_a_valid_non_default_config_round_trips() -> None:
    config = load_config_text(
        'chunk_ms = 20\n[asr]\ntemperatures = [0.0, 0.4]\nauto_languages = ["de"]\n'
        '[channels]\nspeakers = ["agent"]\nlanguages = ["de"]\n'
        '[endpoint]\nvad_threshold = 0.99\nmax_window_s = 29\nsoft_max_s = 29\n'
        '[extract]\nregion_en = "GB"\ncontext_utterances = 1\n')
    assert load_config_text(dump_config(config)) == config
    assert config.endpoint.max_window_s == 29.0 and isinstance(config.endpoint.max_window_s,
                                                               float)


@pytest.mark.parametrize(("text", "needle"), [
    ("[backlog]\nmax_pending = 0\n", "c.toml:2: backlog.max_pending"),
    ('chunk_ms = "fast"\n', "c.toml:1: chunk_ms: expected int"),
    ("[endpoint]\nmax_window_s = nan\n", "c.toml:2: endpoint.max_window_s"),
])
def test_the_cli_gives_rc_2_and_one_line_for_a_bad_config(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, needle: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["extract", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("sufler: error: ") and needle in err[0]


def test_the_cli_subprocess_has_no_traceback_for_a_non_utf8_config(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(b"\xff\xfe[asr]\n")
    result = subprocess.run([sys.executable, "-m", "assist", "extract", "--config", str(path)],
                            input="", capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"sufler: error: {path}:1: not UTF-8 text (byte 0)"]
