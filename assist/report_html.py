"""The latency report as one self-contained HTML file: tables and inline SVG plots."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from assist.report import Report, format_cell

WIDTH, HEIGHT, PAD = 760, 260, 60


def _scale(low: float, high: float, start: float, end: float) -> Any:
    span = (high - low) or 1.0
    return lambda value: start + (value - low) / span * (end - start)


def _axes(x_label: str, y_label: str, y_max: float, x_ticks: list[tuple[float, str]],
          y_to: Any) -> list[str]:
    parts = [f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - 10}" y2="{HEIGHT - PAD}" '
             'stroke="#555"/>',
             f'<line x1="{PAD}" y1="10" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#555"/>',
             f'<text x="{WIDTH / 2}" y="{HEIGHT - 6}" text-anchor="middle">'
             f'{html.escape(x_label)}</text>',
             f'<text x="10" y="{HEIGHT / 2}" transform="rotate(-90 10 {HEIGHT / 2})" '
             f'text-anchor="middle">{html.escape(y_label)}</text>']
    for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
        value = y_max * fraction
        y = y_to(value)
        label = f"{value:.0f}" if y_max >= 20 else f"{value:.2f}"
        parts.append(f'<text x="{PAD - 4}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
        parts.append(f'<line x1="{PAD}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" '
                     'stroke="#eee"/>')
    for x, label in x_ticks:
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - PAD + 14}" text-anchor="middle">'
                     f'{html.escape(label)}</text>')
    return parts


def _svg(title: str, body: list[str]) -> str:
    return (f'<figure><figcaption>{html.escape(title)}</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{WIDTH}" '
            f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-size="11" '
            f'font-family="sans-serif">{"".join(body)}</svg></figure>')


def histogram_svg(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>No utterances.</p>"
    total = sum(row["n"] for row in rows)
    kept, seen = [], 0
    for row in rows:  # the top 0.5 % would squash the plot: summarised in the tables
        kept.append(row)
        seen += row["n"]
        if seen >= total * 0.995:
            break
    high = max(row["bin"] for row in kept) + 0.1
    low = min(0.0, min(row["bin"] for row in kept))
    y_max = max(row["n"] for row in kept)
    x_to = _scale(low, high, PAD, WIDTH - 10)
    y_to = _scale(0, y_max, HEIGHT - PAD, 14)
    ticks = [(x_to(low + (high - low) * k / 5), f"{low + (high - low) * k / 5:.1f}")
             for k in range(6)]
    body = _axes("end-to-end latency, s (end of speech → text)", "utterances", y_max, ticks,
                 y_to)
    for row in kept:
        x0, x1 = x_to(row["bin"]), x_to(row["bin"] + 0.1)
        y = y_to(row["n"])
        body.append(f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(1.0, x1 - x0 - 1):.1f}" '
                    f'height="{HEIGHT - PAD - y:.1f}" fill="#1f5fa8"/>')
    return _svg("Latency histogram", body)


def over_time_svg(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>No utterances.</p>"
    last = max(row["minute"] for row in rows) + 1
    y_max = max((row["p95"] or 0.0) for row in rows) * 1.1 or 1.0
    x_to = _scale(0, last, PAD, WIDTH - 10)
    y_to = _scale(0, y_max, HEIGHT - PAD, 14)
    ticks = [(x_to(last * k / 6), f"{last * k / 6:.0f}") for k in range(7)]
    body = _axes("minute of call", "latency, s", y_max, ticks, y_to)
    for key, colour in (("p50", "#1f5fa8"), ("p95", "#b3261e")):
        points = " ".join(f"{x_to(row['minute'] + 0.5):.1f},{y_to(row[key] or 0):.1f}"
                          for row in rows)
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    'stroke-width="2"/>')
    body.append(f'<text x="{WIDTH - 120}" y="24" fill="#1f5fa8">— p50</text>'
                f'<text x="{WIDTH - 70}" y="24" fill="#b3261e">— p95</text>')
    return _svg("Latency over call time (does it degrade on long calls?)", body)


def operators_svg(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>No utterances.</p>"
    row_height = 16
    height = 40 + row_height * len(rows)
    high = max((row["p95"] or 0.0) for row in rows) * 1.1 or 1.0
    left = 150
    x_to = _scale(0, high, left, WIDTH - 10)
    body = []
    for index, row in enumerate(rows):
        y = 20 + index * row_height
        middle = y + row_height / 2
        body.append(f'<text x="{left - 6}" y="{middle + 4}" text-anchor="end">'
                    f'{html.escape(str(row["operator"]))[:22]}</text>')
        body.append(f'<line x1="{x_to(row["p5"]):.1f}" y1="{middle}" '
                    f'x2="{x_to(row["p95"]):.1f}" y2="{middle}" stroke="#777"/>')
        body.append(f'<rect x="{x_to(row["p25"]):.1f}" y="{y + 3}" '
                    f'width="{max(1.0, x_to(row["p75"]) - x_to(row["p25"])):.1f}" '
                    f'height="{row_height - 6}" fill="#9fc0e8" stroke="#1f5fa8"/>')
        body.append(f'<line x1="{x_to(row["p50"]):.1f}" y1="{y + 2}" x2="{x_to(row["p50"]):.1f}" '
                    f'y2="{y + row_height - 2}" stroke="#0b2e59" stroke-width="2"/>')
    for k in range(6):
        value = high * k / 5
        body.append(f'<text x="{x_to(value):.1f}" y="{height - 6}" text-anchor="middle">'
                    f'{value:.2g}</text>')
    return (f'<figure><figcaption>Latency per operator (box: p25–p75, line: median, '
            f'whiskers: p5–p95, seconds; slowest first)</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{WIDTH}" '
            f'height="{height}" viewBox="0 0 {WIDTH} {height}" font-size="11" '
            f'font-family="sans-serif">{"".join(body)}</svg></figure>')


def report_plots(report: Report) -> list[str]:
    """The report's plots as <figure> HTML holding one SVG each."""
    return [histogram_svg(report.histogram), over_time_svg(report.minutes),
            operators_svg(report.operator_spread)]


