"""A minimal PDF writer for test fixtures: text pages with a running header
and a page counter, in Helvetica with WinAnsi encoding (æ, ø, å, –, •).

It lets the tests put a seed's text through the PDF path without LibreOffice
or any other renderer on the test machine. Line layout: 12 pt leading,
a blank source line is an 18 pt gap (a paragraph break in the PDF).
"""

from __future__ import annotations

import textwrap

PAGE_W, PAGE_H = 595, 842
TOP, BOTTOM, LEFT = 780, 70, 56
LEADING, GAP = 12, 18


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def paginate(lines: list[str], width: int = 95) -> list[list[str]]:
    """Wrap long lines and cut the text into pages (blank lines kept)."""
    pages: list[list[str]] = [[]]
    y = TOP
    for line in lines:
        wrapped = textwrap.wrap(line, width) if line.strip() else [""]
        for piece in wrapped:
            step = GAP if not piece else LEADING
            if y - step < BOTTOM:
                pages.append([])
                y = TOP
            pages[-1].append(piece)
            y -= step
    return pages


def make_pdf(pages: list[list[str]], header: str | None = None, counter: bool = True) -> bytes:
    """The PDF bytes: one content stream per page, furniture on every page."""
    objects: list[bytes] = []
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"")  # pages tree, filled in below
    objects.append(font)
    kids = []
    for number, lines in enumerate(pages, start=1):
        ops = [b"BT /F1 10 Tf"]
        if header:
            ops.append(b"1 0 0 1 %d %d Tm (" % (LEFT, PAGE_H - 40) + _escape(header) + b") Tj")
        y = TOP
        for line in lines:
            if not line:
                y -= GAP
                continue
            ops.append(b"1 0 0 1 %d %d Tm (" % (LEFT, y) + _escape(line) + b") Tj")
            y -= LEADING
        if counter:
            label = f"Side {number} af {len(pages)}"
            ops.append(b"1 0 0 1 %d %d Tm (" % (PAGE_W - 130, 40) + _escape(label) + b") Tj")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_ref = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (PAGE_W, PAGE_H)
            + b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_ref
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
