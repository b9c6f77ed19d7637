"""The report as one self-contained HTML file: headline figures, SVG plots, tables.

The plots are drawn by matplotlib's SVG backend (no GUI, no display), imported only when a
report is drawn, so the engine's import time does not grow. Text in the plots is drawn as
paths (no font is needed where the SVG is shown: a browser, Qt's SVG widget). Every text a
person reads passes through `label`, so the app can show the plots in its UI language.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from assist.config import resource_path
from assist.report import (
    TABLES,
    Report,
    clock,
    percent,
    report_empty,
    report_headline,
    report_table,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MOST_ROWS = 30  # operators or rules in one bar plot: the worst (or busiest) this many
WIDTH_IN, DPI = 8.0, 96  # 768 px wide
BLUE, RED, GREY, LIGHT, GREEN, INK = ("#1f5fa8", "#c0392b", "#7f8c8d", "#c8d0d8", "#2e8b57",
                                      "#222222")
Labels = Mapping[str, str]


def _label(labels: Labels | None) -> Callable[[str], str]:
    return (lambda text: labels.get(text, text)) if labels else (lambda text: text)


def percent_tick(value: float, _position: float | None = None) -> str:
    """A share axis tick: 0.25 → "25 %"."""
    return f"{value * 100:.0f} %"


def seconds_tick(value: float, _position: float | None = None) -> str:
    """A latency axis tick, as round as the locator made it: 0.5, 1, 1.5, 2."""
    return f"{value:g}"


def clock_tick(value: float, _position: float | None = None) -> str:
    """A time-into-the-call tick: m:ss."""
    return clock(max(0.0, value))


def clock_step(span: float, most: int = 10) -> float:
    """A tick step for `span` seconds of a call: round in clock terms (5 s, 10 s, 15 s,
    30 s, 1 min, 2 min, 5 min...), at most `most` ticks."""
    for step in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200):
        if span / step <= most:
            return float(step)
    return 3600.0 * math.ceil(span / 3600 / most)


def _figure(height_in: float) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    return figure


def _style(axes: Axes) -> None:
    axes.spines["top"].set_visible(False)
    axes.spines["right"].set_visible(False)
    axes.tick_params(colors=INK, labelsize=9)
    axes.grid(True, color="#e6e9ee", linewidth=0.8)
    axes.set_axisbelow(True)


def _svg(figure: Figure) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "sufler"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.find("<svg"):], flags=re.S)
    return _without_empty_glyphs(text)


_EMPTY_GLYPH = re.compile(r'<path id="([^"]+)"(?: transform="[^"]*")?/>')


def _without_empty_glyphs(svg: str) -> str:
    """The SVG without glyphs that draw nothing (the space) and their uses: a glyph path
    with no data is an error to Qt's SVG renderer, which then drops every use of it with a
    warning."""
    empty = _EMPTY_GLYPH.findall(svg)
    if not empty:
        return svg
    svg = _EMPTY_GLYPH.sub("", svg)
    names = "|".join(re.escape(name) for name in set(empty))
    return re.sub(rf'<use xlink:href="#(?:{names})"[^>]*/>', "", svg)


def _integer_axis(axis: Any, most: int | Literal["auto"] = "auto") -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=most, integer=True, min_n_ticks=1))


def duration(seconds: float, t: Callable[[str], str] = str) -> str:
    """A bin width in words: "5 s", "1 min", "1 h"."""
    if seconds < 60:
        return t("{0} s").format(f"{seconds:g}")
    if seconds < 3600:
        return t("{0} min").format(f"{seconds / 60:g}")
    return t("{0} h").format(f"{seconds / 3600:g}")


def _seconds_axis(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(seconds_tick))


def _percent_axis(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(percent_tick))


def cdf_plot(report: Report, t: Callable[[str], str]) -> str | None:
    """Latency CDF: the due cards' age (evidence → decision) and the utterances' end-to-end
    latency, with the budget as a vertical line."""
    cdf = report.cdf
    if not cdf["latency"] and not cdf["card_age"]:
        return None
    figure = _figure(3.0)
    axes = figure.add_subplot()
    _style(axes)
    shares = cdf["share"]
    ends = []
    for key, name, colour in (("card_age", "Cards due: evidence → decision", BLUE),
                              ("latency", "Utterances: end of speech → text", GREY)):
        values = cdf[key]
        if values:
            axes.plot(values, shares[:len(values)], color=colour, linewidth=2, label=t(name))
            ends.append(values[min(len(values) - 1, int(len(values) * 0.995))])
    budget = report.budget_s
    axes.axvline(budget, color=RED, linestyle="--", linewidth=1.5)
    axes.text(budget, 0.5, " " + t("budget {0} s").format(f"{budget:g}"), color=RED,
              fontsize=9, ha="left", va="center")
    within = report.headline["within_share"]
    if within is not None:
        axes.plot([budget], [within], "o", color=BLUE)
        axes.annotate(t("{0} of cards due within budget").format(percent(within)),
                      (budget, within), textcoords="offset points", xytext=(8, -14),
                      fontsize=9, color=BLUE)
    axes.set_xlim(0, max(budget * 1.25, *ends))
    axes.set_ylim(0, 1.02)
    _seconds_axis(axes.xaxis)
    _percent_axis(axes.yaxis)
    axes.set_xlabel(t("seconds"), fontsize=9)
    axes.set_ylabel(t("share at or below"), fontsize=9)
    axes.legend(loc="lower right", fontsize=9, frameon=False)
    return _svg(figure)


def _ranked(rows: Sequence[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Rows with a value for `key`, lowest first, at most MOST_ROWS."""
    kept = [row for row in rows if row.get(key) is not None]
    return sorted(kept, key=lambda row: (row[key], str(row["operator"])))[:MOST_ROWS]


