"""What every page shares: the open store (once per process), links, labels.

The app talks to raadsgraf's public Python API only (``raadsgraf.open`` and
the records it returns); it never touches the graph or index libraries.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sprog
import streamlit as st

import raadsgraf
from raadsgraf import Settings, load_settings, store_version

if TYPE_CHECKING:
    from raadsgraf import Hit, ItemSummary

PAGES = {
    "soeg": "sider/soeg.py",
    "punkt": "sider/punkt.py",
    "sag": "sider/sag.py",
    "strategi": "sider/strategi.py",
    "person": "sider/person.py",
    "udvalg": "sider/udvalg.py",
    "parti": "sider/parti.py",
    "partier": "sider/partier.py",
    "sparql": "sider/sparql.py",
    "indlaes": "sider/indlaes.py",
}

#: Badge colour and Material icon per outcome (fonts bundled with Streamlit, no emoji fonts needed).
OUTCOME_BADGES = {
    "godkendt": ("green", "check_circle"),
    "godkendt-med-bemaerkninger": ("green", "check_circle"),
    "indstilles-til-godkendelse": ("blue", "arrow_forward"),
    "taget-til-efterretning": ("gray", "info"),
    "droeftet": ("violet", "forum"),
    "udsat": ("orange", "pause_circle"),
    "oversendt": ("blue", "redo"),
    "afvist": ("red", "cancel"),
    "andet": ("gray", "radio_button_unchecked"),
}


T = TypeVar("T")


def settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner="Åbner databasen …", max_entries=2)
def _open(store: str, stamp: str) -> raadsgraf.Raadsgraf:
    return raadsgraf.open(store)


@st.cache_resource(show_spinner=False, max_entries=2)
def _warming(store: str, stamp: str) -> threading.Thread:
    thread = threading.Thread(target=_warm, args=(_open(store, stamp),), daemon=True)
    thread.start()
    return thread


def warm_up() -> None:
    """Load the search index and embedding model in the background, once per store
    version. Pages call this after drawing, so loading never delays a first page
    and the first semantic search rarely waits for the model."""
    store = Path(settings().store)
    version = store_version(store)
    if version is not None:
        _warming(str(store), version)


def _warm(rg: raadsgraf.Raadsgraf) -> None:
    # Best effort: a broken index shows its error on the first real search instead.
    with contextlib.suppress(Exception):
        rg.warm()


def open_store() -> raadsgraf.Raadsgraf | None:
    """The store named by the settings, opened once per process and per ingest."""
    store = Path(settings().store)
    try:
        version = store_version(store)
        return None if version is None else _open(str(store), version)
    except raadsgraf.RaadsgrafError as exc:
        st.error(f"Databasen kan ikke åbnes: {exc}")
        return None


def require_store() -> raadsgraf.Raadsgraf:
    rg = open_store()
    if rg is None:
        st.info("Der er ingen referater i databasen endnu. Indlæs referater på siden **Indlæs**.")
        st.page_link(PAGES["indlaes"], label="Gå til Indlæs", icon=":material/upload_file:")
        st.stop()
    return rg


#: Narrow screens (Streamlit collapses the sidebar below 768 px): the sidebar's
#: opener is labelled "Filtre" and a line on the page points to it. Wide screens
#: see the sidebar itself and neither.
_NARROW_CSS = """<style>
.rg-narrow { display: none; }
@media (max-width: 767.98px) {
  .rg-narrow { display: block; }
  [data-testid="stExpandSidebarButton"]::after {
    content: "Filtre"; margin-left: 0.3rem; font-weight: 600; color: #262730;
  }
}
</style>"""


def filters_pointer(active: int) -> None:
    """On a phone, say where the filters are and how many are in use."""
    chosen = f" ({active} valgt)" if active else ""
    st.markdown(
        _NARROW_CSS
        + '<p class="rg-narrow">Filtre'
        + chosen
        + ": tryk på <b>» Filtre</b> øverst til "
        "venstre for at vælge kommune, udvalg, beslutning og periode.</p>",
        unsafe_allow_html=True,
    )


#: A recorded position in plain Danish (model.Stance values).
STANCES = {
    "for": "stemte for",
    "imod": "stemte imod",
    "undlod": "undlod at stemme",
    "forbehold": "tog forbehold",
    "anbefaler": "egen anbefaling",
    "mindretalsudtalelse": "mindretalsudtalelse",
    "deltog-ikke": "deltog ikke i afstemningen",
}


def stance_text(stance: str) -> str:
    return STANCES.get(stance, stance)


def param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value or None


def set_params(**values: str | None) -> None:
    """Keep the page's state in the URL, so a page can be shared as a link."""
    for key, value in values.items():
        if value:
            st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


