"""The bounded queue in front of the recognizer, with a policy for falling behind."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from assist.config import BacklogConfig
from assist.endpointer import Window

Policy = Literal["live", "block"]


@dataclass(frozen=True)
class BacklogAction:
    """What the policy did to keep up: fold two windows into one, or shed one."""

    action: Literal["folded", "shed"]
    channel: int
    seq: int  # the shed window, or the later of the two folded ones
    seconds: float
    pending: int
    lag: float


class Backlog:
    """Windows waiting for the recognizer.

    `live`: never blocks the producer. Past `max_pending` windows it folds the two oldest
    windows of one channel into one recognizer call; when that cannot help it sheds the
    oldest, and speech older than `max_lag_s` is shed too. `block`: the producer waits for
    room (batch transcription, where nothing may be lost).
    """

    def __init__(self, config: BacklogConfig, policy: Policy = "live") -> None:
        self._config = config
        self._policy = policy
        self._items: deque[Window] = deque()
        self._cond = threading.Condition()
        self._closed = False

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)

    def put(self, window: Window, now: float) -> list[BacklogAction]:
        with self._cond:
            if self._policy == "block":
                while len(self._items) >= self._config.max_pending and not self._closed:
                    self._cond.wait()
                self._items.append(window)
                self._cond.notify_all()
                return []
            self._items.append(window)
            actions = self._shed_stale(now)
            while len(self._items) > self._config.max_pending:
                action = self._fold(now) or self._shed_oldest(now)
                actions.append(action)
            self._cond.notify_all()
            return actions

    def oldest(self) -> Window | None:
        with self._cond:
            return self._items[0] if self._items else None

    def remove(self, channel: int, seq: int) -> bool:
        """Withdraw a queued window (a retracted tentative one); False if not queued."""
        with self._cond:
            for index, window in enumerate(self._items):
                if window.channel == channel and window.seq == seq:
                    del self._items[index]  # by position: windows hold arrays, not comparable
                    self._cond.notify_all()
                    return True
            return False

    def pop(self) -> Window | None:
        """The oldest window, without waiting."""
        with self._cond:
            if not self._items:
                return None
            window = self._items.popleft()
            self._cond.notify_all()
            return window

    def take(self) -> Window | None:
        """The oldest window, waiting for one; None once closed and empty."""
        with self._cond:
            while not self._items and not self._closed:
                self._cond.wait()
            if not self._items:
                return None
            window = self._items.popleft()
            self._cond.notify_all()
            return window

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _shed_stale(self, now: float) -> list[BacklogAction]:
        actions = []
        while len(self._items) > 1 and now - self._items[0].end > self._config.max_lag_s:
            actions.append(self._shed_oldest(now))
        return actions

    def _shed_oldest(self, now: float) -> BacklogAction:
        window = self._items.popleft()
        return BacklogAction("shed", window.channel, window.seq, window.duration,
                             len(self._items), now - window.end)

    def _fold(self, now: float) -> BacklogAction | None:
        """Merge the oldest pair of same-channel windows that fits in one recognizer call."""
        items = list(self._items)
        for index, first in enumerate(items):
            for later in range(index + 1, len(items)):
                second = items[later]
                if second.channel != first.channel or first.tentative or second.tentative:
                    continue
                if first.duration + second.duration > self._config.fold_max_s:
                    break
                merged = fold(first, second)
                items[index] = merged
                del items[later]
                self._items = deque(items)
                return BacklogAction("folded", first.channel, second.seq, second.duration,
                                     len(items), now - first.end)
        return None


def fold(first: Window, second: Window) -> Window:
    """One window holding both windows' audio, timed as the later one."""
    return replace(
        second,
        audio=np.concatenate([first.audio, second.audio]),
        start=first.start,
        reason="folded",
        speech_s=first.speech_s + second.speech_s,
    )
