"""raadsgraf: Danish municipal council records as a knowledge graph and a hybrid search index.

The public Python API. Example::

    import raadsgraf
    doc = raadsgraf.parse_file("minutes.txt")
    print(doc.meetings[0].items[0].title)
"""

from typing import TYPE_CHECKING, Any

from raadsgraf.api import Raadsgraf, open, store_version
from raadsgraf.config import SERVE_PORT, Settings
from raadsgraf.config import load as load_settings
from raadsgraf.errors import QueryError, RaadsgrafError, SourceError, UnknownFormat
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

if TYPE_CHECKING:
    from raadsgraf.index.search import Filters, Hit, Hits

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

#: Names whose modules load the search engine: imported on first use, so that
#: ``import raadsgraf`` (and every CLI call) stays quick.
_LAZY = {
    "Filters": "raadsgraf.index.search",
    "Hit": "raadsgraf.index.search",
    "Hits": "raadsgraf.index.search",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'raadsgraf' has no attribute {name!r}")
