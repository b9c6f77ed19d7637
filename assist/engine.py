"""The engine: call audio in, recognized utterances out to the call pipeline.

capture → per-channel endpointer → scheduler (queue and speculation) → one ASR worker →
guards → the call pipeline (`assist.pipeline`: extraction, read-back, rules and the gate,
records, on its own thread). The pacing drivers (`assist.pacing`) feed the audio; this
module turns windows into utterances and offers the app its control API (mute, snooze,
feedback, reload), safe to call from any thread.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assist.asr.backends import create_recognizer
from assist.asr.dictation import DictationPolicy
from assist.asr.options import DecodePolicy, WindowContext
from assist.asr.recognizer import Recognizer, RecognizerInfo, Switching
from assist.asr.scheduler import (
    BacklogAction,
    Interim,
    Policy,
    Ready,
    Recognized,
    Scheduler,
)
from assist.asr.worker import AsrWorker, Outcome
from assist.audio.source import AudioSource
from assist.config import LANGUAGE_AUTO, EngineConfig, Pace, replace_config
from assist.context import CallContext
from assist.dictation import Expectations
from assist.endpointer import Endpointer, Window
from assist.errors import ConfigError
from assist.events import (
    BacklogReported,
    CaptureChanged,
    EngineError,
    EngineState,
    EngineStateChanged,
    Event,
    EventSink,
    FeedbackAction,
    LevelsMeasured,
    RecognizerSwitched,
    StageTimes,
    TranscriptUpdated,
    UtteranceSuppressed,
)
from assist.extract.extractor import extract_with
from assist.pacing import run_live, run_simulated
from assist.pipeline import CallPipeline, ContextWriter, learn_languages
from assist.rules.book import RuleBook
from assist.rules.evaluator import CallRules
from assist.rules.session import RuleSession
from assist.vad import SAMPLE_RATE, Audio, SileroDetector, VoiceDetector

log = logging.getLogger(__name__)

LEVEL_EVERY_S = 0.2  # how often input levels are reported (for the app's meters)


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
    """Turns calls' audio into events, one call at a time; the model stays loaded between
    calls. `sink` receives every event of every call; `transcribe` may add sinks per call."""

    def __init__(
        self,
        config: EngineConfig,
        sink: EventSink | None = None,
        recognizer: Recognizer | None = None,
        detector_factory: Callable[[], VoiceDetector] = SileroDetector,
        rules: RuleSession | None = None,
        policy: DecodePolicy | None = None,
        context_writers: Sequence[ContextWriter] | None = None,
    ) -> None:
        self.config = config
        self._sinks: tuple[EventSink, ...] = (sink,) if sink is not None else ()
        self._recognizer = recognizer
        self._second: Recognizer | None = None  # asr.second_opinion, loaded with the model
        self._detector_factory = detector_factory
        # by default: dictation (what the operator asked for, digits being said) gets n-best
        # beam search; every other window the fast path
        self._policy = policy if policy is not None else DictationPolicy()
        self._context_writers = tuple(context_writers) if context_writers is not None else None
        self._stop = threading.Event()
        self._lock = threading.Lock()  # stats and state
        self._call_lock = threading.Lock()  # which pipeline (if any) the controls go to
        self._state: EngineState | None = None
        self._pipeline: CallPipeline | None = None
        self._source: AudioSource | None = None
        self.stats = CallStats()
        self._rules = rules if rules is not None else self._rules_for(config)

    def add_sink(self, sink: EventSink) -> None:
        """One more receiver of every event, from the next call on (and of every event
        between calls at once): the events API listens this way."""
        self._sinks = (*self._sinks, sink)

    def _rules_for(self, config: EngineConfig) -> RuleSession | None:
        if not config.rules.enabled:
            return None
        base = Path(config.origin) if config.origin else None
        return RuleSession(config.rules, self._emit, RuleBook(config.rules.paths(base)))

    # -- the model ----------------------------------------------------------------------

    @property
    def recognizer(self) -> Recognizer:
        if self._recognizer is None:
            self.load()
        assert self._recognizer is not None
        return self._recognizer

    @property
    def loaded(self) -> bool:
        return self._recognizer is not None

    def load(self) -> None:
        """Load and warm up the model; READY is only announced after the warm-up."""
        if self._recognizer is not None:
            return
        self._set_state("loading", self.config.asr.model, 0.0)
        recognizer = create_recognizer(self.config.asr)
        if isinstance(recognizer, Switching):  # a fallback while warming up is told too
            recognizer.set_listener(
                lambda remote, reason: self._switched(remote, reason, lambda: 0.0))
        self._set_state("warming_up", recognizer.describe().location, 0.0)
        recognizer.warm_up()
        self._second = self._second_opinion()
        self._warm_up_text_stages()
        self._recognizer = recognizer
        self._set_state("ready", recognizer.describe().source, 0.0)

    def _second_opinion(self) -> Recognizer | None:
        """The English model that decodes English dictation windows too (`asr.second_opinion`),
        or None: not configured, the model itself, a recognition server, no leg that may be
        English (every one set to Russian, say), or not loadable here (logged; calls go on
        with the one model)."""
        asr = self.config.asr
        name = asr.second_opinion.strip()
        legs = self.config.channels.languages
        english = "en" in legs or (LANGUAGE_AUTO in legs and (
            "en" in asr.auto_languages or not asr.auto_languages))
        if not name or name == asr.model or asr.backend != "whisper" or not english:
            return None  # none asked for, or no English leg to hear
        try:
            second = create_recognizer(replace_config(self.config, **{"asr.model": name}).asr)
            second.warm_up()
        except Exception as exc:  # a missing model must not cost the call its main one
            log.warning("asr.second_opinion %r not loaded, going on without it: %s", name, exc)
            return None
        if second.multilingual:
            log.warning("asr.second_opinion %r is not an English-only model; not used", name)
            return None
        return second

    def describe(self) -> RecognizerInfo | None:
        """The loaded recognizer, or None before `load`."""
        return self._recognizer.describe() if self._recognizer is not None else None

    def configure(self, config: EngineConfig) -> None:
        """New settings for the next call (not during one): the model is kept unless the
        recognizer settings changed, the rules are rebuilt if theirs did; mute stays."""
        if self.running:
            raise RuntimeError("configure between calls, not during one")
        if config.asr != self.config.asr:
            self._recognizer = None
            self._second = None
            self._state = None
        if config.rules != self.config.rules or config.origin != self.config.origin:
            muted = self.muted
            self._rules = self._rules_for(config)
            if self._rules is not None and muted:
                self._rules.set_muted(True)
        languages = config.channels.languages != self.config.channels.languages
        self.config = config
        if languages and self._recognizer is not None:
            self._second = self._second_opinion()  # an English leg may have come or gone

    def _warm_up_text_stages(self) -> None:
        """The extractor's and matcher's first use loads data (phone metadata per region,
        stemmers): do it while loading, not on the call's first number or phrase."""
        samples = (("en", "My number is 415 555 0132, and I live at 12 Baker Street."),
                   ("ru", "Мой номер 8 916 123-45-67, живу на улице Ленина, дом 12."))
        for language, text in samples:
            try:
                extract_with(self.config.extract, text, language)
                if self._rules is not None:
                    CallRules(self._rules.compiled).on_transcript(
                        "customer", text, language, 1.0, 1.0)
            except Exception:  # a warm-up problem shows up again, and is logged, on the call
                log.exception("warming up the text stages failed")

    # -- the operator's controls: any thread -------------------------------------------

    @property
    def running(self) -> bool:
        return self._pipeline is not None

    @property
    def muted(self) -> bool:
        return self._rules is not None and self._rules.muted

    def mute(self, muted: bool = True) -> None:
        """One-click mute (kept across calls until unmuted): visible cards go too."""
        self._control(lambda rules: rules.set_muted(muted))

    def snooze(self, minutes: float | None = None) -> None:
        """No new cards for `minutes` (default from config); 0 ends a snooze."""
        self._control(lambda rules: rules.snooze(minutes))

    def feedback(self, card_id: int, action: FeedbackAction) -> None:
        """👍/👎, dismiss or mute-this-rule on a card of the current call."""
        self._control(lambda rules: rules.feedback(card_id, action))

    def reload_rules(self) -> None:
        """Re-read the rule files now; a broken file keeps its last good rules."""
        self._control(lambda rules: rules.reload())

    def _control(self, action: Callable[[RuleSession], None]) -> None:
        rules = self._rules
        if rules is None:
            return
        with self._call_lock:
            pipeline = self._pipeline
        if pipeline is not None:
            pipeline.control(lambda: action(rules))  # runs it at once if the call is ending
            return
        action(rules)  # between calls: the rule session's own lock serialises it

    def stop(self) -> None:
        """Ask a running `transcribe` to stop after the current block (from any thread);
        live capture stops at once."""
        self._stop.set()
        source = self._source
        if source is not None:
            source.stop()

    # -- one call -----------------------------------------------------------------------

    def speaker_of(self, channel: int) -> str:
        return self.config.channels.speakers[channel]

    def transcribe(self, source: AudioSource, pace: Pace | None = None,
                   sinks: Sequence[EventSink] = ()) -> CallStats:
        """Run one call through the engine; returns when every window is recognised and
        every stage after recognition is done. `sinks` receive this call's events."""
        pace = pace or self.config.pace
        speakers = self.config.channels.speakers
        if source.channels > len(speakers):
            raise ConfigError(f"the audio has {source.channels} channels but only "
                              f"{len(speakers)} speakers are configured")
        if self.running:
            raise RuntimeError("one call at a time")
        recognizer = self.recognizer
        self._stop.clear()
        self.stats = CallStats()
        context = CallContext(speakers[: source.channels],
                              self.config.channels.languages[: source.channels])
        writers = (self._context_writers if self._context_writers is not None
                   else (learn_languages, Expectations()))
        pipeline = CallPipeline(self.config, [*self._sinks, *sinks], context, self._rules,
                                lambda: self.stats.rtf, charge_queue_wait=pace != "simulated",
                                writers=writers)
        call = _Call(self, source.channels, recognizer, pipeline, pace)
        pipeline.start()
        with self._call_lock:
            self._pipeline = pipeline
        self._source = source
        begin = time.perf_counter()
        try:
            if pace == "simulated":
                end = run_simulated(call, source, call.scheduler_for)
            else:
                end = run_live(call, source, pace, call.scheduler_for)
        finally:
            self._source = None
            with self._call_lock:
                self._pipeline = None  # controls from now on run at once (or in the pipeline
            pipeline.close()  # if they got it first: it runs them before it stops)
        self.stats.wall_s = time.perf_counter() - begin
        self.stats.wasted = call.wasted
        self._set_state("stopped", "", end)
        return self.stats

    # -- events -------------------------------------------------------------------------

    def _set_state(self, state: EngineState, detail: str, at: float) -> None:
        with self._lock:
            if state == self._state:
                return
            self._state = state
        self._emit(EngineStateChanged(state, detail, at))

    def _switched(self, remote: bool, reason: str, clock: Callable[[], float]) -> None:
        """The recognizer changed what recognizes (remote ⇄ local): a record of it, and the
        state as it is with the reason as its detail ("Recognizer: local (server
        unreachable)") for the panel."""
        with self._lock:
            state = self._state or "ready"
        at = clock()
        self._emit(RecognizerSwitched("remote" if remote else "local", reason, at))
        self._emit(EngineStateChanged(state, reason, at))

    def _emit(self, event: Event) -> None:
        """To the running call's pipeline (in order with its utterances), else directly."""
        pipeline = self._pipeline
        if pipeline is not None:
            pipeline.post(event)
            return
        for sink in self._sinks:
            try:
                sink(event)
            except Exception:  # a listener's bug must not stop the engine
                log.exception("event sink failed on %s", type(event).__name__)

    def _count(self, **changes: float) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(self.stats, name, getattr(self.stats, name) + value)


