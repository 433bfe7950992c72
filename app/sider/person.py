"""Personer: a person's meetings, party, roles and absences (meeting and item level)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from common import PAGES, check_link, fmt_date, link_item, param, require_store, set_params

rg = require_store()
st.title("Personer")
people = rg.people()
if not people:
    st.info("Ingen personer i databasen endnu.")
    st.stop()
ids = [p.iri for p, _, _ in people]
current = param("person")
check_link(current, ids, "Personen", "person")
labels = {
    p.iri: f"{p.name}" + (f" ({p.party})" if p.party else "") + (f" · {m}" if m else "")
    for p, m, _ in people
}
chosen = st.selectbox(
    "Person", ids, index=ids.index(current) if current in ids else 0, format_func=labels.__getitem__
)
set_params(person=chosen)
page = rg.person(chosen)
if page is None:
    st.error("Personen findes ikke i databasen.")
    st.stop()

st.header(page.person.name)
st.caption(
    f"{page.municipality or ''} · parti: {', '.join(page.parties) or 'ikke angivet'}"
    + (f" · rolle: {', '.join(page.roles)}" if page.roles else "")
)
present = [m for m in page.meetings if m.present]
absent = [m for m in page.meetings if not m.present]
c1, c2, c3, c4 = st.columns(4)
c1.metric("Møder deltaget", len(present))
c2.metric("Møder fraværende", len(absent))
c3.metric("Punkter deltaget", page.items_present)
c4.metric("Punkter fraværende", len(page.item_absences))

st.subheader("Møder")
st.dataframe(
    pd.DataFrame(
        [
            {
                "dato": fmt_date(m.date),
                "udvalg": m.committee,
                "kommune": m.municipality,
                "til stede": "ja" if m.present else "nej",
                "årsag": m.reason or "",
            }
            for m in page.meetings
        ]
    ),
    hide_index=True,
    width="stretch",
)
for m in {m.committee_iri: m for m in page.meetings if m.committee_iri}.values():
    st.page_link(
        PAGES["udvalg"],
        label=m.committee or "udvalg",
        query_params={"udvalg": m.committee_iri},
        icon=":material/account_balance:",
    )

st.subheader("Fravær ved enkelte punkter")
if not page.item_absences:
    st.caption("Intet fravær ved enkelte punkter.")
for a in page.item_absences:
    link_item(
        a.item,
        f"{fmt_date(a.date)} · {a.committee} · punkt {a.number}: {a.title}"
        + (f" — {a.reason}" if a.reason else ""),
    )
