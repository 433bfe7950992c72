"""Hvor stod partierne: for a committee (or all) and a period, how often each pair
of parties was on the same side in decisions with a recorded split, and the list
of those decisions; filterable by KLE subject."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from common import check_link, fmt_date, link_item, param, require_store, set_params

#: a party's camp in a split decision, in plain Danish
CAMPS = {"for": "stemte for", "imod": "stemte imod", "undlod": "undlod at stemme"}

rg = require_store()
st.title("Hvor stod partierne")
st.caption(
    "Kun beslutninger hvor referatet skriver en stemme imod, en undladelse eller et mindretal, "
    "og kun partier som referatet nævner ved beslutningen."
)
bodies = rg.committees()
ids = ["", *[b[0] for b in bodies]]
names = {"": "Alle udvalg", **{iri: f"{label} ({muni})" for iri, label, muni, _ in bodies}}
current = param("udvalg") or ""
check_link(current or None, ids, "Udvalget", "partier")
left, mid, right = st.columns(3)
chosen = left.selectbox(
    "Udvalg", ids, index=ids.index(current), format_func=names.__getitem__
)  # fmt: skip
period = mid.date_input(
    "Periode", value=(dt.date(2000, 1, 1), dt.date.today()), format="DD.MM.YYYY"
)
kle = right.text_input("KLE-emne (fx 00.22)", value=param("kle") or "").strip() or None
set_params(udvalg=chosen or None, kle=kle)
start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (None, None)
result = rg.party_agreement(chosen or None, date_from=start, date_to=end, kle=kle)

n = len(result.decisions)
st.metric("Delte beslutninger", n)
if not result.parties:
    st.info("Ingen delte beslutninger med navngivne partier i det valgte.")
    st.stop()

matrix = pd.DataFrame(index=list(result.parties), columns=list(result.parties), dtype=object)
for a in result.parties:
    for b in result.parties:
        if a == b:
            matrix.loc[a, b] = "–"
            continue
        both = next((x[3] for x in result.same if {x[0], x[1]} == {a, b}), 0)
        same = next((x[2] for x in result.same if {x[0], x[1]} == {a, b}), 0)
        matrix.loc[a, b] = f"{round(100 * same / both)} % ({same} af {both})" if both else ""
st.subheader("Samme side")
st.dataframe(matrix, width="stretch")

st.subheader("De delte beslutninger")
for d in result.decisions:
    camps = ", ".join(f"{p}: {CAMPS.get(c, c)}" for p, c in d.camps)
    link_item(d.item, f"{fmt_date(d.date)} · {d.committee} · punkt {d.number}: {d.title} — {camps}")
