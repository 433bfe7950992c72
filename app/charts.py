"""Charts drawn with Altair (bundled with Streamlit: nothing is fetched at run time)."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from raadsgraf import History, PolicyNetwork

KIND_COLOURS = {
    "politik": "#1f4e79",
    "udgave": "#2e86c1",
    "behandling": "#27ae60",
    "behandling (uden for korpus)": "#b0b0b0",
    "organ": "#8e44ad",
    "erstattet": "#c0392b",
    "nævnt": "#e67e22",
}


def history_frame(history: History, current: str | None = None) -> pd.DataFrame:
    rows = []
    for h in history.steps:
        s = h.step
        rows.append(
            {
                "dato": pd.Timestamp(s.date) if s.date else pd.NaT,
                "udvalg": s.committee or "ukendt udvalg",
                "punkt": s.item_number,
                "titel": s.title or "(titel ukendt)",
                "beslutning": (h.decision or s.outcome or "")[:160],
                "status": (
                    "dette punkt"
                    if current and s.treatment == current
                    else "planlagt"
                    if s.planned
                    else "i korpus"
                    if s.in_corpus
                    else "uden for korpus"
                ),
                "forbindelse": s.link,
                # a planned step or a policy's adoption is no agenda item to open
                "treatment": None if s.planned or s.link == "vedtagelse" else s.treatment,
            }
        )
    return pd.DataFrame(rows)


def timeline(frame: pd.DataFrame) -> alt.Chart:
    """Treatments over time, one row per committee; click a point to open it."""
    data = frame.dropna(subset=["dato"])
    pick = alt.selection_point(fields=["treatment"], name="valg")
    colour = alt.Color(
        "status:N",
        scale=alt.Scale(
            domain=["dette punkt", "i korpus", "uden for korpus", "planlagt"],
            range=["#d35400", "#27ae60", "#b0b0b0", "#f0b27a"],
        ),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    base = alt.Chart(data).encode(
        x=alt.X("dato:T", title=None, axis=alt.Axis(format="%d.%m.%Y")),
        y=alt.Y("udvalg:N", title=None),
    )
    line = base.mark_line(color="#cccccc").encode(detail="udvalg:N")
    points = (
        base.mark_circle(size=220, opacity=1)
        .encode(
            color=colour,
            tooltip=[
                alt.Tooltip("dato:T", format="%d.%m.%Y"),
                "udvalg:N",
                "punkt:Q",
                "titel:N",
                "beslutning:N",
                "status:N",
                "forbindelse:N",
            ],
        )
        .add_params(pick)
    )
    return (line + points).properties(height=max(150, 70 * data["udvalg"].nunique()))


def network(net: PolicyNetwork) -> alt.LayerChart:
    """The policy at the centre; its versions, bodies, predecessors, named policies
    and treatments around it (treatments in date order). Zoom, pan and hover."""
    kinds = ["udgave", "organ", "erstattet", "nævnt", "behandling"]
    others = sorted(
        (n for n in net.nodes if n.id != net.policy),
        key=lambda n: (
            kinds.index(n.kind) if n.kind in kinds else 9,
            n.date or pd.Timestamp.min.date(),
            n.label,
        ),
    )
    pos = {net.policy: (0.0, 0.0)}
    for i, n in enumerate(others):
        angle = 2 * math.pi * i / max(1, len(others)) + math.pi / 2
        pos[n.id] = (math.cos(angle), math.sin(angle))
    nodes = pd.DataFrame(
        [
            {
                "id": n.id,
                "x": pos[n.id][0],
                "y": pos[n.id][1],
                "navn": n.label,
                "art": (
                    "behandling (uden for korpus)"
                    if n.kind == "behandling" and n.detail == "uden for korpus"
                    else n.kind
                ),
                "detalje": n.detail or "",
                "dato": n.date.isoformat() if n.date else "",
                "treatment": n.id if n.kind == "behandling" else "",
            }
            for n in net.nodes
        ]
    )
    edges = pd.DataFrame(
        [
            {
                "x": pos[e.source][0],
                "y": pos[e.source][1],
                "x2": pos[e.target][0],
                "y2": pos[e.target][1],
                "relation": e.label,
            }
            for e in net.edges
        ]
    )
    # One dataset for all layers. (Relations are edge tooltips, not text marks:
    # Streamlit 1.67's Vega-Lite renderer fails on this layer set plus edge labels.)
    frame = pd.concat([nodes.assign(rad="node"), edges.assign(rad="edge")], ignore_index=True)
    base = alt.Chart(frame)
    is_edge = alt.datum.rad == "edge"
    is_node = alt.datum.rad == "node"
    scale = alt.Scale(domain=[-1.6, 1.6])
    lines = (
        base.transform_filter(is_edge)
        .mark_rule(color="#aaaaaa")
        .encode(
            x=alt.X("x:Q", scale=scale, axis=None),
            y=alt.Y("y:Q", scale=scale, axis=None),
            x2="x2:Q",
            y2="y2:Q",
            tooltip=["relation:N"],
        )
    )
    dots = (
        base.transform_filter(is_node)
        .mark_circle(size=500, opacity=1)
        .encode(
            x=alt.X("x:Q", scale=scale, axis=None),
            y=alt.Y("y:Q", scale=scale, axis=None),
            color=alt.Color(
                "art:N",
                scale=alt.Scale(domain=list(KIND_COLOURS), range=list(KIND_COLOURS.values())),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=["navn:N", "art:N", "dato:N", "detalje:N"],
        )
    )
    names = (
        base.transform_filter(is_node)
        .mark_text(dy=-18, fontSize=11)
        .encode(x="x:Q", y="y:Q", text="navn:N")
    )
    # Layer order and no selection parameter: other combinations of these three
    # layers fail to draw in Streamlit 1.67's Vega-Lite renderer (a JS error).
    return (lines + dots + names).properties(height=560).interactive()
