"""Udvalg: a committee's meetings, members and items per year."""

from __future__ import annotations

import altair as alt
import pandas as pd
import sprog
import streamlit as st
from common import (
    PAGES,
    choose,
    fmt_date,
    found,
    link_person,
    require_store,
)

rg = require_store()
st.title("Udvalg")
labels = {
    iri: f"{label} ({muni}) · {sprog.count(n, 'møde')}"
    if muni
    else f"{label} · {sprog.count(n, 'møde')}"
    for iri, label, muni, n in rg.committees()
}
chosen = choose(
    "udvalg", labels, label="Udvalg", what="Udvalget", page="udvalg",
    empty="Ingen udvalg i databasen endnu.",
)  # fmt: skip
page = found(rg.committee(chosen), "Udvalget findes ikke i databasen.")

st.header(page.label)
st.caption(page.municipality or "")
c1, c2, c3 = st.columns(3)
c1.metric("Møder", len(page.meetings))
c2.metric("Punkter", sum(n for _, n in page.items_per_year))
c3.metric("Medlemmer set", len(page.members))

left, right = st.columns(2)
with left:
    st.subheader("Punkter pr. år")
    frame = pd.DataFrame(page.items_per_year, columns=["år", "punkter"])
    st.altair_chart(
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("år:O", axis=alt.Axis(labelAngle=0)), y="punkter:Q", tooltip=["år", "punkter"]
        ),
        width="stretch",
    )
with right:
    st.subheader("Beslutninger")
    labels = {notation: label for notation, label, _ in rg.facets().outcomes}
    st.dataframe(
        pd.DataFrame(
            [(labels.get(o, o), n) for o, n in page.outcomes], columns=["beslutning", "punkter"]
        ),
        hide_index=True,
    )

st.subheader("Møder")
for m in page.meetings:
    st.page_link(
        PAGES["punkt"],
        label=f"Møde {fmt_date(m.date)} · {sprog.count(m.items, 'punkt')}",
        icon=":material/event:",
        query_params={"moede": m.iri},
    )

st.subheader("Medlemmer")
st.caption("Valgte medlemmer som deltagerlisterne viser dem; med parti først.")
for mem in page.members:
    link_person(
        mem.person.iri,
        f"{mem.person.name}"
        + (f" ({mem.person.party})" if mem.person.party else "")
        + (f", {', '.join(mem.roles)}" if mem.roles else "")
        + f" — til stede {mem.present}, fraværende {mem.absent}",
    )
if page.officials:
    st.subheader("Fra administrationen")
    for mem in page.officials:
        link_person(
            mem.person.iri,
            mem.person.name
            + (f", {', '.join(mem.roles)}" if mem.roles else "")
            + f" — til stede {mem.present}",
        )
st.page_link(
    PAGES["partier"],
    label="Hvor stod partierne i udvalget?",
    query_params={"udvalg": page.iri},
    icon=":material/groups:",
)
