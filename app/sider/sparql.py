"""SPARQL: the analyst queries from docs/queries/, a results table, CSV download,
and the endpoint address for other tools."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sprog
import streamlit as st
from common import danish, param, require_store, set_params

import raadsgraf
from raadsgraf import SERVE_PORT, to_csv, to_table

QUERY_DIR = Path(__file__).resolve().parents[2] / "docs" / "queries"
#: Shown when the checkout has no docs/queries/ (an installed app).
FALLBACK = {
    "punkter-pr-udvalg": (
        "# Agenda items per committee\n"
        "SELECT ?committee (COUNT(DISTINCT ?item) AS ?items) WHERE {\n"
        "  ?meeting besluit:behandelt ?item ; besluit:isGehoudenDoor/skos:prefLabel ?committee .\n"
        "  ?item dct:source ?source .\n"
        "} GROUP BY ?committee ORDER BY DESC(?items)\n"
    )
}
MAX_ROWS = 5000


def examples() -> dict[str, str]:
    found = {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERY_DIR.glob("*.rq"))}
    return found or FALLBACK


rg = require_store()
st.title("SPARQL")
store = rg.root
st.markdown(
    "Grafen kan også bruges fra andre værktøjer gennem et SPARQL 1.1-endpoint: start det med "
    f"`raadsgraf serve --store {store}` og brug "
    f"**`http://127.0.0.1:{SERVE_PORT}/sparql`**. Præfikserne "
    "`besluit eli eli-dl rg dct prov skos org foaf schema person rdf rdfs xsd` er foruddefinerede."
)

queries = examples()
names = list(queries)
chosen_name = param("eksempel")
name = st.selectbox(
    "Analyseforespørgsler (docs/queries/)",
    names,
    index=names.index(chosen_name) if chosen_name in names else 0,
    key="eksempel",
)
# A query in the URL wins over the example, so a shared link shows the same result.
initial = param("q") if param("q") and param("eksempel") == name else queries[name]
if st.session_state.get("_last_example") != name:
    st.session_state["editor"] = initial
    st.session_state["_last_example"] = name
text = st.text_area("Forespørgsel", key="editor", height=260)
run = st.button("Kør", type="primary", icon=":material/play_arrow:")

if run or param("q"):
    set_params(eksempel=name, q=text if text != queries[name] else None)
    try:
        # an example as written runs in its engine form (same rows, faster)
        as_written = name if text == queries[name] else None
        result = rg.sparql(text, limit=MAX_ROWS, example=as_written)
    except raadsgraf.RaadsgrafError as exc:
        st.error(danish(str(exc)))
        st.stop()
    if result.kind == "ask":
        st.success(f"Svar: {'ja (true)' if result.boolean else 'nej (false)'}")
    elif result.kind == "graph":
        st.code(to_table(result), language="turtle")
    else:
        frame = pd.DataFrame(
            [["" if v is None else str(v) for v in row] for row in result.rows],
            columns=list(result.variables),
        )
        st.caption(
            sprog.count(len(frame), "række")
            + (f" (stoppet ved {MAX_ROWS})" if result.truncated else "")
        )
        st.dataframe(frame, hide_index=True, width="stretch")
        st.download_button(
            "Hent som CSV",
            to_csv(result).encode("utf-8"),
            file_name=f"{name}.csv",
            mime="text/csv",
            icon=":material/download:",
        )
