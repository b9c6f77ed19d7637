"""The scheduler: its queue folds, then sheds, and never grows unbounded; speculations are
confirmed once, withdrawn, or thrown away."""

from __future__ import annotations

import threading

import numpy as np

from assist.asr.scheduler import Interim, Ready, Recognized, Scheduler
from assist.config import BacklogConfig
from assist.endpointer import Retraction, Window


def window(channel: int, start: float, seconds: float = 2.0, seq: int = 0,
           tentative: bool = False) -> Window:
    return Window(channel, np.zeros(int(seconds * 16000), dtype=np.float32), start,
                  start + seconds, start + seconds, start + seconds, "silence", seconds, seq,
                  tentative)


def test_live_policy_folds_same_channel_windows_first() -> None:
    backlog = Scheduler(BacklogConfig(max_pending=2, max_lag_s=100, fold_max_s=10))
    actions = []
    for index in range(3):
        actions += backlog.submit(window(0, index * 2.0, seq=index), now=6.0).actions
    assert [a.action for a in actions] == ["folded"]
    assert len(backlog) == 2
    folded = backlog.pop()
    assert folded is not None and folded.reason == "folded"
    assert folded.start == 0.0 and folded.end == 4.0 and folded.duration == 4.0


def test_live_policy_sheds_when_folding_cannot_help() -> None:
    backlog = Scheduler(BacklogConfig(max_pending=2, max_lag_s=100, fold_max_s=3))
    actions = []
    for index in range(4):
        actions += backlog.submit(window(index % 2, index * 2.0, seq=index), now=8.0).actions
    assert [a.action for a in actions] == ["shed", "shed"]
    assert len(backlog) == 2


def test_stale_speech_is_shed() -> None:
    backlog = Scheduler(BacklogConfig(max_pending=10, max_lag_s=5.0))
    backlog.submit(window(0, 0.0), now=2.0)
    actions = backlog.submit(window(0, 10.0), now=12.0).actions
    assert [a.action for a in actions] == ["shed"] and actions[0].lag == 10.0


def test_tentative_windows_are_never_folded_and_can_be_withdrawn() -> None:
    backlog = Scheduler(BacklogConfig(max_pending=1, max_lag_s=100, fold_max_s=10))
    backlog.submit(window(0, 0.0, seq=1, tentative=True), now=2.0)
    actions = backlog.submit(window(0, 2.0, seq=2, tentative=True), now=4.0).actions
    assert [a.action for a in actions] == ["shed"]  # folding cannot merge tentative windows
    backlog.submit(Retraction(0, 2), now=4.1)
    assert len(backlog) == 0 and backlog.wasted == 0  # withdrawn before it ran


def test_block_policy_makes_the_producer_wait() -> None:
    backlog = Scheduler(BacklogConfig(max_pending=1), policy="block")
    backlog.submit(window(0, 0.0), now=0.0)
    done = threading.Event()

    def produce() -> None:
        backlog.submit(window(0, 2.0), now=0.0)
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
    backlog = Scheduler(BacklogConfig(max_pending=6, max_lag_s=100, fold_max_s=24))
    backlog.submit(window(0, 0.0, seconds=2.5, seq=0), now=3.0)
    backlog.submit(window(1, 1.0, seconds=1.3, seq=0), now=3.0)
    backlog.submit(window(0, 3.0, seconds=1.4, seq=1, tentative=True), now=4.5)
    backlog.submit(Retraction(0, 1), now=4.6)
    backlog.submit(Retraction(0, 1), now=4.7)
    assert len(backlog) == 2


def test_a_confirmed_speculation_is_published_once_without_a_second_recognition() -> None:
    scheduler = Scheduler(BacklogConfig())
    tentative = window(0, 0.0, seq=4, tentative=True)
    assert scheduler.submit(tentative, now=2.1).queued
    assert scheduler.take() is tentative
    done = scheduler.finished(Recognized(tentative, "text", 2.1, 2.5))
    assert isinstance(done, Interim)  # its end is not yet certain: display only
    final = window(0, 0.0, seq=4)
    submitted = scheduler.submit(final, now=2.6)
    assert not submitted.queued and isinstance(submitted.ready, Ready)
    assert submitted.ready.window.reason == "silence" and submitted.ready.emitted == 2.6
    assert submitted.ready.window.endpointed == tentative.endpointed
    assert len(scheduler) == 0


def test_a_confirmation_while_recognition_runs_publishes_when_it_ends() -> None:
    scheduler = Scheduler(BacklogConfig())
    tentative = window(0, 0.0, seq=1, tentative=True)
    scheduler.submit(tentative, now=2.1)
    scheduler.take()
    assert scheduler.submit(window(0, 0.0, seq=1), now=2.3).ready is None  # pending
    done = scheduler.finished(Recognized(tentative, "text", 2.1, 2.9))
    assert isinstance(done, Ready) and done.emitted == 2.9


def test_speech_resuming_voids_a_running_speculation() -> None:
    scheduler = Scheduler(BacklogConfig())
    tentative = window(0, 0.0, seq=2, tentative=True)
    scheduler.submit(tentative, now=2.1)
    scheduler.take()
    scheduler.submit(Retraction(0, 2), now=2.2)
    assert scheduler.finished(Recognized(tentative, "text", 2.1, 2.5)) is None
    assert scheduler.wasted == 1


def test_a_shed_tentative_window_is_queued_anew_when_confirmed() -> None:
    scheduler = Scheduler(BacklogConfig(max_pending=1, max_lag_s=100, fold_max_s=10))
    tentative = window(0, 0.0, seq=3, tentative=True)
    scheduler.submit(tentative, now=1.1)
    actions = scheduler.submit(window(1, 0.1, seq=0), now=1.2).actions
    assert [a.action for a in actions] == ["shed"]
    final = window(0, 0.0, seq=3)
    assert scheduler.submit(final, now=1.3).queued  # not left "pending" forever
    assert final in [scheduler.pop(), scheduler.pop()]