def fmt_date(value: dt.date | None) -> str:
    return sprog.date(value)


def outcome_text(notation: str | None, label: str | None = None) -> str:
    """The outcome as a badge (Streamlit markdown): its words and icon carry the meaning,
    the colour only repeats it."""
    if not notation:
        return ":gray-badge[ingen beslutning]"
    colour, icon = OUTCOME_BADGES.get(notation, ("gray", "radio_button_unchecked"))
    return f":{colour}-badge[:material/{icon}: {sprog.outcome(notation, label)}]"


def link_item(iri: str, label: str, key: str | None = None) -> None:
    st.page_link(
        PAGES["punkt"], label=label, query_params={"item": iri}, icon=":material/description:"
    )


def link_policy(iri: str, label: str) -> None:
    st.page_link(
        PAGES["strategi"],
        label=label,
        query_params={"politik": iri},
        icon=":material/account_tree:",
    )


def planned_line(step: Any) -> str:
    """One planned (not yet held) step of a history, as a line of text."""
    return (
        f"◌ **{fmt_date(step.date) if step.date else 'uden dato'}** · "
        f"{step.committee or 'ukendt udvalg'}"
        + (f" ({step.municipality})" if step.municipality else "")
        + " — *planlagt*"
    )


def link_person(iri: str, label: str) -> None:
    st.page_link(PAGES["person"], label=label, query_params={"person": iri})


# --- search result cards ---------------------------------------------------------------

_MARKDOWN = re.compile(r"([\\`*_\[\]#$~<>])")


def md_text(text: str) -> str:
    """Source text shown as literal text in Streamlit markdown (no stray bold, links,
    LaTeX ``$``, ``:colour[…]`` directives)."""
    return _MARKDOWN.sub(r"\\\1", text)


def md_snippet(snippet: str) -> str:
    """A search snippet: its ``**…**`` marks stay bold, everything else is literal."""
    parts = snippet.split("**")
    # even parts are plain text, odd parts were marked; an unpaired mark stays literal
    if len(parts) % 2 == 0:
        return md_text(snippet)
    return "".join(md_text(p) if i % 2 == 0 else f"**{md_text(p)}**" for i, p in enumerate(parts))


def card_lines(hit: Hit, summary: ItemSummary | None) -> tuple[str, str, str]:
    """(where, title, snippet) of a result card, as markdown: municipality, date and
    committee always; a lock on a closed item; the section only when there is one."""
    municipality = (summary.municipality if summary else None) or hit.municipality
    committee = (summary.committee if summary else None) or hit.committee
    where = [
        f"**{md_text(municipality or 'ukendt kommune')}**",
        md_text(committee or ("strategi/politik" if hit.item_number is None else "ukendt udvalg")),
        fmt_date(hit.meeting_date),
    ]
    if hit.item_number is not None:
        where.append(f"punkt {hit.item_number}")
    if hit.case_number:
        where.append(f"sag {md_text(hit.case_number)}")
    title = md_text(hit.item_title)
    if not hit.is_open:
        title = f":material/lock: {title} :gray-badge[lukket punkt]"
    text = md_snippet(hit.snippet)
    if hit.section and hit.snippet:
        text = f"*{md_text(hit.section)}*: {text}"
    return " · ".join(where), title, text


