"""`assist` never imports Qt: the engine runs headless and under any client."""

from __future__ import annotations

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
