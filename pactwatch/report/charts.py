"""Plotly figures for the report, as plain JSON-ready dicts (the page draws them with
the bundled plotly.js; nothing is fetched).

A coalition's chart has one point per count claim, coloured by the source that
read it: a filled circle for an exact figure, an open circle for an approximate
one ("about 60"), a bar from low to high for a range, a triangle for a one-sided
bound ("at least 50" up, "fewer than 20" down). Claims from different sources on
the same day are set side by side, a few hours apart, so disagreeing figures do
not hide each other. A grey step line counts the members known by name. Every
point carries its outlet, date, sentence, speaker and article URL (`customdata`)
for the hover text and the click that opens the article.
"""

from __future__ import annotations

import html
import json
import math
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from pactwatch.alerts.channels.render import actor_name
from pactwatch.clock import iso_utc
from pactwatch.warehouse.timeline import CountPoint, PartnershipRow, RosterChange

from .history import count_label

__all__ = ["PALETTE", "count_chart", "partnership_graph", "source_colours"]

# Okabe-Ito: told apart by colour-blind readers too.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")
SIDE_BY_SIDE = timedelta(hours=5)
_HOVER = (
    "<b>%{customdata[6]}</b><br>%{customdata[0]} · %{customdata[1]}<br>"
    "%{customdata[5]}<br><i>%{customdata[2]}</i><br>speaker: %{customdata[3]}"
    "<br><span style='font-size:10px'>click to open the article</span><extra></extra>"
)


def source_colours(sources: Sequence[str]) -> dict[str, str]:
    """One colour per source, stable for a given set of sources."""
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sorted(set(sources)))}


def _wrap(text: str, width: int = 70) -> str:
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width)) or "-"


def _custom(p: CountPoint) -> list[str]:
    return [
        html.escape(p.source),
        p.as_of.strftime("%Y-%m-%d %H:%M"),
        _wrap(p.sentence),
        html.escape(p.attributed_to or "-"),
        p.url,
        html.escape(p.title or p.url),
        html.escape(count_label(p)),
    ]


def _shape(p: CountPoint) -> str:
    if p.value is not None:
        return "approximate" if p.approx else "exact"
    if p.low is not None and p.high is not None:
        return "range"
    return "at least" if p.low is not None else "at most"


_MARKERS = {
    "exact": "circle",
    "approximate": "circle-open",
    "range": "line-ew-open",
    "at least": "triangle-up",
    "at most": "triangle-down",
}


def _x_positions(points: Sequence[CountPoint]) -> list[datetime]:
    """Each point's date, nudged apart when sources share a day."""
    by_day: dict[Any, list[str]] = defaultdict(list)
    for p in points:
        day = p.as_of.date()
        if p.source not in by_day[day]:
            by_day[day].append(p.source)
    out = []
    for p in points:
        sources = by_day[p.as_of.date()]
        shift = sources.index(p.source) - (len(sources) - 1) / 2
        out.append(p.as_of + SIDE_BY_SIDE * shift)
    return out


def _y(p: CountPoint) -> float:
    if p.value is not None:
        return float(p.value)
    if p.low is not None and p.high is not None:
        return (p.low + p.high) / 2
    return float(p.low if p.low is not None else p.high or 0)


def _point_traces(points: Sequence[CountPoint], colours: dict[str, str]) -> list[go.Scatter]:
    xs = _x_positions(points)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, p in enumerate(points):
        groups[(p.source, _shape(p))].append(i)
    traces = []
    for (source, shape), idx in sorted(groups.items()):
        pts = [points[i] for i in idx]
        error = None
        if shape == "range":
            half = [((p.high or 0) - (p.low or 0)) / 2 for p in pts]
            error = {"type": "data", "array": half, "symmetric": True, "thickness": 6, "width": 0}
        traces.append(
            go.Scatter(
                x=[iso_utc(xs[i]) for i in idx],
                y=[_y(p) for p in pts],
                mode="markers",
                name=f"{source} · {shape}",
                legendgroup=source,
                marker={
                    "symbol": _MARKERS[shape],
                    "size": 12,
                    "color": colours[source],
                    "line": {"width": 2, "color": colours[source]},
                },
                error_y=error,
                customdata=[_custom(p) for p in pts],
                hovertemplate=_HOVER,
            )
        )
    return traces


