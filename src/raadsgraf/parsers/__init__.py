"""Source-format parsers. Importing this package registers the built-ins."""

from raadsgraf.parsers import (
    acadre,
    docx,
    edoc,
    edoc_publishing,
    firstagenda,
    legacy,
    minutes_text,
    pdf,
    policy_text,
    portal_html,
    sbsys,
)
from raadsgraf.parsers.registry import Parser, detect, get, parse_bytes, parsers, register

__all__ = [
    "Parser",
    "acadre",
    "detect",
    "docx",
    "edoc",
    "edoc_publishing",
    "firstagenda",
    "get",
    "legacy",
    "minutes_text",
    "parse_bytes",
    "parsers",
    "pdf",
    "policy_text",
    "portal_html",
    "register",
    "sbsys",
]
