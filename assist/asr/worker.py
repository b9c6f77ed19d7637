"""The one ASR worker thread: it owns the model and runs every recognizer call."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from assist.asr.dictation import CONTINUE_S, CONTINUED
from assist.asr.guards import Verdict, judge
from assist.asr.options import (
    DecodeOptions,
    DecodePolicy,
    FastPath,
    NoContext,
    SecondLook,
    WindowContext,
)
from assist.asr.recognizer import Recognition, Recognizer
from assist.config import LANGUAGE_AUTO, EngineConfig
from assist.endpointer import Window
from assist.extract.extractor import ends_entity, extract_with
from assist.extract.numbers import digit_count

log = logging.getLogger(__name__)

# Most of a number: a dictation window with this many digits and no number in any hypothesis
# gets the second opinion (fewer: a group of one still being said)
SECOND_DIGITS = 7
# ... on a tentative window (decoded at a pause, void if the speaker goes on): a whole number
# of digits, since a pause inside a dictation leaves most of one in it
FULL_DIGITS = 10

THREAD_NAME = "assist-asr"
LOOPS = frozenset({"compression_ratio", "repetition"})  # guard verdicts of a decoding loop
LOOP_RETRY_BEAM = 5
LANGUAGE_LOCK_PROB = 0.8  # "auto" keeps a channel's language once detected this surely...
LANGUAGE_LOCK_SPEECH_S = 1.0  # ...on at least this much speech


@dataclass(frozen=True)
class Outcome:
    """The recognizer's verdict on one window, with its compute time."""

    window: Window
    recognition: Recognition | None
    verdict: Verdict | None
    compute_s: float
    started: float  # engine clock when the recognizer started (live pacing)
    error: str | None = None
    options: DecodeOptions | None = None  # what the policy chose for it (None: fast path)


class LanguageState:
    """Per-channel language: fixed, or detected until one language is clear, then kept."""

    def __init__(self, config: EngineConfig) -> None:
        self._fixed = {
            channel: language
            for channel, language in enumerate(config.channels.languages)
            if language != LANGUAGE_AUTO
        }
        self._locked: dict[int, str] = {}

    def language_for(self, channel: int) -> str:
        """The channel's fixed or locked language, else `LANGUAGE_AUTO` (detect it)."""
        return self._fixed.get(channel) or self._locked.get(channel) or LANGUAGE_AUTO

    def observe(self, window: Window, recognition: Recognition) -> None:
        """Keep a detected language once it was clear on enough speech."""
        channel = window.channel
        if channel in self._fixed or channel in self._locked:
            return
        if (recognition.language_prob >= LANGUAGE_LOCK_PROB
                and window.speech_s >= LANGUAGE_LOCK_SPEECH_S):
            self._locked[channel] = recognition.language
            log.info("channel %d language locked to %s (p=%.2f)", channel,
                     recognition.language, recognition.language_prob)


