"""raadsgraf: the app's entry. Run: ``streamlit run app/Hjem.py``.

Pages live in ``app/sider/`` (not ``pages/``: Streamlit would route a fresh
server's first request by that folder before ``st.navigation`` runs); navigation and page URLs (``/punkt?item=…``) are
defined here so every page can be shared as a link.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `common` beside this file

st.set_page_config(page_title="raadsgraf", layout="wide")

pages = {
    "Find": [
        st.Page("sider/soeg.py", title="Søg", default=True),
        st.Page(
            "sider/punkt.py",
            title="Dagsordenspunkt",
            url_path="punkt",
        ),
        st.Page("sider/sag.py", title="Sagshistorik", url_path="sag"),
        st.Page(
            "sider/strategi.py",
            title="Strategiens forløb",
            url_path="strategi",
        ),
    ],
    "Politikere og udvalg": [
        st.Page("sider/person.py", title="Personer", url_path="person"),
        st.Page("sider/udvalg.py", title="Udvalg", url_path="udvalg"),
    ],
    "Data": [
        st.Page("sider/sparql.py", title="SPARQL", url_path="sparql"),
        st.Page("sider/indlaes.py", title="Indlæs", url_path="indlaes"),
    ],
}
import common  # noqa: E402  (beside this file, on the path above)

_store = common.open_store()
if _store is not None and _store.includes_closed:
    # shown above every page: the store holds closed items' text (include_closed)
    st.warning(
        "Intern database: lukkede punkter vises med deres fulde tekst. "
        "Må ikke deles uden for organisationen.",
        icon=None,
    )

# No page icons: Streamlit turns a page's icon into the tab's favicon by fetching
# it from a font CDN, and this app must run with no internet.
page = st.navigation(pages)
if _store is not None and page.url_path == "":  # the home page: what the last sync brought
    import nyt

    nyt.show(_store)
page.run()
