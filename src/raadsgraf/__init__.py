"""raadsgraf: Danish municipal council records as a knowledge graph and a hybrid search index.

The public Python API. Example::

    import raadsgraf
    doc = raadsgraf.parse_file("minutes.txt")
    print(doc.meetings[0].items[0].title)
"""

from typing import TYPE_CHECKING

from raadsgraf.config import SERVE_PORT, Settings
from raadsgraf.config import load as load_settings
from raadsgraf.errors import QueryError, RaadsgrafError, SourceError, UnknownFormat
from raadsgraf.lazy import attributes

if TYPE_CHECKING:
    from raadsgraf.api import Raadsgraf, open, store_version
    from raadsgraf.index.search import Filters, Hit, Hits
    from raadsgraf.model import Document, Meeting, PolicyDocument
    from raadsgraf.parsers.registry import parse_bytes
    from raadsgraf.pipeline import ingest, parse_file, parse_files
    from raadsgraf.query.results import to_csv, to_table
    from raadsgraf.query.views import (
        CaseSummary,
        Facets,
        History,
        ItemSummary,
        PartyRef,
        PolicyNetwork,
    )

__version__ = "0.1.0"

__all__ = [
    "SERVE_PORT",
    "CaseSummary",
    "Document",
    "Facets",
    "Filters",
    "History",
    "Hit",
    "Hits",
    "ItemSummary",
    "Meeting",
    "PartyRef",
    "PolicyDocument",
    "PolicyNetwork",
    "QueryError",
    "Raadsgraf",
    "RaadsgrafError",
    "Settings",
    "SourceError",
    "UnknownFormat",
    "__version__",
    "ingest",
    "load_settings",
    "open",
    "parse_bytes",
    "parse_file",
    "parse_files",
    "store_version",
    "to_csv",
    "to_table",
]

#: Where each public name lives: imported on first use, so that ``import raadsgraf``
#: (and every CLI call) loads only what the caller touches — a search never loads
#: the parsers, rdflib or the graph store (tests/test_quick_cli.py).
_LAZY = {
    "Raadsgraf": "raadsgraf.api",
    "open": "raadsgraf.api",
    "store_version": "raadsgraf.api",
    "Filters": "raadsgraf.index.search",
    "Hit": "raadsgraf.index.search",
    "Hits": "raadsgraf.index.search",
    "Document": "raadsgraf.model",
    "Meeting": "raadsgraf.model",
    "PolicyDocument": "raadsgraf.model",
    "parse_bytes": "raadsgraf.parsers.registry",
    "ingest": "raadsgraf.pipeline",
    "parse_file": "raadsgraf.pipeline",
    "parse_files": "raadsgraf.pipeline",
    "to_csv": "raadsgraf.query.results",
    "to_table": "raadsgraf.query.results",
    "CaseSummary": "raadsgraf.query.views",
    "Facets": "raadsgraf.query.views",
    "History": "raadsgraf.query.views",
    "ItemSummary": "raadsgraf.query.views",
    "PartyRef": "raadsgraf.query.views",
    "PolicyNetwork": "raadsgraf.query.views",
}


__getattr__ = attributes(__name__, _LAZY)
