"""Dagsordenspunkt: the item, its decision beside its recommendation, who was
there, and its treatment history across committees."""

from __future__ import annotations

import streamlit as st
from charts import history_frame, timeline
from common import (
    PAGES,
    danish,
    dead_end,
    fmt_date,
    link_item,
    link_person,
    link_policy,
    looks_like_iri,
    outcome_text,
    param,
    require_store,
    set_params,
    warm_up,
)

import raadsgraf

rg = require_store()
iri = param("item")

if iri is None:
    st.title("Dagsordenspunkt")
    st.caption("Vælg et møde og et punkt, eller åbn et punkt fra søgningen.")
    meetings = rg.meetings()
    if not meetings:
        st.info("Ingen møder i databasen endnu.")
        st.stop()
    wanted = param("moede")
    at = next((i for i, m in enumerate(meetings) if m.iri == wanted), 0)
    meeting = st.selectbox(
        "Møde",
        meetings,
        index=at,
        format_func=lambda m: (
            f"{fmt_date(m.date)} · {m.committee} ({m.municipality}) · {m.items} punkter"
        ),
    )
    set_params(moede=meeting.iri)
    for s in rg.meeting_items(meeting.iri):
        link_item(s.item, f"{s.number}. {s.title} — {outcome_text(s.outcome, s.outcome_label)}")
    st.stop()

if not looks_like_iri(iri):
    dead_end(
        "Linket peger ikke på et dagsordenspunkt: adressen skal begynde med https://. "
        "Find punktet i søgningen eller på listen over møder.",
        back="punkt",
        label="Vælg et møde og et punkt",
    )
try:
    detail = rg.item(iri)
except raadsgraf.RaadsgrafError as exc:
    detail = None
    st.caption(danish(str(exc)))
if detail is None:
    dead_end(
        f"Der er intet dagsordenspunkt med adressen «{iri[:200]}» i databasen. "
        "Linket kan være forkert, eller data er indlæst på ny.",
        back="punkt",
        label="Vælg et møde og et punkt",
    )
    st.stop()
set_params(item=detail.item, moede=None)

st.caption(
    f"{detail.municipality or ''} · {detail.committee or ''} · {fmt_date(detail.date)} · "
    f"punkt {detail.number}"
)
st.title(detail.title)
if not detail.in_corpus:
    st.warning(
        "Dette punkt kendes kun fra en henvisning i et andet referat: mødet er ikke i korpus."
    )
if not detail.is_open:
    st.info(":material/lock: Lukket punkt: kun titel, sagsnummer og beslutningens udfald vises.")

c1, c2, c3, c4 = st.columns(4)
with c1:
    st.markdown("**Beslutning**")
    st.markdown(outcome_text(detail.outcome, detail.outcome_label))
with c2:
    st.markdown("**Sagsnummer**")
    if detail.case_number:
        st.page_link(
            PAGES["sag"],
            label=detail.case_number,
            query_params={"sag": detail.case_number},
            icon=":material/history:",
        )
    else:
        st.markdown("—")
with c3:
    st.markdown("**KLE-emne**")
    if detail.kle_subject:
        label = detail.kle_subject_label or "titel ikke indlæst (`raadsgraf kle load`)"
        st.markdown(
            f"{detail.kle_subject} — {label}"
            + (f" · facet {detail.kle_facet}" if detail.kle_facet else "")
        )
    else:
        st.markdown("—")
with c4:
    st.markdown("**Udvalg**")
    if detail.committee_iri:
        st.page_link(
            PAGES["udvalg"],
            label=detail.committee or "udvalg",
            query_params={"udvalg": detail.committee_iri},
            icon=":material/account_balance:",
        )

left, right = st.columns(2)
with left:
    st.subheader("Indstilling")
    if detail.recommended_by:
        st.caption(detail.recommended_by)
    if detail.recommendation_points:
        st.markdown("\n".join(f"{i}. {p}" for i, p in enumerate(detail.recommendation_points, 1)))
    else:
        st.markdown(detail.recommendation or "_Ingen indstilling i referatet._")
with right:
    st.subheader("Beslutning")
    st.markdown(detail.decision or "_Ingen beslutning i referatet._")

