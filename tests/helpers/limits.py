"""A wall-clock limit for one block of a test: a hang fails the test instead of the suite."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class WallLimitExceeded(Exception):
    """The block ran past its limit (raised in the test's thread by SIGALRM)."""


@contextmanager
def wall_limit(seconds: float) -> Iterator[None]:
    """Raise WallLimitExceeded inside the block once it has run `seconds` (POSIX, main
    thread; elsewhere the block runs unlimited)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not \
            threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise WallLimitExceeded(f"ran past its {seconds:g} s limit (a hang?)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
