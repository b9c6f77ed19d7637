"""Engine clocks: wall-clock time for live calls, a virtual clock for simulated pacing."""

from __future__ import annotations

import threading
import time


class WallClock:
    """Monotonic wall-clock time since construction (or the last `reset`)."""

    def __init__(self) -> None:
        self._origin = time.monotonic()

    def reset(self) -> None:
        self._origin = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._origin

    def sleep_until(self, t: float) -> None:
        delay = t - self.now()
        if delay > 0:
            time.sleep(delay)


class VirtualClock:
    """A clock that only moves when told to: simulated pacing and tests."""

    def __init__(self, start: float = 0.0) -> None:
        self._t = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._t

    def advance_to(self, t: float) -> None:
        with self._lock:
            if t > self._t:
                self._t = t
