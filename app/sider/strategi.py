"""Strategiens forløb: a policy's lineage on a time axis (versions, treatments,
adoption, what it replaces), the policies it names, and the same facts as a table."""

from __future__ import annotations

import pandas as pd
import sprog
import streamlit as st
from common import PAGES, check_link, fmt_date, param, require_store, set_params
from forloeb import lineage_chart, policy_events

rg = require_store()
st.title("Strategiens forløb")
policies = rg.policies()
if not policies:
    st.info("Der er ingen politikker eller strategier i databasen endnu.")
    st.stop()
ids = [p[0] for p in policies]
current = param("politik")
check_link(current, ids, "Politikken", "strategi")
chosen = st.selectbox(
    "Politik eller strategi",
    ids,
    index=ids.index(current) if current in ids else 0,
    format_func=lambda i: next(
        f"{t} ({fmt_date(d)})" if d else t for p, t, d in policies if p == i
    ),
)
set_params(politik=chosen)
net = rg.policy_network(chosen)
if net is None:
    st.error("Politikken findes ikke i databasen.")
    st.stop()

treatments = [n for n in net.nodes if n.kind == "behandling"]
c1, c2, c3 = st.columns(3)
c1.metric("Behandlinger", len(treatments))
c2.metric("Udgaver", sum(1 for n in net.nodes if n.kind == "udgave"))
c3.metric("Nævnte politikker", len(net.mentions))

st.header("Forløb")
lineage_chart(policy_events(net, set(ids)), key="strategi_forloeb")

if net.mentions:
    st.header("Nævner")
    st.markdown("\n".join(f"- {name}" for name in net.mentions))

st.header("Som tabel")
st.dataframe(pd.DataFrame(net.table()), hide_index=True, width="stretch")

st.header("Indhold")
sections = rg.sections(chosen)
if not sections:
    st.caption("Dokumentets tekst er ikke i databasen.")
for section in sections:
    title = " ".join(p for p in (section.number, section.heading) if p) or "(uden overskrift)"
    with st.expander(title + (f" · s. {section.page}" if section.page else "")):
        st.markdown(section.text)

st.header("Behandlinger")
for n in sorted(treatments, key=lambda n: n.date or pd.Timestamp.min.date()):
    if n.detail == "uden for korpus":
        st.markdown(f"○ {n.label} *({sprog.ONLY_MENTIONED_LONG})*")
    else:
        st.page_link(
            PAGES["punkt"],
            label=f"{n.label}: {n.detail or ''}",
            query_params={"item": n.id},
            icon=":material/description:",
        )
