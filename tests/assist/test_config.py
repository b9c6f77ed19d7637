"""Engine settings: defaults load; every error names the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from assist.config import EngineConfig, load_config, replace_config
from assist.errors import ConfigError


def test_default_config_loads_and_matches_the_dataclass_defaults() -> None:
    assert load_config() == EngineConfig()


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[asr]\nmodel = 'base'\nbeam = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml:3: asr\.beam: unknown key"):
        load_config(path)


def test_wrong_type_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[endpoint]\nmin_silence_ms = 'long'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r":2: endpoint\.min_silence_ms: expected int"):
        load_config(path)


def test_syntax_error_and_bad_values(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[asr\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.toml"):
        load_config(path)
    with pytest.raises(ConfigError, match="pace"):
        replace_config(EngineConfig(), pace="warp")
    with pytest.raises(ConfigError, match="max_window_s"):
        replace_config(EngineConfig(), **{"endpoint.max_window_s": 40.0})
    with pytest.raises(ConfigError, match=r"asr\.decoder_threads"):
        replace_config(EngineConfig(), **{"asr.decoder_threads": -1})
    with pytest.raises(ConfigError, match=r"asr\.beam_size"):
        replace_config(EngineConfig(), **{"asr.beam_size": 0})
