"""'Nyt siden sidste synkronisering': the meetings and decisions the last
``raadsgraf sync`` brought, above the home page (public API only)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import raadsgraf

MAX_MEETINGS = 12


def _when(iso: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return moment.strftime("%d.%m.%Y kl. %H:%M")


def show(rg: raadsgraf.Raadsgraf) -> None:
    summary = rg.last_sync()
    if summary is None:
        return  # the store is not kept current by `raadsgraf sync`: nothing to say
    news = rg.news(summary)
    head = f"Nyt siden sidste synkronisering ({_when(summary.finished or summary.started)})"
    with st.expander(head, expanded=bool(news)):
        st.caption(
            f"{summary.new} nye, {summary.changed} ændrede, {summary.withdrawn} trukket tilbage"
            + (f", {summary.failed} kunne ikke hentes" if summary.failed else "")
        )
        if not news:
            st.write("Ingen nye eller ændrede møder.")
        for meeting in news[:MAX_MEETINGS]:
            kind = "dagsorden" if meeting.kind == "agenda" else "referat"
            day = meeting.date.strftime("%d.%m.%Y") if meeting.date else "uden dato"
            st.markdown(f"**{meeting.committee or 'Ukendt udvalg'}** · {day} · {kind}")
            decided = [i for i in meeting.items if i.decision]
            for item in decided or meeting.items[:5]:
                text = f" — {item.decision[:160]}" if item.decision else ""
                st.page_link(
                    "sider/punkt.py",
                    label=f"{item.number}. {item.title}{text}",
                    query_params={"item": item.item},
                )
        if len(news) > MAX_MEETINGS:
            st.caption(f"… og {len(news) - MAX_MEETINGS} møder mere.")
