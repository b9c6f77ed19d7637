"""Global hotkeys on a real X server (Xvfb): the grab fires for the bound keys with or
without Num Lock, a key another program holds is a clear error, Wayland is refused, and the
Qt relay delivers the press as a signal on the GUI thread."""

from __future__ import annotations

import ctypes
import ctypes.util
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.hotkeys import HotkeyError, HotkeyRelay, X11Hotkeys, available, parse
from assist import EngineConfig

BINDINGS = {"Ctrl+Alt+M": "mute", "Ctrl+Alt+C": "copy_entity"}


@pytest.fixture(scope="module")
def xserver() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("needs Xvfb (apt-get install xvfb)")
    if ctypes.util.find_library("Xtst") is None or ctypes.util.find_library("xcb") is None:
        pytest.skip("needs libxtst6 and libxcb1")
    number = next(n for n in range(150, 250) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                  and not Path(f"/tmp/.X{n}-lock").exists())
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "640x480x24",
                               "-nolisten", "tcp", "-noreset"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    for _ in range(100):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            break
        time.sleep(0.05)
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def display(xserver: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DISPLAY", xserver)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    return xserver


def press(display: str, *keys: str) -> None:
    """Press the keys in order and release them in reverse, through the XTest extension,
    as a keyboard would (another X client than the one holding the grab)."""
    xlib = ctypes.CDLL(ctypes.util.find_library("X11"))
    xtst = ctypes.CDLL(ctypes.util.find_library("Xtst"))
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XStringToKeysym.restype = ctypes.c_ulong
    xlib.XStringToKeysym.argtypes = [ctypes.c_char_p]
    xlib.XKeysymToKeycode.restype = ctypes.c_ubyte
    xlib.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    xlib.XFlush.argtypes = [ctypes.c_void_p]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                       ctypes.c_ulong]
    connection = xlib.XOpenDisplay(display.encode())
    assert connection, f"cannot open {display}"
    codes = [xlib.XKeysymToKeycode(connection, xlib.XStringToKeysym(key.encode()))
             for key in keys]
    for code in codes:
        xtst.XTestFakeKeyEvent(connection, code, 1, 0)
    for code in reversed(codes):
        xtst.XTestFakeKeyEvent(connection, code, 0, 0)
    xlib.XFlush(connection)
    xlib.XCloseDisplay(connection)


def wait_for(seen: list[str], count: int) -> None:
    deadline = time.monotonic() + 5
    while len(seen) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def test_bound_keys_fire_and_others_do_not(display: str) -> None:
    seen: list[str] = []
    lock = threading.Lock()

    def on_press(name: str) -> None:
        with lock:
            seen.append(name)

    keys = X11Hotkeys(BINDINGS, on_press)
    try:
        press(display, "Control_L", "Alt_L", "m")
        wait_for(seen, 1)
        press(display, "Control_L", "m")  # not bound: no Alt
        press(display, "Control_L", "Alt_L", "c")
        wait_for(seen, 2)
        press(display, "Num_Lock")  # Num Lock on: still the same hotkey
        press(display, "Control_L", "Alt_L", "m")
        wait_for(seen, 3)
        press(display, "Num_Lock")
    finally:
        keys.close()
    assert seen == ["mute", "copy_entity", "mute"]


def test_a_key_another_program_holds_is_a_clear_error(display: str) -> None:
    first = X11Hotkeys({"Ctrl+Alt+M": "mute"}, lambda name: None)
    try:
        with pytest.raises(HotkeyError, match="'Ctrl\\+Alt\\+M' is taken by another program"):
            X11Hotkeys({"Ctrl+Alt+M": "mute"}, lambda name: None)
    finally:
        first.close()
    X11Hotkeys({"Ctrl+Alt+M": "mute"}, lambda name: None).close()  # free again once released


def test_bad_names_and_wayland_are_refused(display: str, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    assert parse("Ctrl+Alt+M") == (4 | 8, "m")
    with pytest.raises(HotkeyError, match="unknown modifier 'Hyper'"):
        parse("Hyper+M")
    with pytest.raises(HotkeyError, match="no key 'nosuchkey'"):
        X11Hotkeys({"Ctrl+nosuchkey": "mute"}, lambda name: None)
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    assert "Wayland" in (available() or "")
    with pytest.raises(HotkeyError, match="Wayland"):
        X11Hotkeys(BINDINGS, lambda name: None)


def test_the_relay_delivers_presses_as_a_signal(display: str, qtbot: QtBot) -> None:
    relay = HotkeyRelay(BINDINGS)
    try:
        with qtbot.waitSignal(relay.pressed, timeout=5000) as blocker:
            press(display, "Control_L", "Alt_L", "c")
        assert blocker.args == ["copy_entity"]
    finally:
        relay.close()


def test_the_panel_binds_mute_and_copy_to_the_global_keys(
        display: str, qtbot: QtBot, app_config: EngineConfig, prefs: QSettings) -> None:
    """The window's relay: Ctrl+Alt+M toggles Mute, Ctrl+Alt+C copies the newest card,
    pressed in another X client; F1 lists them as active."""
    from PySide6.QtGui import QGuiApplication

    from app.gui import build_window
    from assist import EntityExtracted

    window = build_window(app_config, prefs)
    qtbot.addWidget(window)
    relay = window.install_hotkeys()
    assert relay is not None and window.hotkeys is relay
    try:
        with qtbot.waitSignal(relay.pressed, timeout=5000):
            press(display, "Control_L", "Alt_L", "m")
        assert window.mute_action.isChecked()
        window.on_entity(EntityExtracted(1, "phone", "+14155550132", "+14155550132",
                                         "customer", 2, (0, 10), 1.0, 3.0, 3.6, False, None))
        with qtbot.waitSignal(relay.pressed, timeout=5000):
            press(display, "Control_L", "Alt_L", "c")
        assert QGuiApplication.clipboard().text() == "+1 415-555-0132"
        window.show_shortcuts()
        assert window.help_box is not None
        assert "Ctrl+Alt+M" in window.help_box.text()
        assert "Global hotkeys are off" not in window.help_box.text()
    finally:
        relay.close()
        window.hotkeys = None
