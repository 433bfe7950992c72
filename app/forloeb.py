"""A lineage at a glance: a strategy's or a case's steps on one time axis.

One row per step, in date order, down a vertical line: the date and what
happened (udkast, høring, behandling, vedtaget, erstatter, planlagt) in words,
the title, and how the step is tied to the rest (the edge, in Danish:
"tidligere behandling, nævnt 07.11.2023", "vedtaget af Kommunalbestyrelsen").
Each row links to its page. A vertical axis keeps every label on its own line,
so nothing overlaps at 390 px; kind is told by shape and words, colour only
repeats it; planned steps are hollow and dashed. Drawn with Altair (Vega-Lite,
bundled with Streamlit: nothing is fetched at run time) — docs/app.md says why
it won over an ECharts graph.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import altair as alt
import pandas as pd
import sprog
import streamlit as st
from common import PAGES

from raadsgraf import History, PolicyNetwork


@dataclass(frozen=True, slots=True)
class Event:
    """One step of a lineage, ready to draw."""

    date: dt.date | None
    kind: str  # a key of KINDS
    title: str
    tie: str  # how it is tied to the rest, in words (the edge label)
    page: tuple[str, str, str] | None  # its page: (page key, URL parameter, value), if any
    known: bool = True  # False: only mentioned elsewhere (the meeting's own minutes are not in)


#: kind → (shape, colour, words shown in the row). Shapes differ, so colour is never
#: the only carrier of meaning.
KINDS = {
    "udkast": ("square", "#5d6d7e", "udkast"),
    "høring": ("square", "#2e86c1", "høringsudkast"),
    "behandling": ("circle", "#1e8449", "behandling"),
    "dette punkt": ("circle", "#b9470b", "dette punkt"),
    "vedtaget": ("diamond", "#1f4e79", "vedtaget"),
    "erstatter": ("cross", "#a93226", "erstattes"),
    "planlagt": ("triangle-up", "#7d3c98", "planlagt"),
}

ROW = 66  # px per step: three lines of text


def _page(page: str, param: str, value: str) -> tuple[str, str, str]:
    return (page, param, value)


def history_events(history: History, current: str | None = None) -> list[Event]:
    """A case's or an item's steps as events; the tie says how each was found. A
    policy's adoption is a step too (its page is the strategy's); a planned step
    (named in a text, not yet held) has no page."""
    dates = {h.step.treatment: h.step.date for h in history.steps}
    events = []
    for h in history.steps:
        s = h.step
        via = dates.get(s.via or "")
        said = "til" if s.link == "prosa" else "ifølge"
        where = s.committee or "ukendt udvalg"
        number = f", punkt {s.item_number}" if s.item_number else ""
        page = (
            _page("punkt", "item", s.treatment) if s.in_corpus and s.treatment != current else None
        )
        if s.planned:
            kind = "planlagt"
            tie = "planlagt" + (f", ifølge punktet {sprog.date(via)}" if via else "")
            page = None
        elif s.link == "vedtagelse":
            kind = "vedtaget"
            tie = f"vedtaget af {where}"
            page = _page("strategi", "politik", s.treatment)
        else:
            kind = "dette punkt" if s.treatment == current else "behandling"
            if h.in_case:
                tie = "samme sagsnummer"
            elif s.link == "start":
                tie = "udgangspunktet"
            else:
                tie = sprog.link(s.link) + (f" {said} punktet {sprog.date(via)}" if via else "")
            if not s.in_corpus:
                tie += f" ({sprog.ONLY_MENTIONED})"
        title = s.title if s.link == "vedtagelse" and s.title else f"{where}{number}"
        if s.title and s.link != "vedtagelse":
            title += f": {s.title}"
        events.append(
            Event(
                date=s.date,
                kind=kind,
                title=title,
                tie=tie,
                page=page,
                known=s.in_corpus or s.link == "vedtagelse",
            )
        )
    return events


def policy_events(net: PolicyNetwork, known_policies: set[str]) -> list[Event]:
    """A strategy's versions, treatments, adoption and predecessor as events.
    A version is dated by the first treatment that used it; the adoption by the
    policy's date; what it replaces by its year, when the source gives one."""
    nodes = {n.id: n for n in net.nodes}
    policy = nodes[net.policy]
    used: dict[str, dt.date] = {}
    for e in net.edges:
        if e.label == "bruger" and nodes[e.source].date:
            when = nodes[e.source].date
            assert when is not None
            used[e.target] = min(used.get(e.target, when), when)
    adopted_by = [nodes[e.target].label for e in net.edges if e.label == "vedtaget af"]
    made_by = [nodes[e.target].label for e in net.edges if e.label == "udarbejdet af"]
    events: list[Event] = []
    for e in net.edges:
        n = nodes[e.target] if e.source == net.policy else nodes[e.source]
        if e.label == "udgave":
            stage = n.label.removeprefix("udgave: ")
            if stage == "vedtaget":
                continue  # the adoption row says it
            events.append(
                Event(
                    used.get(n.id),
                    "høring" if "høring" in stage else "udkast",
                    f"{stage} af {policy.label}",
                    "udgave af strategien"
                    + (f", udarbejdet af {', '.join(made_by)}" if made_by else ""),
                    _page("strategi", "politik", net.policy),
                )
            )
        elif e.label == "behandler":
            known = n.detail != "uden for korpus"
            events.append(
                Event(
                    n.date,
                    "planlagt" if n.date and n.date > dt.date.today() else "behandling",
                    n.label + (f": {n.detail}" if known and n.detail else ""),
                    "behandler strategien" + ("" if known else f" ({sprog.ONLY_MENTIONED})"),
                    _page("punkt", "item", n.id) if known else None,
                    known,
                )
            )
        elif e.label == "erstatter":
            year = int(n.detail) if n.detail and n.detail.isdigit() else None
            events.append(
                Event(
                    dt.date(year, 1, 1) if year else None,
                    "erstatter",
                    n.label,
                    f"erstattes af {policy.label}",
                    _page("strategi", "politik", n.id) if n.id in known_policies else None,
                    n.id in known_policies,
                )
            )
    events.append(
        Event(
            policy.date,
            "vedtaget",
            policy.label,
            "vedtaget af " + (", ".join(adopted_by) or "ukendt organ"),
            _page("strategi", "politik", net.policy),
        )
    )
    return events


