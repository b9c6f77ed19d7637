"""Measures how long the GUI event loop is kept from running (it must never wait)."""

from __future__ import annotations

import statistics
import time

from PySide6.QtCore import QObject, Qt, QTimer


class StallProbe(QObject):
    """A precise timer every `interval_ms`; a stall is how late a tick came."""

    def __init__(self, interval_ms: int = 10, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval = interval_ms / 1000
        self.late: list[float] = []
        self.worst: list[tuple[float, float]] = []  # (seconds since start, lateness)
        self._begin = 0.0
        self._last: float | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = self._begin = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            late = max(0.0, now - self._last - self.interval)
            self.late.append(late)
            if late > 0.02:
                self.worst.append((round(now - self._begin, 2), round(late * 1000, 1)))
        self._last = now

    def report(self) -> dict[str, object]:
        late = sorted(self.late) or [0.0]
        return {
            "ticks": len(self.late),
            "stall_max_ms": round(late[-1] * 1000, 1),
            "stall_p99_ms": round(late[min(len(late) - 1, int(len(late) * 0.99))] * 1000, 1),
            "stall_median_ms": round(statistics.median(late) * 1000, 2),
            "over_50ms": sum(1 for value in late if value > 0.05),
            "over_20ms_at": self.worst[:20],
        }