def _some_of(axes: Axes, t: Callable[[str], str], shown: int, total: int,
             text: str = "{0} of {1} operators") -> None:
    """Say so on the plot when it shows only some of the rows."""
    if shown < total:
        axes.set_title(t(text).format(shown, total), fontsize=8, loc="left", color=GREY)


def _bar_height(count: int) -> float:
    return 0.9 + 0.24 * max(count, 2)


def _operator_axes(t: Callable[[str], str], shown: int, total: int) -> tuple[Figure, Axes]:
    """A plot with one horizontal bar (or box) per operator, saying when it shows only some."""
    figure = _figure(_bar_height(shown))
    axes = figure.add_subplot()
    _style(axes)
    axes.grid(False, axis="y")
    _some_of(axes, t, shown, total)
    return figure, axes


def operators_plot(report: Report, t: Callable[[str], str]) -> str | None:
    """Per operator: the share of due cards shown within budget and the share dropped late,
    lowest first; each bar ends with the number dropped late."""
    rows = _ranked(report.operators, "within_share")
    if not rows:
        return None
    figure, axes = _operator_axes(t, len(rows), sum(1 for row in report.operators
                                                    if row["within_share"] is not None))
    names = [str(row["operator"]) for row in rows][::-1]
    within = [row["within_share"] for row in rows][::-1]
    late = [row["late_share"] or 0.0 for row in rows][::-1]
    axes.barh(names, within, color=BLUE, label=t("shown within budget"))
    axes.barh(names, late, left=within, color=RED, label=t("dropped late"))
    for index, row in enumerate(rows[::-1]):
        axes.text(1.01, index, t("{0} late of {1}").format(row["late"], row["due"]),
                  va="center", fontsize=8, color=INK)
    axes.set_xlim(0, 1.0)
    _percent_axis(axes.xaxis)
    axes.set_ylim(-0.6, len(rows) - 0.4)
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=9,
                frameon=False)
    return _svg(figure)


