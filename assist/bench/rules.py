"""`rules`: time per final utterance with N rules (default 1,000) — matching, evaluation, gate.

The rules are generated (seeded) from the same talk the utterances come from, so many of
their words do occur and the index has real work: phrases of one to three words cut from
real sentences, half of them with a negative phrase, some with a lowered threshold. The
utterances are built-in contact-center sentences (RU and EN), plus the texts of
../shared/data/extraction/dev.jsonl and the reference transcripts of ../shared/audio when
they are beside the checkout.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

from assist.bench.common import SHARED, SHARED_AUDIO, percentile, rounded
from assist.config import RulesConfig
from assist.events import Event, StageTimes, TranscriptUpdated
from assist.rules.loader import ChecklistItem, Rule
from assist.rules.matcher import words
from assist.rules.session import RuleSession

SENTENCES = """\
Здравствуйте, я хочу вернуть деньги за заказ, который так и не пришёл.
Подскажите, пожалуйста, когда приедет курьер, я жду с самого утра.
Мне нужно отключить услугу, я переезжаю в другой город.
Соедините меня с вашим руководителем, я уже третий раз звоню.
Добрый день, компания Север, меня зовут Анна, чем могу помочь?
Разговор записывается для контроля качества обслуживания.
Я оплатил картой, но деньги списались два раза, что мне делать?
Хочу расторгнуть договор и закрыть лицевой счёт до конца месяца.
Посылка пришла повреждённая, коробка мокрая, внутри всё разбито.
Как мне изменить адрес доставки, если заказ уже отправлен?
У меня не работает интернет со вчерашнего вечера, роутер мигает красным.
Скажите, а можно оформить рассрочку на эту модель телефона?
Я напишу жалобу, если вы не решите мой вопрос сегодня же.
Спасибо, вы мне очень помогли, всего доброго, до свидания.
Уточните, пожалуйста, номер договора и фамилию владельца.
Thank you for calling Northwind Delivery, my name is Sam, how can I help you?
This call may be recorded for quality and training purposes.
Hi, my parcel did not arrive and I would like a refund for the order.
I want to cancel my subscription, it is too expensive for me now.
Can I speak to your manager, please, this is the third time I am calling.
The package was left at the door and somebody took it before I came home.
I was charged twice for the same order, can you check my card statement?
Could you change the delivery address to my office on Maple Street?
My internet has been down since yesterday evening and the router is blinking.
Is there any discount if I stay with you for another year?
I am going to file a complaint if nobody fixes this today.
Sure, let me check that for you, it will take a minute.
Thank you so much, you have been very helpful, have a nice day.
Can you confirm the account number and the name on the account?
The technician did not show up yesterday and nobody called me.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=int, default=1000, help="how many rules (default 1000)")
    parser.add_argument("--utterances", type=int, default=1000,
                        help="how many final utterances to time (default 1000)")
    parser.add_argument("--seed", type=int, default=7)


def corpus() -> tuple[list[tuple[str, str]], list[str]]:
    """(language, sentence) pairs, and where they came from."""
    sentences = [("ru" if any("а" <= ch <= "я" for ch in line.lower()) else "en", line)
                 for line in SENTENCES.splitlines() if line.strip()]
    sources = ["built-in"]
    dev = SHARED / "data" / "extraction" / "dev.jsonl"
    if dev.is_file():
        for line in dev.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                text = " ".join(case["segments"]) if "segments" in case else case["text"]
                sentences.append((case.get("lang", "en"), text))
        sources.append(str(dev))
    manifest = SHARED_AUDIO / "manifest.jsonl"
    if manifest.is_file():
        for line in manifest.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line) if line.strip() else {}
            reference = entry.get("reference_transcript")
            if isinstance(reference, str) and reference.strip():
                # long references are cut into utterance-sized pieces of ~20 words
                pieces = reference.split()
                for start in range(0, len(pieces), 20):
                    sentences.append((entry.get("lang", "en"), " ".join(pieces[start:start + 20])))
        sources.append(str(manifest))
    return sentences, sources


