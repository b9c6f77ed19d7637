"""Screenshots of the real windows on a virtual X display (Xvfb), kept as test artefacts
in artifacts/screenshots/ (not committed): the panel in English and Russian, the editor."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QImage

from tests.conftest import ROOT

OUT = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    read, write = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1600x1000x24",
                               "-nolisten", "tcp"], pass_fds=(write,),
                              stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def distinct_colours(path: object) -> int:
    image = QImage(str(path))
    assert not image.isNull()
    step = max(1, image.width() // 60)
    return len({image.pixel(x, y) for x in range(0, image.width(), step)
                for y in range(0, image.height(), step)})


@pytest.mark.parametrize("language", ["en", "ru"])
def test_windows_on_a_real_x_display(display: str, language: str) -> None:
    # a failed xcb plugin load aborts the process: keep it out of pytest's
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run([sys.executable, "-m", "tests.app.shoot", str(OUT), language],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    names = [f"main_{language}.png"] + (["rules_editor_en.png"] if language == "en" else [])
    for name in names:
        path = OUT / name
        assert path.stat().st_size > 10_000
        assert distinct_colours(path) > 20  # a drawn window, not a blank frame
