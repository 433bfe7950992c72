"""HTML fragments → readable text, split into headed blocks.

Agenda portals and case systems store an item's text as HTML written in a
word processor: paragraphs as ``<p>`` or ``<div>``, lists, tables, and section
headings as ``<h3>``/``<h4>`` (or sometimes just bold paragraphs). Readers need
the text with its lists and tables still recognisable, and later stages need
the headings, so the fragment becomes a flat list of :class:`Block` records:
headings and text lines, in document order.

Lists keep their markers ("- ", "1. "), table rows become ``cell | cell``
lines, and paragraphs are separated by a blank line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import lxml.etree  # type: ignore[import-untyped]  # no stubs shipped
import lxml.html  # type: ignore[import-untyped]

from raadsgraf.errors import SourceError
from raadsgraf.extract.sections import normalise_heading, section_kind

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
#: Elements that end the current line.
_LINE_BREAKING = {
    "div", "li", "tr", "ul", "ol", "table", "section", "article", "header", "footer",
    "blockquote", "dl", "dt", "dd", "thead", "tbody", "tfoot", "form", "nav", "main",
}  # fmt: skip
#: Elements that are paragraphs: a blank line after them.
_PARAGRAPHS = {"p", "pre", "table", "ul", "ol", "blockquote"}
#: lxml refuses str input that declares an encoding.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_LIST_LINE = re.compile(r"^(?:- |\d+\. )")
_SKIPPED = {"script", "style", "head", "title", "noscript", "template", "svg", "button"}


@dataclass(frozen=True, slots=True)
class Block:
    """A heading (``level`` 1-6) or a line of text (``level`` 0)."""

    text: str
    level: int = 0

    @property
    def is_heading(self) -> bool:
        return self.level > 0


def looks_like_heading(text: str) -> bool:
    """Word-processor HTML often puts body sentences in ``<h4>``; only a known
    section heading or a short label (no sentence punctuation) counts."""
    if section_kind(text):
        return True
    label = normalise_heading(text)
    words = label.split()
    return (
        0 < len(words) <= 4
        and len(label) <= 50
        and label[-1] not in ".,;"
        and "," not in label
        and label[0].isupper()
    )


class _Writer:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._buf: list[str] = []

    def text(self, s: str | None) -> None:
        if s:
            self._buf.append(s)

    def newline(self) -> None:
        line = " ".join("".join(self._buf).split())
        self._buf = []
        if line:
            self.blocks.append(Block(line))

    def blank(self) -> None:
        self.newline()
        if self.blocks and self.blocks[-1].text:
            self.blocks.append(Block(""))

    def heading(self, text: str, level: int) -> None:
        self.newline()
        self.blocks.append(Block(text, level))


def _inline_text(el: lxml.html.HtmlElement) -> str:
    parts = []
    for chunk in el.itertext():
        parts.append(chunk)
    return " ".join("".join(parts).split())


def _walk(el: lxml.html.HtmlElement, out: _Writer, heading_ok: Callable[[str], bool]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    tag = tag.lower()
    if tag in _SKIPPED or not isinstance(el.tag, str):
        out.text(el.tail)
        return
    if tag in _HEADINGS:
        text = _inline_text(el)
        if not text:
            # An empty heading still ends the section before it (Aarhus puts
            # the item's lead paragraph under an empty <h3>).
            out.heading("", int(tag[1]))
        elif heading_ok(text):
            out.heading(normalise_heading(text), int(tag[1]))
        else:
            out.blank()
            out.text(text)
            out.blank()
        out.text(el.tail)
        return
    if tag == "br":
        out.newline()
        out.text(el.tail)
        return
    if tag == "table":
        _table(el, out)
        out.text(el.tail)
        return
    if tag in _LINE_BREAKING or tag in _PARAGRAPHS:
        out.newline()
    if tag == "li":
        out.text(_list_marker(el))
    out.text(el.text)
    for child in el:
        _walk(child, out, heading_ok)
    if tag in _PARAGRAPHS:
        out.blank()
    elif tag in _LINE_BREAKING:
        out.newline()
    out.text(el.tail)


def _list_marker(li: lxml.html.HtmlElement) -> str:
    parent = li.getparent()
    if parent is not None and isinstance(parent.tag, str) and parent.tag.lower() == "ol":
        start = parent.get("start", "1")
        first = int(start) if start.isdigit() else 1
        items = [c for c in parent if isinstance(c.tag, str) and c.tag.lower() == "li"]
        return f"{first + items.index(li)}. "
    return "- "


def _table(table: lxml.html.HtmlElement, out: _Writer) -> None:
    """One line per row, cells joined by " | ", empty rows dropped."""
    out.blank()
    for row in table.iter("tr"):
        cells = [_inline_text(c) for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if any(cells):
            out.text(" | ".join(cells))
            out.newline()
    out.blank()


def html_blocks(
    html: str | lxml.html.HtmlElement, heading_ok: Callable[[str], bool] = looks_like_heading
) -> list[Block]:
    """The fragment's headings and text lines, in order; runs of blank lines
    collapsed. ``heading_ok`` decides which ``<hN>`` texts are real headings."""
    if isinstance(html, str):
        if not html.strip():
            return []
        try:
            root = lxml.html.fragment_fromstring(
                _XML_DECLARATION.sub("", html), create_parent="div"
            )
        except (lxml.etree.ParserError, ValueError):
            # Not HTML after all (or damaged beyond lxml's repair): keep the text.
            text = re.sub(r"<[^>]*>", " ", html)
            return [Block(" ".join(line.split())) for line in text.splitlines() if line.strip()]
    else:
        root = html
    out = _Writer()
    _walk(root, out, heading_ok)
    out.newline()
    blocks: list[Block] = []
    for b in out.blocks:
        if b.is_heading:
            blocks.append(b)
            continue
        if not b.text and (not blocks or not blocks[-1].text or blocks[-1].is_heading):
            continue
        blocks.append(b)
    while blocks and not blocks[-1].text and not blocks[-1].is_heading:
        blocks.pop()
    # Word processors wrap each bullet in its own <ul>: keep one list together.
    return [
        b
        for i, b in enumerate(blocks)
        if b.text
        or b.is_heading
        or not (
            0 < i < len(blocks) - 1
            and _LIST_LINE.match(blocks[i - 1].text)
            and _LIST_LINE.match(blocks[i + 1].text)
        )
    ]


def blocks_text(blocks: list[Block]) -> str:
    """Text lines joined; paragraphs separated by one blank line."""
    text = "\n".join(b.text for b in blocks)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(html: str | lxml.html.HtmlElement) -> str:
    """Readable text of an HTML fragment, headings as their own lines."""
    return blocks_text(html_blocks(html, heading_ok=lambda _t: False))


def split_headed(blocks: list[Block]) -> Iterator[tuple[str | None, list[Block]]]:
    """``(heading, blocks under it)`` pairs; text before any heading has None.
    A heading with nothing under it (a wrapper such as "Fremstilling") is
    yielded with an empty list."""
    heading: str | None = None
    body: list[Block] = []
    for b in blocks:
        if b.is_heading:
            if heading is not None or any(x.text for x in body):
                yield heading, body
            heading, body = b.text, []
        else:
            body.append(b)
    if heading is not None or any(x.text for x in body):
        yield heading, body


def parse_html_document(data: bytes, path: str) -> lxml.html.HtmlElement:
    """A whole page, decoded by its declared charset (UTF-8 when none)."""
    head = data[:4096].decode("ascii", "replace")
    m = re.search(r"charset=[\"']?([\w-]+)", head, re.I)
    encoding = m[1] if m else "utf-8"
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        text = data.decode("utf-8", "replace")
    parser = lxml.html.HTMLParser(remove_comments=True)
    try:
        return lxml.html.document_fromstring(
            _XML_DECLARATION.sub("", text.lstrip("\ufeff")), parser=parser
        )
    except (lxml.etree.ParserError, ValueError) as exc:
        raise SourceError(path, f"not a readable HTML page ({exc})") from None


__all__ = [
    "Block",
    "blocks_text",
    "html_blocks",
    "html_to_text",
    "looks_like_heading",
    "parse_html_document",
    "split_headed",
]