def days_plot(report: Report, t: Callable[[str], str]) -> str | None:
    """The within-budget share per day, all operators together (and each operator's line
    while they are few enough to tell apart)."""
    days = [row for row in report.days if row["within_share"] is not None]
    if not days:
        return None
    figure = _figure(2.8)
    axes = figure.add_subplot()
    _style(axes)
    order = {row["day"]: index for index, row in enumerate(days)}
    operators = sorted({str(row["operator"]) for row in report.operator_days})
    lowest = min(row["within_share"] for row in days)
    if 1 < len(operators) <= 8:
        for name in operators:
            points = [(order[row["day"]], row["within_share"]) for row in report.operator_days
                      if str(row["operator"]) == name and row["within_share"] is not None
                      and row["day"] in order]
            if points:
                axes.plot(*zip(*points, strict=True), marker=".", linewidth=1, alpha=0.6,
                          label=name)
                lowest = min(lowest, *(share for _, share in points))
    axes.plot(range(len(days)), [row["within_share"] for row in days], color=INK,
              marker="o", linewidth=2.5, label=t("all operators"))
    if len(days) <= 14:
        for index, row in enumerate(days):
            axes.annotate(percent(row["within_share"]), (index, row["within_share"]),
                          textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8,
                          color=INK)
    axes.set_xticks(range(len(days)), [_day(row["day"]) for row in days])
    axes.set_xlim(-0.5, len(days) - 0.5)
    axes.set_ylim(max(0.0, math.floor(lowest * 20 - 0.5) / 20), 1.005)
    _percent_axis(axes.yaxis)
    axes.set_ylabel(t("shown within budget"), fontsize=9)
    if len(axes.get_lines()) > 1:
        axes.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8, frameon=False)
    return _svg(figure)


def _day(iso: str) -> str:
    try:
        return date.fromisoformat(iso).strftime("%d.%m")
    except ValueError:
        return iso


def call_time_plot(report: Report, t: Callable[[str], str]) -> str | None:
    """End-to-end latency (p50, p95) by time into the call, in the report's bins, with the
    number of utterances per bin underneath."""
    width = report.bin_s
    rows = [row for row in report.call_time if row["start_s"] is not None
            and 0 <= row["start_s"] < width * 40 and row["p50"] is not None]
    if not rows:
        return None
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    figure = _figure(3.8)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(5, 2))
    for axes in (top, bottom):
        _style(axes)
    middles = [row["start_s"] + width / 2 for row in rows]
    top.plot(middles, [row["p95"] for row in rows], color=RED, marker=".", linewidth=2,
             label="p95")
    top.plot(middles, [row["p50"] for row in rows], color=BLUE, marker=".", linewidth=2,
             label="p50")
    highest = max(row["p95"] or 0.0 for row in rows)
    if report.budget_s <= highest * 2.5:
        top.axhline(report.budget_s, color=RED, linestyle="--", linewidth=1)
        end = rows[-1]["start_s"] + width
        top.text(end, report.budget_s, t("budget {0} s").format(f"{report.budget_s:g}"),
                 color=RED, fontsize=8, va="bottom", ha="right")
        highest = max(highest, report.budget_s)
    top.set_ylim(0, highest * 1.12)
    _seconds_axis(top.yaxis)
    top.set_ylabel(t("latency, s"), fontsize=9)
    top.legend(loc="upper left", fontsize=9, frameon=False, ncols=2)
    bottom.bar(middles, [row["n"] for row in rows], width=width * 0.85, color=LIGHT)
    _integer_axis(bottom.yaxis, 3)
    bottom.set_ylabel(t("utterances"), fontsize=9)
    end = rows[-1]["start_s"] + width
    bottom.set_xlim(0, end)
    bottom.xaxis.set_major_locator(MultipleLocator(clock_step(end)))
    bottom.xaxis.set_major_formatter(FuncFormatter(clock_tick))
    bottom.set_xlabel(t("time into the call (m:ss), {0} bins").format(duration(width, t)),
                      fontsize=9)
    return _svg(figure)


