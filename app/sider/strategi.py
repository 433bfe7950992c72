"""Strategiens forløb: a policy's lineage on a time axis (versions, treatments,
adoption, what it replaces), the policies it names, and the same facts as a table."""

from __future__ import annotations

import pandas as pd
import sprog
import streamlit as st
from common import choose, fmt_date, found, link_item, require_store
from forloeb import lineage_chart, policy_events

rg = require_store()
st.title("Strategiens forløb")
labels = {p: f"{t} ({fmt_date(d)})" if d else t for p, t, d in rg.policies()}
chosen = choose(
    "politik", labels, label="Politik eller strategi", what="Politikken", page="strategi",
    empty="Der er ingen politikker eller strategier i databasen endnu.",
)  # fmt: skip
net = found(rg.policy_network(chosen), "Politikken findes ikke i databasen.")

treatments = [n for n in net.nodes if n.kind == "behandling"]
c1, c2, c3 = st.columns(3)
c1.metric("Behandlinger", len(treatments))
c2.metric("Udgaver", sum(1 for n in net.nodes if n.kind == "udgave"))
c3.metric("Nævnte politikker", len(net.mentions))

st.header("Forløb")
lineage_chart(policy_events(net, set(labels)), key="strategi_forloeb")

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
        link_item(n.id, f"{n.label}: {n.detail or ''}")
