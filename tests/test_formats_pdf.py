"""PDF: text layer with page numbers, furniture removed, items through the
shared text parser; seeds through the PDF path; bad PDFs fail clearly."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdf
import pytest

from raadsgraf.errors import SourceError
from raadsgraf.parsers.pdftext import extract, strip_furniture
from raadsgraf.parsers.registry import detect, parse_bytes
from raadsgraf.pipeline import parse_file, parse_files
from tests.formats_support import SAMPLES, check_golden
from tests.pdf_maker import make_pdf, paginate

PUK = SAMPLES / "pdf" / "acadre-syddjurs-puk-2013-06-20.pdf"
MINUTES_SEEDS = sorted(p for p in (SAMPLES / "seeds").glob("00[0-3]_*.txt"))
HEADER = "Referat – Udvalget for test – 7. november 2023"


def seed_pdf(seed: Path) -> bytes:
    return make_pdf(paginate(seed.read_text("utf-8").splitlines()), header=HEADER)


@pytest.mark.parametrize("seed", MINUTES_SEEDS, ids=lambda p: p.stem[:3])
def test_seed_through_the_pdf_path_matches_the_text_path(seed: Path) -> None:
    data = seed_pdf(seed)
    assert detect(data, "x.pdf").name == "pdf"
    from_text = parse_file(seed).meetings[0]
    from_pdf = parse_bytes(data, f"{seed.stem}.pdf").meetings[0]
    assert (from_pdf.committee, from_pdf.date) == (from_text.committee, from_text.date)

    def items(m: object) -> list[tuple[object, ...]]:
        return [
            (i.number, i.title, i.case_number, i.decision and i.decision.outcome)
            for i in m.items  # type: ignore[attr-defined]
        ]

    assert items(from_pdf) == items(from_text)
    assert all(i.page is not None and i.page >= 1 for i in from_pdf.items)


def test_policy_seed_through_the_pdf_path() -> None:
    (seed,) = (SAMPLES / "seeds").glob("004_*.txt")
    from_text = parse_file(seed).policies[0]
    from_pdf = parse_bytes(seed_pdf(seed), "strategi.pdf").policies[0]
    assert (from_pdf.title, from_pdf.period, from_pdf.adopted_by) == (
        from_text.title,
        from_text.period,
        from_text.adopted_by,
    )
    assert [(s.number, s.heading) for s in from_pdf.sections] == [
        (s.number, s.heading) for s in from_text.sections
    ]
    assert all(s.page for s in from_pdf.sections)


def test_furniture_is_removed_and_pages_kept() -> None:
    pdf = extract(seed_pdf(MINUTES_SEEDS[0]), "seed.pdf")
    assert pdf.pages >= 3
    texts = [ln.text for ln in pdf.lines]
    assert not any(HEADER in t or t.startswith("Side ") for t in texts)
    assert {ln.page for ln in pdf.lines} == set(range(1, pdf.pages + 1))


def test_repeated_body_lines_are_not_furniture() -> None:
    def page(n: int) -> list[str]:
        words = [f"ord {chr(97 + 6 * n + k)}" for k in range(6)]
        return ["Referat – Socialudvalget", *words[:3], "Godkendt.", *words[3:], f"Side {n} af 3"]

    kept = strip_furniture([page(n) for n in range(3)])
    # the running header and the counter go; "Godkendt." repeats but in the body
    assert [t for _, t in kept[1]] == [
        "ord g",
        "ord h",
        "ord i",
        "Godkendt.",
        "ord j",
        "ord k",
        "ord l",
    ]
    assert [number for number, _ in kept[1]] == [2, 3, 4, 5, 6, 7, 8]


def test_golden_acadre_minutes_pdf(update_golden: bool) -> None:
    check_golden(parse_file(PUK), "pdf/acadre-syddjurs-puk-2013-06-20", update_golden)


def test_acadre_minutes_pdf_details() -> None:
    meeting = parse_file(PUK).meetings[0]
    assert meeting.committee.name == "Udvalget for plan, udvikling og kultur (PUK)"
    assert (meeting.date, meeting.start) == (dt.date(2013, 6, 20), dt.time(10, 30))
    assert [a.person.name for a in meeting.attendance][:2] == [
        "Jesper Mathiesen",
        "Ole Bjerregaard",
    ]
    [item] = meeting.items
    assert (item.number, item.case_number, item.page) == (715, "12/27845", 3)
    assert item.title == "Kulturkommune 2017. Politiske fokusområder"
    assert [a.number for a in item.attachments] == ["1", "2", "3"]


def _error(data: bytes, name: str, tmp_path: Path) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError) as err:
        parse_file(path)
    message = str(err.value)
    assert message.startswith(str(path)) and "\n" not in message
    return message


def test_truncated_pdf(tmp_path: Path) -> None:
    data = PUK.read_bytes()
    assert "not a readable PDF" in _error(data[: len(data) // 2], "cut.pdf", tmp_path)


def test_password_protected_pdf(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(seed_pdf(MINUTES_SEEDS[2])))
    writer.encrypt("hemmelig")
    out = io.BytesIO()
    writer.write(out)
    assert "password-protected" in _error(out.getvalue(), "locked.pdf", tmp_path)


def test_scanned_pdf_without_text_layer(tmp_path: Path) -> None:
    message = _error(make_pdf([[], []], counter=False), "scan.pdf", tmp_path)
    assert ":p1:" in message and "no text layer" in message and "OCR" in message


def test_pdf_with_text_but_no_structure(tmp_path: Path) -> None:
    data = make_pdf([["Indkøbsliste", "", "Mælk og brød"]])
    assert "neither minutes" in _error(data, "list.pdf", tmp_path)


def test_folder_with_bad_pdfs_keeps_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "good.pdf").write_bytes(PUK.read_bytes())
    (tmp_path / "cut.pdf").write_bytes(PUK.read_bytes()[:5000])
    (tmp_path / "scan.pdf").write_bytes(make_pdf([[]], counter=False))
    report = parse_files([tmp_path], progress=False)
    assert [Path(d.source.path).name for d in report.documents] == ["good.pdf"]
    assert sorted(Path(f.path).name for f in report.failures) == ["cut.pdf", "scan.pdf"]
