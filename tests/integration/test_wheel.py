"""The wheel: built from the checkout, installed (not editable) into a fresh virtual environment
and run outside the checkout, with only what the wheel ships: the default rules, the demo call
through the real model, the bench command line.

Offline: the wheel is built without build isolation (setuptools and wheel from the dev extra) and
installed without its dependencies, which the new environment borrows from this one's
site-packages through a .pth file. Paths listed in a .pth file are not site directories, so the
editable install of the checkout there (its own .pth) stays inert and `assist` comes from the
wheel, which the test checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Files of resources/ that stay in the repository: translation sources (the .qm ship).
NOT_SHIPPED = ("*.ts",)


def resource_files() -> set[str]:
    """What the wheel must carry in assist/resources/: every file of the repository's
    resources/ folder but the translation sources (a new icon or page that did not ship
    would fail here, as a listed one that went missing)."""
    folder = ROOT / "resources"
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
            and not any(path.match(pattern) for pattern in NOT_SHIPPED)}


SOURCES = ("pyproject.toml", "README.md", "app", "assist", "resources")


def package_folders() -> set[str]:
    """Every package of the checkout, as a dotted name (assist.resources: resources/)."""
    names = {"assist.resources"}
    for top in ("app", "assist"):
        for init in (ROOT / top).rglob("__init__.py"):
            names.add(".".join(init.parent.relative_to(ROOT).parts))
    return names


def test_every_package_is_listed_for_the_wheel() -> None:
    """pyproject.toml lists the packages (resources/ is mapped, so packages.find cannot):
    a package folder missing there would be missing from the wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert set(setuptools["packages"]) == package_folders()
    assert setuptools["package-dir"] == {"assist.resources": "resources"}


def dependency_paths() -> list[str]:
    """This interpreter's sys.path as folders, less the checkout. They come after the new
    environment's site-packages, so the wheel's packages are imported first in any case."""
    paths = (Path(entry or os.curdir).resolve() for entry in sys.path)
    return list(dict.fromkeys(str(path) for path in paths if path.is_dir() and path != ROOT))


@dataclass(frozen=True)
class Installed:
    wheel: Path
    python: Path
    bin: Path
    site: Path
    work: Path  # an empty working directory outside the checkout
    env: dict[str, str]

    def run(self, args: Sequence[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), cwd=self.work, env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def python_c(self, code: str) -> str:
        result = self.run([str(self.python), "-c", code])
        assert result.returncode == 0, result.stderr
        return result.stdout


def _check(result: subprocess.CompletedProcess[str], what: str) -> None:
    assert result.returncode == 0, f"{what} failed:\n{result.stdout[-2000:]}\n{result.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    major = int(version("setuptools").split(".")[0])
    if major < 77:  # license = "MIT" (PEP 639) needs setuptools 77
        pytest.skip(f"setuptools {version('setuptools')} cannot build the wheel offline: "
                    "pip install -e '.[dev]' (setuptools>=77)")
    tmp = tmp_path_factory.mktemp("wheel")
    # Build from a copy: an in-tree build leaves build/ in the checkout, and a stale build/lib
    # would put deleted files into the next wheel.
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--quiet", "--wheel-dir", str(dist), str(source)],
        cwd=tmp, capture_output=True, text=True, timeout=300)
    _check(build, "pip wheel")
    (wheel,) = dist.glob("sufler-*.whl")

    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(wheel)],
        cwd=tmp, capture_output=True, text=True, timeout=300)
    _check(install, "pip install of the wheel")
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True, timeout=60).stdout.strip())
    # The dependencies: this interpreter's sys.path (its site-packages), after the new one's.
    (site / "zz_sufler_test_dependencies.pth").write_text(
        "".join(f"{path}\n" for path in dependency_paths()), encoding="utf-8")

    work = tmp / "work"
    work.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")}
    env.update(XDG_CONFIG_HOME=str(tmp / "config"), XDG_STATE_HOME=str(tmp / "state"),
               PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return Installed(wheel, python, venv / "bin", site, work, env)


@pytest.mark.model
def test_the_wheel_carries_the_packages_and_resources(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    packages = {".".join(Path(name).parent.parts) for name in names
                if name.endswith("/__init__.py")}
    assert packages == package_folders()
    prefix = "assist/resources/"
    resources = {name.removeprefix(prefix) for name in names if name.startswith(prefix)}
    assert resources == resource_files()
    assert {"config.toml", "rules/ru.toml", "demo/demo_ru.flac", "examples/crm.html",
            "translations/sufler_ru.qm"} <= resources
    assert "assist/py.typed" in names
    assert not any(name.startswith(("resources/", "tests/")) for name in names)


@pytest.mark.model
def test_the_installed_wheel_runs_outside_the_checkout(installed: Installed,
                                                       base_model: str) -> None:
    where = json.loads(installed.python_c(
        "import json, app, assist, assist.resources; from assist import load_config\n"
        "print(json.dumps({'app': app.__file__, 'assist': assist.__file__,\n"
        "                  'resources': assist.resources.__file__,\n"
        "                  'rules': [str(p) for p in load_config().rules.paths()]}))"))
    for name in ("app", "assist", "resources"):
        assert Path(where[name]).is_relative_to(installed.site), (name, where[name])
    rules = [Path(path) for path in where["rules"]]
    assert [path.name for path in rules] == ["ru.toml", "en.toml"]
    for path in rules:
        assert path.is_relative_to(installed.site / "assist" / "resources"), path
        _check(installed.run([str(installed.bin / "sufler"), "rules", "check", str(path)]),
               f"sufler rules check {path}")

    # base_model: the default config's model ("base") is importable from its packages
    demo = installed.run([str(installed.bin / "sufler"), "--demo", "--no-gui", "--pace", "fast"],
                         timeout=300)
    _check(demo, "sufler --demo --no-gui --pace fast")
    records = [json.loads(line) for line in demo.stdout.splitlines() if line.strip()]
    assert any(record.get("type") == "transcript" and record.get("text") for record in records), (
        demo.stdout[-2000:])

    _check(installed.run([str(installed.python), "-m", "assist.bench", "--help"]),
           "python -m assist.bench --help")
