"""The engine: call audio in, timestamped transcript events out.

capture → per-channel endpointer → bounded backlog → one ASR worker thread → guards → events.
Three pacings share this flow: `realtime` feeds audio at wall-clock rate, `fast` as fast as
possible (nothing is ever shed), and `simulated` runs a discrete-event simulation on a
virtual clock: idle waiting for audio is skipped, but every recognizer call is timed for
real and occupies the virtual worker for exactly that long, so the latency a live call
would see is measured in the time its compute takes.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from assist.asr.backlog import Backlog, BacklogAction
from assist.asr.recognizer import Recognizer, WhisperRecognizer
from assist.asr.worker import AsrWorker, Outcome
from assist.audio.source import AudioSource
from assist.clock import VirtualClock, WallClock
from assist.config import EngineConfig, Pace
from assist.endpointer import Endpointed, Endpointer, Retraction, Window
from assist.errors import ConfigError
from assist.events import (
    BacklogReported,
    CaptureChanged,
    EngineError,
    EngineState,
    EngineStateChanged,
    EntityExtracted,
    EventSink,
    LevelsMeasured,
    StageTimes,
    TranscriptUpdated,
    UtteranceProcessed,
    UtteranceSuppressed,
)
from assist.extract.extractor import CallExtractor, extract
from assist.rules.book import RuleBook
from assist.rules.evaluator import CallRules
from assist.rules.session import RuleSession
from assist.vad import SAMPLE_RATE, Audio, SileroDetector, VoiceDetector

log = logging.getLogger(__name__)

LEVEL_EVERY_S = 0.2  # how often input levels are reported (for the app's meters)


@dataclass
class _Speculative:
    """A tentative window sent to the recognizer before its end was certain."""

    outcome: Outcome | None = None
    asr_start: float = 0.0
    asr_end: float = 0.0
    confirmed: Window | None = None
    confirmed_at: float = 0.0
    retracted: bool = False


class SpeculationBook:
    """Matches tentative recognitions with the endpointer's later confirm or retraction."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[int, int], _Speculative] = {}
        self.wasted = 0

    def open(self, window: Window) -> None:
        with self._lock:
            self._entries[(window.channel, window.seq)] = _Speculative()

    def retract(self, retraction: Retraction, backlog: Backlog) -> None:
        key = (retraction.channel, retraction.seq)
        with self._lock:  # lock order: book, then backlog; the worker never holds both
            entry = self._entries.get(key)
            if entry is None:
                return
            if backlog.remove(*key):
                del self._entries[key]  # never started: nothing wasted
            elif entry.outcome is not None:
                del self._entries[key]
                self.wasted += 1
            else:
                entry.retracted = True  # running: `arrived` drops it

    def forget(self, channel: int, seq: int) -> None:
        """A tentative window was shed unrecognised: its confirmation must queue it anew."""
        with self._lock:
            self._entries.pop((channel, seq), None)

    def confirm(
        self, window: Window, now: float
    ) -> tuple[Outcome, float, float] | Literal["absent", "pending"]:
        """The final window: its recognition if done, "pending" if running, else "absent"."""
        with self._lock:
            entry = self._entries.get((window.channel, window.seq))
            if entry is None or entry.retracted:
                return "absent"
            if entry.outcome is None:
                entry.confirmed, entry.confirmed_at = window, now
                return "pending"
            del self._entries[(window.channel, window.seq)]
            return entry.outcome, entry.asr_start, entry.asr_end

    def arrived(
        self, outcome: Outcome, asr_start: float, asr_end: float
    ) -> tuple[Window, float] | Literal["held", "dropped"]:
        """A tentative recognition finished: (final window, emit time) if confirmed, "held"
        while its end is still uncertain, "dropped" if speech resumed meanwhile."""
        key = (outcome.window.channel, outcome.window.seq)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return "dropped"
            if entry.retracted:
                del self._entries[key]
                self.wasted += 1
                return "dropped"
            if entry.confirmed is not None:
                del self._entries[key]
                return entry.confirmed, max(asr_end, entry.confirmed_at)
            entry.outcome, entry.asr_start, entry.asr_end = outcome, asr_start, asr_end
            return "held"


