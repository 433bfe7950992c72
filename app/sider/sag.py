"""Sagshistorik: every treatment of a case number, in order, with each decision."""

from __future__ import annotations

import streamlit as st
from charts import history_frame, timeline
from common import (
    PAGES,
    danish,
    fmt_date,
    link_item,
    link_policy,
    outcome_text,
    param,
    require_store,
    set_params,
)

import raadsgraf

rg = require_store()
st.title("Sagshistorik")
st.caption("Alle behandlinger af en sag (journalnummer) i tidsorden, med hver beslutning.")

known = rg.cases()
numbers = [c for c, _ in known]
current = param("sag")
typed = st.text_input("Sagsnummer", value=current or "", placeholder="fx 03.00.00-P22-2-23")
if not typed and numbers:
    picked = st.selectbox(
        "eller vælg en sag",
        numbers,
        index=None,
        format_func=lambda c: f"{c} ({dict(known)[c]} behandlinger)",
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
if held:
    st.markdown(
        f"**{len(held)} behandlinger** i "
        f"{frame[frame['status'] != 'planlagt']['udvalg'].nunique()} udvalg, "
        f"{fmt_date(held[0].step.date)} – {fmt_date(held[-1].step.date)}."
        + (f" Desuden {len(planned)} planlagt(e) trin (ikke afholdt)." if planned else "")
    )
event = st.altair_chart(timeline(frame), on_select="rerun", key="sag_tidslinje")
picked_point = (event.get("selection", {}) or {}).get("valg") if event else None
if picked_point and picked_point[0].get("treatment"):
    st.switch_page(PAGES["punkt"], query_params={"item": picked_point[0]["treatment"]})

for h in held:
    s = h.step
    with st.container(border=True):
        top, badge = st.columns([4, 1])
        top.markdown(
            f"**{fmt_date(s.date)}** · {s.committee or '?'} ({s.municipality or '?'}) · "
            f"punkt {s.item_number or '?'}" + ("" if h.in_case else f" · fundet via {s.link}")
        )
        badge.markdown(outcome_text(s.outcome))
        if s.in_corpus:
            link_item(s.treatment, s.title or "(titel ukendt)")
        else:
            st.markdown(f"{s.title or '(titel ukendt)'} *(uden for korpus)*")
        if h.decision:
            st.caption("Beslutning")
            st.markdown(h.decision)
if planned:
    st.subheader("Planlagt")
    st.caption("Trin som teksten nævner, men som endnu ikke er afholdt: ikke behandlinger.")
    for h in planned:
        s = h.step
        st.markdown(
            f"◌ **{fmt_date(s.date) if s.date else 'uden dato'}** · {s.committee or '?'}"
            f" ({s.municipality or '?'}) — *planlagt*"
        )
for p in history.policies:
    link_policy(p.policy, f"Del af: {p.title}")
