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

A Russian address dictation is decoded after a one-line prompt of the words an address is
made of (`ADDRESS_PROMPTS`: «Адрес: город, улица, проспект, … квартира, офис.»), so the type
and unit words a telephone line blurs come out as words («офис 15», not «почист 15»;
«бульвар», not «пульвар»). On the dev calls' Russian address clips (beam 5, first
hypothesis) it took 2/14 to 7/14. The prompt holds no example numbers or names: a prompt
with "квартира 14" in it turned a dictated «квартира сто сорок» into 14 in a whole call. In
English no number-free wording helped (1–2/14 against 3/14 without), and the wordings that
did (4/14) carried example numbers that happened to be dev-call units ("suite 300"), so no
gain there could be trusted: English gets none. The same kind of prompt did nothing for
phones (7/16 RU and 11/16 EN either way), so phones get none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from assist.asr.options import ChannelState, DecodeOptions
from assist.extract.numbers import digit_count

# A window with this many digits (or number words) is dictation, asked for or not
DICTATING_DIGITS = 4
CONTINUED = 2  # a window may finish a number begun in the speaker's last this many windows
CONTINUE_S = 10.0  # ... that ended this recently (groups with pauses: "416 | 928 | 3371")

# The words of an address, as the prompt of an address dictation (no example numbers or
# names: the model copies them into what it hears).
ADDRESS_PROMPTS: Mapping[str, str] = {
    "ru": "Адрес: город, улица, проспект, переулок, шоссе, бульвар, дом, корпус, строение, "
          "квартира, офис.",
}


@dataclass(frozen=True)
class DictationPolicy:
    """Beam search and n-best for a channel that is expected to dictate, or is dictating;
    a Russian address also gets the words of an address as its prompt."""

    beam_size: int = 5
    alternatives: int = 4
    readback_kinds: frozenset[str] = frozenset({"phone", "dictation"})
    address_prompts: Mapping[str, str] = field(default_factory=lambda: dict(ADDRESS_PROMPTS))

    def choose(self, state: ChannelState) -> DecodeOptions | None:
        if state.expecting is None and not state.dictating:
            if state.repeating not in self.readback_kinds:
                return None
            return DecodeOptions(beam_size=self.beam_size, alternatives=self.alternatives,
                                 reason=f"readback:{state.repeating}")
        what = state.expecting or "dictation"
        prompt = self.address_prompts.get(state.language) if what == "address" else None
        return DecodeOptions(beam_size=self.beam_size, alternatives=self.alternatives,
                             prompt=prompt, reason=f"dictation:{what}")

    def again(self, state: ChannelState, heard: str) -> DecodeOptions | None:
        """A window the fast path heard as dictation nobody asked for ("Hi, my mobile is plus
        double four seven eight …", the call's first words) is decoded again as one: the
        state only makes the speaker's next windows dictation, and a number said in one
        breath has no next window. Not a read-back the policy keeps on the fast path (an
        address's names are heard better greedy)."""
        if state.repeating is not None or digit_count(heard) < DICTATING_DIGITS:
            return None
        return DecodeOptions(beam_size=self.beam_size, alternatives=self.alternatives,
                             reason="dictation:heard")
