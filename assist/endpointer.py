"""Per-channel endpointing: voice activity decides where an utterance ends.

A pure state machine: `feed()` takes audio and the engine time, returns the windows that
ended; `finish()` flushes the last one. No threads, no sleeps, so tests drive it with a
fake clock and a fake detector.

Speculation: after a short silence (`early_silence_ms`) the window is offered as
*tentative* so the recognizer can start while the endpointer waits out `min_silence_ms`.
If the silence holds, the final window carries the same `seq` and confirms it; if speech
resumes first, a `Retraction` withdraws it. The silence wait then overlaps the compute.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from assist.config import EndpointConfig
from assist.vad import FRAME, SAMPLE_RATE, Audio, VoiceDetector


@dataclass(frozen=True, eq=False)  # identity: two windows are never "equal" by their audio
class Window:
    """One stretch of one channel's speech, ready for the recognizer."""

    channel: int
    audio: Audio
    start: float  # seconds in the call: first voiced frame
    end: float  # seconds in the call: end of the last voiced frame (or the cut)
    captured: float  # engine time the audio holding `end` was captured
    endpointed: float  # engine time the endpointer closed the window
    reason: str  # silence | soft_silence | max_length | flush | folded | tentative
    speech_s: float  # voiced seconds inside the window
    seq: int = 0  # per-channel window number; a final window confirms the tentative one
    tentative: bool = False

    @property
    def duration(self) -> float:
        return len(self.audio) / SAMPLE_RATE


@dataclass(frozen=True)
class Retraction:
    """Speech resumed: the tentative window `seq` of `channel` is void."""

    channel: int
    seq: int


Endpointed = Window | Retraction


