"""raadsgraf: Danish municipal council records as a knowledge graph and a hybrid search index.

The public Python API. Example::

    import raadsgraf
    doc = raadsgraf.parse_file("minutes.txt")
    print(doc.meetings[0].items[0].title)
"""

from raadsgraf.api import Raadsgraf, open
from raadsgraf.errors import RaadsgrafError, SourceError, UnknownFormat
from raadsgraf.model import Document, Meeting, PolicyDocument
from raadsgraf.parsers.registry import parse_bytes
from raadsgraf.pipeline import parse_file, parse_files

__version__ = "0.1.0"

__all__ = [
    "Document",
    "Meeting",
    "PolicyDocument",
    "Raadsgraf",
    "RaadsgrafError",
    "SourceError",
    "UnknownFormat",
    "__version__",
    "open",
    "parse_bytes",
    "parse_file",
    "parse_files",
]
