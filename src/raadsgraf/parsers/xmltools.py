"""Safe XML reading for the case systems' exports, and small shared helpers.

Exports come from outside: entities are not expanded, no DTD or network
resource is loaded (no XXE, no billion laughs), and a damaged file is a
SourceError naming its line.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.etree  # type: ignore[import-untyped]  # no stubs shipped

from raadsgraf.errors import SourceError
from raadsgraf.extract.outcomes import is_decision, make_decision
from raadsgraf.model import Decision

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
}
#: What systems write in an empty decision field.
_EMPTY = re.compile(r"^(?:tomt indhold|beslutning ikke frigivet|\.|-)?\.?$", re.IGNORECASE)


def parse_xml(data: bytes, path: str) -> Any:
    """The document's root element; SourceError with the line when malformed."""
    parser = lxml.etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        raise SourceError(path, f"malformed XML: {exc.msg}", line=line) from None
    if root is None:
        raise SourceError(path, "empty XML document")
    return root


def localname(el: Any) -> str:
    return str(lxml.etree.QName(el).localname) if isinstance(el.tag, str) else ""


def xml_head(data: bytes, size: int = 4096) -> bytes:
    """The start of a document without BOM and whitespace, for sniffing."""
    return data[:size].lstrip(b"\xef\xbb\xbf \t\r\n")


def decision_or_none(text: str) -> Decision | None:
    """A Decision unless the field is empty or says the decision is not out."""
    if _EMPTY.match(" ".join(text.split())):
        return None
    return make_decision(text) if is_decision(text) else None


def is_empty_field(text: str) -> bool:
    return bool(_EMPTY.match(" ".join(text.split())))


def title_case_heading(text: str) -> str:
    """ "ADMINISTRATIONENS INDSTILLING" → "Administrationens indstilling"."""
    text = " ".join(text.split())
    return text[:1] + text[1:].lower() if text.isupper() else text
