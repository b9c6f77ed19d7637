#!/usr/bin/env python3
"""Assemble the built-in demo calls, demo_en.flac and demo_ru.flac, with their scripts.

    python3 resources/demo/make_demo.py [--shared ../shared] [--out resources/demo]

Each call is stereo 16 kHz FLAC: left = the operator (clean), right = the customer through a
telephone channel. Most turns are the per-turn clips in `SHARED/demo-voices/` (recorded
Asterisk digits for the phone dictation, RHVoice for the rest; see its LICENSE.md); the turns
marked `new` below are synthesised here with the same RHVoice voices, and new customer turns
go through the same telephone channel as the shared ones (the dev call set's
`SHARED/calls/build/build_calls.py`: 8 kHz, white noise at 25 dB SNR, 300-3400 Hz, G.711).
Writes `demo_LANG.flac` and `demo_LANG.jsonl` (one line per turn: speaker, text, start,
end, source, and the entity or read-back the turn carries: what the demo test checks).
Deterministic for the same tools (seeded noise). Needs numpy and sox.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent

# A turn: who speaks, and either `shared` (the turn number in demo-voices/turns.jsonl) or
# `text` (synthesised here). `gap`: seconds of silence before it (default: 0.8 when the
# speaker changes, 0.5 when not). `entity` / `readback`: what the turn carries.
Turn = dict[str, Any]

VOICES = {"en": {"operator": ("bdl", 105), "customer": ("slt", None), "codec": "u-law",
                 "seed": 1901},
          "ru": {"operator": ("aleksandr", 112), "customer": ("irina", None), "codec": "a-law",
                 "seed": 1904}}

SCRIPT: dict[str, list[Turn]] = {
    "en": [
        {"speaker": "operator", "shared": 1},
        {"speaker": "customer", "shared": 2},
        {"speaker": "operator", "shared": 3},
        {"speaker": "customer", "shared": 4, "gap": 1.0,
         "entity": {"kind": "phone", "value": "+17734162095"}},
        {"speaker": "operator", "shared": 5, "gap": 1.2, "readback": {"of": "phone",
                                                                      "matched": True}},
        {"speaker": "customer", "shared": 6},
        {"speaker": "operator", "shared": 7},
        {"speaker": "customer", "gap": 1.0, "rate": 90,
         "text": "Twenty-four ten Maple Avenue, unit twelve, Columbus, Ohio.",
         "entity": {"kind": "address", "value": "2410 Maple Avenue, unit 12, Columbus, Ohio"}},
        # the operator's slip: unit twenty-one for twelve, which the customer corrects
        {"speaker": "operator", "gap": 1.2,
         "text": "So that's twenty-four ten Maple Avenue, unit twenty-one. Correct?",
         "readback": {"of": "address", "matched": False}},
        {"speaker": "customer", "rate": 90, "text": "No, it's unit twelve."},
        {"speaker": "operator",
         "text": "Sorry, unit twelve. And what e-mail should we send the confirmation to?"},
        {"speaker": "customer", "gap": 1.0, "rate": 90,
         "text": "Sure, it is jones at outlook dot com.",
         "entity": {"kind": "email", "value": "jones@outlook.com"}},
        {"speaker": "operator", "shared": 9, "gap": 1.2},
        {"speaker": "customer", "shared": 10},
        {"speaker": "operator", "shared": 11},
    ],
    "ru": [
        {"speaker": "operator", "rate": 105,
         "text": "Спасибо за звонок, «Северный экспресс», меня зовут Андрей. Чем могу вам помочь?"},
        {"speaker": "customer", "shared": 2},
        {"speaker": "operator", "shared": 3},
        {"speaker": "customer", "shared": 4, "gap": 1.0,
         "entity": {"kind": "phone", "value": "+79126402503"}},
        {"speaker": "operator", "shared": 5, "gap": 1.2, "readback": {"of": "phone",
                                                                      "matched": True}},
        {"speaker": "customer", "shared": 6},
        {"speaker": "operator", "shared": 7},
        {"speaker": "customer", "gap": 1.0, "rate": 100,
         "text": "Записывайте: улица Чехова, дом сорок один, квартира двенадцать.",
         "entity": {"kind": "address", "value": "улица Чехова, дом 41, квартира 12"}},
        # the operator's slip: flat twenty-one for twelve, which the customer corrects
        {"speaker": "operator", "gap": 1.2,
         "text": "Улица Чехова, дом сорок один, квартира двадцать один, верно?",
         "readback": {"of": "address", "matched": False}},
        {"speaker": "customer", "rate": 95, "text": "Нет, квартира двенадцать."},
        {"speaker": "operator",
         "text": "Простите, квартира двенадцать. И продиктуйте, пожалуйста, электронную почту."},
        {"speaker": "customer", "gap": 1.0, "rate": 100,
         "text": "Анна точка Петрова собака яндекс точка ру.",
         "entity": {"kind": "email", "value": "anna.petrova@yandex.ru"}},
        {"speaker": "operator", "shared": 9, "gap": 1.2},
        {"speaker": "customer", "shared": 10},
        {"speaker": "operator", "shared": 11},
    ],
}


def build_tools(shared: Path) -> Any:
    """The dev call set's audio helpers (TTS, levels, the telephone channel)."""
    sys.path.insert(0, str(shared / "calls" / "build"))
    import build_calls  # type: ignore[import-not-found]

    return build_calls


