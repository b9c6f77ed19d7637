"""python -m assist.bench {latency,soak,pacing,extract,rules,live,gui,report,calls,api}: figures;
the headline figures as one JSON object on the last line."""

from __future__ import annotations

import argparse
import logging
import sys

from assist.bench import api, calls, extract, gui, latency, live, pacing, report, rules, soak
from assist.errors import AssistError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assist.bench")
    commands = parser.add_subparsers(dest="bench", required=True)
    latency.add_arguments(commands.add_parser("latency", help="latency, RTF and WER per file"))
    soak.add_arguments(commands.add_parser("soak", help="a long call built from recordings"))
    pacing.add_arguments(commands.add_parser("pacing", help="simulated vs realtime latency"))
    extract.add_arguments(commands.add_parser("extract", help="phone/address P/R/F1, latency"))
    rules.add_arguments(commands.add_parser("rules", help="rule matching time per utterance"))
    live.add_arguments(commands.add_parser("live", help="virtual-device capture vs file mode"))
    gui.add_arguments(commands.add_parser("gui", help="GUI event-loop stall during the demo"))
    report.add_arguments(commands.add_parser("report", help="latency report at scale"))
    calls.add_arguments(commands.add_parser(
        "calls", help="dictated phones/addresses in two-leg telephone calls, end to end"))
    api.add_arguments(commands.add_parser(
        "api", help="events API: events/s to WebSocket clients, none dropped; slow client"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        {"latency": latency.run, "soak": soak.run, "pacing": pacing.run,
         "extract": extract.run, "rules": rules.run, "live": live.run, "gui": gui.run,
         "report": report.run, "calls": calls.run, "api": api.run}[args.bench](args)
    except AssistError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