class AsrWorker:
    """Takes windows one at a time (`take` returns None when the call is over) and reports
    each outcome. When a window starts it reads the call context and lets the policy choose
    the window's decode options; `before_window` (batch pacing) first lets the context catch
    up with every utterance posted before it (in simulated pacing that is every one recognised
    before it, so a file gives the same text every run).

    `concurrency` above 1 (a server's recognizer: windows of both legs in flight at once)
    runs that many threads; each channel's outcomes are still reported in the order its
    windows were taken."""

    def __init__(
        self,
        recognizer: Recognizer,
        config: EngineConfig,
        take: Callable[[], Window | None],
        on_done: Callable[[Outcome], None],
        clock: Callable[[], float],
        context: WindowContext | None = None,
        policy: DecodePolicy | None = None,
        before_window: Callable[[], None] | None = None,
        concurrency: int = 1,
        second: Recognizer | None = None,
    ) -> None:
        self._recognizer = recognizer
        self._config = config
        self._take = take
        self._on_done = on_done
        self._clock = clock
        self._context = context or NoContext()
        self._policy = policy or FastPath()
        self._before_window = before_window
        self._second = second  # an English model for English dictation windows too
        self._said: dict[int, list[tuple[float, str]]] = {}  # channel -> its last windows
        self.languages = LanguageState(config)
        if concurrency <= 1:
            self._threads = [threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)]
        else:
            self._threads = [threading.Thread(target=self._run_ordered,
                                              name=f"{THREAD_NAME}-{index}", daemon=True)
                             for index in range(concurrency)]
        self._taking = threading.Lock()  # a window and its turn are taken together
        self._turns = threading.Condition()
        self._taken: dict[int, int] = {}  # per channel: windows taken...
        self._reported: dict[int, int] = {}  # ...and outcomes reported

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def join(self, timeout: float | None = None) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            window = self._take()
            if window is None:
                return
            outcome = self.process(window)
            try:
                self._on_done(outcome)
            except Exception:  # a broken listener must not kill the recognizer
                log.exception("outcome handler failed")

    def _run_ordered(self) -> None:
        """One of several threads: recognize windows as they come, report each channel's
        outcomes in the order its windows were taken."""
        while True:
            with self._taking:
                window = self._take()
                if window is None:
                    return
                turn = self._taken.get(window.channel, 0)
                self._taken[window.channel] = turn + 1
            try:
                outcome = self.process(window)
            except Exception as exc:  # its turn must still be reported, or the leg stops
                log.exception("window failed before recognition")
                outcome = Outcome(window, None, None, 0.0, self._clock(), str(exc))
            with self._turns:
                while self._reported.get(window.channel, 0) != turn:
                    self._turns.wait()
            try:
                self._on_done(outcome)
            except Exception:  # a broken listener must not kill the recognizer
                log.exception("outcome handler failed")
            finally:
                with self._turns:
                    self._reported[window.channel] = turn + 1
                    self._turns.notify_all()

    def _may_retry(self, options: DecodeOptions | None) -> bool:
        """A loop is decoded again only where beam search is new to the window, and only by
        a recognizer that honours it (a remote server would answer the same again)."""
        beam = (options.beam_size if options is not None else None) or 1
        return beam < LOOP_RETRY_BEAM and not getattr(self._recognizer, "remote", False)

    def _judge(self, recognition: Recognition) -> Verdict:
        return judge(recognition.text, recognition.avg_logprob, recognition.no_speech_prob,
                     recognition.compression_ratio, self._config.guards)

    def _consult(self, window: Window, recognition: Recognition,
                 options: DecodeOptions | None) -> Recognition:
        """`recognition` with the second opinion's hypotheses as rivals, where the window is
        an English dictation that should have made a number or an address and none of its
        hypotheses does, read with the speaker's last windows: most of a number heard in it
        (`SECOND_DIGITS` digits or more), no digit heard in it after most of a number (a group
        heard as words: "Feel free" for "fifty"), or an address asked for and a digit heard.
        The second model costs as much time again, so it is asked only where the first heard
        nothing to show, and not on a group of a number still being said (speculation decodes
        those at every pause, and the next window would wait). A second opinion that fails
        costs the window nothing."""
        if self._second is None:
            return recognition
        said = self._said.setdefault(window.channel, [])
        previous = " ".join(text for end, text in said if window.start - end <= CONTINUE_S)
        said[:] = [*said, (window.end, recognition.text)][-CONTINUED:]
        opinion = _second_opinion(options, recognition.language)
        if opinion is None:
            return recognition
        heard, before = digit_count(recognition.text), digit_count(previous)
        most = FULL_DIGITS if window.tentative else SECOND_DIGITS
        due = (heard >= most or (heard == 0 and before >= SECOND_DIGITS)
               or (opinion.reason == "dictation:address" and heard > 0))
        hypotheses = [recognition.text, *(text for text, _ in recognition.alternatives)]
        if not due or any(self._holds(previous, text) for text in hypotheses):
            return recognition
        try:
            other = self._second.recognize(window.audio, "en", opinion)
        except Exception:
            log.exception("the second opinion failed on a %.1f s window", window.duration)
            return recognition
        return _with_rivals(recognition, other)

    def _holds(self, previous: str, text: str) -> bool:
        return ends_entity(lambda joined: extract_with(self._config.extract, joined, "en"),
                           previous, text)

    def process(self, window: Window) -> Outcome:
        if self._before_window is not None:
            self._before_window()
        state = self._context.state(window.channel)
        options = self._policy.choose(state)
        started = self._clock()
        begin = time.perf_counter()
        try:
            language = self.languages.language_for(window.channel)
            recognition = self._recognizer.recognize(window.audio, language, options)
            self.languages.observe(window, recognition)
            verdict = self._judge(recognition)
            if verdict.reason in LOOPS and self._may_retry(options):
                # greedy decoding fell into a loop on speech it would otherwise hear (a whole
                # sentence lost); beam search, once, on just these windows, usually gets out.
                # The window's reason stays (an e-mail dictation keeps its script rules).
                retry = replace(options or DecodeOptions(), beam_size=LOOP_RETRY_BEAM)
                again = self._recognizer.recognize(window.audio, language, retry)
                if (second := self._judge(again)).reason is None:
                    log.info("channel %d: a %.1f s window looped (%s); beam search heard it",
                             window.channel, window.duration, verdict.reason)
                    recognition, verdict, options = again, second, retry
            if (options is None and verdict.reason is None and self._may_retry(None)
                    and isinstance(self._policy, SecondLook)):
                # the fast path heard dictation the context did not expect: decoded again
                # as one, so that it gets the choice among hypotheses a dictation gets
                redo = self._policy.again(state, recognition.text)
                if redo is not None:
                    again = self._recognizer.recognize(window.audio, language, redo)
                    if (second := self._judge(again)).reason is None:
                        recognition, verdict, options = again, second, redo
            recognition = self._consult(window, recognition, options)
            if recognition.alternatives:  # rivals pass the same text guards as the best
                rivals = tuple((judged.text, score) for text, score in recognition.alternatives
                               if (judged := judge(text, None, None, None,
                                                   self._config.guards)).reason is None)
                recognition = replace(recognition, alternatives=rivals)
        except Exception as exc:
            log.exception("recognizer failed on a %.1f s window", window.duration)
            return Outcome(window, None, None, time.perf_counter() - begin, started, str(exc),
                           options)
        return Outcome(window, recognition, verdict, time.perf_counter() - begin, started,
                       None, options)


def _second_opinion(options: DecodeOptions | None, language: str) -> DecodeOptions | None:
    """How the second opinion decodes a window, or None: only an English dictation window
    (the customer's line) decoded with rivals; not a read-back (the operator's clean leg)."""
    if (options is None or options.alternatives <= 0 or language != "en"
            or not options.reason.startswith("dictation")):
        return None
    return replace(options, prompt=None)


def _with_rivals(recognition: Recognition, other: Recognition) -> Recognition:
    """`recognition` with the other model's hypotheses as rivals after its own. Two models'
    log-probabilities are not on one scale: the other's are shifted so that its best scores
    as this one's best, and its rivals keep their distance from it."""
    if other.avg_logprob is None or recognition.avg_logprob is None or not other.text:
        return recognition
    shift = recognition.avg_logprob - other.avg_logprob
    seen = {recognition.text, *(text for text, _ in recognition.alternatives)}
    added: list[tuple[str, float]] = []
    for text, score in [(other.text, other.avg_logprob), *other.alternatives]:
        if text not in seen:
            seen.add(text)
            added.append((text, score + shift))
    return replace(recognition, alternatives=(*recognition.alternatives, *added))