def assemble(lang: str, shared: Path, out: Path) -> None:
    tools = build_tools(shared)
    voices = VOICES[lang]
    rows = {(row["lang"], row["turn"]): row for row in map(
        json.loads, (shared / "demo-voices" / "turns.jsonl").read_text("utf-8").splitlines())}
    placed: list[tuple[str, float, np.ndarray]] = []
    script: list[dict[str, Any]] = []
    t = 0.6
    previous = None
    for index, turn in enumerate(SCRIPT[lang], start=1):
        speaker = turn["speaker"]
        if previous is not None:
            t += turn.get("gap", 0.8 if speaker != previous else 0.5)
        if "shared" in turn:  # the clean clip; the customer's goes through the line below
            row = rows[(lang, turn["shared"])]
            speech, _ = tools.read_wav(str(shared / "demo-voices" / row["file"]))
            text, source = row["text"], f"demo-voices/{row['file']}: {row['source']}"
        else:
            name, rate = voices[speaker]
            speech, source = tools.tts(f"rhv:{name}", turn["text"], turn.get("rate", rate))
            speech = tools.set_level(speech, tools.SPEECH_DB)
            text, source = turn["text"], "new: " + source
        if speaker == "customer":
            speech = tools.set_level(
                tools.sox_file(speech, tools.SR, tools.LINE_SR, []), tools.SPEECH_DB)
            duration = len(speech) / tools.LINE_SR
        else:
            duration = len(speech) / tools.SR
        placed.append((speaker, t, speech))
        entry: dict[str, Any] = {"turn": index, "speaker": speaker, "text": text,
                                 "start": round(t, 3), "end": round(t + duration, 3),
                                 "source": source}
        for key in ("entity", "readback"):
            if key in turn:
                entry[key] = turn[key]
        script.append(entry)
        t += duration
        previous = speaker
    # As in the dev call set: the customer's whole leg (speech and the pauses) goes through
    # the telephone channel, so the line hisses between turns as a real one does; the
    # operator's microphone has a faint hiss. (Digital silence between turns is no real
    # call, and it starves Silero VAD's recurrent state: speech after it was heard late.)
    rng = np.random.default_rng(voices["seed"])
    seconds = t + 1.5
    operator = np.zeros(int(seconds * tools.SR), dtype=np.float32)
    customer8 = np.zeros(int(seconds * tools.LINE_SR), dtype=np.float32)
    for speaker, start, audio in placed:
        leg, rate = (operator, tools.SR) if speaker == "operator" else (customer8, tools.LINE_SR)
        at = round(start * rate)
        leg[at:at + len(audio)] += audio[: len(leg) - at]
    operator += rng.standard_normal(len(operator)).astype(np.float32) * 10 ** (-65 / 20)
    customer = tools.telephone(customer8, voices["codec"], 25.0, tools.SPEECH_DB, rng)
    n = min(len(operator), len(customer))
    stereo = np.stack([operator[:n], customer[:n]], axis=1)
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "call.wav")
        tools.write_wav(wav, stereo, tools.SR)
        subprocess.run(["sox", wav, "-C", "8", str(out / f"demo_{lang}.flac")], check=True)
    with open(out / f"demo_{lang}.jsonl", "w", encoding="utf-8") as file:
        for entry in script:
            file.write(json.dumps(entry, ensure_ascii=False) + "\n")
    size = (out / f"demo_{lang}.flac").stat().st_size
    print(f"demo_{lang}.flac: {len(script)} turns, {n / tools.SR:.1f} s, {size / 1e6:.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent.parent / "shared",
                        help="the shared folder with demo-voices/, calls/build/ and tools/")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--lang", choices=sorted(SCRIPT), nargs="*", default=sorted(SCRIPT))
    args = parser.parse_args()
    for lang in args.lang:
        assemble(lang, args.shared.resolve(), args.out)


if __name__ == "__main__":
    main()
