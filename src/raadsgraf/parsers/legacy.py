"""Older word-processor files: Word 97-2003 (.doc) and RTF.

Both reduce to text lines and then take the same road as PDF and DOCX text
(:func:`raadsgraf.parsers.layout.parse_layout_lines`): minutes or an agenda
when the text has items, else a policy.

* ``.doc`` (OLE compound file with a ``WordDocument`` stream) is read by the
  ``antiword`` program (Debian ``antiword``; ``scripts/ocr-tools.sh``
  installs it) on a temporary copy. Without it, the file is named with what to
  install, never a traceback.
* RTF is read with ``striprtf`` (pure Python); the code page the file declares
  (``\\ansicpg1252``) decodes its bytes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from raadsgraf.errors import SourceError
from raadsgraf.model import Document, Source
from raadsgraf.parsers.layout import parse_layout_lines
from raadsgraf.parsers.registry import register
from raadsgraf.parsers.text import Line

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_PICTURE = re.compile(r"^\s*\[pic\]\s*$")
_TIMEOUT = 120


def _lines(text: str) -> list[Line]:
    rows = [" ".join(t.replace("\xa0", " ").split()) for t in text.splitlines()]
    rows = ["" if _PICTURE.match(r) else r for r in rows]
    return [Line(t, n) for n, t in enumerate(rows, start=1)]


class WordDocParser:
    name = "doc"
    description = "Word 97-2003 .doc minutes and policies (through antiword)"

    def sniff(self, data: bytes, path: str) -> float:
        if not data.startswith(OLE_MAGIC):
            return 0.0
        if _WORD_STREAM in data[:65536] or path.lower().endswith(".doc"):
            return 0.9
        return 0.0

    def parse(self, data: bytes, source: Source) -> Document:
        return parse_layout_lines(_lines(doc_text(data, source.path)), source, what="Word text")


def doc_text(data: bytes, path: str) -> str:
    """The text of a Word 97-2003 document, by antiword."""
    if not data.startswith(OLE_MAGIC):
        raise SourceError(path, "not a Word 97-2003 document (no OLE header)")
    exe = shutil.which("antiword")
    if exe is None:
        raise SourceError(
            path, "old Word document (.doc) needs the 'antiword' program (Debian: antiword)"
        )
    with tempfile.TemporaryDirectory(prefix="raadsgraf-doc-") as tmp:
        copy = Path(tmp) / "document.doc"
        copy.write_bytes(data)
        try:
            done = subprocess.run(
                [exe, "-m", "UTF-8.txt", "-w", "0", str(copy)],
                capture_output=True,
                timeout=_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise SourceError(path, f"antiword failed ({exc})") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise SourceError(path, f"not a readable Word document ({why[0].replace(str(copy), '')})")
    return done.stdout.decode("utf-8", "replace")


class RtfParser:
    name = "rtf"
    description = "RTF minutes and policies"

    def sniff(self, data: bytes, path: str) -> float:
        return 0.95 if data.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{\\rtf") else 0.0

    def parse(self, data: bytes, source: Source) -> Document:
        return parse_layout_lines(_lines(rtf_text(data, source.path)), source, what="RTF text")


def rtf_text(data: bytes, path: str) -> str:
    """The text of an RTF document, decoded with the code page it declares."""
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{\\rtf"):
        raise SourceError(path, "not an RTF document (no {\\rtf header)")
    m = re.search(rb"\\ansicpg(\d+)", data[:2048])
    encoding = f"cp{int(m[1])}" if m else "cp1252"
    try:
        raw = data.decode("ascii")  # RTF is 7-bit; 8-bit bytes are the writer's own code page
    except UnicodeDecodeError:
        raw = data.decode(encoding if _known(encoding) else "cp1252", "replace")
    if raw.count("{") < raw.count("}") or not raw.rstrip().endswith("}"):
        raise SourceError(path, "not a complete RTF document (unbalanced braces: cut short?)")
    try:
        return str(rtf_to_text(raw, encoding=encoding if _known(encoding) else "cp1252"))  # type: ignore[no-untyped-call]
    except Exception as exc:  # striprtf raises plain errors on malformed input
        raise SourceError(path, f"not a readable RTF document ({exc})") from None


def _known(encoding: str) -> bool:
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


DOC_PARSER = register(WordDocParser())
RTF_PARSER = register(RtfParser())
