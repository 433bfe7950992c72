"""The text of an attachment (bilag) file, whatever its format.

Case-system exports put the attachments beside the minutes (Acadre: in the
same folder; SBSYS: ``Enclosures/``; eDoc: ``Attachments/``). The pipeline
finds the file an Attachment's ``location`` names and hands its bytes here;
this module reads PDF (text layer, furniture removed; scanned pages by OCR),
DOCX, Word 97-2003 .doc (antiword), RTF, HTML and plain text, and raises
SourceError for anything else (.xls, images).
"""

from __future__ import annotations

from raadsgraf.errors import SourceError
from raadsgraf.parsers.docx import docx_lines
from raadsgraf.parsers.htmltext import html_to_text
from raadsgraf.parsers.legacy import OLE_MAGIC, RtfParser, WordDocParser, doc_text, rtf_text
from raadsgraf.parsers.pdftext import extract

#: Attachment text kept on the record; longer files are cut (search indexes
#: chunk it anyway, and a 300-page appendix should not dominate an item).
MAX_CHARS = 200_000


def attachment_text(data: bytes, path: str) -> str:
    """Readable text of one attachment file."""
    head = data[:1024]
    if b"%PDF-" in head:
        pdf = extract(data, path)
        text = "\n".join(ln.text for ln in pdf.lines)
    elif head.startswith(b"PK\x03\x04"):
        text = "\n".join(ln.text for ln in docx_lines(data, path))
    elif head.startswith(OLE_MAGIC) and WordDocParser().sniff(data, path):
        text = doc_text(data, path)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(path, "old binary Office file (.xls/.ppt): text not read")
    elif RtfParser().sniff(data, path):
        text = rtf_text(data, path)
    elif b"\x00" in head:
        raise SourceError(path, "binary attachment (image or unknown format): text not read")
    else:
        decoded = data.decode("utf-8-sig", errors="replace")
        lowered = decoded[:2048].lower()
        text = html_to_text(decoded) if "<html" in lowered or "<p" in lowered else decoded
    text = "\n".join(line.rstrip() for line in text.splitlines()).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text[:MAX_CHARS]
