"""Live calls that start and stop by themselves in the panel ([capture] auto_call).

While no call runs, `assist.Standby` listens to the configured devices (levels only: nothing
is recorded or recognised) and starts a call once both legs spoke; during the call the
engine's level events feed the same `assist.CallDetector`, which stops it after silence on
both legs or when nothing plays to the customer's device any more. Calls are started and
stopped as the events API's `call start|stop` commands do (`app.events_api.AppControls`:
on the GUI thread, like the operator's button), so the window follows.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from app.bridge import CallEnded
from app.events_api import AppControls
from app.session import live_legs
from assist import (
    AudioSource,
    CallDecision,
    CallDetector,
    EngineConfig,
    Event,
    LevelsMeasured,
    LiveSource,
    Standby,
    pulse_sink_in_use,
)

if TYPE_CHECKING:
    from app.window import MainWindow

log = logging.getLogger(__name__)

PROBE_S = 2.0  # how often the customer's device is checked during a call


class Controls(Protocol):
    def call(self, action: str) -> str: ...


class AutoCall:
    """Starts and stops the window's live calls by themselves. `controls`, `source`,
    `in_use` and `clock` are the window's by default (tests pass their own)."""

    def __init__(self, window: MainWindow, config: EngineConfig,
                 controls: Controls | None = None,
                 source: Callable[[], AudioSource] | None = None,
                 in_use: Callable[[], bool | None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        capture = config.capture
        legs, _ = live_legs(config)
        self._controls = controls if controls is not None else AppControls(window)
        self.detector = CallDetector(
            len(legs), clock, start_within_s=capture.auto_start_within_s,
            stop_silence_s=capture.auto_stop_silence_s,
            stop_when_idle=capture.auto_stop_when_idle, voice_dbfs=capture.voice_dbfs)
        if in_use is None and capture.auto_stop_when_idle and capture.customer_device:
            device = capture.customer_device
            in_use = lambda: pulse_sink_in_use(device)  # noqa: E731 - None where not Pulse
        self._in_use = in_use
        make = source if source is not None else (
            lambda: LiveSource(legs, backend=capture.backend))
        self.standby = Standby(self.detector, make, self._start, in_use)
        self._lock = threading.Lock()  # the detector: engine threads, the probe, the GUI
        self._commands = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="sufler-autocall")
        self._closed = threading.Event()
        self._stopping = False  # a stop was sent; the call's last events are not a new call
        self._probe: threading.Thread | None = None
        window.session.add_listener(self._heard)
        window.bridge.call_ended.connect(self._ended)
        self.standby.listen()

    # -- the standby thread ---------------------------------------------------------------

    def _start(self, decision: CallDecision) -> None:
        log.info("auto-call: %s", decision.reason)
        self._commands.submit(self._command, "start")
        self._watch_device()

    def _command(self, action: str) -> None:
        try:
            log.info("auto-call %s: %s", action, self._controls.call(action))
        except Exception as exc:  # the window did not answer: the next decision tries again
            log.warning("auto-call %s failed: %s", action, exc)

    # -- the engine's threads -------------------------------------------------------------

    def _heard(self, event: Event) -> None:
        if not isinstance(event, LevelsMeasured) or self._closed.is_set():
            return
        with self._lock:
            if self._stopping:
                return
            if not self.detector.in_call:  # started by hand or by a hook: follow it too
                self.detector.call_started()
                self._commands.submit(self.standby.halt)
                self._watch_device()
            decision = self.detector.follow(event)
            self._stopping = decision is not None
        if decision is not None:
            log.info("auto-call: %s", decision.reason)
            self._commands.submit(self._command, "stop")

    def _watch_device(self) -> None:
        if self._in_use is None or (self._probe is not None and self._probe.is_alive()):
            return
        self._probe = threading.Thread(target=self._probe_device, name="sufler-autocall-probe",
                                       daemon=True)
        self._probe.start()

    def _probe_device(self) -> None:
        probe = self._in_use
        assert probe is not None
        while not self._closed.wait(PROBE_S):
            in_use = probe()
            with self._lock:
                if not self.detector.in_call or self._stopping:
                    return
                self.detector.device_in_use(in_use)
                decision = self.detector.step()
                self._stopping = decision is not None
            if decision is not None:
                log.info("auto-call: %s", decision.reason)
                self._commands.submit(self._command, "stop")
                return

    # -- the GUI thread -------------------------------------------------------------------

    def _ended(self, ended: CallEnded) -> None:
        if self._closed.is_set():
            return
        with self._lock:
            self.detector.call_ended()
            self._stopping = False
        self.standby.listen()

    def close(self) -> None:
        self._closed.set()
        self.standby.halt()
        self._commands.shutdown(wait=False)


def start_auto_call(window: MainWindow, config: EngineConfig) -> AutoCall | None:
    """Auto-start and auto-stop for this window when [capture] auto_call is on and the
    window runs live calls (not a played recording)."""
    if not config.capture.auto_call or not window.plan.live:
        return None
    legs, _ = live_legs(config)
    if not legs:
        log.warning("auto-call is on but no input devices are configured")
        return None
    return AutoCall(window, config)
