"""Calls that start and end by themselves: a pure, clock-injected detector, the probe that
tells whether the softphone still plays to the customer's device, and a standby listener.

A call starts when every leg had voice within `start_within_s` seconds (the operator and the
customer both spoke: a call, not the operator talking to a colleague). It ends after
`stop_silence_s` seconds of silence on every leg, or, with `stop_when_idle`, when nothing
plays to the customer's device any more (the softphone hung up and closed its stream).

Voice here is a level above `voice_dbfs` held for `MIN_VOICE_S`: before a call the
`Standby` listener measures it on the configured devices; during a call the engine's own
`LevelsMeasured` events feed it (`CallDetector.observe`). Who starts and stops the call (the
app's session) passes its callables; the detector itself has no threads and no clock.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from assist.audio.source import AudioSource
from assist.errors import AssistError
from assist.events import Event, LevelsMeasured
from assist.vad import SAMPLE_RATE

log = logging.getLogger(__name__)

MIN_VOICE_S = 0.3  # a voiced run shorter than this is a click or a cough, not speech
RUN_GAP_S = 0.3  # a pause between voiced levels longer than this starts a new run
IDLE_GRACE_S = 2.0  # the customer's device must stay unused this long (a stream reopening)
RETRY_S = 5.0  # standby tries the devices again this often while they fail
SILENCE_DBFS = -90.0  # what a level of digital silence reads


@dataclass(frozen=True)
class CallDecision:
    """Start or stop a call now, and why (for the log and the panel)."""

    action: Literal["start", "stop"]
    reason: str
    at: float


class CallDetector:
    """Decides when a call starts and ends from each leg's level and whether the customer's
    device is in use. No threads and no clock of its own: `clock` is injected (tests pass a
    fake one), every input is stamped with it."""

    def __init__(self, legs: int, clock: Callable[[], float], *, start_within_s: float = 5.0,
                 stop_silence_s: float = 30.0, stop_when_idle: bool = True,
                 voice_dbfs: float = -45.0) -> None:
        if legs < 1:
            raise ValueError("a call has at least one leg")
        self.legs = legs
        self.clock = clock
        self.start_within_s = start_within_s
        self.stop_silence_s = stop_silence_s
        self.stop_when_idle = stop_when_idle
        self.voice_dbfs = voice_dbfs
        self.in_call = False
        self._voiced_run = [0.0] * legs  # seconds of consecutive voiced level per leg
        self._voiced_at: list[float | None] = [None] * legs  # the run's last voiced level
        self._last_voice: list[float | None] = [None] * legs
        self._call_began = 0.0
        self._unused_since: float | None = None  # the customer's device went unused then

    # -- inputs ---------------------------------------------------------------------------

    def heard(self, leg: int, dbfs: float, seconds: float) -> None:
        """`seconds` of audio on `leg` ending now had this level (dBFS)."""
        if not 0 <= leg < self.legs:
            return
        if math.isfinite(dbfs) and dbfs > self.voice_dbfs:
            now = self.clock()
            before = self._voiced_at[leg]
            if before is None or now - before > seconds + RUN_GAP_S:
                self._voiced_run[leg] = 0.0  # levels heard long ago are another run
            self._voiced_run[leg] += seconds
            self._voiced_at[leg] = now
            if self._voiced_run[leg] >= MIN_VOICE_S:
                self._last_voice[leg] = now
        else:
            self._voiced_run[leg] = 0.0

    def observe(self, event: Event, seconds: float = 0.2) -> None:
        """The engine's events during a call: its levels are this detector's voice."""
        if isinstance(event, LevelsMeasured):
            for leg, level in enumerate(event.levels):
                self.heard(leg, level, seconds)

    def follow(self, event: Event) -> CallDecision | None:
        """A call's event sink: its levels are voice; a decision to stop when it is time
        (the caller stops the call; the detector already counts it as ended)."""
        if not self.in_call:
            return None
        self.observe(event)
        return self.step() if isinstance(event, LevelsMeasured) else None

    def device_in_use(self, in_use: bool | None) -> None:
        """Whether something plays to the customer's device now (None: cannot tell)."""
        if in_use is False:
            if self._unused_since is None:
                self._unused_since = self.clock()
        else:
            self._unused_since = None

    def call_started(self) -> None:
        """A call began (by this detector's decision, a button or `sufler call start`)."""
        self.in_call = True
        self._call_began = self.clock()

    def call_ended(self) -> None:
        """A call ended, however: voice heard before it cannot start the next one."""
        self.in_call = False
        self._voiced_run = [0.0] * self.legs
        self._voiced_at = [None] * self.legs
        self._last_voice = [None] * self.legs
        self._unused_since = None

    # -- the decision ---------------------------------------------------------------------

    def step(self) -> CallDecision | None:
        """A decision when the state should change now (then it is taken as done), else
        None."""
        now = self.clock()
        if not self.in_call:
            heard = self._last_voice
            if all(at is not None and now - at <= self.start_within_s for at in heard):
                self.call_started()
                return CallDecision("start", f"voice on every leg within "
                                    f"{self.start_within_s:g} s", now)
            return None
        if self.stop_when_idle and self._unused_since is not None \
                and now - self._unused_since >= IDLE_GRACE_S:
            self.call_ended()
            return CallDecision("stop", "nothing plays to the customer's device", now)
        latest = max([at for at in self._last_voice if at is not None] + [self._call_began])
        if now - latest >= self.stop_silence_s:
            self.call_ended()
            return CallDecision("stop", f"{self.stop_silence_s:g} s of silence on every leg",
                                now)
        return None