def _table(title: str, rows: list[dict[str, Any]]) -> str:
    if not rows:
        return f"<h2>{html.escape(title)}</h2><p>None.</p>"
    head = "".join(f"<th>{html.escape(name)}</th>" for name in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(format_cell(value))}</td>"
                                    for value in row.values()) + "</tr>" for row in rows)
    return f"<h2>{html.escape(title)}</h2><table><tr>{head}</tr>{body}</table>"


def render_html(report: Report, scope: str = "") -> str:
    warnings = "".join(f"<p class='warn'>{html.escape(w)}</p>" for w in report.warnings)
    made = datetime.now().strftime("%Y-%m-%d %H:%M")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sufler latency report</title>
<style>
body {{ font-family: sans-serif; margin: 24px; color: #222; max-width: 1100px; }}
table {{ border-collapse: collapse; margin-bottom: 16px; font-size: 13px; }}
th, td {{ border: 1px solid #ccc; padding: 3px 8px; text-align: right; }}
th {{ background: #f2f4f7; }} td:first-child, th:first-child {{ text-align: left; }}
figure {{ margin: 12px 0 24px; }} figcaption {{ font-weight: 600; margin-bottom: 4px; }}
.warn {{ color: #8c1d18; }}
</style></head><body>
<h1>Sufler latency report</h1>
<p>{html.escape(scope)} {report.files} log files, {report.utterances} utterances,
{report.cards} card decisions. Made {made}. Seconds throughout.</p>
{warnings}
{"".join(report_plots(report))}
{_table("Stages", report.stages)}
{_table("Operators", report.operators)}
{_table("Models", report.models)}
{_table("Rules", report.rules)}
{_table("Cards by outcome", report.drops)}
{_table("Latency by minute of call", report.minutes)}
</body></html>
"""