class Endpointer:
    """Cuts one channel's audio stream into utterance windows."""

    def __init__(self, channel: int, config: EndpointConfig, detector: VoiceDetector) -> None:
        self.channel = channel
        self._config = config
        self._detector = detector
        self._threshold = config.vad_threshold
        self._neg_threshold = max(config.vad_threshold - 0.15, 0.01)
        self._pad = int(config.pad_ms * SAMPLE_RATE / 1000)
        self._min_silence = max(1, round(config.min_silence_ms * SAMPLE_RATE / 1000 / FRAME))
        self._soft_silence = max(1, round(config.soft_silence_ms * SAMPLE_RATE / 1000 / FRAME))
        early = round(config.early_silence_ms * SAMPLE_RATE / 1000 / FRAME)
        self._early_silence = early if 0 < early < self._min_silence else 0
        self._soft_max = int(config.soft_max_s * SAMPLE_RATE)
        # set by the engine from the call context: the channel dictates (or was just asked
        # for) an entity, whose groups a short pause past `soft_max_s` must not split (a
        # slow dictation of eleven digits runs 6-8 s); `min_silence_ms` and the hard limit
        # still end its window
        self.dictating = False
        self._max_window = int(config.max_window_s * SAMPLE_RATE)
        self._cut_search = int(config.cut_search_s * SAMPLE_RATE)
        self._min_speech = config.min_speech_ms * SAMPLE_RATE / 1000
        self._buf = np.zeros(0, dtype=np.float32)
        self._buf_start = 0  # absolute sample index of self._buf[0]
        self._remainder = np.zeros(0, dtype=np.float32)
        self._frames_done = 0  # absolute index of the next frame to classify
        self._captures: deque[tuple[int, float]] = deque()
        self._rms: deque[tuple[int, float]] = deque()  # (frame start, rms) while in speech
        self._in_speech = False
        self._window_start = 0
        self._speech_start = 0
        self._last_voiced_end = 0
        self._last_cut = 0
        self._silence = 0
        self._speech_frames = 0
        self._seq = 0
        self._tentative_sent = False
        self._tentative_end = 0

    @property
    def in_speech(self) -> bool:
        return self._in_speech

    def feed(self, samples: Audio, captured: float, now: float) -> list[Endpointed]:
        """Add audio captured at engine time `captured`; returns windows closed at `now`."""
        if samples.size == 0:
            return []
        samples = np.asarray(samples, dtype=np.float32)
        self._buf = np.concatenate([self._buf, samples])
        end_sample = self._buf_start + len(self._buf)
        self._captures.append((end_sample, captured))
        pending = np.concatenate([self._remainder, samples])
        n_frames = len(pending) // FRAME
        self._remainder = pending[n_frames * FRAME :].copy()
        if n_frames == 0:
            return []
        frames = pending[: n_frames * FRAME].reshape(n_frames, FRAME)
        probs = self._detector.probabilities(frames)
        rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
        results: list[Endpointed] = []
        for offset in range(n_frames):
            results += self._step(float(probs[offset]), float(rms[offset]), now)
        self._trim()
        return results

    def finish(self, now: float) -> list[Endpointed]:
        """Close the window in progress at the end of the stream."""
        if not self._in_speech:
            return []
        if self._tentative_sent:
            # No speech since the tentative window (speech would have retracted it): the
            # stream ended inside its silence, so confirm it instead of decoding it again.
            closed = self._close("flush", now)
            return [closed] if closed is not None else []
        end = self._buf_start + len(self._buf)
        window = self._emit(self._window_start, end, self._last_voiced_end, "flush", now)
        self._in_speech = False
        self._seq += 1
        return [window] if window is not None else []

    def _retract(self) -> list[Endpointed]:
        if not self._tentative_sent:
            return []
        self._tentative_sent = False
        retraction = Retraction(self.channel, self._seq)
        self._seq += 1
        return [retraction]

    def _step(self, prob: float, rms: float, now: float) -> list[Endpointed]:
        frame_start = self._frames_done * FRAME
        frame_end = frame_start + FRAME
        self._frames_done += 1
        if not self._in_speech:
            if prob >= self._threshold:
                self._in_speech = True
                self._window_start = max(frame_start - self._pad, self._last_cut, self._buf_start)
                self._speech_start = frame_start
                self._last_voiced_end = frame_end
                self._speech_frames = 1
                self._silence = 0
                self._rms.clear()
                self._rms.append((frame_start, rms))
            return []
        self._rms.append((frame_start, rms))
        voiced = prob >= self._threshold or (prob >= self._neg_threshold and self._silence == 0)
        results: list[Endpointed] = []
        if voiced:
            results += self._retract()
            self._speech_frames += 1
            self._last_voiced_end = frame_end
            self._silence = 0
        else:
            self._silence += 1
        spoken = self._last_voiced_end - self._window_start
        closed: Window | None = None
        if self._silence >= self._min_silence:
            closed = self._close("silence", now)
        elif spoken >= self._soft_max and self._silence >= self._soft_silence \
                and not self.dictating:
            closed = self._close("soft_silence", now)
        elif frame_end - self._window_start >= self._max_window:
            results += self._retract()
            closed = self._cut(frame_end, now)
        elif self._early_silence and self._silence == self._early_silence \
                and not self._tentative_sent:
            end = self._last_voiced_end + self._pad
            closed = self._emit(self._window_start, end, self._last_voiced_end, "tentative", now,
                                tentative=True)
            self._tentative_sent = closed is not None
        if closed is not None:
            results.append(closed)
        return results

    def _close(self, reason: str, now: float) -> Window | None:
        end = self._last_voiced_end + self._pad
        if self._tentative_sent:
            # The silence held: confirm the tentative window exactly as it was offered.
            end = min(end, self._tentative_end)
        window = self._emit(self._window_start, end, self._last_voiced_end, reason, now)
        self._in_speech = False
        self._tentative_sent = False
        self._seq += 1
        self._last_cut = min(end, self._buf_start + len(self._buf))
        return window

    def _cut(self, frame_end: int, now: float) -> Window | None:
        """Cut a window that reached its maximum length at its quietest recent frame."""
        earliest = max(frame_end - self._cut_search, self._window_start + SAMPLE_RATE)
        candidates = [(level, start) for start, level in self._rms if start >= earliest]
        cut = min(candidates)[1] if candidates else frame_end
        window = self._emit(self._window_start, cut, cut, "max_length", now, force=True)
        self._seq += 1
        self._window_start = cut
        self._speech_start = cut
        self._last_cut = cut
        self._speech_frames = sum(1 for start, _ in self._rms if start >= cut)
        while self._rms and self._rms[0][0] < cut:
            self._rms.popleft()
        return window

    def _emit(
        self,
        start: int,
        end: int,
        speech_end: int,
        reason: str,
        now: float,
        force: bool = False,
        tentative: bool = False,
    ) -> Window | None:
        if not force and self._speech_frames * FRAME < self._min_speech:
            return None
        end = min(end, self._buf_start + len(self._buf))
        if tentative:
            self._tentative_end = end
        audio = self._buf[start - self._buf_start : end - self._buf_start].copy()
        speech_end = min(speech_end, end)
        return Window(
            channel=self.channel,
            audio=audio,
            start=self._speech_start / SAMPLE_RATE,
            end=speech_end / SAMPLE_RATE,
            captured=self._captured_at(speech_end),
            endpointed=now,
            reason=reason,
            speech_s=self._speech_frames * FRAME / SAMPLE_RATE,
            seq=self._seq,
            tentative=tentative,
        )

    def _captured_at(self, sample: int) -> float:
        for end_sample, captured in self._captures:
            if end_sample >= sample:
                return captured
        return self._captures[-1][1] if self._captures else 0.0

    def _trim(self) -> None:
        """Keep only the audio a future window can still need: memory stays flat."""
        total_end = self._buf_start + len(self._buf)
        keep_from = self._window_start if self._in_speech else total_end - self._pad - FRAME
        keep_from = max(keep_from, self._buf_start)
        if keep_from > self._buf_start:
            self._buf = self._buf[keep_from - self._buf_start :].copy()
            self._buf_start = keep_from
        while len(self._captures) > 1 and self._captures[1][0] <= keep_from:
            self._captures.popleft()
        if not self._in_speech:
            self._rms.clear()
