"""`assist` never imports Qt: the engine runs headless and under any client."""

from __future__ import annotations

import os
import subprocess
import sys


def test_importing_assist_loads_no_qt() -> None:
    code = (
        "import sys, assist, assist.cli, assist.engine, assist.bench.latency, assist.bench.soak\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'PyQt5', 'PyQt6', 'shiboken6'))\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
    assert "Engine" in __import__("assist").__all__


def test_importing_assist_makes_openmp_wait_passively_unless_chosen() -> None:
    """libgomp reads OMP_WAIT_POLICY once, when CTranslate2 loads it: `assist` sets it first
    (spinning threads made the GUI miss its ticks) and keeps a value the user set."""
    code = "import os, assist; print(os.environ.get('OMP_WAIT_POLICY'))"
    env = {key: value for key, value in os.environ.items() if key != "OMP_WAIT_POLICY"}
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env=env)
    assert plain.stdout.strip() == "PASSIVE"
    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={**env, "OMP_WAIT_POLICY": "ACTIVE"})
    assert chosen.stdout.strip() == "ACTIVE"
