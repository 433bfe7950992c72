"""Dagsordenspunkt: the item, its decision beside its recommendation, who was
there, and its treatment history across committees."""

from __future__ import annotations

import sprog
import streamlit as st
from charts import history_frame
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
    planned_line,
    require_store,
    set_params,
    warm_up,
)
from forloeb import history_events, lineage_chart

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
            f"{fmt_date(m.date)} · {m.committee} ({m.municipality}) · "
            f"{sprog.count(m.items, 'punkt')}"
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
        "Dette punkt kendes kun fra en henvisning i et andet referat: mødets eget referat "
        "er ikke indlæst."
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
        st.markdown("_Referatet har intet sagsnummer._")
with c3:
    st.markdown("**KLE-emne**")
    if detail.kle_subject:
        # without a loaded KLE title the number is all there is to show (how to load
        # the titles is for the analyst: docs, not this page)
        label = f" — {detail.kle_subject_label}" if detail.kle_subject_label else ""
        st.markdown(
            f"{detail.kle_subject}{label}"
            + (f" · facet {detail.kle_facet}" if detail.kle_facet else "")
        )
    else:
        st.markdown("_Intet KLE-emne angivet._")
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
    st.header("Indstilling")
    if detail.recommended_by:
        st.caption(detail.recommended_by)
    if detail.recommendation_points:
        st.markdown("\n".join(f"{i}. {p}" for i, p in enumerate(detail.recommendation_points, 1)))
    else:
        st.markdown(detail.recommendation or "_Ingen indstilling i referatet._")
with right:
    st.header("Beslutning")
    if detail.decision:
        st.markdown(detail.decision)
    elif not detail.in_corpus:
        st.markdown("_Beslutningen kendes ikke: mødets referat er ikke indlæst._")
    else:
        st.markdown("_Referatet har ingen beslutning for dette punkt._")

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
            f"**{sprog.count(len(held), 'behandling')}** af sagen: {earlier} før og "
            f"{later} efter dette punkt, i "
            f"{sprog.count(frame[frame['status'] != 'planlagt']['udvalg'].nunique(), 'udvalg')}."
            + (
                f" Desuden {len(planned)} planlagt{'e' if len(planned) > 1 else ''} trin "
                "(ikke afholdt)."
                if planned
                else ""
            )
        )
        lineage_chart(history_events(history, current=detail.treatment), key="tidslinje")
        for h in held:
            s = h.step
            mark = "▶" if s.treatment == detail.treatment else ("●" if s.in_corpus else "○")
            text = (
                f"{mark} {fmt_date(s.date)} · {s.committee or 'ukendt udvalg'}"
                + (f" · punkt {s.item_number}" if s.item_number else "")
                + f" — {s.title or '(titel ukendt)'}"
            )
            if s.in_corpus and s.treatment != detail.treatment:
                link_item(s.treatment, text)
            else:
                st.markdown(text + ("" if s.in_corpus else f" *({sprog.ONLY_MENTIONED})*"))
            if h.decision:
                st.caption(f"Beslutning: {h.decision[:300]}")
        if planned:
            st.markdown("**Planlagt** (nævnt i teksten, endnu ikke afholdt)")
            for h in planned:
                st.markdown(planned_line(h.step))
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
    st.header("Bilag")
    if not detail.attachments:
        st.caption("Referatet nævner ingen bilag til dette punkt.")
    for a in detail.attachments:
        flag = " *(anbefalet)*" if a.recommended else ""
        st.markdown(f"- :material/attach_file: {a.title}{flag}")
    if detail.in_corpus:
        st.caption(
            "Kilde: "
            + sprog.source(detail.committee, detail.date, has_decision=bool(detail.decision))
        )
    with st.expander("Om data"):
        # the technical detail, one click away for staff and analysts
        st.markdown(
            f"- Adresse i grafen: `{detail.item}`\n"
            f"- Behandling: `{detail.treatment}`\n"
            + (f"- Kildefil: `{detail.source_title}`\n" if detail.source_title else "")
            + (f"- KLE-facet: {detail.kle_facet}\n" if detail.kle_facet else "")
            + (
                "- KLE-emnets titel vises, når KL's emnefil er indlæst (`raadsgraf kle load`)\n"
                if detail.kle_subject and not detail.kle_subject_label
                else ""
            )
        )
        st.page_link(PAGES["sparql"], label="Spørg grafen med SPARQL", icon=":material/code:")

with tab_people:
    if not detail.in_corpus:
        st.caption("Mødets referat er ikke indlæst, så deltagerne kendes ikke.")
    elif not detail.attendees and not detail.absences:
        st.markdown("_Referatet har ingen deltagerliste._")
    a, b = st.columns(2)
    with a:
        members = [p for p in detail.attendees if not p.official]
        staff = [p for p in detail.attendees if p.official]
        if members:
            st.markdown(f"**Medlemmer til stede ({len(members)})**")
        for p in members:
            link_person(
                p.iri,
                p.name + (f" ({p.party})" if p.party else "") + (f", {p.role}" if p.role else ""),
            )
        if staff:
            st.markdown(f"**Fra administrationen ({len(staff)})**")
            for p in staff:
                link_person(p.iri, p.name + (f", {p.role}" if p.role else ""))
        if not detail.attendees and detail.absences:
            st.caption("Referatet nævner kun de fraværende.")
    with b:
        if detail.absences:
            st.markdown(f"**Fraværende ({len(detail.absences)})**")
        elif detail.attendees:
            st.markdown("**Fraværende**")
            st.caption("Referatet nævner ingen fraværende.")
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
    else:
        if not similar:
            st.caption("Ingen punkter ligner dette godt nok til at blive vist her.")
    for h in similar:
        label = f"{h.municipality} · {h.committee} · {fmt_date(h.meeting_date)} — {h.item_title}"
        if h.item_number is None:
            link_policy(h.iri, label)
        else:
            link_item(h.iri, label)

warm_up()