#: Other treatments a result card names; the rest it counts ("og 3 flere").
CARD_TREATMENTS = 4


def also_treated(hit: Hit) -> str:
    """The case's other treatments, for a result card: "Også behandlet i Økonomiudvalget
    24.01.2022 · Byrådet 31.01.2022" (markdown), or "" for an item standing alone."""
    others = hit.other_treatments
    named = [
        f"{md_text(t.committee or 'ukendt udvalg')} {fmt_date(t.meeting_date)}"
        for t in others[:CARD_TREATMENTS]
    ]
    if len(others) > CARD_TREATMENTS:
        named.append(f"og {len(others) - CARD_TREATMENTS} flere")
    return f"Også behandlet i {' · '.join(named)}" if named else ""


def result_card(hit: Hit, summary: ItemSummary | None, *, weak: bool = False) -> None:
    where, title, text = card_lines(hit, summary)
    with st.container(border=True):
        head, badge = st.columns([4, 1])
        head.markdown(where)
        if weak:
            badge.markdown(":orange-badge[:material/help: svagt fund]")
        elif summary is not None:
            badge.markdown(outcome_text(summary.outcome, summary.outcome_label))
        # h2 under the page's h1 (weak hits: h4 under their h3 "Svage fund")
        st.markdown(f"{'####' if weak else '##'} {title}")
        if text:
            st.markdown(text)
        if also := also_treated(hit):
            st.caption(also)
        if summary is None and hit.item_number is None:  # a policy or strategy document
            link_policy(hit.iri, "Åbn strategiens forløb")
        else:
            st.page_link(
                PAGES["punkt"],
                # a link text that makes sense alone (screen readers list links by text)
                label=f"Åbn punkt {hit.item_number} fra {fmt_date(hit.meeting_date)}",
                query_params={"item": hit.iri},
                icon=":material/arrow_forward:",
            )


def link_party(iri: str, label: str) -> None:
    st.page_link(PAGES["parti"], label=label, query_params={"parti": iri}, icon=":material/groups:")


# --- errors the user sees: in Danish, with a way back -------------------------------

# The library speaks English (its errors name the file and line); the app says the
# same in Danish. A message no rule knows keeps its (English) detail after a Danish lead.
_DANISH = [
    (
        r"unknown format \(binary data\); known formats: (.*)",
        "filformatet kendes ikke: filen indeholder binære data, ikke tekst fra et referat. "
        "Kendte formater: {0}",
    ),
    (
        r"unknown format \((.*?), no agenda items, meeting header or policy found\); "
        r"known formats: (.*)",
        "filformatet kendes ikke ({0}): hverken dagsordenspunkter, mødehoved eller politik "
        "fundet. Kendte formater: {1}",
    ),
    (r"unknown format \((.*)\); known formats: (.*)", "ukendt format ({0}). Kendte formater: {1}"),
    (r"empty file", "filen er tom"),
    (r"not a PDF \(no %PDF header\)", "filen er ikke en PDF"),
    (r"not UTF-8 text \(byte (\d+)\)", "teksten er ikke UTF-8 (byte {0})"),
    (r"invalid JSON: (.*)", "ugyldig JSON: {0}"),
    (
        r"no agenda items found.*",
        "der blev ikke fundet nogen dagsordenspunkter (forventede overskrifter som 'Punkt 1: …')",
    ),
    (r"old binary Word document.*", "gammelt Word-dokument (.doc): gem det som .docx eller PDF"),
    (r"internal error \(please report\): (.*)", "intern fejl i raadsgraf (meld den gerne): {0}"),
    (
        r"no treatment, item, case or policy by that name in the store",
        "ingen behandling, sag, dagsordenspunkt eller politik med det navn i databasen",
    ),
    (r"SPARQL syntax error: (.*)", "fejl i SPARQL-forespørgslen (syntax error): {0}"),
    (
        r"read-only: SPARQL updates are refused.*",
        "databasen kan kun læses her: SPARQL-opdateringer afvises",
    ),
    (r"empty query.*", "søgningen er tom: skriv nogle ord, et sagsnummer eller et navn"),
]


