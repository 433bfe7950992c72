"""Søg: one box, result cards, filters with counts; state in the URL."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

import streamlit as st
from common import (
    PAGES,
    danish,
    fmt_date,
    outcome_text,
    param,
    require_store,
    set_params,
    warm_up,
)

import raadsgraf
from raadsgraf import Facets, store_version

if TYPE_CHECKING:  # the index package (FAISS, BM25) is imported when there is a query
    from raadsgraf import Filters, Hit

MODES = {"Hybrid": "hybrid", "Semantisk": "dense", "Nøgleord": "bm25"}
ALL = "Alle"

rg = require_store()
stamp = store_version(rg.root) or ""


@st.cache_data(max_entries=4, show_spinner=False)
def corpus_facets(stamp: str) -> Facets:
    return rg.facets()


facets = corpus_facets(stamp)

st.title("Søg i referater og strategier")
st.caption(
    "Hvornår har vi behandlet det før, og hvad besluttede vi? Søg med ord, et sagsnummer "
    "eller en sætning. Hybrid søgning kombinerer betydning (e5) og nøgleord (BM25)."
)

query = st.text_input(
    "Søg",
    value=param("q") or "",
    placeholder="fx boligsocial strategi, budgetopfølgning, 03.00.00-P22-2-23",
    key="query",
)
mode_label = st.segmented_control(
    "Søgemåde",
    list(MODES),
    default=next((k for k, v in MODES.items() if v == param("mode")), "Hybrid"),
    key="mode",
)
mode = MODES.get(mode_label or "Hybrid", "hybrid")


@st.cache_data(show_spinner="Søger …", max_entries=200)
def run_search(stamp: str, q: str, mode: str, filters: Filters, top_k: int) -> list[Hit]:
    return rg.search(q, top_k=top_k, mode=mode, filters=filters)


# Facet counts: over the query's results without filters (how the hits spread), or
# over the whole corpus when there is no query.
counts: dict[str, Counter[str]] = {"m": Counter(), "c": Counter(), "o": Counter()}
error: str | None = None
if query.strip():
    from raadsgraf import Filters

    try:
        spread = run_search(stamp, query, mode, Filters(), 100)
        outcomes = rg.item_summaries([h.iri for h in spread])
        for h in spread:
            s = outcomes.get(h.iri)
            counts["m"][s.municipality if s and s.municipality else h.municipality or "?"] += 1
            counts["c"][s.committee if s and s.committee else h.committee or "?"] += 1
            if s and s.outcome:
                counts["o"][s.outcome] += 1
    except raadsgraf.RaadsgrafError as exc:
        error = danish(str(exc))
else:
    counts["m"].update(dict(facets.municipalities))
    counts["c"].update(dict(facets.committees))
    counts["o"].update({notation: n for notation, _, n in facets.outcomes})
outcome_labels = {notation: label for notation, label, _ in facets.outcomes}


def choose(label: str, key: str, names: list[str], counter: Counter[str], show=str) -> str | None:
    options = [ALL, *names]
    current = param(key)
    index = options.index(current) if current in options else 0
    picked = st.sidebar.selectbox(
        label,
        options,
        index=index,
        key=f"f_{key}",
        format_func=lambda v: v if v == ALL else f"{show(v)} ({counter.get(v, 0)})",
    )
    return None if picked == ALL else picked


st.sidebar.header("Filtre")
municipality = choose("Kommune", "kommune", [m for m, _ in facets.municipalities], counts["m"])
committee = choose("Udvalg", "udvalg", [c for c, _ in facets.committees], counts["c"])
outcome = choose(
    "Beslutning",
    "udfald",
    [o for o, _, _ in facets.outcomes],
    counts["o"],
    show=lambda v: outcome_labels.get(v, v),
)
years = [y for y, _ in facets.years] or [dt.date.today().year]
lo, hi = min(years), max(years)
period = (int(param("fra") or lo), int(param("til") or hi))
if lo < hi:
    period = st.sidebar.slider(
        "Periode", lo, hi, (max(lo, min(period[0], hi)), min(hi, max(period[1], lo))), key="period"
    )
st.sidebar.caption(
    "Tallene i parentes er antal fund for søgningen (uden filtre), eller antal punkter i alt."
)

set_params(
    q=query.strip() or None,
    mode=mode if mode != "hybrid" else None,
    kommune=municipality,
    udvalg=committee,
    udfald=outcome,
    fra=str(period[0]) if period[0] != lo else None,
    til=str(period[1]) if period[1] != hi else None,
)

if error:
    st.error(error)
elif not query.strip():
    st.info(
        f"{sum(n for _, n in facets.municipalities)} dagsordenspunkter fra "
        f"{len(facets.committees)} udvalg i {len(facets.municipalities)} kommuner. "
        "Skriv i søgefeltet for at begynde."
    )
    cols = st.columns(3)
    for col, example in zip(
        cols, ["boligsocial strategi", "budgetopfølgning", "hjemløse"], strict=True
    ):
        col.page_link(
            PAGES["soeg"],
            label=f"Prøv: {example}",
            query_params={"q": example},
            icon=":material/search:",
        )
else:
    filters = Filters(
        municipality=municipality,
        committee=committee,
        outcome=outcome,
        date_from=dt.date(period[0], 1, 1) if period[0] != lo else None,
        date_to=dt.date(period[1], 12, 31) if period[1] != hi else None,
    )
    try:
        hits = run_search(stamp, query, mode, filters, 20)
    except raadsgraf.RaadsgrafError as exc:
        st.error(danish(str(exc)))
        st.stop()
    summaries = rg.item_summaries([h.iri for h in hits])
    st.caption(f"{len(hits)} fund · {mode_label or 'Hybrid'} søgning")
    if not hits:
        st.warning("Ingen fund. Prøv andre ord, en anden søgemåde eller færre filtre.")
    for h in hits:
        s = summaries.get(h.iri)
        with st.container(border=True):
            if s is None:  # a policy or strategy document
                st.markdown(
                    f"**{h.municipality or ''}** · {h.committee or 'strategi/politik'}"
                    + (f" · vedtaget {fmt_date(h.meeting_date)}" if h.meeting_date else "")
                )
                st.markdown(f"#### :material/account_tree: {h.item_title}")
                st.markdown(h.snippet)
                st.page_link(
                    PAGES["strategi"],
                    label="Åbn strategiens forløb",
                    query_params={"politik": h.iri},
                    icon=":material/arrow_forward:",
                )
                continue
            head, badge = st.columns([4, 1])
            head.markdown(
                f"**{s.committee or h.committee}** · {fmt_date(h.meeting_date)} · "
                f"punkt {h.item_number}" + (f" · sag {h.case_number}" if h.case_number else "")
            )
            badge.markdown(outcome_text(s.outcome, s.outcome_label))
            st.markdown(f"#### {h.item_title}")
            st.markdown(f"*{h.section}*: {h.snippet}")
            st.page_link(
                PAGES["punkt"],
                label="Åbn",
                query_params={"item": h.iri},
                icon=":material/arrow_forward:",
            )

warm_up()
