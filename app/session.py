"""Runs calls through the engine off the GUI thread and forwards the operator's controls."""

from __future__ import annotations

import concurrent.futures
import gc
import getpass
import logging
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.bridge import CallEnded, EngineBridge
from assist import (
    AssistError,
    AudioSource,
    CallRecorder,
    Engine,
    EngineConfig,
    EngineError,
    Event,
    EventSink,
    FeedbackAction,
    FileSource,
    LatencyLog,
    Leg,
    LiveSource,
    purge_calls,
    replace_config,
    run_call,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallPlan:
    """What to run: a file at a pace (the demo, a recording) or the configured devices."""

    audio: Path | None = None
    pace: str = "realtime"

    @property
    def live(self) -> bool:
        return self.audio is None


def live_legs(config: EngineConfig) -> tuple[list[Leg], tuple[str, ...]]:
    """The configured capture devices as legs, with a speaker name per leg."""
    capture = config.capture
    legs: list[Leg] = []
    speakers: list[str] = []
    if capture.operator_device:
        legs.append(Leg(capture.operator_device, capture.operator_channel))
        speakers.append("operator")
    if capture.customer_device:
        shared = capture.customer_device == capture.operator_device
        channel = capture.customer_channel if capture.customer_channel >= 0 else int(shared)
        legs.append(Leg(capture.customer_device, channel))
        speakers.append("customer")
    return legs, tuple(speakers)


ENGINE_NICE = 5  # engine threads yield the CPU to the GUI thread when both want it


def lower_priority() -> None:
    """Lower this thread's CPU priority (Linux: per thread; threads it creates, such as the
    recognizer's pool, inherit it), so a busy recognizer never freezes the panel."""
    if not hasattr(os, "setpriority"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), ENGINE_NICE)
    except OSError as exc:
        log.debug("cannot lower engine thread priority: %s", exc)


class CallSession:
    """One engine kept warm between calls; each call runs on its own named thread.

    The GUI calls `start`, `stop` and the hint controls; none of them waits for the engine:
    controls go through a one-thread executor to the engine's control API, events come back
    through the bridge.
    """

    def __init__(self, config: EngineConfig, bridge: EngineBridge,
                 extra_sink: Callable[[Event], None] | None = None) -> None:
        self.bridge = bridge
        self.config = config
        self._extra_sink = extra_sink
        self._engine = Engine(config, bridge.post)
        self._thread: threading.Thread | None = None
        self._controls = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="sufler-controls")
        self._loader: threading.Thread | None = None
        self._active = threading.Event()
        self.muted = False
        self.call_id = ""

    def add_listener(self, sink: EventSink) -> None:
        """One more receiver of every engine event, called on the engine's threads (the
        events API, `app.events_api`)."""
        self._engine.add_sink(sink)

    # -- configuration ------------------------------------------------------------------

    def configure(self, config: EngineConfig) -> None:
        """New settings take effect at the next call; the model is kept if it did not change."""
        self.config = config

    @property
    def running(self) -> bool:
        """A call is under way: from `start` until its CallEnded is posted (the thread may
        live a moment longer; a quit must not wait for, or ask about, that)."""
        return self._active.is_set()

    # -- calls --------------------------------------------------------------------------

    def preload(self) -> None:
        """Load and warm up the model now, off the GUI thread, so the first call starts at
        once (and loading, which holds Python's lock in places, happens before it)."""
        if self._loader is not None or self.running:
            return

        def load() -> None:
            lower_priority()
            try:
                self._engine.configure(self.config)
                self._engine.load()
            except AssistError as exc:
                self.bridge.post(EngineError(str(exc), False, 0.0))
            except Exception as exc:
                log.exception("loading the model failed")
                self.bridge.post(EngineError(f"{type(exc).__name__}: {exc}", False, 0.0))
            gc.collect()
            gc.freeze()  # what loading left behind is never scanned again: shorter GC pauses

        self._loader = threading.Thread(target=load, name="sufler-load", daemon=True)
        self._loader.start()

    def start(self, plan: CallPlan) -> None:
        """Start a call on a new thread; errors come back as EngineError and CallEnded."""
        if self.running:
            raise RuntimeError("a call is already running")
        self.call_id = uuid.uuid4().hex[:12]
        self._active.set()
        self._thread = threading.Thread(target=self._run, args=(plan, self.call_id),
                                        name="sufler-call", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._engine.stop()  # live capture stops at once, a played file after its block

    def wait(self, timeout: float | None = None) -> bool:
        """For tests and shutdown: True when no call thread is left running."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _source_for(self, plan: CallPlan) -> tuple[AudioSource, EngineConfig]:
        config = self.config
        if plan.audio is not None:
            source: AudioSource = FileSource(plan.audio)
            return source, replace_config(config, pace=plan.pace)
        legs, speakers = live_legs(config)
        if not legs:
            raise AssistError("no input devices configured: choose the operator microphone "
                              "and the customer audio in Settings")
        # each leg keeps the language configured for its speaker
        by_speaker = dict(zip(config.channels.speakers, config.channels.languages, strict=True))
        languages = tuple(by_speaker.get(speaker, "auto") for speaker in speakers)
        config = replace_config(config, pace="realtime", **{
            "channels.speakers": speakers, "channels.languages": languages})
        return LiveSource(legs, backend=config.capture.backend), config

    def _run(self, plan: CallPlan, call_id: str) -> None:
        lower_priority()
        if self._loader is not None:
            self._loader.join()
        stats = None
        saved: Path | None = None
        error: str | None = None
        latency: LatencyLog | None = None
        recorder: CallRecorder | None = None
        storage = self.config.storage
        try:
            source, config = self._source_for(plan)
            operator = storage.operator_id or getpass.getuser() or "operator"
            latency = LatencyLog(storage.logs_path(), operator, call_id, config.asr.label,
                                 mask_pii=storage.mask_pii)
            if storage.save_calls:
                recorder = CallRecorder(storage.calls_path(), call_id, storage.mask_pii)
            sinks = [sink for sink in (latency, recorder, self._extra_sink) if sink]
            self._engine.configure(config)
            self._engine.load()
            stats = run_call(config, source, sinks, self._engine)
        except AssistError as exc:
            error = str(exc)
            self.bridge.post(EngineError(error, False, 0.0))
        except Exception as exc:  # the crash goes to the log; the GUI stays up
            log.exception("call %s failed", call_id)
            error = f"{type(exc).__name__}: {exc}"
            self.bridge.post(EngineError(error, False, 0.0))
        finally:
            if latency is not None:
                latency.close()
            if recorder is not None:
                try:
                    saved = recorder.save()
                    purge_calls(storage.calls_path(), storage.retention_days)
                except AssistError as exc:
                    error = error or str(exc)
            self._active.clear()
            self.bridge.post(CallEnded(stats, saved, error))

    # -- operator controls: never on the GUI thread -------------------------------------

    def _control(self, action: Callable[[], None]) -> None:
        def run() -> None:
            try:
                action()
            except Exception:
                log.exception("hint control failed")
        self._controls.submit(run)

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        engine = self._engine
        self._control(lambda: engine.mute(muted))

    def snooze(self, minutes: float) -> None:
        engine = self._engine
        self._control(lambda: engine.snooze(minutes))

    def feedback(self, card_id: int, action: FeedbackAction) -> None:
        engine = self._engine
        self._control(lambda: engine.feedback(card_id, action))

    def shutdown(self) -> None:
        self.stop()
        self.wait(5.0)
        self._controls.shutdown(wait=False)
