"""Charts as inline SVG, drawn on the server: no script, nothing fetched, every label escaped."""

from __future__ import annotations

from collections import Counter

from markupsafe import Markup, escape

from redline.records import IndicatorState, StageState

LEVEL_COLOURS = ["#9e9e9e", "#f2b01e", "#e8710a", "#b00020", "#6a0014"]


def sparkline(history: list[IndicatorState], levels: list[str], width: int = 120, height: int = 24) -> Markup:
    """An indicator's level over its recorded history, as a step line (higher is worse)."""
    if not history:
        return Markup("")
    ranks = [levels.index(h.level) if h.level in levels else 0 for h in history]
    top = max(len(levels) - 1, 1)
    step = width / max(len(ranks), 1)
    points = []
    for i, rank in enumerate(ranks):
        y = height - 2 - (height - 4) * rank / top
        points += [f"{i * step:.1f},{y:.1f}", f"{(i + 1) * step:.1f},{y:.1f}"]
    colour = LEVEL_COLOURS[min(ranks[-1], len(LEVEL_COLOURS) - 1)]
    title = escape(" → ".join(h.level for h in history[-8:]))
    return Markup(f'<svg class="spark" width="{width}" height="{height}" role="img" aria-label="level history">'
                  f'<title>{title}</title><polyline fill="none" stroke="{colour}" stroke-width="2" '
                  f'points="{" ".join(points)}"/></svg>')


def stage_chart(history: list[StageState], ladder, width: int = 640, height: int = 140) -> Markup:
    """The stage over time: one step per recorded stage, the ladder's names on the left."""
    if not history:
        return Markup("")
    start, end = history[0].as_of.timestamp(), max(h.as_of.timestamp() for h in history)
    span = max(end - start, 1.0)
    top = max(len(ladder) - 1, 1)
    left, plot_w, plot_h = 150, width - 160, height - 30

    def y(level: int) -> float:
        return 10 + plot_h - plot_h * level / top

    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img" aria-label="stage over time">']
    for stage in ladder:
        parts.append(f'<text x="{left - 6}" y="{y(stage.level) + 4:.1f}" text-anchor="end" font-size="11">'
                     f'{stage.level} {escape(stage.name[:22])}</text>'
                     f'<line x1="{left}" x2="{width - 10}" y1="{y(stage.level):.1f}" y2="{y(stage.level):.1f}" '
                     f'stroke="#eee"/>')
    points = []
    for i, state in enumerate(history):
        x = left + plot_w * (state.as_of.timestamp() - start) / span
        if i:
            points.append(f"{x:.1f},{y(history[i - 1].level):.1f}")
        points.append(f"{x:.1f},{y(state.level):.1f}")
    points.append(f"{left + plot_w:.1f},{y(history[-1].level):.1f}")
    parts.append(f'<polyline fill="none" stroke="#b00020" stroke-width="2.5" points="{" ".join(points)}"/>')
    parts.append(f'<text x="{left}" y="{height - 4}" font-size="10">{history[0].as_of:%Y-%m-%d}</text>'
                 f'<text x="{width - 10}" y="{height - 4}" font-size="10" text-anchor="end">'
                 f'{history[-1].as_of:%Y-%m-%d}</text></svg>')
    return Markup("".join(parts))


def value_chart(history: list[IndicatorState], width: int = 640, height: int = 120) -> Markup:
    """An indicator's value over its recorded history (the figure, the weight, the sources, the count)."""
    points = [(h.as_of.timestamp(), h.value) for h in history if h.value is not None]
    if len(points) < 1:
        return Markup("")
    start, end = points[0][0], max(p[0] for p in points)
    span, top = max(end - start, 1.0), max(max(v for _, v in points), 1e-9)
    coords = " ".join(f"{10 + (width - 20) * (t - start) / span:.1f},{height - 20 - (height - 30) * v / top:.1f}"
                      for t, v in points)
    return Markup(f'<svg class="chart" width="{width}" height="{height}" role="img" aria-label="value over time">'
                  f'<polyline fill="none" stroke="#0b5394" stroke-width="2" points="{coords}"/>'
                  f'<text x="10" y="12" font-size="10">max {top:,.4g}</text></svg>')


def dyad_chart(events: list[dict], limit: int = 12, width: int = 640) -> Markup:
    """Event counts per actor → recipient pair, the busiest first, as bars."""
    counts = Counter()
    for event in events:
        actors = {p["code"] for p in event["actor"] if p.get("code")} or {"?"}
        recipients = {p["code"] for p in event["recipient"] if p.get("code")} or {"?"}
        for actor in actors:
            for recipient in recipients:
                counts[f"{actor} → {recipient}"] += 1
    top = counts.most_common(limit)
    if not top:
        return Markup("")
    most, bar_h = top[0][1], 18
    parts = [f'<svg class="chart" width="{width}" height="{bar_h * len(top) + 6}" role="img" '
             f'aria-label="events per dyad">']
    for i, (dyad, count) in enumerate(top):
        length = (width - 170) * count / most
        parts.append(f'<text x="100" y="{i * bar_h + 13}" text-anchor="end" font-size="11">{escape(dyad)}</text>'
                     f'<rect x="106" y="{i * bar_h + 3}" width="{length:.1f}" height="{bar_h - 6}" fill="#0b5394"/>'
                     f'<text x="{110 + length:.1f}" y="{i * bar_h + 13}" font-size="11">{count}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def marked_text(text: str, events: list[dict]) -> list[tuple[str, list[int]]]:
    """The article's text cut into pieces, each with the ids of the events read in it (empty: plain text), so the
    page can mark every evidence sentence and an event link can land on it."""
    spans = sorted({(e["evidence"]["start"], e["evidence"]["end"]) for e in events})
    by_span = {span: [e["id"] for e in events if (e["evidence"]["start"], e["evidence"]["end"]) == span]
               for span in spans}
    pieces, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue  # overlapping evidence: the first span keeps the text
        if start > cursor:
            pieces.append((text[cursor:start], []))
        pieces.append((text[start:end], by_span[(start, end)]))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], []))
    return pieces
