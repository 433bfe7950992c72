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
        st.Page("sider/parti.py", title="Partier", url_path="parti"),
        st.Page("sider/partier.py", title="Hvor stod partierne", url_path="partier"),
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

# Readable for everyone (axe-core, WCAG AA): captions and the selected search mode
# darker than Streamlit's defaults (3.9:1 and 4.47:1 against white); section
# headings (h2, under each page's h1) no larger than a subheader, and h2 inside
# containers (result cards, columns) smaller still.
st.html(
    """<style>
[data-testid="stCaptionContainer"] { color: #5c5b59 !important; opacity: 1 !important; }
button[data-selected="true"] [data-testid="stMarkdownContainer"] p { color: #a3182a; }
[data-testid="stMain"] h2 { font-size: 1.6rem; }
[data-testid="stMain"] [data-testid="stLayoutWrapper"] h2 { font-size: 1.3rem; }
</style>"""
)

# No page icons: Streamlit turns a page's icon into the tab's favicon by fetching
# it from a font CDN, and this app must run with no internet.
# The menu is drawn here rather than by st.navigation: Streamlit's sectioned menu puts
# the section titles inside its <ul> (a list with non-item children, which screen
# readers announce wrongly); links under bold section names say the same.
page = st.navigation(pages, position="hidden")
for section, entries in pages.items():
    st.sidebar.markdown(f"**{section}**")
    for entry in entries:
        st.sidebar.page_link(entry)
if _store is not None and page.url_path == "":  # the home page: what the last sync brought
    import nyt

    nyt.show(_store)
page.run()