def dbfs(block: np.ndarray) -> float:
    """The RMS level of a block in dBFS (SILENCE_DBFS for digital silence)."""
    if not len(block):
        return SILENCE_DBFS
    power = float(np.mean(np.square(block, dtype=np.float64)))
    return max(SILENCE_DBFS, 10 * math.log10(power)) if power > 0 else SILENCE_DBFS


# -- is anything playing to the customer's device? ----------------------------------------

def _pactl_json(*args: str, timeout: float) -> object:
    pactl = shutil.which("pactl")
    if pactl is None:
        return None
    try:
        done = subprocess.run([pactl, "-f", "json", *args], capture_output=True, text=True,
                              timeout=timeout, check=False)
        return json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        return None


def sink_in_use(sinks: object, inputs: object, monitor: str) -> bool | None:
    """From `pactl -f json list sinks` and `... sink-inputs`: does any stream that is not
    paused (corked) play to the sink whose monitor is `monitor`? None: no such sink (not a
    monitor, or gone)."""
    if not isinstance(sinks, list) or not isinstance(inputs, list):
        return None
    index = next((sink.get("index") for sink in sinks if isinstance(sink, dict) and (
        sink.get("monitor_source") == monitor or f"{sink.get('name')}.monitor" == monitor)),
        None)
    if index is None:
        return None
    return any(isinstance(stream, dict) and stream.get("sink") == index
               and not stream.get("corked", False) for stream in inputs)


def pulse_sink_in_use(monitor: str, timeout: float = 1.0) -> bool | None:
    """Pulse/PipeWire: is anything playing to the sink whose monitor the customer leg
    records (`<sink>.monitor`)? None when it cannot be told (no pactl, not a monitor).
    Windows would ask WASAPI instead: IAudioSessionManager2 on the render endpoint, any
    session whose IAudioSessionControl::GetState is AudioSessionStateActive (not built)."""
    sinks = _pactl_json("list", "sinks", timeout=timeout)
    inputs = _pactl_json("list", "sink-inputs", timeout=timeout)
    return sink_in_use(sinks, inputs, monitor)


# -- listening for a call while none runs -------------------------------------------------

class Standby:
    """Listens to the call devices while no call runs, on a named thread; calls `start`
    once the detector decides a call began, and stops listening first so the call can open
    the same devices. `source` is made anew each time (a LiveSource on the configured legs);
    `in_use` probes the customer's device every `probe_s`."""

    def __init__(self, detector: CallDetector, source: Callable[[], AudioSource],
                 start: Callable[[CallDecision], None],
                 in_use: Callable[[], bool | None] | None = None, probe_s: float = 2.0,
                 block_s: float = 0.05) -> None:
        self.detector = detector
        self._source = source
        self._start = start
        self._in_use = in_use
        self._probe_s = probe_s
        self._block = max(1, int(block_s * SAMPLE_RATE))
        self._thread: threading.Thread | None = None
        self._current: AudioSource | None = None
        self._halt = threading.Event()
        self._listening = threading.Event()  # set from listen() until a decision or halt

    def listen(self) -> None:
        """Start listening (no-op while already listening)."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            if self._listening.is_set() and not self._halt.is_set():
                return
            if thread is not threading.current_thread():
                thread.join(3.0)  # halting, or handing over a decision: let it finish first
        self._listening.set()
        self._halt.clear()
        self._thread = threading.Thread(target=self._run, name="sufler-standby", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        decision: CallDecision | None = None
        while not self._halt.is_set():
            try:
                decision = self._listen_once()
            except AssistError as exc:  # a device missing or unplugged: try again later
                log.warning("listening for a call: %s; trying again in %g s", exc, RETRY_S)
            except Exception:
                log.exception("listening for a call failed")
            if decision is not None:
                break
            self._halt.wait(RETRY_S)
        self._listening.clear()
        if decision is not None and decision.action == "start":
            log.info("call starts by itself: %s", decision.reason)
            self._start(decision)

    def _listen_once(self) -> CallDecision | None:
        """Listen until the detector decides, the audio ends, or `halt`."""
        decision: CallDecision | None = None
        try:
            source = self._current = self._source()
            probed = 0.0
            stream = source.blocks(self._block)
            try:
                for blocks in stream:
                    if self._halt.is_set():
                        break
                    for leg, block in enumerate(blocks):
                        self.detector.heard(leg, dbfs(block), len(block) / SAMPLE_RATE)
                    if self._in_use is not None and time.monotonic() - probed >= self._probe_s:
                        probed = time.monotonic()
                        self.detector.device_in_use(self._in_use())
                    decision = self.detector.step()
                    if decision is not None:
                        break
            finally:
                close = getattr(stream, "close", None)
                if close is not None:  # the devices are let go before the call opens them
                    close()
        finally:
            if self._current is not None:
                self._current.stop()
            self._current = None
        return decision

    def halt(self, timeout: float = 3.0) -> None:
        """Stop listening (a call started by other means, or the app quits)."""
        self._halt.set()
        current = self._current
        if current is not None:
            current.stop()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

