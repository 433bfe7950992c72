"""Partier: a party's members with their attendance, and every position the party
or its members took (newest first); a CSV download."""

from __future__ import annotations

import streamlit as st
from common import (
    choose,
    found,
    link_person,
    require_store,
    show_positions,
)

rg = require_store()
st.title("Partier")
labels = {
    p.iri: p.name + (f" ({p.letter})" if p.letter and p.letter != p.name else "")
    + (f" · {p.municipality}" if p.municipality else "")
    for p in rg.parties()
}  # fmt: skip
chosen = choose(
    "parti", labels, label="Parti", what="Partiet", page="parti",
    empty="Ingen partier i databasen endnu.",
)  # fmt: skip
page = found(rg.party(chosen), "Der findes intet parti med dette link i databasen.")

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

show_positions(page.positions, page.party.name, by_party=True)
