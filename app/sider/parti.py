"""Partier: a party's members with their attendance, and every position the party
or its members took (newest first); a CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from common import (
    check_link,
    fmt_date,
    link_person,
    param,
    position_outcome,
    require_store,
    set_params,
    show_positions,
    stance_text,
)

rg = require_store()
st.title("Partier")
parties = rg.parties()
if not parties:
    st.info("Ingen partier i databasen endnu.")
    st.stop()
ids = [p.iri for p in parties]
current = param("parti")
check_link(current, ids, "Partiet", "parti")
labels = {
    p.iri: p.name + (f" ({p.letter})" if p.letter and p.letter != p.name else "")
    + (f" · {p.municipality}" if p.municipality else "")
    for p in parties
}  # fmt: skip
chosen = st.selectbox(
    "Parti", ids, index=ids.index(current) if current in ids else 0, format_func=labels.__getitem__
)
set_params(parti=chosen)
page = rg.party(chosen)
if page is None:
    st.error("Der findes intet parti med dette link i databasen.")
    st.stop()

st.header(labels[chosen])
c1, c2 = st.columns(2)
c1.metric("Medlemmer", len(page.members))
c2.metric("Holdninger", len(page.positions))

st.subheader("Medlemmer")
if not page.members:
    st.caption("Referaterne nævner ingen medlemmer med partiets bogstav.")
for person, went, missed in page.members:
    møder = "1 møde" if went == 1 else f"{went} møder"
    link_person(person.iri, f"{person.name} — til stede ved {møder}, fraværende {missed}")

st.subheader("Holdninger")
if not page.positions:
    st.caption("Ingen holdninger er skrevet i referaterne.")
else:
    frame = pd.DataFrame(
        [
            {
                "dato": fmt_date(p.date),
                "udvalg": p.committee or "",
                "punkt": p.number,
                "titel": p.title or "",
                "hvem": p.holder,
                "holdning": stance_text(p.stance),
                "side": p.side or "",
                "udfald": position_outcome(p.outcome),
                "sætning": p.text,
            }
            for p in page.positions
        ]
    )
    show_positions(frame, page.positions, page.party.name)
