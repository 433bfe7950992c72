"""Issue #17: older and harder files — Word 97 (.doc), RTF and scanned PDF pages
(OCR). The Debian tools (antiword, tesseract-ocr, tesseract-ocr-dan) come from
scripts/ocr-tools.sh, which `make test` runs first."""

from __future__ import annotations

from pathlib import Path

import pytest

from raadsgraf.errors import SourceError
from raadsgraf.parsers import legacy, ocr, pdftext
from raadsgraf.parsers.registry import parse_bytes
from raadsgraf.pipeline import parse_file

SAMPLES = Path(__file__).parent / "samples"
TEXT_PDF = SAMPLES / "pdf" / "acadre-syddjurs-puk-2013-06-20.pdf"
SCANNED = SAMPLES / "pdf" / "acadre-syddjurs-puk-2013-06-20-scanned.pdf"
WORD97 = SAMPLES / "acadre" / "2531342E2.DOC"
SYDDJURS_TEXT = SAMPLES / "text" / "syddjurs-puk-2013-06-20.txt"


def _summary(path_or_doc: object) -> list[object]:
    doc = parse_file(path_or_doc) if isinstance(path_or_doc, Path) else path_or_doc
    m = doc.meetings[0]  # type: ignore[attr-defined]
    return [
        m.committee.name,
        m.date,
        sorted(a.person.name for a in m.attendance),
        [
            (i.number, i.title, i.case_number, i.decision.outcome if i.decision else None)
            for i in m.items
        ],
    ]


@pytest.mark.slow
def test_scanned_pages_are_read_by_ocr() -> None:
    """Pages 1 and 3 are images (no text layer); 2, 4 and 5 keep theirs. OCR
    reads only the scanned ones, and the minutes come out as from the text PDF."""
    assert ocr.available() is None, ocr.available()
    doc = parse_file(SCANNED)
    assert _summary(doc) == _summary(TEXT_PDF)
    ocr_pages = {p.page: p.message for p in doc.problems if "OCR" in p.message}
    assert set(ocr_pages) == {1, 3}
    for message in ocr_pages.values():
        confidence = int(message.split("confidence ")[1].split(" ")[0])
        assert confidence >= ocr.LOW_CONFIDENCE and "low" not in message


def test_low_ocr_confidence_is_a_problem_naming_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    data = TEXT_PDF.read_bytes()
    pages = pdftext.read_pages(data, "x.pdf")
    blanked = [[] if n == 2 else lines for n, lines in enumerate(pages, start=1)]
    # page 2 as a scan: no text, an image
    monkeypatch.setattr(pdftext, "_read", lambda d, p: ([list(x) for x in blanked], {2}))
    monkeypatch.setattr(ocr, "available", lambda: None)
    monkeypatch.setattr(
        ocr, "ocr_page", lambda d, page, p: ocr.OcrPage(("Indholdsfortegnelse",), 41.5)
    )
    text = pdftext.extract(data, "scan.pdf")
    assert [(p.page, p.message) for p in text.problems] == [
        (2, "page read by OCR, mean word confidence 42 %: low, check the text against the page")
    ]


def test_without_tesseract_a_scan_is_named_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ocr, "available", lambda: "the 'tesseract' program is not installed")
    doc = pdftext.extract(SCANNED.read_bytes(), "scan.pdf")
    assert [(p.page, p.message) for p in doc.problems] == [
        (1, "page has no text layer (scanned?); skipped"),
        (3, "page has no text layer (scanned?); skipped"),
    ]
    # two scanned pages and nothing else
    monkeypatch.setattr(pdftext, "_read", lambda d, p: ([[], []], {1, 2}))
    with pytest.raises(SourceError) as err:
        parse_bytes(SCANNED.read_bytes(), "blank.pdf")
    assert "OCR is not available" in str(err.value) and "tesseract" in str(err.value)


def test_tesseract_tsv_lines_and_confidence() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t96.0\tSagsnr.:",
        "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t90.0\t12/27845",
        "4\t1\t1\t1\t2\t0\t0\t0\t1\t1\t-1\t",
        "5\t1\t1\t2\t1\t1\t0\t0\t1\t1\t60.0\tResumé",
        "5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t94.0\tBeslutning",
    ]
    page = ocr.read_tsv("\n".join([header, *rows]))
    assert page.lines == ("Sagsnr.: 12/27845", "Resumé", "", "Beslutning")
    assert page.confidence == 85.0


def test_word97_policy_is_read_by_antiword() -> None:
    """The Syddjurs culture policy as Acadre attached it: Word 97 (.doc)."""
    text = legacy.doc_text(WORD97.read_bytes(), str(WORD97))
    assert "Politik" in text and "Kultur og Fritid" in text
    assert "Godkendt af byrådet, Syddjurs Kommune den 30. april 2009" in text
    # as a document of its own it goes to the policy parser, which wants numbered
    # sections this policy does not have: a one-line error naming the file
    with pytest.raises(SourceError) as err:
        parse_bytes(WORD97.read_bytes(), "politik.doc")
    assert str(err.value).startswith("politik.doc: Word text is neither minutes")


def test_word97_without_antiword_names_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    with pytest.raises(SourceError) as err:
        parse_bytes(WORD97.read_bytes(), "politik.doc")
    assert str(err.value).startswith("politik.doc") and "antiword" in str(err.value)


def _rtf(text: str) -> bytes:
    """A minimal RTF document in code page 1252, as word processors write it:
    8-bit letters as \\'hh escapes, one \\par per line."""
    body = []
    for line in text.splitlines():
        escaped = line.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
        out = "".join(
            c if ord(c) < 128 else f"\\'{c.encode('cp1252', 'replace')[0]:02x}" for c in escaped
        )
        body.append(out + "\\par")
    head = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs20 "
    return (head + "\n".join(body) + "}").encode("ascii")


def test_rtf_minutes_read_as_their_text() -> None:
    """The Syddjurs minutes' text written as RTF reads as the text does."""
    rtf = SAMPLES / "text" / "syddjurs-puk-2013-06-20.rtf"
    assert rtf.read_bytes() == _rtf(SYDDJURS_TEXT.read_text(encoding="utf-8"))
    doc = parse_file(rtf)
    assert doc.source.format == "rtf"
    assert _summary(doc) == _summary(parse_file(SYDDJURS_TEXT))


def test_damaged_rtf_names_the_file() -> None:
    data = _rtf(SYDDJURS_TEXT.read_text(encoding="utf-8"))[:500]
    with pytest.raises(SourceError) as err:
        parse_bytes(data, "cut.rtf")
    assert str(err.value).startswith("cut.rtf") and "RTF" in str(err.value)
