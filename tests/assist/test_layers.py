"""The layering contracts in pyproject.toml's [tool.importlinter] hold, and each one catches an
import planted against it.

`lint-imports` (import-linter) finds the packages it analyses through sys.path, and the checkout is
installed in the venv: a run on a copy must put the copy first (cwd and PYTHONPATH) or it silently
analyses the checkout. So every planted import is looked for in the report by its module and line
number, which only the copy has, and the unplanted copy must report what the checkout reports.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")  # not resolved: stay in the venv
# `- app.main -> assist.cli (l.137, l.142)` and the indented later links of an indirect chain.
LINK = re.compile(r"^[-&\s]*([\w.]+) -> ([\w.]+) \((l\.[^)]*)\)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Plant:
    contract: str  # the contract's id in pyproject.toml
    module: str  # the file, relative to the copy's root, that gets the line
    line: str  # the violating import, appended to the file
    link: tuple[str, str]  # (importer, imported): the link the report must show at that line


PLANTS = [
    # A submodule, imported directly by the app.
    Plant("public-face", "app/gui.py", "import assist.engine", ("app.gui", "assist.engine")),
    Plant("public-face", "app/session.py", "from assist.cli import main",
          ("app.session", "assist.cli")),
    Plant("layers", "assist/extract/registry.py", "import assist.engine",
          ("assist.extract.registry", "assist.engine")),
    Plant("layers", "assist/asr/worker.py", "import assist.pipeline",
          ("assist.asr.worker", "assist.pipeline")),
    Plant("layers", "assist/extract/extractor.py", "from assist import cli",
          ("assist.extract.extractor", "assist.cli")),
    Plant("layers", "assist/rules/gate.py", "from app import i18n",
          ("assist.rules.gate", "app.i18n")),
    # Indirectly: assist.asr and assist.rules import assist.config, which now imports the engine.
    Plant("layers", "assist/config.py", "import assist.engine", ("assist.config", "assist.engine")),
    Plant("qt-free", "assist/config.py", "import PySide6", ("assist.config", "PySide6")),
]


def _contracts() -> dict[str, str]:
    """Contract id -> name, from the checkout's pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c["name"] for c in config["tool"]["importlinter"]["contracts"]}


def _lint(root: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    """lint-imports on root's pyproject.toml, analysing the packages under root."""
    if not LINT_IMPORTS.is_file():
        pytest.fail(f"{LINT_IMPORTS} is missing: pip install -e '.[dev]' (import-linter)")
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "500", "NO_COLOR": "1"}
    args = [str(LINT_IMPORTS), "--no-logo", "--no-cache", str(root / "pyproject.toml")]
    for contract in contracts:
        args += ["--contract", contract]
    return subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=60)


def _links(report: str) -> set[tuple[str, str, str]]:
    return set(LINK.findall(report))


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    for package in ("assist", "app"):
        shutil.copytree(ROOT / package, root / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def _append(path: Path, line: str) -> int:
    """Append line to path; return its line number."""
    text = path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def test_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_contract_has_a_plant() -> None:
    assert {plant.contract for plant in PLANTS} == set(_contracts())


def _assert_catches(copy: Path, plant: Plant) -> None:
    name = _contracts()[plant.contract]

    # Unplanted, the copy reports exactly what the checkout does: nothing once the contract holds.
    checkout = _lint(ROOT, plant.contract)
    before = _lint(copy, plant.contract)
    assert before.returncode == checkout.returncode, before.stdout + before.stderr
    assert _links(before.stdout) == _links(checkout.stdout), before.stdout + before.stderr
    if checkout.returncode == 0:
        assert f"{name} KEPT" in before.stdout, before.stdout + before.stderr

    number = _append(copy / plant.module, plant.line)
    after = _lint(copy, plant.contract)
    assert after.returncode != 0, after.stdout + after.stderr
    assert f"{name} BROKEN" in after.stdout, after.stdout + after.stderr
    importer, imported = plant.link
    assert any(
        (link_importer, link_imported) == plant.link and re.search(rf"\bl\.{number}\b", lines)
        for link_importer, link_imported, lines in _links(after.stdout)
    ), f"{importer} -> {imported} (l.{number}) is not reported:\n{after.stdout}"


@pytest.mark.parametrize("plant", PLANTS, ids=lambda plant: f"{plant.contract}:{plant.module}")
def test_contract_catches_a_planted_import(plant: Plant, tmp_path: Path) -> None:
    _assert_catches(_copy(tmp_path), plant)
