"""Source-format parsers. Importing this package registers the built-ins."""

from raadsgraf.parsers.registry import Parser, detect, get, parse_bytes, parsers, register

__all__ = ["Parser", "detect", "get", "parse_bytes", "parsers", "register"]

# Built-in parsers register themselves on import.
from raadsgraf.parsers import (
    firstagenda,  # noqa: F401
    portal_html,  # noqa: F401
)
