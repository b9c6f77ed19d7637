"""The call pipeline: everything that happens to an utterance after recognition.

For each final utterance, in order: the transcript goes to the sinks (records), the call
context learns from it, extraction and the read-back check run, the card sources and the
gate decide, and the utterance's processed stamps go out. The engine posts work to one
bounded queue; one named thread (`assist-pipeline`) does it in order. Rule ticks, every
other engine event and the operator's controls go through the same queue, so the stages and
the sinks are only ever called from that thread (sinks need no locks of their own) and a
mute takes effect between two utterances, never in the middle of one.

Lock order: the engine's call lock, then this pipeline's closing lock, then the queue's
(a control is queued, or the stop put, under the closing lock). No other lock is held while
another is taken: the engine's stats lock, the scheduler's (assist/asr/scheduler.py), the
call context's and the rule session's (held while its own sources and gate run; their
events go out after it is released) each guard their own state. Nothing waits for the
pipeline thread while holding a lock.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

from assist.config import EngineConfig
from assist.context import CallContext
from assist.dictation import Hypotheses, adopt_readback, revise_on_readback
from assist.events import (
    EntityExtracted,
    Event,
    EventSink,
    LevelsMeasured,
    ReadbackChecked,
    TranscriptUpdated,
    UtteranceProcessed,
)
from assist.extract.extractor import CallExtractor, extract_with
from assist.rules.session import RuleSession

log = logging.getLogger(__name__)

THREAD_NAME = "assist-pipeline"
CAPACITY = 512  # queued items; past this the engine waits (levels are dropped instead)

ContextWriter = Callable[[CallContext, Event], None]
"""Learns conversation state from an event (on the pipeline thread) and writes it to the
call context, which the recognizer reads when a window starts."""


@dataclass(frozen=True)
class _Recognized:
    transcript: TranscriptUpdated
    posted: float  # perf_counter when the engine posted it


@dataclass(frozen=True)
class _Tick:
    now: float
    speaking: tuple[str, ...]


@dataclass(frozen=True)
class _Control:
    action: Callable[[], None]


_STOP = object()


def learn_languages(context: CallContext, event: Event) -> None:
    """Each channel's language is the language of its latest final utterance (for context
    writers and decode policies; the recognizer keeps its own per-channel language lock)."""
    if isinstance(event, TranscriptUpdated) and event.final and event.language:
        context.set_language(event.channel, event.language)


class CallPipeline:
    """One call's stages after recognition, on their own thread."""

    def __init__(
        self,
        config: EngineConfig,
        sinks: Sequence[EventSink],
        context: CallContext,
        rules: RuleSession | None = None,
        rtf: Callable[[], float] = lambda: 0.0,
        charge_queue_wait: bool = True,
        writers: Sequence[ContextWriter] = (learn_languages,),
    ) -> None:
        self._config = config
        self._sinks = tuple(sinks)
        self.context = context
        self._rules = rules
        self._rtf = rtf
        # live calls: an utterance's queue wait is real delay and counts against its cards;
        # in a simulated call the queue is an artefact of the simulation and does not
        self._charge_queue_wait = charge_queue_wait
        self._writers = tuple(writers)
        self._extractor = CallExtractor(config.extract)
        self._hypotheses = Hypotheses(partial(extract_with, config.extract))
        self._entities: dict[int, EntityExtracted] = {}  # every card, by id (read-backs)
        self._revised: dict[int, int] = {}  # card id -> the id of the card that revised it
        self._queue: queue.Queue[object] = queue.Queue(CAPACITY)
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
        self._dropped_levels = 0
        self._closing = False
        self._closing_lock = threading.Lock()  # a control is queued before the stop or run

    # -- from any thread ----------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    @property
    def on_thread(self) -> bool:
        """True on the pipeline's own thread (where events are delivered directly)."""
        return threading.current_thread() is self._thread

    def post(self, event: Event) -> None:
        """An event for the sinks, after everything posted before it."""
        if self.on_thread:
            self._deliver(event)
        elif isinstance(event, LevelsMeasured):
            try:
                self._queue.put_nowait(event)  # meters may skip a beat; speech may not
            except queue.Full:
                self._dropped_levels += 1
        else:
            self._queue.put(event)

    def recognized(self, transcript: TranscriptUpdated) -> None:
        """A final utterance: every stage after recognition."""
        self._queue.put(_Recognized(transcript, time.perf_counter()))

    def tick(self, now: float, speaking: Sequence[str]) -> None:
        """Time passed on the call's clock (timing rules); `speaking`: the speakers in speech."""
        self._queue.put(_Tick(now, tuple(speaking)))

    def control(self, action: Callable[[], None]) -> None:
        """Run an operator control between two utterances (at once once the call is ending:
        a control is never queued behind the stop and lost)."""
        with self._closing_lock:
            if not self._closing and not self.on_thread:
                self._queue.put(_Control(action))
                return
        action()

    def wait_idle(self) -> None:
        """Return once everything posted so far is done (batch pacing: the recognizer then
        reads a context that has caught up with every utterance before its window)."""
        if not self.on_thread:
            self._queue.join()

    def close(self) -> None:
        """Finish what is queued, then stop the thread."""
        with self._closing_lock:
            self._closing = True
            if self._thread.is_alive():
                self._queue.put(_STOP)
        if self._thread.is_alive() and not self.on_thread:
            self._thread.join()
        if self._dropped_levels:
            log.info("pipeline: %d level reports dropped while it was busy",
                     self._dropped_levels)

    # -- the pipeline thread ------------------------------------------------------------

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                self._handle(item)
            except Exception:  # a stage's bug must not stop the call
                log.exception("pipeline failed on %s", type(item).__name__)
            finally:
                self._queue.task_done()

    def _handle(self, item: object) -> None:
        if isinstance(item, _Recognized):
            self._process(item)
        elif isinstance(item, _Tick):
            if self._rules is not None:
                self._rules.tick(item.now, item.speaking)
        elif isinstance(item, _Control):
            item.action()
        else:
            self._deliver(item)  # type: ignore[arg-type]

    def _process(self, item: _Recognized) -> None:
        begin = time.perf_counter()
        # what follows is charged to the cards' age
        base = item.transcript.times.emitted + (begin - item.posted if self._charge_queue_wait
                                                else 0.0)
        try:
            transcript = self._hypotheses.choose(item.transcript)
        except Exception:  # a bug in the choice must not cost the transcript
            log.exception("choosing a hypothesis failed on utterance %d",
                          item.transcript.utterance_id)
            transcript = item.transcript
        self._deliver(transcript)
        self._learn(transcript)
        found: list[Event] = []
        if self._config.extract.enabled and transcript.text:
            try:
                found = self._understood(
                    self._extractor.process(transcript, transcript.times.emitted))
            except Exception:  # an extractor bug must not cost the transcript
                log.exception("extraction failed on utterance %d", transcript.utterance_id)
            for event in found:
                self._deliver(event)
                self._learn(event)
        extracted = base + time.perf_counter() - begin
        if self._rules is not None:
            try:
                self._rules.transcript(transcript, base + time.perf_counter() - begin)
                for event in found:
                    if isinstance(event, EntityExtracted):
                        self._rules.entity(event, base + time.perf_counter() - begin)
            except Exception:  # a rules bug must not stop the call either
                log.exception("rules failed on utterance %d", transcript.utterance_id)
        self._deliver(UtteranceProcessed(transcript.utterance_id, transcript.speaker,
                                         extracted, base + time.perf_counter() - begin,
                                         self._rtf()))

    def _understood(self, found: list[EntityExtracted | ReadbackChecked]) -> list[Event]:
        """Entities with what their hypotheses left uncertain; read-backs that confirm or
        correct the card they repeat (the corrected card first, then the verdict)."""
        events: list[Event] = []
        checked = {event.repeated_entity for event in found if isinstance(event, ReadbackChecked)}
        for event in found:
            try:
                events += self._understand(event, checked)
            except Exception:  # a bug here must not cost the card: it goes out as found
                log.exception("marking %s failed", type(event).__name__)
                events.append(event)
        return events

    def _understand(self, event: EntityExtracted | ReadbackChecked, checked: set[int]
                    ) -> list[Event]:
        if isinstance(event, EntityExtracted):
            if event.supersedes is not None:  # the card on screen may be a later revision
                event = replace(event, supersedes=self._latest(event.supersedes))
            unsure = self._hypotheses.uncertain(event)
            if unsure:  # with what the finder itself guessed
                event = replace(event, uncertain=tuple(dict.fromkeys(event.uncertain + unsure)))
            self._entities[event.entity_id] = event
            return [event, *([] if event.entity_id in checked else self._adopt(event))]
        given = self._entities.get(self._latest(event.given_entity))
        if given is None:
            return [event]
        verdict, revised = revise_on_readback(replace(event, given_entity=given.entity_id),
                                              given, self._hypotheses,
                                              self._extractor.new_id)
        if revised is None:
            return [verdict]
        self._entities[revised.entity_id] = revised
        self._revised[given.entity_id] = revised.entity_id
        return [revised, verdict]

    def _latest(self, entity_id: int) -> int:
        """The newest revision of a card (the read-back may have confirmed or corrected it)."""
        while entity_id in self._revised:
            entity_id = self._revised[entity_id]
        return entity_id

    def _adopt(self, event: EntityExtracted) -> list[Event]:
        """The other speaker's card made from this read-back, when theirs is missing."""
        others = [speaker for speaker in self.context.speakers if speaker != event.speaker]
        if event.speaker != "operator" or len(others) != 1:
            return []
        adopted = adopt_readback(event, others[0], self._hypotheses, self._extractor.new_id)
        if adopted is None:
            return []
        card, verdict = adopted
        self._entities[card.entity_id] = card
        return [card, verdict]

    def _learn(self, event: Event) -> None:
        for writer in self._writers:
            try:
                writer(self.context, event)
            except Exception:
                log.exception("context writer %s failed", getattr(writer, "__name__", writer))

    def _deliver(self, event: Event) -> None:
        for sink in self._sinks:
            try:
                sink(event)
            except Exception:  # a listener's bug must not stop the call
                log.exception("event sink %s failed on %s", getattr(sink, "__name__", sink),
                              type(event).__name__)
