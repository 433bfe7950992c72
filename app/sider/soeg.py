"""Søg: one box, result cards, filters with counts; state in the URL."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

import sprog
import streamlit as st
from common import (
    PAGES,
    danish,
    filters_pointer,
    param,
    require_store,
    result_card,
    set_params,
    warm_up,
)

import raadsgraf
from raadsgraf import Facets, PartyRef, store_version

if TYPE_CHECKING:  # the index package (FAISS, BM25) is imported when there is a query
    from raadsgraf import Filters, Hits

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
    "eller en sætning. Hybrid søgning finder både punkter med samme betydning og punkter "
    "med de samme ord."
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
def run_search(stamp: str, q: str, mode: str, filters: Filters, top_k: int) -> Hits:
    return rg.search(q, top_k=top_k, mode=mode, filters=filters)


@st.cache_data(show_spinner=False, max_entries=200)
def query_facets(stamp: str, q: str, mode: str, filters: Filters) -> Facets:
    return rg.search_facets(q, mode=mode, filters=filters)


picked = {key: param(key) for key in ("kommune", "udvalg", "udfald")}
years = [y for y, _ in facets.years] or [dt.date.today().year]
lo, hi = min(years), max(years)
period = (int(param("fra") or lo), int(param("til") or hi))


def current_filters(
    municipality: str | None, committee: str | None, outcome: str | None
) -> Filters:
    from raadsgraf import Filters

    return Filters(
        municipality=municipality,
        committee=committee,
        outcome=outcome,
        date_from=dt.date(period[0], 1, 1) if period[0] != lo else None,
        date_to=dt.date(period[1], 12, 31) if period[1] != hi else None,
    )


# Facet counts: the query's strong hits, each facet counted with the other filters
# applied (so a count says what picking that value gives); without a query, the corpus.
counts: dict[str, Counter[str]] = {"m": Counter(), "c": Counter(), "o": Counter()}
error: str | None = None
if query.strip():
    try:
        spread = query_facets(
            stamp,
            query,
            mode,
            current_filters(picked["kommune"], picked["udvalg"], picked["udfald"]),
        )
        counts["m"].update(dict(spread.municipalities))
        counts["c"].update(dict(spread.committees))
        counts["o"].update({notation: n for notation, _, n in spread.outcomes})
    except raadsgraf.RaadsgrafError as exc:
        error = danish(str(exc))
else:
    counts["m"].update(dict(facets.municipalities))
    counts["c"].update(dict(facets.committees))
    counts["o"].update({notation: n for notation, _, n in facets.outcomes})
outcome_labels = {notation: label for notation, label, _ in facets.outcomes}


def narrowed(names: list[str], counter: Counter[str], current: str | None) -> list[str]:
    """Under a query, only the values that have hits (and the one already chosen)."""
    if not query.strip():
        return names
    return [n for n in names if counter.get(n, 0) > 0 or n == current]


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
# each filter's choices narrow by the others: a chosen committee keeps its
# municipality, a chosen municipality keeps its committees
municipalities = [m for m, _ in facets.municipalities]
if picked["udvalg"]:
    municipalities = [m for m in municipalities if (picked["udvalg"], m) in facets.bodies] or (
        municipalities
    )
municipality = choose(
    "Kommune", "kommune", narrowed(municipalities, counts["m"], picked["kommune"]), counts["m"]
)
committees = [c for c, _ in facets.committees]
if municipality:
    committees = [c for c in committees if (c, municipality) in facets.bodies]
committee = choose(
    "Udvalg", "udvalg", narrowed(committees, counts["c"], picked["udvalg"]), counts["c"]
)
outcome = choose(
    "Beslutning",
    "udfald",
    narrowed([o for o, _, _ in facets.outcomes], counts["o"], picked["udfald"]),
    counts["o"],
    show=lambda v: outcome_labels.get(v, v),
)
if lo < hi:
    period = st.sidebar.slider(
        "Periode", lo, hi, (max(lo, min(period[0], hi)), min(hi, max(period[1], lo))), key="period"
    )
st.sidebar.caption(
    "Tallene i parentes er antal gode fund for søgningen med de andre filtre valgt, "
    "eller antal punkter i alt."
)

filters_pointer(
    sum(v is not None for v in (municipality, committee, outcome)) + (period != (lo, hi))
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
        f"{sprog.count(sum(n for _, n in facets.municipalities), 'dagsordenspunkt')} fra "
        f"{sprog.count(len(facets.committees), 'udvalg')} i "
        f"{sprog.count(len(facets.municipalities), 'kommune')}. "
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
    # A query that is a person's or a party's name offers their page first (issue 13).
    if named := rg.people_matching(query):
        with st.container(border=True):
            st.markdown("**Personer og partier**")
            for who in named:
                if isinstance(who, PartyRef):
                    st.page_link(
                        PAGES["parti"], label=f"{who.name} · {who.municipality or ''}",
                        query_params={"parti": who.iri}, icon=":material/groups:",
                    )  # fmt: skip
                else:
                    st.page_link(
                        PAGES["person"],
                        label=who.name + (f" ({who.party})" if who.party else ""),
                        query_params={"person": who.iri}, icon=":material/person:",
                    )  # fmt: skip
    filters = current_filters(municipality, committee, outcome)
    try:
        hits = run_search(stamp, query, mode, filters, 20)
    except raadsgraf.RaadsgrafError as exc:
        st.error(danish(str(exc)))
        st.stop()
    summaries = rg.item_summaries([h.iri for h in hits])
    strong = [h for h in hits if not h.weak]
    weak = [h for h in hits if h.weak]
    shown = f"de {len(strong)} bedste vist · " if hits.total > len(strong) else ""
    st.caption(
        f"{'mindst ' if not hits.total_exact else ''}{hits.total} gode fund · {shown}"
        f"{mode_label or 'Hybrid'} søgning"
    )
    if not hits:
        st.warning("Ingen fund. Prøv andre ord, en anden søgemåde eller færre filtre.")
    elif not strong:
        st.warning(
            "**Ingen gode fund.** Intet i referaterne matcher søgningen godt. "
            "Prøv andre ord, en anden søgemåde eller færre filtre."
        )
    for h in strong:
        result_card(h, summaries.get(h.iri))
    if weak:
        st.subheader("Svage fund", anchor=False)
        st.caption(
            "De nærmeste punkter, men de ligner ikke søgningen ret meget: "
            "læs dem som et gæt, ikke som et svar."
        )
        for h in weak:
            result_card(h, summaries.get(h.iri), weak=True)

warm_up()
