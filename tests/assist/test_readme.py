"""README's Quick start and .ci/run stay in step."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```\n(.+?)\n```", quick_start, flags=re.S)
    assert len(commands) == 2, "Quick start must hold exactly two commands"
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci_lines[-1] == commands[1]
    assert "\n" not in commands[0], "the demo command is one line"
    assert commands[0].startswith("python3 -m venv .venv")
    assert commands[0].endswith("sufler --demo")