def make_rules(count: int, sentences: list[tuple[str, str]], rng: random.Random) -> list[Rule]:
    """Phrase rules cut from the sentences, with a checklist and a timing rule every 50."""
    vocabulary = [word for _, text in sentences for word in words(text) if len(word) > 2]
    rules: list[Rule] = []
    for number in range(count):
        language, text = rng.choice(sentences)
        said = [word for word in words(text) if len(word) > 2] or ["слово"]

        def phrase(said: list[str] = said) -> str:
            length = rng.randint(1, min(3, len(said)))
            start = rng.randrange(0, len(said) - length + 1)
            return " ".join(said[start:start + length])

        phrases = (phrase(), phrase(), " ".join(rng.sample(vocabulary, 2)))
        common: dict[str, Any] = {"id": f"r{number:04d}", "title": f"Rule {number}",
                                  "text": f"Hint {number}", "language": language,
                                  "threshold": rng.choice((80.0, 85.0, 90.0)),
                                  "cooldown_s": 30.0, "max_per_call": 1000}
        if number % 50 == 1:
            items = tuple(ChecklistItem(f"item {k}", (phrase(),)) for k in range(3))
            rules.append(Rule(kind="checklist", speaker="operator", items=items, **common))
        elif number % 50 == 2:
            rules.append(Rule(kind="timing", condition="operator_missing", phrases=phrases,
                              **common))
        else:
            negative = (" ".join(rng.sample(vocabulary, 2)),) if number % 2 else ()
            rules.append(Rule(phrases=phrases, negative=negative, **common))
    return rules


def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    sentences, sources = corpus()
    rules = make_rules(args.rules, sentences, rng)
    events: list[Event] = []
    begin = time.perf_counter()
    session = RuleSession(RulesConfig(), events.append, rules=rules)
    build_ms = (time.perf_counter() - begin) * 1000
    clock = 0.0
    session.start(lambda: clock)
    timings: list[float] = []
    for number in range(args.utterances + 50):  # the first 50 warm the stem cache
        language, text = sentences[rng.randrange(len(sentences))]
        clock = number * 4.0
        times = StageTimes(clock, clock, clock, clock, clock)
        utterance = TranscriptUpdated(number, rng.choice(("operator", "customer")), 0, text,
                                      clock - 3.0, clock, True, language, times, "silence",
                                      -0.2, 0.01)
        begin = time.perf_counter()
        session.transcript(utterance, clock)
        elapsed = (time.perf_counter() - begin) * 1000
        if number >= 50:
            timings.append(elapsed)
    decisions = sum(1 for event in events if type(event).__name__.startswith("Suggestion"))
    summary = {
        "bench": "rules", "rules": len(rules), "phrases": len(session.compiled.index),
        "vocabulary": session.compiled.index.vocabulary_size, "utterances": len(timings),
        "sentences": len(sentences), "build_ms": build_ms,
        "p50_ms": percentile(timings, 50), "p95_ms": percentile(timings, 95),
        "max_ms": max(timings), "decisions": decisions, "target_p95_ms": 5.0,
        "met": percentile(timings, 95) <= 5.0,
    }
    print(f"corpus: {', '.join(sources)}")
    print(f"{len(rules)} rules, {summary['phrases']} phrases, {summary['vocabulary']} distinct "
          f"stems; index built in {build_ms:.0f} ms")
    print(f"per utterance: p50 {summary['p50_ms']:.2f} ms, p95 {summary['p95_ms']:.2f} ms, "
          f"max {summary['max_ms']:.2f} ms over {len(timings)} utterances "
          f"({decisions} gate decisions)")
    print(json.dumps({key: rounded(value) if isinstance(value, float) else value
                      for key, value in summary.items()}))
    return summary