def danish(message: str) -> str:
    """A library error message in Danish (the place it names is kept)."""
    import re

    for pattern, text in _DANISH:
        m = re.search(pattern, message, re.S)
        if m:
            return message[: m.start()] + text.format(*m.groups())
    return f"Fejl: {message}"


def dead_end(message: str, *, back: str = "soeg", label: str = "Til søgningen") -> None:
    """A clear Danish message and a way back, instead of a traceback or a guess; stops the page."""
    st.error(message)
    st.page_link(PAGES[back], label=label, icon=":material/arrow_back:")
    st.stop()


def looks_like_iri(value: str) -> bool:
    """Could ``value`` (from a link) be one of raadsgraf's addresses at all?"""
    return value.startswith(("https://", "http://")) and not any(
        c in value for c in ' <>"{}|^`\\\n\t'
    )


def choose(
    name: str, labels: dict[str, str], *, label: str, what: str, page: str, empty: str
) -> str:
    """The thing a page shows: the one its link names (a dead link says so), else the
    first; picked in a select box labelled ``label`` and kept in the URL as ``name``."""
    if not labels:
        st.info(empty)
        st.stop()
    ids = list(labels)
    current = param(name)
    check_link(current, ids, what, page)
    index = ids.index(current) if current in ids else 0
    chosen = st.selectbox(label, ids, index=index, format_func=labels.__getitem__)
    set_params(**{name: chosen})
    return str(chosen)


def found(value: T | None, message: str) -> T:
    """``value``, or the page stops with ``message`` when the store has no such thing."""
    if value is None:
        st.error(message)
        st.stop()
    return value


def check_link(value: str | None, known: list[str], what: str, page: str) -> None:
    """A link naming something not in the store says so, rather than silently
    showing the first one instead."""
    if value is not None and value not in known:
        shown = value if len(value) <= 120 else value[:120] + "…"
        dead_end(
            f"{what} i linket findes ikke i databasen: «{shown}». "
            "Linket kan være forkert, eller data er indlæst på ny.",
            back=page,
            label=f"Vælg {what.lower()} på listen",
        )


def show_positions(positions: Sequence[Any], name: str, *, by_party: bool) -> None:
    """A record's positions under "Holdninger": the table, its CSV download, and each
    item linked once (newest first, at most 20). Shared by the person and the party
    page: a party's table names who held each position; a person's says which were
    passed on from the party's."""
    st.subheader("Holdninger")
    if not positions:
        st.caption("Ingen holdninger er skrevet i referaterne.")
        return
    rows = []
    for p in positions:
        row = {
            "dato": fmt_date(p.date),
            "udvalg": p.committee or "",
            "punkt": p.number,
            "titel": p.title or "",
        }
        if by_party:
            row["hvem"] = p.holder
        row |= {
            "holdning": stance_text(p.stance),
            "side": p.side or "",
            "udfald": position_outcome(p.outcome),
        }
        if not by_party:
            row["afledt af partiets"] = "ja" if p.derived else ""
        rows.append(row | {"sætning": p.text})
    import pandas as pd

    frame = pd.DataFrame(rows)
    st.dataframe(frame, hide_index=True, width="stretch")
    st.download_button(
        "Hent holdninger som CSV",
        frame.to_csv(index=False).encode("utf-8"),
        file_name=f"holdninger-{name}.csv",
        mime="text/csv",
    )
    first: dict[str, object] = {}
    for p in positions:
        first.setdefault(p.item, p)  # each item once, newest first
    for p in [v for v in positions if first.get(v.item) is v][:20]:
        link_item(p.item, f"{fmt_date(p.date)} · {p.committee} · punkt {p.number}: {p.title}")


def position_outcome(notation: str | None) -> str:
    """The outcome column of a positions table: the outcome in words, blank when none."""
    return sprog.outcome(notation) if notation else ""