def rules_plot(report: Report, t: Callable[[str], str]) -> str | None:
    """Per rule (busiest first): what became of its cards (shown, dropped late, muted,
    other drops), and next to it the operators' 👍/👎 and dismiss rate."""
    rows = report.rules[:MOST_ROWS]
    if not rows:
        return None
    from matplotlib.ticker import FuncFormatter

    figure = _figure(_bar_height(len(rows)) + 0.3)
    left, right = figure.subplots(1, 2, sharey=True, width_ratios=(3, 2))
    for axes in (left, right):
        _style(axes)
        axes.grid(False, axis="y")
    _some_of(left, t, len(rows), len(report.rules), "{0} busiest of {1} rules")
    names = [str(row["rule"]) for row in rows][::-1]
    start = [0] * len(rows)
    for key, name, colour in (("shown", "shown", BLUE), ("late", "dropped late", RED),
                              ("muted", "muted", GREY), ("other", "other drops", LIGHT)):
        values = [row[key] for row in rows][::-1]
        left.barh(names, values, left=start, color=colour, label=t(name))
        start = [a + b for a, b in zip(start, values, strict=True)]
    _integer_axis(left.xaxis)
    left.set_xlabel(t("cards"), fontsize=9)
    left.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=4, fontsize=8,
                frameon=False)
    ups = [row["up"] for row in rows][::-1]
    downs = [-row["down"] for row in rows][::-1]
    right.barh(names, ups, color=GREEN, label=t("thumbs up"))
    right.barh(names, downs, color=RED, label=t("thumbs down"))
    right.axvline(0, color=INK, linewidth=0.8)
    reach = max(1, *ups, *(-value for value in downs))
    right.set_xlim(-reach * 1.1, reach * 2.1)
    _integer_axis(right.xaxis)
    right.xaxis.set_major_formatter(FuncFormatter(lambda value, _position: f"{abs(value):g}"))
    for index, row in enumerate(rows[::-1]):
        rate = row["dismiss_rate"]
        if rate is not None:
            right.text(reach * 1.15, index, t("{0} dismissed").format(percent(rate)),
                       va="center", fontsize=8, color=INK)
    right.set_xlabel(t("votes (down | up)"), fontsize=9)
    right.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=8,
                 frameon=False)
    right.tick_params(labelleft=False, left=False)
    left.set_ylim(-0.6, len(rows) - 0.4)
    return _svg(figure)


def checklists_plot(report: Report, t: Callable[[str], str]) -> str | None:
    """Per operator: the share of calls' checklists completed, lowest first."""
    rows = _ranked(report.operators, "completed_share")
    if not rows:
        return None
    figure, axes = _operator_axes(t, len(rows), sum(1 for row in report.operators
                                                    if row["completed_share"] is not None))
    names = [str(row["operator"]) for row in rows][::-1]
    axes.barh(names, [row["completed_share"] for row in rows][::-1], color=GREEN)
    for index, row in enumerate(rows[::-1]):
        done = round(row["completed_share"] * row["checklists"])
        axes.text(1.01, index, t("{0} of {1}").format(done, row["checklists"]), va="center",
                  fontsize=8, color=INK)
    axes.set_xlim(0, 1.0)
    axes.set_ylim(-0.6, len(rows) - 0.4)
    _percent_axis(axes.xaxis)
    axes.set_xlabel(t("checklists completed"), fontsize=9)
    return _svg(figure)


def spread_plot(report: Report, t: Callable[[str], str]) -> str | None:
    """End-to-end latency per operator as boxes (p25-p75, median; whiskers p5-p95), the
    slowest first."""
    rows = [row for row in report.operator_spread if row["p50"] is not None][:MOST_ROWS]
    if not rows:
        return None
    figure, axes = _operator_axes(t, len(rows),
                                  sum(1 for row in report.operators if row["utterances"]))
    stats = [{"label": str(row["operator"]), "whislo": row["p5"], "q1": row["p25"],
              "med": row["p50"], "q3": row["p75"], "whishi": row["p95"], "fliers": []}
             for row in rows][::-1]
    axes.bxp(stats, orientation="horizontal", showfliers=False, patch_artist=True,
             boxprops={"facecolor": "#9fc0e8", "edgecolor": BLUE},
             medianprops={"color": "#0b2e59", "linewidth": 2})
    highest = max(row["p95"] for row in rows)
    if report.budget_s <= highest * 2.5:
        axes.axvline(report.budget_s, color=RED, linestyle="--", linewidth=1)
        highest = max(highest, report.budget_s)
    axes.set_xlim(0, highest * 1.08)
    _seconds_axis(axes.xaxis)
    axes.set_xlabel(t("end-to-end latency, s"), fontsize=9)
    return _svg(figure)


PLOTS: tuple[tuple[str, Callable[[Report, Callable[[str], str]], str | None]], ...] = (
    ("Latency CDF: how many were in time", cdf_plot),
    ("Cards shown within budget, per operator (lowest first)", operators_plot),
    ("Cards shown within budget, per day", days_plot),
    ("End-to-end latency by time into the call", call_time_plot),
    ("What became of each rule's cards, and what operators made of them", rules_plot),
    ("Checklists completed, per operator (lowest first)", checklists_plot),
    ("End-to-end latency per operator (box p25–p75, line median, whiskers p5–p95; "
     "slowest first)", spread_plot),
)


