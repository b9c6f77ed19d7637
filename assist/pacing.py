"""Pacing drivers: how a call's audio is fed to the engine, and its recognizer run.

`realtime` feeds audio at wall-clock rate (live devices, or a file played as a call), `fast`
as fast as possible (nothing is ever shed), and `simulated` runs a discrete-event
simulation on a virtual clock: idle waiting for audio is skipped, but every recognizer call
is timed for real and occupies the virtual worker for exactly that long, so the latency a
live call would see is measured in the time its compute takes.
"""

from __future__ import annotations

import math
import queue
from collections.abc import Callable, Iterator
from typing import Protocol

from assist.asr.scheduler import Policy, Scheduler
from assist.asr.worker import AsrWorker, Outcome
from assist.clock import VirtualClock, WallClock
from assist.config import Pace
from assist.endpointer import Window
from assist.events import CaptureChanged
from assist.vad import SAMPLE_RATE, Audio


class Feedable(Protocol):
    """An audio source as the drivers see it (the engine's `AudioSource`)."""

    def blocks(self, block_samples: int) -> Iterator[list[Audio]]: ...

    def open(self) -> None: ...

    def attach(self, listener: Callable[[CaptureChanged], None],
               clock: Callable[[], float]) -> None: ...


class PacedCall(Protocol):
    """One call as the drivers drive it (implemented by the engine's call)."""

    @property
    def block_samples(self) -> int: ...

    @property
    def stopping(self) -> bool: ...

    def start(self, clock: Callable[[], float]) -> None:
        """The clock runs from now (the call's scheduler is the one `scheduler_factory`
        made)."""
        ...

    def worker(self, take: Callable[[], Window | None], on_done: Callable[[Outcome], None],
               clock: Callable[[], float]) -> AsrWorker: ...

    def feed(self, blocks: list[Audio] | None, now: float) -> None:
        """One block per channel (None: the call is over, flush the endpointers)."""
        ...

    def recognized(self, outcome: Outcome, asr_start: float, asr_end: float) -> None: ...

    def audio_until(self, seconds: float) -> None: ...

    def capture_changed(self, event: CaptureChanged) -> None: ...

    def idle(self, now: float) -> None:
        """The recognizer has nothing left to do."""
        ...


def policy_for(pace: Pace) -> Policy:
    """A live call must never wait for the recognizer; batch work must lose nothing."""
    return "live" if pace == "realtime" else "block"


def run_live(call: PacedCall, source: Feedable, pace: Pace,
             scheduler_factory: Callable[[Policy], Scheduler]) -> float:
    """Realtime or fast pacing on the wall clock; returns the clock at the end."""
    clock = WallClock()
    scheduler = scheduler_factory(policy_for(pace))

    def done(outcome: Outcome) -> None:
        asr_end = clock.now()
        call.recognized(outcome, outcome.started, asr_end)
        if len(scheduler) == 0:
            call.idle(asr_end)

    worker = call.worker(scheduler.take, done, clock.now)
    block = call.block_samples
    source.open()  # live devices open before the clock starts
    clock.reset()
    call.start(clock.now)
    source.attach(call.capture_changed, clock.now)  # lost and returning devices
    worker.start()
    try:
        for index, blocks in enumerate(source.blocks(block)):
            if call.stopping:
                break
            audio_end = (index * block + len(blocks[0])) / SAMPLE_RATE
            if pace == "realtime":
                clock.sleep_until(audio_end)
            call.audio_until(audio_end)
            call.feed(blocks, clock.now())
        call.feed(None, clock.now())
    finally:
        scheduler.close()
        worker.join()
    return clock.now()


def run_simulated(call: PacedCall, source: Feedable,
                  scheduler_factory: Callable[[Policy], Scheduler]) -> float:
    """Simulated pacing on a virtual clock; returns the clock at the end."""
    clock = VirtualClock()
    scheduler = scheduler_factory("live")
    inbox: queue.Queue[Window | None] = queue.Queue()
    results: queue.Queue[Outcome] = queue.Queue()
    worker = call.worker(inbox.get, results.put, clock.now)
    busy_until = 0.0
    running: tuple[Outcome, float, float] | None = None  # outcome, virtual start, end

    def advance(t: float) -> None:
        """Play the virtual worker forward to time t."""
        nonlocal busy_until, running
        while True:
            if running is not None and running[2] <= t:
                outcome, start, end = running
                clock.advance_to(end)
                call.recognized(outcome, start, end)
                busy_until, running = end, None
                if len(scheduler) == 0:
                    call.idle(end)
                continue
            oldest = scheduler.oldest()
            if running is None and oldest is not None and oldest.endpointed <= t:
                window = scheduler.pop()
                assert window is not None
                start = max(window.endpointed, busy_until)
                clock.advance_to(start)
                inbox.put(window)
                outcome = results.get()
                running = (outcome, start, start + outcome.compute_s)
                continue
            return

    block = call.block_samples
    call.start(clock.now)
    worker.start()
    audio_s = 0.0
    try:
        for index, blocks in enumerate(source.blocks(block)):
            if call.stopping:
                break
            now = (index * block + len(blocks[0])) / SAMPLE_RATE
            advance(now)
            clock.advance_to(now)
            audio_s = now
            call.audio_until(now)
            call.feed(blocks, now)
            advance(now)
        call.feed(None, audio_s)
        advance(math.inf)
    finally:
        inbox.put(None)
        worker.join()
    return clock.now()
