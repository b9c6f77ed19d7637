"""Run as `python -m tests.app.shoot_review OUT_DIR LANG` on a real X display (Xvfb): the
supervisor report window over generated latency logs (6 operators, 4 days), its plots tab
and its operators table, saved as review_LANG.png and review_table_LANG.png."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app import i18n
from app.gui import application
from app.review import ReviewWindow
from assist.bench.report import generate
from tests.app.shoot import grab


def main(out: Path, language: str) -> None:
    app = application()
    i18n.install(app, language)
    logs = Path(tempfile.mkdtemp()) / "logs"
    generate(logs, operators=6, hours=0.4, days=4)
    window = ReviewWindow(logs)
    window.show()
    window.run_report()
    deadline = time.monotonic() + 60
    while window.report is None:
        if time.monotonic() > deadline:
            raise SystemExit("the report did not arrive within 60 s")
        QApplication.processEvents()
        time.sleep(0.02)
    out.mkdir(parents=True, exist_ok=True)
    grab(window, out / f"review_{language}.png")
    window.tabs.setCurrentIndex(1)  # the operators table
    grab(window, out / f"review_table_{language}.png")
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