def report_plots(report: Report, labels: Labels | None = None) -> list[tuple[str, str]]:
    """The report's plots as (caption, SVG); a plot with nothing to show is left out."""
    t = _label(labels)
    plots = []
    for caption, draw in PLOTS:
        svg = draw(report, t)
        if svg is not None:
            plots.append((t(caption), svg))
    return plots


ICON_HEADERS = {"Thumbs up": "up.svg", "Thumbs down": "down.svg"}


def _header(name: str) -> str:
    """A table header cell; 👍 and 👎 as the app's icons (no emoji font needed)."""
    icon = ICON_HEADERS.get(name)
    if icon is not None:
        try:
            svg = resource_path("icons", icon).read_text(encoding="utf-8").strip()
        except OSError:
            svg = ""
        if svg.startswith("<svg"):
            svg = svg.replace('width="24" height="24"', 'width="16" height="16"', 1)
            return (f'<th title="{html.escape(name)}" aria-label="{html.escape(name)}">'
                    f"{svg}</th>")
    return f"<th>{html.escape(name)}</th>"


def _table(title: str, headers: list[str], cells: list[list[str]]) -> str:
    if not headers:
        return f"<h2>{html.escape(title)}</h2><p>None.</p>"
    head = "".join(_header(name) for name in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in line)
                   + "</tr>" for line in cells)
    return f"<h2>{html.escape(title)}</h2><table><tr>{head}</tr>{body}</table>"


def render_html(report: Report, scope: str = "") -> str:
    warnings = "".join(f"<p class='warn'>{html.escape(w)}</p>" for w in report.warnings)
    made = datetime.now().strftime("%Y-%m-%d %H:%M")
    empty = report_empty(report)
    if empty:
        body = f"<p class='empty'>{html.escape(empty)}</p>"
    else:
        tiles = "".join(f"<div class='tile'><div class='value'>{html.escape(value)}</div>"
                        f"<div class='label'>{html.escape(label)}</div></div>"
                        for label, value in report_headline(report))
        figures = "".join(f"<figure><figcaption>{html.escape(caption)}</figcaption>{svg}"
                          "</figure>" for caption, svg in report_plots(report))
        tables = "".join(_table(title, *report_table(report, key)) for key, title in TABLES)
        body = (f"<div class='tiles'>{tiles}</div><p class='note'>Latency budget "
                f"{report.budget_s:g} s. A card is due when the gate shows it or drops it "
                "as too late; cards muted, snoozed, on cooldown, duplicate or over the cap "
                f"were not due.</p>{figures}{tables}")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sufler supervisor report</title>
<style>
body {{ font-family: "DejaVu Sans", "Segoe UI", sans-serif; margin: 24px; color: #222;
       max-width: 1000px; }}
h1 {{ margin-bottom: 4px; }} .scope {{ color: #555; margin-top: 0; }}
.tiles {{ display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0 8px; }}
.tile {{ border: 1px solid #d5dbe3; border-radius: 8px; padding: 10px 16px; min-width: 150px;
        background: #f7f9fc; }}
.tile .value {{ font-size: 26px; font-weight: 700; color: #1f5fa8; }}
.tile .label {{ font-size: 13px; color: #444; }}
.note {{ color: #555; font-size: 13px; }}
table {{ border-collapse: collapse; margin-bottom: 16px; font-size: 13px; }}
th, td {{ border: 1px solid #ccc; padding: 3px 8px; text-align: right; white-space: nowrap; }}
th {{ background: #f2f4f7; }} td:first-child, th:first-child {{ text-align: left; }}
figure {{ margin: 12px 0 24px; }} figcaption {{ font-weight: 600; margin-bottom: 4px; }}
figure svg {{ max-width: 100%; height: auto; }}
.warn {{ color: #8c1d18; }} .empty {{ font-size: 18px; color: #8c1d18; }}
</style></head><body>
<h1>Sufler supervisor report</h1>
<p class="scope">{html.escape(scope)} {report.files} log files, {report.utterances} utterances,
{report.cards} card decisions. Made {made}.</p>
{warnings}
{body}
</body></html>
"""
