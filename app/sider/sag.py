"""Sagshistorik: every treatment of a case number, in order, with each decision."""

from __future__ import annotations

import sprog
import streamlit as st
from charts import history_frame
from common import (
    danish,
    fmt_date,
    link_item,
    link_policy,
    outcome_text,
    param,
    planned_line,
    require_store,
    set_params,
)
from forloeb import history_events, lineage_chart

import raadsgraf
from raadsgraf import CaseSummary, store_version

rg = require_store()
st.title("Sagshistorik")
st.caption("Alle behandlinger af en sag (journalnummer) i tidsorden, med hver beslutning.")


@st.cache_data(max_entries=2, show_spinner=False)
def case_summaries(stamp: str) -> list[CaseSummary]:
    # one query over every case (0.6 s for Greve's 517 cases from 60 meetings): once per store version
    return rg.case_summaries()


known = {c.number: c for c in case_summaries(store_version(rg.root) or "")}
current = param("sag")
typed = st.text_input("Sagsnummer", value=current or "", placeholder="fx 03.00.00-P22-2-23")


def case_label(number: str) -> str:
    c = known[number]
    parts = [c.number, c.title or "(uden titel)", c.committee or "ukendt udvalg"]
    parts.append(f"senest {sprog.date(c.last_date)}")
    return " · ".join(parts) + f" ({sprog.count(c.treatments, 'behandling')} med sagsnummeret)"


if not typed and known:
    picked = st.selectbox(
        "eller vælg en sag",
        list(known),
        index=None,
        format_func=case_label,
        placeholder="Vælg en sag (sagsnummer, titel, udvalg, seneste behandling)",
    )
    typed = picked or ""
case = typed.strip()
set_params(sag=case or None)
if not case:
    st.stop()

try:
    history = rg.history(case)
except raadsgraf.RaadsgrafError as exc:
    st.error(danish(str(exc)))
    st.stop()

frame = history_frame(history)
held = [h for h in history.steps if not h.step.planned]
planned = [h for h in history.steps if h.step.planned]
own = sum(1 for h in held if h.in_case)
adopted = sum(1 for h in held if h.step.link == "vedtagelse")
found = len(held) - own - adopted
if held:
    st.markdown(
        f"**{sprog.count(own, 'behandling')} med sagsnummeret**"
        + (f" og {found} fundet gennem henvisninger" if found else "")
        + (" samt strategiens vedtagelse" if adopted == 1 else "")
        + (f" samt {adopted} vedtagelser" if adopted > 1 else "")
        + f", i {sprog.count(frame[frame['status'] != 'planlagt']['udvalg'].nunique(), 'udvalg')}, "
        f"{fmt_date(held[0].step.date)} – {fmt_date(held[-1].step.date)}."
        + (
            f" Desuden {len(planned)} planlagt{'e' if len(planned) > 1 else ''} trin "
            "(ikke afholdt)."
            if planned
            else ""
        )
    )
lineage_chart(history_events(history), key="sag_forloeb")

for h in held:
    s = h.step
    with st.container(border=True):
        top, badge = st.columns([4, 1])
        top.markdown(
            f"**{fmt_date(s.date)}** · {s.committee or 'ukendt udvalg'}"
            + (f" ({s.municipality})" if s.municipality else "")
            + (f" · punkt {s.item_number}" if s.item_number else "")
            + ("" if h.in_case else f" · fundet som {sprog.link(s.link)}")
        )
        badge.markdown(outcome_text(s.outcome))
        if s.link == "vedtagelse":  # a policy's adoption: its page is the strategy's
            link_policy(s.treatment, s.title or "Vedtagelse")
        elif s.in_corpus:
            link_item(s.treatment, s.title or "(titel ukendt)")
        else:
            st.markdown(f"{s.title or '(titel ukendt)'} *({sprog.ONLY_MENTIONED})*")
        if h.decision:
            st.caption("Beslutning")
            st.markdown(h.decision)
if planned:
    st.header("Planlagt")
    st.caption("Trin som teksten nævner, men som endnu ikke er afholdt: ikke behandlinger.")
    for h in planned:
        st.markdown(planned_line(h.step))
for p in history.policies:
    link_policy(p.policy, f"Del af: {p.title}")
