"""The Qt binding itself: PySide6 6.12.0 decref'd True/False on every signal emit to a
Python slot, which crashed the app minutes into a call (pyproject pins it out)."""

from __future__ import annotations

import subprocess
import sys


def test_signal_emits_do_not_corrupt_reference_counts() -> None:
    code = (
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication, QObject, Signal\n"
        "app = QCoreApplication([])\n"
        "class Bell(QObject):\n"
        "    rang = Signal(object)\n"
        "bell = Bell(); heard = []\n"
        "bell.rang.connect(heard.append)\n"
        "before = sys.getrefcount(True), sys.getrefcount(False)\n"
        "for i in range(5000): bell.rang.emit(i)\n"
        "after = sys.getrefcount(True), sys.getrefcount(False)\n"
        "print(len(heard), before == after)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, env={"QT_QPA_PLATFORM": "offscreen",
                                             "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["5000", "True"]
