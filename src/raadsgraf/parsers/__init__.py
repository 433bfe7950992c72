"""Source-format parsers. Importing this package registers the built-ins."""

from raadsgraf.parsers import minutes_text, policy_text
from raadsgraf.parsers.registry import Parser, detect, get, parse_bytes, parsers, register

__all__ = [
    "Parser",
    "detect",
    "get",
    "minutes_text",
    "parse_bytes",
    "parsers",
    "policy_text",
    "register",
]
