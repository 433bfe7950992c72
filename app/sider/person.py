"""Personer: a politician's record — seats, attendance rate, absences with reasons,
every recorded position (newest first), the items they are named in; a CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from common import (
    PAGES,
    choose,
    fmt_date,
    found,
    link_item,
    require_store,
    show_positions,
)

rg = require_store()
st.title("Personer")
labels = {
    p.iri: f"{p.name}" + (f" ({p.party})" if p.party else "") + (f" · {m}" if m else "")
    for p, m, _ in rg.people()
}
chosen = choose(
    "person", labels, label="Person", what="Personen", page="person",
    empty="Ingen personer i databasen endnu.",
)  # fmt: skip
page = found(rg.person(chosen), "Der findes ingen person med dette link i databasen.")
record = page.record


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _rate(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "–"


st.header(page.person.name)
kind = "fra administrationen" if record and record.official else "politiker"
st.caption(
    f"{page.municipality or ''} · {kind} · parti: {', '.join(page.parties) or 'ikke angivet'}"
    + (f" · rolle: {', '.join(page.roles)}" if page.roles else "")
)
present = [m for m in page.meetings if m.present]
absent = [m for m in page.meetings if not m.present]
c1, c2, c3, c4 = st.columns(4)
if record and record.memberships:
    c1.metric(
        "Fremmøde til møder",
        _rate(record.meetings_attended, record.meetings_held),
        help=f"{record.meetings_attended} af {_count(record.meetings_held, 'møde', 'møder')} "
        "holdt mens personen sad i udvalget",
    )
    c2.metric(
        "Fremmøde til punkter",
        _rate(record.items_attended, record.items_held),
        help=f"{record.items_attended} af {_count(record.items_held, 'punkt', 'punkter')}",
    )
else:
    c1.metric("Møder deltaget", len(present))
    c2.metric("Punkter deltaget", page.items_present)
c3.metric("Fravær (møder)", len(absent))
c4.metric("Holdninger", len(record.positions) if record else 0)

if record and record.memberships:
    st.subheader("Udvalg og roller")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "udvalg": m.committee,
                    "fra": fmt_date(m.first),
                    "til": fmt_date(m.last),
                    "roller": ", ".join(m.roles),
                    "møder": f"{m.meetings_attended} af {m.meetings_held}",
                    "punkter": f"{m.items_attended} af {m.items_held}",
                }
                for m in record.memberships
            ]
        ),
        hide_index=True,
        width="stretch",
    )

show_positions(record.positions if record else [], page.person.name, by_party=False)

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

if record and record.named_in:
    st.subheader("Nævnt i beslutninger")
    for item, date, title in record.named_in:
        link_item(item, f"{fmt_date(date)} · {title or 'punkt'}")