def _named_line(changes: Sequence[RosterChange]) -> go.Scatter | None:
    """Members known by name over time: +1 on a join, -1 on a departure."""
    if not changes:
        return None
    members: set[str] = set()
    xs, ys = [], []
    for c in sorted(changes, key=lambda c: c.as_of):
        if c.status == "member":
            members.add(c.actor)
        else:
            members.discard(c.actor)
        xs.append(iso_utc(c.as_of))
        ys.append(len(members))
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines+markers",
        line={"shape": "hv", "color": "#999999", "dash": "dot"},
        marker={"size": 5, "color": "#999999"},
        name="members named in the news",
        hovertemplate="%{y} named member(s) as of %{x|%Y-%m-%d}<extra></extra>",
    )


def _layout(title: str, *, height: int = 380) -> dict[str, Any]:
    return {
        "title": {"text": html.escape(title), "x": 0.01},
        "height": height,
        "margin": {"l": 50, "r": 20, "t": 50, "b": 40},
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "legend": {"orientation": "h", "y": -0.18},
        "template": "plotly_white",
    }


def _as_dict(fig: go.Figure) -> dict[str, Any]:
    # Through plotly's own encoder (dates, validation), then plain JSON for the template.
    data: dict[str, Any] = json.loads(pio.to_json(fig, validate=True))
    return data


def count_chart(
    title: str,
    points: Sequence[CountPoint],
    changes: Sequence[RosterChange],
    colours: dict[str, str],
) -> dict[str, Any]:
    """The member-count chart of one coalition."""
    fig = go.Figure(layout=_layout(title))
    for trace in _point_traces(points, colours):
        fig.add_trace(trace)
    named = _named_line(changes)
    if named is not None:
        fig.add_trace(named)
    fig.update_yaxes(title_text="members", rangemode="tozero")
    fig.update_xaxes(type="date")
    return _as_dict(fig)


def _circle(nodes: Sequence[str]) -> dict[str, tuple[float, float]]:
    n = max(len(nodes), 1)
    return {
        node: (math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n))
        for i, node in enumerate(nodes)
    }


def partnership_graph(rows: Sequence[PartnershipRow]) -> dict[str, Any]:
    """Actors as nodes on a circle; a solid green line for an active partnership, a
    dashed grey one for an ended one. Hovering a link's midpoint shows its topic and
    evidence; clicking it opens the article."""
    nodes = sorted({r.actor_a for r in rows} | {r.actor_b for r in rows})
    pos = _circle(nodes)
    fig = go.Figure(layout=_layout("Partnerships", height=420))
    styles = {"active": ("#009E73", "solid"), "ended": ("#888888", "dash")}
    for status, (colour, dash) in styles.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        mid_x, mid_y, custom = [], [], []
        for r in rows:
            if r.status != status:
                continue
            (x0, y0), (x1, y1) = pos[r.actor_a], pos[r.actor_b]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
            mid_x.append((x0 + x1) / 2)
            mid_y.append((y0 + y1) / 2)
            custom.append(
                [
                    html.escape(r.source or "-"),
                    r.since.strftime("%Y-%m-%d"),
                    _wrap(r.sentence or ""),
                    html.escape(r.attributed_to or "-"),
                    r.url,
                    html.escape(r.topic or "no topic given"),
                    html.escape(f"{actor_name(r.actor_a)} + {actor_name(r.actor_b)}: {status}"),
                ]
            )
        if not custom:
            continue
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": colour, "dash": dash, "width": 3},
                name=status,
                legendgroup=status,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=mid_x,
                y=mid_y,
                mode="markers",
                marker={"size": 10, "color": colour, "symbol": "diamond"},
                name=f"{status} (evidence)",
                legendgroup=status,
                showlegend=False,
                customdata=custom,
                hovertemplate=_HOVER,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[pos[n][0] for n in nodes],
            y=[pos[n][1] for n in nodes],
            mode="markers+text",
            text=nodes,
            textposition="top center",
            marker={"size": 18, "color": "#ffffff", "line": {"width": 2, "color": "#333333"}},
            hovertext=[html.escape(actor_name(n)) for n in nodes],
            hoverinfo="text",
            name="actors",
            showlegend=False,
        )
    )
    hidden = {"visible": False, "range": [-1.4, 1.4]}
    fig.update_layout(xaxis=hidden, yaxis={**hidden, "scaleanchor": "x"})
    return _as_dict(fig)
