"""OCR for PDF pages without a text layer (scans), with Tesseract's Danish model.

Only pages that have no text of their own are read this way: a page with a
text layer is always taken from it. Each scanned page is rendered at 300 dpi
(pypdfium2, already used by pdfplumber) and read by the ``tesseract`` program
(Debian ``tesseract-ocr`` + ``tesseract-ocr-dan``; ``scripts/ocr-tools.sh``
installs them) as TSV, which gives every word its confidence. A page's
confidence is the mean over its words; a page below
:data:`LOW_CONFIDENCE` is reported as a problem so a reader knows to check it.

The tool runs as a subprocess on a temporary image: the parser still never
opens the user's files.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from raadsgraf.errors import SourceError

#: Mean word confidence (0-100) below which a page's OCR text is flagged.
LOW_CONFIDENCE = 70.0
DPI = 300
LANGUAGE = "dan"
_TIMEOUT = 120  # seconds per page


@dataclass(frozen=True, slots=True)
class OcrPage:
    lines: tuple[str, ...]
    confidence: float  # mean word confidence, 0-100


def available() -> str | None:
    """Why OCR cannot run here, or None when it can."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "the 'tesseract' program is not installed (Debian: tesseract-ocr)"
    try:
        langs = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract does not run ({exc})"
    if LANGUAGE not in langs:
        return "Tesseract's Danish model is not installed (Debian: tesseract-ocr-dan)"
    return None


def ocr_page(data: bytes, page: int, path: str) -> OcrPage:
    """The text lines of one page (1-based) of the PDF ``data``, read by OCR."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no stubs shipped

    try:
        image = pdfium.PdfDocument(data)[page - 1].render(scale=DPI / 72).to_pil()
    except Exception as exc:  # pdfium's own errors on a damaged page
        raise SourceError(path, f"cannot render the page for OCR ({exc})", page=page) from None
    with tempfile.TemporaryDirectory(prefix="raadsgraf-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.convert("L").save(png)
        try:
            done = subprocess.run(
                ["tesseract", str(png), "stdout", "-l", LANGUAGE, "--dpi", str(DPI), "tsv"],
                capture_output=True,
                text=True,
                timeout=_TIMEOUT,
                check=False,
                # one thread: Tesseract's OpenMP threads only contend on a shared machine
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise SourceError(path, f"OCR failed ({exc})", page=page) from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1:] or ["no message"]
        raise SourceError(path, f"OCR failed: {message[0]}", page=page)
    return read_tsv(done.stdout)


def read_tsv(tsv: str) -> OcrPage:
    """Tesseract's TSV → lines in reading order and the mean word confidence."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        try:
            conf = float(row.get("conf") or -1)
        except ValueError:
            conf = -1
        if row.get("level") != "5" or not text or conf < 0:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        lines.setdefault(key, []).append(text)
        confidences.append(conf)
    out: list[str] = []
    previous: int | None = None
    for key in sorted(lines):
        if previous is not None and key[0] != previous:
            out.append("")  # a new block (Tesseract's paragraphs split too eagerly)
        out.append(" ".join(lines[key]))
        previous = key[0]
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrPage(tuple(out), round(mean, 1))