tab_hist, tab_text, tab_people, tab_similar = st.tabs(
    ["Behandlingshistorik", "Sagsfremstilling", "Deltagere og fravær", "Lignende punkter"]
)

with tab_hist:
    try:
        history = rg.history(detail.treatment)
    except raadsgraf.RaadsgrafError as exc:
        st.error(danish(str(exc)))
    else:
        frame = history_frame(history, current=detail.treatment)
        held = [h for h in history.steps if not h.step.planned]
        planned = [h for h in history.steps if h.step.planned]
        earlier = sum(1 for h in held if h.step.date and detail.date and h.step.date < detail.date)
        later = sum(1 for h in held if h.step.date and detail.date and h.step.date > detail.date)
        st.markdown(
            f"**{len(held)} behandlinger** af sagen: {earlier} før og {later} efter dette "
            f"punkt, i {frame[frame['status'] != 'planlagt']['udvalg'].nunique()} udvalg. "
            "Grå punkter er møder uden for korpus."
            + (f" Desuden {len(planned)} planlagt(e) trin (ikke afholdt)." if planned else "")
        )
        event = st.altair_chart(timeline(frame), on_select="rerun", key="tidslinje")
        picked = (event.get("selection", {}) or {}).get("valg") if event else None
        if picked and picked[0].get("treatment") not in (None, detail.treatment):
            st.switch_page(PAGES["punkt"], query_params={"item": picked[0]["treatment"]})
        for h in held:
            s = h.step
            mark = "▶" if s.treatment == detail.treatment else ("●" if s.in_corpus else "○")
            text = (
                f"{mark} {fmt_date(s.date)} · {s.committee or '?'} · punkt {s.item_number or '?'}"
                f" — {s.title or '(titel ukendt)'}"
            )
            if s.in_corpus and s.treatment != detail.treatment:
                link_item(s.treatment, text)
            else:
                st.markdown(text + ("" if s.in_corpus else " *(uden for korpus)*"))
            if h.decision:
                st.caption(f"Beslutning: {h.decision[:300]}")
        if planned:
            st.markdown("**Planlagt** (nævnt i teksten, endnu ikke afholdt)")
            for h in planned:
                s = h.step
                st.markdown(
                    f"◌ {fmt_date(s.date) if s.date else 'uden dato'} · {s.committee or '?'}"
                    " — *planlagt*"
                )
        for p in history.policies:
            link_policy(p.policy, f"Del af: {p.title}")

with tab_text:
    if not detail.sections:
        st.caption(
            "Lukket punkt: teksten offentliggøres ikke."
            if not detail.is_open
            else "Punktet har ingen afsnit i databasen."
        )
    for section in detail.sections:
        with st.expander(section.heading or "Tekst", expanded=section.kind == "summary"):
            st.markdown(section.text)
    st.subheader("Bilag")
    if not detail.attachments:
        st.caption("Ingen bilag.")
    for a in detail.attachments:
        flag = " *(anbefalet)*" if a.recommended else ""
        st.markdown(f"- :material/attach_file: {a.title}{flag}")
    if detail.source_title:
        st.caption(f"Kilde: {detail.source_title}")

with tab_people:
    a, b = st.columns(2)
    with a:
        st.markdown(f"**Til stede ({len(detail.attendees)})**")
        for p in detail.attendees:
            link_person(p.iri, p.name + (f" ({p.party})" if p.party else ""))
    with b:
        st.markdown(f"**Fraværende ({len(detail.absences)})**")
        for ab in detail.absences:
            link_person(
                ab.person.iri,
                ab.person.name
                + (f" ({ab.person.party})" if ab.person.party else "")
                + (f" — {ab.reason}" if ab.reason else ""),
            )

with tab_similar:
    try:
        similar = rg.similar(detail.item, top_k=5)
    except raadsgraf.RaadsgrafError as exc:
        st.caption(f"Lignende punkter kan ikke findes: {exc}")
        similar = []
    for h in similar:
        label = f"{h.municipality} · {h.committee} · {fmt_date(h.meeting_date)} — {h.item_title}"
        if h.item_number is None:
            link_policy(h.iri, label)
        else:
            link_item(h.iri, label)

warm_up()