def _when(e: Event) -> str:
    if e.date is None:
        return "uden dato"
    if e.kind == "erstatter" and e.date.month == 1 and e.date.day == 1:
        return str(e.date.year)  # only the year is known
    return sprog.date(e.date)


def frame(events: list[Event]) -> pd.DataFrame:
    ordered = sorted(events, key=lambda e: (e.date is not None, e.date or dt.date.min))
    rows = []
    for i, e in enumerate(ordered):
        shape, colour, word = KINDS[e.kind]
        rows.append(
            {
                "række": i,
                "top": f"{_when(e)} · {word}",
                "titel": e.title,
                "bånd": e.tie,
                "art": word,
                "form": shape,
                "farve": colour,
                "fyld": colour if e.known and e.kind != "planlagt" else "#ffffff",
                "streg": [4, 3] if e.kind == "planlagt" or not e.known else [1, 0],
                "side": e.page[0] if e.page else "",
                "param": e.page[1] if e.page else "",
                "adresse": e.page[2] if e.page else "",
                "titelfarve": "#1a5fb4" if e.page else "#262730",
                "y0": i - 0.48,
                "y1": i + 0.48,
            }
        )
    return pd.DataFrame(rows)


def chart(events: list[Event]) -> alt.LayerChart:
    data = frame(events)
    n = len(data)
    scale = alt.Scale(domain=[-0.5, max(0.5, n - 0.5)], reverse=True)
    y = alt.Y("række:Q", axis=None, scale=scale)
    base = alt.Chart(data).encode(y=y)
    spine = (
        alt.Chart(pd.DataFrame([{"a": 0, "b": max(0, n - 1)}]))
        .mark_rule(color="#9a9a9a", strokeWidth=2)
        .encode(x=alt.value(14), y=alt.Y("a:Q", axis=None, scale=scale), y2="b:Q")
    )
    # the whole row is the click target (a row's text and its mark open its page)
    pick = alt.selection_point(fields=["side", "param", "adresse"], name="trin", on="click")
    rows = (
        base.mark_rect(opacity=0.001, cursor="pointer")
        .encode(
            x=alt.value(0), x2=alt.value(4000), y=alt.Y("y0:Q", axis=None, scale=scale), y2="y1:Q"
        )
        .add_params(pick)
    )
    marks = base.mark_point(size=260, strokeWidth=2, opacity=1).encode(
        x=alt.value(14),
        shape=alt.Shape("form:N", scale=None, legend=None),
        stroke=alt.Stroke("farve:N", scale=None, legend=None),
        fill=alt.Fill("fyld:N", scale=None, legend=None),
        strokeDash=alt.StrokeDash("streg", scale=None, legend=None),
    )
    width = alt.expr("max(80, containerSize()[0] - 40)")
    text = {"align": "left", "limit": width}
    top = base.mark_text(dy=-18, fontWeight="bold", fontSize=13, **text).encode(
        x=alt.value(32), text="top:N"
    )
    title = base.mark_text(dy=0, fontSize=13, **text).encode(
        x=alt.value(32), text="titel:N", color=alt.Color("titelfarve:N", scale=None, legend=None)
    )
    tie = base.mark_text(dy=17, fontSize=12, fontStyle="italic", **text).encode(
        x=alt.value(32), text="bånd:N", color=alt.value("#4a4a4a")
    )
    return (
        alt.layer(spine, marks, top, title, tie, rows)
        .properties(height=ROW * n + 10)
        .configure_view(stroke=None)
    )


def lineage_chart(events: list[Event], key: str) -> None:
    """The chart, full width; a row with a page opens it when clicked."""
    if not events:
        st.caption("Intet forløb at vise.")
        return
    event = st.altair_chart(chart(events), width="stretch", key=key, on_select="rerun")
    picked = (event.get("selection", {}) or {}).get("trin") if event else None
    if picked and picked[0].get("side"):
        row = picked[0]
        st.switch_page(PAGES[row["side"]], query_params={row["param"]: row["adresse"]})
    st.caption(
        "Klik på et trin for at åbne det. ● behandling · ◆ vedtaget · ■ udgave · ✚ erstattet · "
        "▲ planlagt; hule figurer med stiplet kant er planlagte møder eller møder, der kun er "
        "nævnt i et andet referat."
    )
