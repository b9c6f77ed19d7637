"""What the recognizer does next: the windows waiting for it and the speculative ones it
already took, behind one lock.

The endpointer offers a window as *tentative* after a short silence so recognition can start
early; its final window (same `seq`) later confirms it, or a `Retraction` voids it. This
module is the one place that reconciles the two: a confirmed speculation is published
without a second recognition, a retracted one is withdrawn from the queue or thrown away.

Falling behind: the `live` policy never blocks the producer. Past `max_pending` windows it
folds the two oldest windows of one channel into one recognizer call; when that cannot help
it sheds the oldest, and speech older than `max_lag_s` is shed too. The `block` policy makes
the producer wait for room (batch transcription, where nothing may be lost).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from assist.config import BacklogConfig
from assist.endpointer import Endpointed, Retraction, Window

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


@dataclass(frozen=True)
class Recognized:
    """A window's recognition, as the worker reports it."""

    window: Window
    result: object  # the worker's outcome; the scheduler only carries it
    asr_start: float
    asr_end: float


@dataclass(frozen=True)
class Ready:
    """A final window's recognition, ready to publish at `emitted` (under `window`, the final
    window; `endpointed` stays when the end was first proposed, when recognition could start)."""

    recognized: Recognized
    window: Window
    emitted: float


@dataclass(frozen=True)
class Interim:
    """A tentative window's recognition while its end is still uncertain (display only)."""

    recognized: Recognized


@dataclass(frozen=True)
class Submitted:
    """What became of one endpointer output."""

    actions: list[BacklogAction]  # what the policy did to keep up
    ready: Ready | None = None  # a confirmed speculation, ready to publish
    queued: bool = False  # the window now waits for the recognizer


@dataclass
class _Speculation:
    recognized: Recognized | None = None
    confirmed: Window | None = None
    confirmed_at: float = 0.0
    retracted: bool = False


class Scheduler:
    """The recognizer's queue and the speculations in flight. Thread-safe: one lock."""

    def __init__(self, config: BacklogConfig, policy: Policy = "live") -> None:
        self._config = config
        self._policy = policy
        self._items: deque[Window] = deque()
        self._speculations: dict[tuple[int, int], _Speculation] = {}
        self._cond = threading.Condition()
        self._closed = False
        self.wasted = 0  # tentative recognitions thrown away because speech resumed

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)

    # -- the endpointer's side ----------------------------------------------------------

    def submit(self, item: Endpointed, now: float) -> Submitted:
        """Route one endpointer output: withdraw, queue, or confirm a speculation."""
        with self._cond:
            if isinstance(item, Retraction):
                self._retract(item)
                return Submitted([])
            if item.tentative:
                self._speculations[(item.channel, item.seq)] = _Speculation()
                return Submitted(self._put(item, now), queued=True)
            entry = self._speculations.get((item.channel, item.seq))
            if entry is None or entry.retracted:
                return Submitted(self._put(item, now), queued=True)
            if entry.recognized is None:  # still running: `finished` publishes it
                entry.confirmed, entry.confirmed_at = item, now
                return Submitted([])
            del self._speculations[(item.channel, item.seq)]
            recognized = entry.recognized
            return Submitted([], Ready(recognized, self._final(recognized, item),
                                       max(recognized.asr_end, now)))

    def _retract(self, retraction: Retraction) -> None:
        key = (retraction.channel, retraction.seq)
        entry = self._speculations.get(key)
        if entry is None:
            return
        if self._remove(*key):
            del self._speculations[key]  # never started: nothing wasted
        elif entry.recognized is not None:
            del self._speculations[key]
            self.wasted += 1
        else:
            entry.retracted = True  # running: `finished` drops it

    # -- the recognizer's side ----------------------------------------------------------

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

    def pop(self) -> Window | None:
        """The oldest window, without waiting (the simulated worker)."""
        with self._cond:
            if not self._items:
                return None
            window = self._items.popleft()
            self._cond.notify_all()
            return window

    def oldest(self) -> Window | None:
        with self._cond:
            return self._items[0] if self._items else None

    def finished(self, recognized: Recognized) -> Ready | Interim | None:
        """A recognition is done: ready to publish, interim (its end still uncertain), or
        None when speech resumed meanwhile and it is void."""
        window = recognized.window
        if not window.tentative:
            return Ready(recognized, window, recognized.asr_end)
        key = (window.channel, window.seq)
        with self._cond:
            entry = self._speculations.get(key)
            if entry is None:
                return None
            if entry.retracted:
                del self._speculations[key]
                self.wasted += 1
                return None
            if entry.confirmed is not None:
                del self._speculations[key]
                return Ready(recognized, self._final(recognized, entry.confirmed),
                             max(recognized.asr_end, entry.confirmed_at))
            entry.recognized = recognized
            return Interim(recognized)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # -- the queue, under the lock ------------------------------------------------------

    @staticmethod
    def _final(recognized: Recognized, final: Window) -> Window:
        return replace(final, endpointed=recognized.window.endpointed)

    def _put(self, window: Window, now: float) -> list[BacklogAction]:
        if self._policy == "block":
            while len(self._items) >= self._config.max_pending and not self._closed:
                self._cond.wait()
            self._items.append(window)
            self._cond.notify_all()
            return []
        self._items.append(window)
        actions = self._shed_stale(now)
        while len(self._items) > self._config.max_pending:
            actions.append(self._fold(now) or self._shed_oldest(now))
        self._cond.notify_all()
        return actions

    def _remove(self, channel: int, seq: int) -> bool:
        for index, window in enumerate(self._items):
            if window.channel == channel and window.seq == seq:
                del self._items[index]  # by position: windows hold arrays, not comparable
                self._cond.notify_all()
                return True
        return False

    def _shed_stale(self, now: float) -> list[BacklogAction]:
        actions = []
        while len(self._items) > 1 and now - self._items[0].end > self._config.max_lag_s:
            actions.append(self._shed_oldest(now))
        return actions

    def _shed_oldest(self, now: float) -> BacklogAction:
        window = self._items.popleft()
        # a shed tentative window was never recognised: its confirmation must queue it anew
        self._speculations.pop((window.channel, window.seq), None)
        return BacklogAction("shed", window.channel, window.seq, window.duration,
                             len(self._items), now - window.end)

    def _fold(self, now: float) -> BacklogAction | None:
        """Merge the oldest pair of same-channel windows that fits in one recognizer call;
        tentative windows are never folded (their confirmation must find them whole)."""
        items = list(self._items)
        for index, first in enumerate(items):
            for later in range(index + 1, len(items)):
                second = items[later]
                if second.channel != first.channel or first.tentative or second.tentative:
                    continue
                if first.duration + second.duration > self._config.fold_max_s:
                    break
                items[index] = fold(first, second)
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
