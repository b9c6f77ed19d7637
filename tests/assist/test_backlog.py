"""The queue in front of the recognizer folds, then sheds, and never grows unbounded."""

from __future__ import annotations

import threading

import numpy as np

from assist.asr.backlog import Backlog
from assist.config import BacklogConfig
from assist.endpointer import Window


def window(channel: int, start: float, seconds: float = 2.0, seq: int = 0,
           tentative: bool = False) -> Window:
    return Window(channel, np.zeros(int(seconds * 16000), dtype=np.float32), start,
                  start + seconds, start + seconds, start + seconds, "silence", seconds, seq,
                  tentative)


def test_live_policy_folds_same_channel_windows_first() -> None:
    backlog = Backlog(BacklogConfig(max_pending=2, max_lag_s=100, fold_max_s=10))
    actions = []
    for index in range(3):
        actions += backlog.put(window(0, index * 2.0, seq=index), now=6.0)
    assert [a.action for a in actions] == ["folded"]
    assert len(backlog) == 2
    folded = backlog.pop()
    assert folded is not None and folded.reason == "folded"
    assert folded.start == 0.0 and folded.end == 4.0 and folded.duration == 4.0


def test_live_policy_sheds_when_folding_cannot_help() -> None:
    backlog = Backlog(BacklogConfig(max_pending=2, max_lag_s=100, fold_max_s=3))
    actions = []
    for index in range(4):
        actions += backlog.put(window(index % 2, index * 2.0, seq=index), now=8.0)
    assert [a.action for a in actions] == ["shed", "shed"]
    assert len(backlog) == 2


def test_stale_speech_is_shed() -> None:
    backlog = Backlog(BacklogConfig(max_pending=10, max_lag_s=5.0))
    backlog.put(window(0, 0.0), now=2.0)
    actions = backlog.put(window(0, 10.0), now=12.0)
    assert [a.action for a in actions] == ["shed"] and actions[0].lag == 10.0


def test_tentative_windows_are_never_folded_and_can_be_withdrawn() -> None:
    backlog = Backlog(BacklogConfig(max_pending=1, max_lag_s=100, fold_max_s=10))
    backlog.put(window(0, 0.0, seq=1, tentative=True), now=2.0)
    actions = backlog.put(window(0, 2.0, seq=2), now=4.0)
    assert [a.action for a in actions] == ["shed"]
    assert backlog.remove(0, 2) is True
    assert backlog.remove(0, 2) is False


def test_block_policy_makes_the_producer_wait() -> None:
    backlog = Backlog(BacklogConfig(max_pending=1), policy="block")
    backlog.put(window(0, 0.0), now=0.0)
    done = threading.Event()

    def produce() -> None:
        backlog.put(window(0, 2.0), now=0.0)
        done.set()

    thread = threading.Thread(target=produce)
    thread.start()
    assert not done.wait(0.2)
    assert backlog.take() is not None
    assert done.wait(2.0)
    thread.join()
    backlog.close()
    assert backlog.take() is not None and backlog.take() is None


def test_a_retracted_window_is_removed_among_windows_of_other_lengths() -> None:
    # regression: removal compared windows by value, and numpy audio of different lengths
    # raised "operands could not be broadcast" in the middle of a call
    backlog = Backlog(BacklogConfig(max_pending=6, max_lag_s=100, fold_max_s=24))
    backlog.put(window(0, 0.0, seconds=2.5, seq=0), now=3.0)
    backlog.put(window(1, 1.0, seconds=1.3, seq=0), now=3.0)
    backlog.put(window(0, 3.0, seconds=1.4, seq=1, tentative=True), now=4.5)
    assert backlog.remove(0, 1)
    assert not backlog.remove(0, 1)
    assert len(backlog) == 2
