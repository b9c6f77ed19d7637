"""Global hotkeys (mute, copy the last entity) where the platform allows an application them.

- X11: a passive key grab on the root window (XGrabKey's protocol request, sent through
  libxcb with ctypes: the grab is checked, so a key another program holds is a clear
  error, not Xlib's default handler ending the process). Each binding is grabbed with and
  without Num Lock and Caps Lock, which X counts as modifiers.
- Windows: RegisterHotKey (user32, ctypes) on a thread with its own message loop (not
  tested here: no Windows machine).
- Wayland: not possible for an application (a client sees keys only while it has the
  focus); `available()` says so, and X11 grabs under XWayland would fire only while an X
  window has the focus, so they are refused too.

The platform layer calls back on its own thread; `HotkeyRelay` turns that into a Qt signal
delivered on the GUI thread.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import select
import sys
import threading
from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

MODIFIERS = {"shift": 1, "ctrl": 4, "control": 4, "alt": 8, "super": 64, "win": 64}
_NUM_LOCK, _CAPS_LOCK = 16, 2  # X11's Mod2 and Lock
_IGNORED = (0, _NUM_LOCK, _CAPS_LOCK, _NUM_LOCK | _CAPS_LOCK)
POLL_S = 0.2  # how often the X thread looks whether it was told to stop


class HotkeyError(Exception):
    """A hotkey cannot be had: a bad key name, a key another program holds, no platform
    support."""


def available() -> str | None:
    """Why global hotkeys are impossible in this session, or None when they are possible."""
    if sys.platform == "win32":
        return None
    if sys.platform == "darwin":
        return "macOS: global hotkeys need the Accessibility permission (not built)"
    if os.environ.get("XDG_SESSION_TYPE") == "wayland" or (
            os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY")):
        return ("Wayland gives an application no global hotkeys: bind a key in the desktop's "
                "own shortcut settings instead")
    if not os.environ.get("DISPLAY"):
        return "no X display (DISPLAY is not set)"
    return None


def parse(spec: str) -> tuple[int, str]:
    """'Ctrl+Alt+M' → (X11 modifier mask, key name 'm')."""
    parts = [part.strip() for part in spec.split("+") if part.strip()]
    if not parts:
        raise HotkeyError(f"empty hotkey {spec!r}")
    mask = 0
    for part in parts[:-1]:
        if part.lower() not in MODIFIERS:
            raise HotkeyError(f"hotkey {spec!r}: unknown modifier {part!r} (Ctrl, Alt, "
                              "Shift, Super)")
        mask |= MODIFIERS[part.lower()]
    key = parts[-1]
    return mask, key.lower() if len(key) == 1 else key


class _Cookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


class _ScreenIterator(ctypes.Structure):
    _fields_ = [("data", ctypes.POINTER(ctypes.c_uint32)), ("rem", ctypes.c_int),
                ("index", ctypes.c_int)]


def _library(name: str) -> ctypes.CDLL:
    found = ctypes.util.find_library(name)
    if found is None:
        raise HotkeyError(f"lib{name} is missing (apt-get install lib{name}-1 or similar)")
    return ctypes.CDLL(found)


class X11Hotkeys:
    """Grabs the bindings on the X display's root window and calls `on_press(name)` from its
    own thread. `close()` releases them."""

    def __init__(self, bindings: dict[str, str], on_press: Callable[[str], None]) -> None:
        problem = available()
        if problem is not None:
            raise HotkeyError(problem)
        self._on_press = on_press
        self._xcb = xcb = _library("xcb")
        xlib = _library("X11")
        xcb.xcb_connect.restype = ctypes.c_void_p
        xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
        xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        xcb.xcb_get_setup.restype = ctypes.c_void_p
        xcb.xcb_get_setup.argtypes = [ctypes.c_void_p]
        xcb.xcb_setup_roots_iterator.restype = _ScreenIterator
        xcb.xcb_setup_roots_iterator.argtypes = [ctypes.c_void_p]
        xcb.xcb_screen_next.argtypes = [ctypes.POINTER(_ScreenIterator)]
        xcb.xcb_grab_key_checked.restype = _Cookie
        xcb.xcb_grab_key_checked.argtypes = [
            ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint32, ctypes.c_uint16, ctypes.c_uint8,
            ctypes.c_uint8, ctypes.c_uint8]
        xcb.xcb_ungrab_key.restype = _Cookie
        xcb.xcb_ungrab_key.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint32,
                                       ctypes.c_uint16]
        xcb.xcb_request_check.restype = ctypes.c_void_p
        xcb.xcb_request_check.argtypes = [ctypes.c_void_p, _Cookie]
        xcb.xcb_poll_for_event.restype = ctypes.POINTER(ctypes.c_uint8)
        xcb.xcb_poll_for_event.argtypes = [ctypes.c_void_p]
        xcb.xcb_get_file_descriptor.argtypes = [ctypes.c_void_p]
        xcb.xcb_flush.argtypes = [ctypes.c_void_p]
        xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
        libc = ctypes.CDLL(None)
        self._free = libc.free
        self._free.argtypes = [ctypes.c_void_p]
        # key names → key codes through Xlib (a lookup only: no request that can fail)
        xlib.XOpenDisplay.restype = ctypes.c_void_p
        xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        xlib.XStringToKeysym.restype = ctypes.c_ulong
        xlib.XStringToKeysym.argtypes = [ctypes.c_char_p]
        xlib.XKeysymToKeycode.restype = ctypes.c_ubyte
        xlib.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        display = xlib.XOpenDisplay(None)
        if not display:
            raise HotkeyError(f"cannot open the X display {os.environ.get('DISPLAY')!r}")
        keys: dict[tuple[int, int], str] = {}  # (key code, modifier mask) -> binding name
        try:
            for spec, name in bindings.items():
                mask, key = parse(spec)
                keysym = xlib.XStringToKeysym(key.encode())
                code = xlib.XKeysymToKeycode(display, keysym) if keysym else 0
                if not code:
                    raise HotkeyError(f"hotkey {spec!r}: no key {key!r} on this keyboard")
                keys[(code, mask)] = name
        finally:
            xlib.XCloseDisplay(display)
        screen = ctypes.c_int(0)
        self._conn = xcb.xcb_connect(None, ctypes.byref(screen))
        if not self._conn or xcb.xcb_connection_has_error(self._conn):
            raise HotkeyError("cannot connect to the X server")
        roots = xcb.xcb_setup_roots_iterator(xcb.xcb_get_setup(self._conn))
        for _ in range(screen.value):
            xcb.xcb_screen_next(ctypes.byref(roots))
        self._root = int(roots.data[0])  # xcb_screen_t starts with its root window
        self._keys = keys
        self._grabbed: list[tuple[int, int]] = []
        try:
            for (code, mask), name in keys.items():
                for extra in _IGNORED:
                    error = xcb.xcb_request_check(self._conn, xcb.xcb_grab_key_checked(
                        self._conn, 0, self._root, mask | extra, code, 1, 1))
                    if error:
                        self._free(error)
                        spec = next(s for s, n in bindings.items() if n == name)
                        raise HotkeyError(f"hotkey {spec!r} is taken by another program")
                    self._grabbed.append((code, mask | extra))
        except HotkeyError:
            self._release()
            xcb.xcb_disconnect(self._conn)
            raise
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sufler-hotkeys", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        xcb = self._xcb
        descriptor = xcb.xcb_get_file_descriptor(self._conn)
        while not self._stop.is_set():
            event = xcb.xcb_poll_for_event(self._conn)
            if not event:
                if xcb.xcb_connection_has_error(self._conn):
                    log.warning("the X connection for global hotkeys broke")
                    return
                select.select([descriptor], [], [], POLL_S)
                continue
            try:
                kind, code = event[0] & 0x7F, event[1]
                state = event[28] | (event[29] << 8)  # xcb_key_press_event_t.state
                if kind == 2:  # KeyPress
                    name = self._keys.get((code, state & ~(_NUM_LOCK | _CAPS_LOCK)))
                    if name is not None:
                        self._on_press(name)
            finally:
                self._free(event)

    def _release(self) -> None:
        for code, mask in self._grabbed:
            self._xcb.xcb_ungrab_key(self._conn, code, self._root, mask)
        self._grabbed = []
        self._xcb.xcb_flush(self._conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2 * POLL_S + 1.0)
        self._release()
        self._xcb.xcb_disconnect(self._conn)


class WindowsHotkeys:
    """RegisterHotKey on a thread with a message loop; `on_press(name)` from that thread.
    (Not tested here: there is no Windows machine in this project's CI.)"""

    # X11 modifier bit → RegisterHotKey's MOD_SHIFT, MOD_CONTROL, MOD_ALT, MOD_WIN
    _MOD: ClassVar[dict[int, int]] = {1: 0x0004, 4: 0x0002, 8: 0x0001, 64: 0x0008}

    def __init__(self, bindings: dict[str, str], on_press: Callable[[str], None]) -> None:
        self._on_press = on_press
        self._parsed = []
        for spec, name in bindings.items():
            mask, key = parse(spec)
            if len(key) != 1 or not key.isalnum():
                raise HotkeyError(f"hotkey {spec!r}: a letter or digit key is needed")
            modifiers = sum(bit for x11, bit in self._MOD.items() if mask & x11) | 0x4000
            self._parsed.append((spec, name, modifiers, ord(key.upper())))
        self._ready = threading.Event()
        self._error: str | None = None
        self._thread_id = 0
        self._thread = threading.Thread(target=self._run, name="sufler-hotkeys", daemon=True)
        self._thread.start()
        self._ready.wait(5.0)
        if self._error is not None:
            raise HotkeyError(self._error)

    def _run(self) -> None:
        if sys.platform != "win32":
            self._error = "RegisterHotKey is Windows only"
            self._ready.set()
            return
        from ctypes import wintypes

        user32 = ctypes.windll.user32
        kernel32 = ctypes.windll.kernel32
        self._thread_id = kernel32.GetCurrentThreadId()
        names = {}
        for number, (spec, name, modifiers, key) in enumerate(self._parsed, start=1):
            if not user32.RegisterHotKey(None, number, modifiers, key):
                self._error = f"hotkey {spec!r} is taken by another program"
                for earlier in range(1, number):
                    user32.UnregisterHotKey(None, earlier)
                self._ready.set()
                return
            names[number] = name
        self._ready.set()
        message = wintypes.MSG()
        while user32.GetMessageW(ctypes.byref(message), None, 0, 0) > 0:
            if message.message == 0x0312 and message.wParam in names:  # WM_HOTKEY
                self._on_press(names[message.wParam])
        for number in names:
            user32.UnregisterHotKey(None, number)

    def close(self) -> None:
        if sys.platform == "win32" and self._thread_id:
            ctypes.windll.user32.PostThreadMessageW(self._thread_id, 0x0012, 0, 0)  # WM_QUIT
        self._thread.join(2.0)


class HotkeyRelay(QObject):
    """Global hotkeys as a Qt signal on the GUI thread: `pressed(name)` for each binding
    (e.g. {"Ctrl+Alt+M": "mute", "Ctrl+Alt+C": "copy_entity"})."""

    pressed = Signal(str)

    def __init__(self, bindings: dict[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        # the platform thread emits; Qt queues the signal to this object's (GUI) thread
        self._keys: X11Hotkeys | WindowsHotkeys = (
            WindowsHotkeys(bindings, self.pressed.emit) if sys.platform == "win32"
            else X11Hotkeys(bindings, self.pressed.emit))

    def close(self) -> None:
        self._keys.close()
