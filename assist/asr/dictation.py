"""Decoding a dictation: the customer's windows while a number or address is being said.

The fast path (greedy, one hypothesis) is right for conversation; a dictated number on a
telephone line is where Whisper base mishears digits («девять» as «восемь», "double five" as
"4528"). While the call context says the customer was just asked for an entity or is in the
middle of dictating one, their windows are decoded with beam search and several hypotheses,
which the pipeline then chooses among (the one whose digits validate) and compares (the
digits they disagree on are uncertain). Everything else keeps the fast path.
"""

from __future__ import annotations

from dataclasses import dataclass

from assist.asr.options import ChannelState, DecodeOptions


@dataclass(frozen=True)
class DictationPolicy:
    """Beam search and n-best for a channel that is expected to dictate, or is dictating."""

    beam_size: int = 5
    alternatives: int = 4

    def choose(self, state: ChannelState) -> DecodeOptions | None:
        if state.expecting is None and not state.dictating:
            return None
        what = state.expecting or "dictation"
        return DecodeOptions(beam_size=self.beam_size, alternatives=self.alternatives,
                             reason=f"dictation:{what}")