@dataclass
class CallStats:
    """Totals for one call, for benchmarks and the status line."""

    audio_s: float = 0.0
    utterances: int = 0
    suppressed: int = 0
    folded: int = 0
    shed: int = 0
    errors: int = 0
    wasted: int = 0  # tentative recognitions thrown away because speech resumed
    compute_s: float = 0.0
    wall_s: float = 0.0

    @property
    def rtf(self) -> float:
        """Recognizer compute seconds per second of call audio."""
        return self.compute_s / self.audio_s if self.audio_s else 0.0


class Engine:
    """Turns a call's audio into events on `sink`. One call at a time."""

    def __init__(
        self,
        config: EngineConfig,
        sink: EventSink,
        recognizer: Recognizer | None = None,
        detector_factory: Callable[[], VoiceDetector] = SileroDetector,
        rules: RuleSession | None = None,
    ) -> None:
        self.config = config
        self._sink = sink
        self._recognizer = recognizer
        self._detector_factory = detector_factory
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._state: EngineState | None = None
        self._utterance_id = 0
        self.stats = CallStats()
        self._energy: list[float] = []
        self._energy_samples: list[int] = []
        self._levels_at = 0.0
        self._extractor = CallExtractor(config.extract)
        self._extract_lock = threading.Lock()
        if rules is None and config.rules.enabled:
            base = Path(config.origin) if config.origin else None
            rules = RuleSession(config.rules, self._emit, RuleBook(config.rules.paths(base)))
        self.rules = rules  # the operator's controls (mute, snooze, feedback) live here

    @property
    def recognizer(self) -> Recognizer:
        if self._recognizer is None:
            self.load()
        assert self._recognizer is not None
        return self._recognizer

    @property
    def loaded_recognizer(self) -> Recognizer | None:
        """The recognizer if already loaded (to hand to a new engine), else None."""
        return self._recognizer

    def load(self) -> None:
        """Load and warm up the model; READY is only announced after the warm-up."""
        if self._recognizer is not None:
            return
        self._set_state("loading", self.config.asr.model, 0.0)
        recognizer = WhisperRecognizer(self.config.asr)
        self._set_state("warming_up", recognizer.resolved.location, 0.0)
        recognizer.warm_up()
        self._warm_up_text_stages()
        self._recognizer = recognizer
        self._set_state("ready", recognizer.resolved.source, 0.0)

    def _warm_up_text_stages(self) -> None:
        """The extractor's and matcher's first use loads data (phone metadata per region,
        stemmers): do it while loading, not on the call's first number or phrase."""
        samples = (("en", "My number is 415 555 0132, and I live at 12 Baker Street."),
                   ("ru", "Мой номер 8 916 123-45-67, живу на улице Ленина, дом 12."))
        extract_config = self.config.extract
        for language, text in samples:
            try:
                extract(text, language, extract_config.region_for(language),
                        extract_config.gazetteer, extract_config.gazetteer_min_score)
                if self.rules is not None:
                    CallRules(self.rules.compiled).on_transcript(
                        "customer", text, language, 1.0, 1.0)
            except Exception:  # a warm-up problem shows up again, and is logged, on the call
                log.exception("warming up the text stages failed")

    def stop(self) -> None:
        """Ask a running `transcribe` to stop after the current block (from any thread)."""
        self._stop.set()

    def speaker_of(self, channel: int) -> str:
        return self.config.channels.speakers[channel]

    def transcribe(self, source: AudioSource, pace: Pace | None = None) -> CallStats:
        """Run one call through the engine; returns when every window is recognised."""
        pace = pace or self.config.pace
        if source.channels > len(self.config.channels.speakers):
            raise ConfigError(
                f"the audio has {source.channels} channels but only "
                f"{len(self.config.channels.speakers)} speakers are configured"
            )
        recognizer = self.recognizer
        self._stop.clear()
        self.stats = CallStats()
        self._utterance_id = 0
        self._extractor = CallExtractor(self.config.extract)
        self._book = SpeculationBook()
        self._energy = [0.0] * source.channels
        self._energy_samples = [0] * source.channels
        self._levels_at = 0.0
        endpointers = [
            Endpointer(channel, self.config.endpoint, self._detector_factory())
            for channel in range(source.channels)
        ]
        begin = time.perf_counter()
        if pace == "simulated":
            self._run_simulated(source, endpointers, recognizer)
        else:
            self._run_live(source, endpointers, recognizer, pace)
        self.stats.wall_s = time.perf_counter() - begin
        self.stats.wasted = self._book.wasted
        return self.stats

    # -- live pacing: realtime and fast -------------------------------------------------

    def _run_live(
        self,
        source: AudioSource,
        endpointers: list[Endpointer],
        recognizer: Recognizer,
        pace: Pace,
    ) -> None:
        clock = WallClock()
        backlog = Backlog(self.config.backlog, "live" if pace == "realtime" else "block")

        def done(outcome: Outcome) -> None:
            asr_end = clock.now()
            self._finished(outcome, outcome.started, asr_end)
            if len(backlog) == 0:
                self._set_state("running", "", asr_end)

        worker = AsrWorker(recognizer, self.config, backlog, done, clock.now)
        block = self._block_samples()
        self._set_state("running", pace, 0.0)
        opener = getattr(source, "open", None)
        if callable(opener):  # live devices open before the clock starts
            opener()
        clock.reset()
        self._start_rules(clock.now, len(endpointers))
        attach = getattr(source, "attach", None)
        if callable(attach):  # live capture reports lost and returning devices
            attach(self._capture_changed, clock.now)
        worker.start()
        try:
            for index, blocks in enumerate(source.blocks(block)):
                if self._stop.is_set():
                    break
                audio_end = (index * block + len(blocks[0])) / SAMPLE_RATE
                if pace == "realtime":
                    clock.sleep_until(audio_end)
                self.stats.audio_s = audio_end
                self._feed(endpointers, blocks, backlog, clock.now())
            self._feed(endpointers, None, backlog, clock.now())
        finally:
            backlog.close()
            worker.join()
        self._set_state("stopped", "", clock.now())

    def _feed(
        self,
        endpointers: list[Endpointer],
        blocks: list[Audio] | None,
        backlog: Backlog,
        now: float,
    ) -> None:
        """One block per leg through the endpointers (None: end of the call, flush them)."""
        if blocks is not None:
            self._levels(blocks, now)
        for channel, endpointer in enumerate(endpointers):
            if blocks is None:
                items = endpointer.finish(now)
            else:
                items = endpointer.feed(blocks[channel], now, now)
            for item in items:
                self._endpointed(backlog, item, now)
        if self.rules is not None:
            speaking = [self.speaker_of(channel) for channel, endpointer in
                        enumerate(endpointers) if endpointer.in_speech]
            try:
                self.rules.tick(now, speaking)
            except Exception:  # a rules bug must not stop the call
                log.exception("rules tick failed")

    def _start_rules(self, clock: Callable[[], float], channels: int) -> None:
        if self.rules is not None:
            self.rules.start(clock, [self.speaker_of(channel) for channel in range(channels)])

    def _endpointed(self, backlog: Backlog, item: Endpointed, now: float) -> None:
        """Route the endpointer's output: retract, queue, or confirm a speculation."""
        if isinstance(item, Retraction):
            self._book.retract(item, backlog)
            return
        if item.tentative:
            self._book.open(item)
            self._enqueue(backlog, item, now)
            return
        ready = self._book.confirm(item, now)
        if ready == "absent":
            self._enqueue(backlog, item, now)
        elif ready != "pending":
            outcome, asr_start, asr_end = ready
            self._publish(self._confirmed(outcome, item), asr_start, asr_end, max(asr_end, now))

    def _finished(self, outcome: Outcome, asr_start: float, asr_end: float) -> None:
        """A recognition is done: publish it, or hold/drop it if it was speculative."""
        if not outcome.window.tentative:
            self._publish(outcome, asr_start, asr_end, asr_end)
            return
        confirmed = self._book.arrived(outcome, asr_start, asr_end)
        if confirmed == "held":
            self._interim(outcome, asr_start, asr_end)
        elif confirmed != "dropped":
            window, emitted = confirmed
            self._publish(self._confirmed(outcome, window), asr_start, asr_end, emitted)

    @staticmethod
    def _confirmed(outcome: Outcome, final: Window) -> Outcome:
        """The speculative outcome under its final window; `endpointed` stays the moment
        the end was first proposed, when recognition could start."""
        return replace(outcome, window=replace(final, endpointed=outcome.window.endpointed))

    def _enqueue(self, backlog: Backlog, window: Window, now: float) -> None:
        actions = backlog.put(window, now)
        for action in actions:
            self._report_backlog(action, now)
        if len(backlog) >= 2 or actions:
            self._set_state("catching_up", f"{len(backlog)} windows waiting", now)

    # -- simulated pacing ---------------------------------------------------------------

    def _run_simulated(
        self, source: AudioSource, endpointers: list[Endpointer], recognizer: Recognizer
    ) -> None:
        clock = VirtualClock()
        backlog = Backlog(self.config.backlog, "live")
        inbox = Backlog(self.config.backlog, "block")
        results: queue.Queue[Outcome] = queue.Queue()
        worker = AsrWorker(recognizer, self.config, inbox, results.put, clock.now)
        busy_until = 0.0
        running: tuple[Outcome, float, float] | None = None  # outcome, virtual start, end

        def advance(t: float) -> None:
            """Play the virtual worker forward to time t."""
            nonlocal busy_until, running
            while True:
                if running is not None and running[2] <= t:
                    outcome, start, end = running
                    clock.advance_to(end)
                    self._finished(outcome, start, end)
                    busy_until, running = end, None
                    if len(backlog) == 0:
                        self._set_state("running", "", end)
                    continue
                oldest = backlog.oldest()
                if running is None and oldest is not None and oldest.endpointed <= t:
                    window = backlog.pop()
                    assert window is not None
                    start = max(window.endpointed, busy_until)
                    clock.advance_to(start)
                    inbox.put(window, start)
                    outcome = results.get()
                    running = (outcome, start, start + outcome.compute_s)
                    continue
                return

        block = self._block_samples()
        self._set_state("running", "simulated", 0.0)
        self._start_rules(clock.now, len(endpointers))
        worker.start()
        try:
            for index, blocks in enumerate(source.blocks(block)):
                if self._stop.is_set():
                    break
                now = (index * block + len(blocks[0])) / SAMPLE_RATE
                advance(now)
                clock.advance_to(now)
                self.stats.audio_s = now
                self._feed(endpointers, blocks, backlog, now)
                advance(now)
            self._feed(endpointers, None, backlog, self.stats.audio_s)
            advance(math.inf)
        finally:
            inbox.close()
            worker.join()
        self._set_state("stopped", "", clock.now())

    # -- events -------------------------------------------------------------------------

    def _block_samples(self) -> int:
        return max(1, int(self.config.chunk_ms * SAMPLE_RATE / 1000))

    def _publish(self, outcome: Outcome, asr_start: float, asr_end: float, emitted: float) -> None:
        window = outcome.window
        speaker = self.speaker_of(window.channel)
        with self._lock:
            self.stats.compute_s += outcome.compute_s
        if outcome.error is not None or outcome.recognition is None or outcome.verdict is None:
            with self._lock:
                self.stats.errors += 1
            self._emit(EngineError(f"recognizer failed: {outcome.error}", True, emitted))
            return
        if outcome.verdict.reason is not None:
            with self._lock:
                self.stats.suppressed += 1
            self._emit(
                UtteranceSuppressed(speaker, window.start, window.end, outcome.verdict.reason,
                                    emitted)
            )
            return
        with self._lock:
            self._utterance_id += 1
            self.stats.utterances += 1
            utterance_id = self._utterance_id
        times = StageTimes(window.captured, window.endpointed, asr_start, asr_end, emitted)
        recognition = outcome.recognition
        transcript = TranscriptUpdated(
            utterance_id=utterance_id,
            speaker=speaker,
            channel=window.channel,
            text=outcome.verdict.text,
            start=window.start,
            end=window.end,
            final=True,
            language=recognition.language,
            times=times,
            window_reason=window.reason,
            avg_logprob=recognition.avg_logprob,
            no_speech_prob=recognition.no_speech_prob,
        )
        self._emit(transcript)
        begin = time.perf_counter()  # what follows is charged to the cards' age
        found: list[object] = []
        if self.config.extract.enabled and transcript.text:
            with self._extract_lock:
                try:
                    found = list(self._extractor.process(transcript, emitted))
                except Exception:  # an extractor bug must not cost the transcript
                    log.exception("extraction failed on utterance %d", utterance_id)
            for event in found:
                self._emit(event)
        extracted = emitted + time.perf_counter() - begin
        if self.rules is not None:
            try:
                self.rules.transcript(transcript, emitted + time.perf_counter() - begin)
                for event in found:
                    if isinstance(event, EntityExtracted):
                        self.rules.entity(event, emitted + time.perf_counter() - begin)
            except Exception:  # a rules bug must not stop the call either
                log.exception("rules failed on utterance %d", utterance_id)
        with self._lock:
            rtf = self.stats.rtf
        self._emit(UtteranceProcessed(utterance_id, speaker, extracted,
                                      emitted + time.perf_counter() - begin, rtf))

    def _interim(self, outcome: Outcome, asr_start: float, asr_end: float) -> None:
        """Text of a window whose end is not yet certain, for display only: the final text
        (or the next interim) of the same speaker replaces it; rules and extraction wait."""
        verdict, recognition = outcome.verdict, outcome.recognition
        if verdict is None or recognition is None or verdict.reason is not None:
            return
        if not verdict.text:
            return
        window = outcome.window
        times = StageTimes(window.captured, window.endpointed, asr_start, asr_end, asr_end)
        self._emit(TranscriptUpdated(0, self.speaker_of(window.channel), window.channel,
                                     verdict.text, window.start, window.end, False,
                                     recognition.language, times, window.reason,
                                     recognition.avg_logprob, recognition.no_speech_prob))

    def _levels(self, blocks: list[Audio], now: float) -> None:
        """Accumulate input energy per leg; report levels every LEVEL_EVERY_S of audio."""
        for channel, block in enumerate(blocks):
            if len(block):
                self._energy[channel] += float(np.dot(block, block))
                self._energy_samples[channel] += len(block)
        if now - self._levels_at < LEVEL_EVERY_S:
            return
        self._levels_at = now
        levels = tuple(
            round(10 * math.log10(max(energy / samples if samples else 0.0, 1e-9)), 1)
            for energy, samples in zip(self._energy, self._energy_samples, strict=True))
        self._energy = [0.0] * len(blocks)
        self._energy_samples = [0] * len(blocks)
        speakers = tuple(self.speaker_of(channel) for channel in range(len(blocks)))
        self._emit(LevelsMeasured(levels, speakers, now))

    def _capture_changed(self, event: CaptureChanged) -> None:
        self._emit(replace(event, speaker=self.speaker_of(event.channel)))

    def _report_backlog(self, action: BacklogAction, now: float) -> None:
        with self._lock:
            if action.action == "folded":
                self.stats.folded += 1
            else:
                self.stats.shed += 1
        if action.action == "shed":
            self._book.forget(action.channel, action.seq)
        self._emit(
            BacklogReported(action.action, self.speaker_of(action.channel), action.seconds,
                            action.pending, action.lag, now)
        )

    def _set_state(self, state: EngineState, detail: str, at: float) -> None:
        with self._lock:
            if state == self._state:
                return
            self._state = state
        self._emit(EngineStateChanged(state, detail, at))

    def _emit(self, event: object) -> None:
        try:
            self._sink(event)  # type: ignore[arg-type]
        except Exception:  # a listener's bug must not stop the call
            log.exception("event sink failed on %s", type(event).__name__)