def run_call(config: EngineConfig, source: AudioSource, sinks: Sequence[EventSink] = (),
             engine: Engine | None = None) -> CallStats:
    """One call with `config` from `source` to `sinks`: the CLI's and the app's way in. A
    given engine (kept between calls, model loaded) takes the config first."""
    if engine is None:
        engine = Engine(config)
    elif engine.config != config:
        engine.configure(config)
    return engine.transcribe(source, sinks=sinks)


class _Call:
    """One call in progress: endpointers, the scheduler, levels; driven by a pacing driver."""

    def __init__(self, engine: Engine, channels: int, recognizer: Recognizer,
                 pipeline: CallPipeline, pace: Pace) -> None:
        self._engine = engine
        self._config = engine.config
        self._recognizer = recognizer
        self._pipeline = pipeline
        self._pace = pace
        self._channels = channels
        self._endpointers = [Endpointer(channel, self._config.endpoint,
                                        engine._detector_factory())
                             for channel in range(channels)]
        self._scheduler: Scheduler | None = None
        self._utterance_id = 0
        self._publishing = threading.Lock()
        self._energy = [0.0] * channels
        self._energy_samples = [0] * channels
        self._levels_at = 0.0

    # -- what the pacing drivers call --------------------------------------------------

    @property
    def block_samples(self) -> int:
        return max(1, int(self._config.chunk_ms * SAMPLE_RATE / 1000))

    @property
    def stopping(self) -> bool:
        return self._engine._stop.is_set()

    @property
    def wasted(self) -> int:
        return self._scheduler.wasted if self._scheduler is not None else 0

    def scheduler_for(self, policy: Policy) -> Scheduler:
        self._scheduler = Scheduler(self._config.backlog, policy)
        return self._scheduler

    def start(self, clock: Callable[[], float]) -> None:
        self._engine._set_state("running", self._pace, 0.0)
        if isinstance(self._recognizer, Switching):  # remote ⇄ local, with the reason
            self._recognizer.set_listener(
                lambda remote, reason: self._engine._switched(remote, reason, clock))
        rules = self._engine._rules
        if rules is not None:
            rules.start(clock, [self._engine.speaker_of(channel)
                                for channel in range(self._channels)])

    def worker(self, take: Callable[[], Window | None], on_done: Callable[[Outcome], None],
               clock: Callable[[], float]) -> AsrWorker:
        # batch pacing lets the context catch up before each window (simulated: exactly)
        catch_up = None if self._pace == "realtime" else self._pipeline.wait_idle
        context: WindowContext = self._pipeline.context
        # a server's recognizer takes several windows at once; the simulated driver times
        # one recognizer call at a time
        concurrency = (1 if self._pace == "simulated"
                       else int(getattr(self._recognizer, "concurrency", 1)))
        return AsrWorker(self._recognizer, self._config, take, on_done, clock, context,
                         self._engine._policy, catch_up, concurrency, self._engine._second)

    def audio_until(self, seconds: float) -> None:
        self._engine.stats.audio_s = seconds

    def idle(self, now: float) -> None:
        self._engine._set_state("running", "", now)

    def capture_changed(self, event: CaptureChanged) -> None:
        self._engine._emit(replace(event, speaker=self._engine.speaker_of(event.channel)))

    def feed(self, blocks: list[Audio] | None, now: float) -> None:
        """One block per channel through the endpointers (None: end of the call, flush them)."""
        assert self._scheduler is not None
        if blocks is not None:
            self._levels(blocks, now)
        context = self._pipeline.context
        for channel, endpointer in enumerate(self._endpointers):
            state = context.state(channel)
            endpointer.dictating = state.dictating or state.expecting is not None
            items = (endpointer.finish(now) if blocks is None
                     else endpointer.feed(blocks[channel], now, now))
            for item in items:
                submitted = self._scheduler.submit(item, now)
                for action in submitted.actions:
                    self._report_backlog(action, now)
                if submitted.queued and (len(self._scheduler) >= 2 or submitted.actions):
                    self._engine._set_state("catching_up",
                                            f"{len(self._scheduler)} windows waiting", now)
                if submitted.ready is not None:
                    self._publish(submitted.ready)
        if self._engine._rules is not None:
            speaking = [self._engine.speaker_of(channel)
                        for channel, endpointer in enumerate(self._endpointers)
                        if endpointer.in_speech]
            self._pipeline.tick(now, speaking)

    def recognized(self, outcome: Outcome, asr_start: float, asr_end: float) -> None:
        """A recognition is done: publish it, show it as interim, or drop it (void)."""
        assert self._scheduler is not None
        done = self._scheduler.finished(Recognized(outcome.window, outcome, asr_start, asr_end))
        if isinstance(done, Ready):
            self._publish(done)
        elif isinstance(done, Interim):
            self._interim(done.recognized)

    # -- utterances ---------------------------------------------------------------------

    def _publish(self, ready: Ready) -> None:
        recognized = ready.recognized
        outcome = recognized.result
        assert isinstance(outcome, Outcome)
        window, emitted = ready.window, ready.emitted
        speaker = self._engine.speaker_of(window.channel)
        self._engine._count(compute_s=outcome.compute_s)
        if outcome.error is not None or outcome.recognition is None or outcome.verdict is None:
            self._engine._count(errors=1)
            self._engine._emit(EngineError(f"recognizer failed: {outcome.error}", True, emitted))
            return
        if outcome.verdict.reason is not None:
            self._engine._count(suppressed=1)
            self._engine._emit(UtteranceSuppressed(speaker, window.start, window.end,
                                                   outcome.verdict.reason, emitted))
            return
        with self._publishing:  # the feed and the ASR threads both publish: one id, in order
            self._utterance_id += 1
            self._engine._count(utterances=1)
            self._post(outcome, ready, speaker, self._utterance_id)

    def _post(self, outcome: Outcome, ready: Ready, speaker: str, utterance_id: int) -> None:
        recognized, window, emitted = ready.recognized, ready.window, ready.emitted
        assert outcome.recognition is not None and outcome.verdict is not None
        recognition = outcome.recognition
        times = StageTimes(window.captured, window.endpointed, recognized.asr_start,
                           recognized.asr_end, emitted)
        self._pipeline.recognized(TranscriptUpdated(
            utterance_id=utterance_id, speaker=speaker, channel=window.channel,
            text=outcome.verdict.text, start=window.start, end=window.end, final=True,
            language=recognition.language, times=times, window_reason=window.reason,
            avg_logprob=recognition.avg_logprob, no_speech_prob=recognition.no_speech_prob,
            alternatives=recognition.alternatives, remote=recognition.remote,
            prompted=outcome.options is not None and bool(outcome.options.prompt)))

    def _interim(self, recognized: Recognized) -> None:
        """Text of a window whose end is not yet certain, for display only: the final text
        (or the next interim) of the same speaker replaces it; rules and extraction wait."""
        outcome = recognized.result
        assert isinstance(outcome, Outcome)
        verdict, recognition = outcome.verdict, outcome.recognition
        if verdict is None or recognition is None or verdict.reason is not None:
            return
        if not verdict.text:
            return
        window = outcome.window
        times = StageTimes(window.captured, window.endpointed, recognized.asr_start,
                           recognized.asr_end, recognized.asr_end)
        self._engine._emit(TranscriptUpdated(
            0, self._engine.speaker_of(window.channel), window.channel, verdict.text,
            window.start, window.end, False, recognition.language, times, window.reason,
            recognition.avg_logprob, recognition.no_speech_prob))

    def _levels(self, blocks: list[Audio], now: float) -> None:
        """Accumulate input energy per channel; report levels every LEVEL_EVERY_S of audio."""
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
        speakers = tuple(self._engine.speaker_of(channel) for channel in range(len(blocks)))
        self._engine._emit(LevelsMeasured(levels, speakers, now))

    def _report_backlog(self, action: BacklogAction, now: float) -> None:
        self._engine._count(**{action.action: 1})
        self._engine._emit(BacklogReported(action.action, self._engine.speaker_of(action.channel),
                                           action.seconds, action.pending, action.lag, now))
