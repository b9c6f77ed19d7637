"""Decoding a dictation: the customer's windows while a number or address is being said.

The fast path (greedy, one hypothesis) is right for conversation; a dictated number on a
telephone line is where Whisper base mishears digits («девять» as «восемь», "double five" as
"4528"). While the call context says the customer was just asked for an entity or is in the
middle of dictating one, their windows are decoded with beam search and several hypotheses,
which the pipeline then chooses among (the one whose digits validate) and compares (the
digits they disagree on are uncertain). The operator's read-back of dictated digits (a phone,
or digits no card was made of yet) gets the same: grouped number words («девятьсот семнадцать,
пятьсот шесть») are where the clean leg's greedy decode still slips, and a read-back heard
wrong is a false alarm. A read-back of an address or an e-mail keeps the fast path: on the
clean leg greedy hears names better than beam search does (on the dev calls beam turned a
right «Лесная» into «Лисная»). Everything else keeps the fast path.
"""

from __future__ import annotations

from dataclasses import dataclass

from assist.asr.options import ChannelState, DecodeOptions


@dataclass(frozen=True)
class DictationPolicy:
    """Beam search and n-best for a channel that is expected to dictate, or is dictating."""

    beam_size: int = 5
    alternatives: int = 4
    readback_kinds: frozenset[str] = frozenset({"phone", "dictation"})

    def choose(self, state: ChannelState) -> DecodeOptions | None:
        if state.expecting is None and not state.dictating:
            if state.repeating not in self.readback_kinds:
                return None
            return DecodeOptions(beam_size=self.beam_size, alternatives=self.alternatives,
                                 reason=f"readback:{state.repeating}")
        what = state.expecting or "dictation"
        return DecodeOptions(beam_size=self.beam_size, alternatives=self.alternatives,
                             reason=f"dictation:{what}")
