"""Case-system exports (Acadre, SBSYS, eDoc) and DOCX: golden records, the
details each format carries, attachment text, and damaged files."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import pytest

from raadsgraf.errors import SourceError
from raadsgraf.model import AttendanceStatus, ReferenceKind
from raadsgraf.parsers.registry import detect, parse_bytes
from raadsgraf.pipeline import parse_file, parse_files, read_attachments
from tests.formats_support import SAMPLES, check_golden

ACADRE = SAMPLES / "acadre" / "3687981.XML"
MANIFEST = SAMPLES / "acadre" / "XML_1863.xml"
SBSYS = SAMPLES / "sbsys" / "Publication553.xml"
EDOC = SAMPLES / "edoc" / "e9117c72-1d79-4fe9-9653-ef7ab6f27187.xml"
WORD = SAMPLES / "acadre" / "3629343E3.DOCX"


@pytest.mark.parametrize(
    ("path", "fmt", "name"),
    [
        (ACADRE, "acadre", "acadre/3687981"),
        (MANIFEST, "acadre", "acadre/XML_1863"),
        (SBSYS, "sbsys", "sbsys/Publication553"),
        (EDOC, "edoc", "edoc/e9117c72"),
        (WORD, "docx", "docx/3629343E3"),
    ],
    ids=lambda v: str(v).rsplit("/", 1)[-1] if isinstance(v, Path) else v,
)
def test_golden(path: Path, fmt: str, name: str, update_golden: bool) -> None:
    doc = parse_file(path)
    assert doc.source.format == fmt
    check_golden(doc, name, update_golden)


def test_acadre_meeting_items_and_decision_history() -> None:
    meeting = parse_file(ACADRE).meetings[0]
    assert (meeting.municipality.name, meeting.date) == ("Syddjurs Kommune", dt.date(2013, 6, 20))
    assert (meeting.start, meeting.end) == (dt.time(10, 30), dt.time(13, 0))
    assert [a.person.party for a in meeting.attendance] == ["A", "A", "A", "V", "C"]
    [item] = meeting.items
    assert (item.number, item.case_number, item.is_open) == (715, "12/27845", True)
    assert item.decision is not None and item.decision.text.startswith("Punktet blev drøftet.")
    history = [r for r in item.references if r.kind == ReferenceKind.DECISION_HISTORY]
    assert [r.date for r in history] == [dt.date(2013, 4, 10), dt.date(2013, 4, 24)]
    assert history[1].decision and history[1].decision.startswith("Punktet genoptages.")
    assert [a.location for a in item.attachments] == [
        "3525829E1.DOCX",
        "2531342E2.DOC",
        "3629343E3.DOCX",
    ]


def test_acadre_manifest_points_to_the_items() -> None:
    doc = parse_file(MANIFEST)
    assert doc.meetings == ()
    assert "Files_1863_3687982/3687981.xml" in doc.problems[0].message


def test_sbsys_earlier_treatment_and_decision_history() -> None:
    meeting = parse_file(SBSYS).meetings[0]
    assert (meeting.municipality.name, meeting.committee.name) == (
        "Region Hovedstaden",
        "Forretningsudvalget",
    )
    assert (meeting.kind, meeting.date, meeting.start) == (
        "agenda",
        dt.date(2012, 9, 25),
        dt.time(15, 30),
    )
    first = meeting.items[0]
    earlier = [r for r in first.references if r.kind == ReferenceKind.EARLIER_TREATMENT]
    assert [(r.body, r.date, r.item_number) for r in earlier] == [
        ("Forretningsudvalget", dt.date(2012, 9, 18), 10)
    ]
    [history] = [r for r in first.references if r.kind == ReferenceKind.DECISION_HISTORY]
    assert history.decision and history.decision.startswith("Sagen udsat")
    assert first.decision is None  # the meeting's own decision field is still empty
    assert [a.location for a in first.attachments][:2] == ["Enclosures/1.pdf", "Enclosures/2.pdf"]
    third = meeting.items[2]
    assert third.recommendation is not None and len(third.recommendation.points) == 3


def test_edoc_items_attendance_and_closed_part() -> None:
    meeting = parse_file(EDOC).meetings[0]
    assert (meeting.committee.name, meeting.kind) == ("Hennys testudvalg", "agenda")
    absent = [a.person.name for a in meeting.attendance if a.status is AttendanceStatus.ABSENT]
    assert absent == ["Niels Bebe"]
    assert [i.number for i in meeting.items] == [1, 2, 3, 4, 5, 6]  # SortOrder restarts
    assert [i.is_open for i in meeting.items] == [True, True, True, True, False, False]
    fourth = meeting.items[3]
    assert fourth.recommendation is not None
    assert fourth.recommendation.points == (
        "At anlægsregnskabet for de fire anlægsprojekter godkendes.",
    )


def test_attachment_text_is_read_from_beside_the_export() -> None:
    doc, used = read_attachments(parse_file(ACADRE))
    item = doc.meetings[0].items[0]
    texts = {a.location: a.text for a in item.attachments}
    assert texts["3525829E1.DOCX"] and "Kulturkommune" in texts["3525829E1.DOCX"]
    # the culture policy as Word 97 (.doc), read by antiword (issue 17)
    assert "Godkendt af byrådet, Syddjurs Kommune den 30. april 2009" in texts["2531342E2.DOC"]
    assert {p.name for p in used} == {"3525829E1.DOCX", "3629343E3.DOCX", "2531342E2.DOC"}
    # eDoc links "Attachments/…-1.pdf" while the file is "…-1.PDF"
    edoc, _ = read_attachments(parse_file(EDOC))
    found = [a for i in edoc.meetings[0].items for a in i.attachments if a.text]
    assert [a.location for a in found] == ["Attachments/5781888-6174959-1.pdf"]
    assert "Middelfart" in (found[0].text or "")


def test_attachment_locations_never_leave_the_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("hemmelig", "utf-8")
    export = tmp_path / "export"
    export.mkdir()
    data = ACADRE.read_bytes().replace(b"3525829E1.DOCX", b"../secret.txt")
    (export / "agenda.xml").write_bytes(data)
    _, used = read_attachments(parse_file(export / "agenda.xml"))
    assert used == set()


def test_folder_walk_counts_attachments_as_read(tmp_path: Path) -> None:
    for path in (ACADRE, SAMPLES / "acadre" / "3525829E1.DOCX", WORD):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    report = parse_files([tmp_path], progress=False)
    assert report.failures == []  # the note docx is an attachment, not a failed file
    assert len(report.attachment_files) == 2


def _docx(paragraphs: list[tuple[str, str | None]]) -> bytes:
    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_minutes_with_headings_and_items() -> None:
    data = _docx(
        [
            ("Referat Socialudvalget", "Title"),
            ("Mødedato: 7. november 2023 kl. 16:00", None),
            ("Punkt 1: Godkendelse af dagsorden", "Heading 1"),
            ("Beslutning", "Heading 2"),
            ("Godkendt.", None),
            ("Punkt 2: Budgetopfølgning", "Heading 1"),
            ("Indstilling", "Heading 2"),
            ("Direktionen indstiller, at budgetopfølgningen tages til efterretning.", None),
            ("Beslutning", "Heading 2"),
            ("Taget til efterretning.", None),
        ]
    )
    assert detect(data, "referat.docx").name == "docx"
    meeting = parse_bytes(data, "referat.docx").meetings[0]
    assert (meeting.committee.name, meeting.date) == ("Socialudvalget", dt.date(2023, 11, 7))
    assert [(i.number, i.title) for i in meeting.items] == [
        (1, "Godkendelse af dagsorden"),
        (2, "Budgetopfølgning"),
    ]
    assert [i.decision.text for i in meeting.items if i.decision] == [
        "Godkendt.",
        "Taget til efterretning.",
    ]


@pytest.mark.parametrize("prefix", ["000", "001"])  # 003 is hard-wrapped PDF text
def test_seed_through_the_docx_path_matches_the_text_path(prefix: str) -> None:
    (seed,) = (SAMPLES / "seeds").glob(f"{prefix}_*.txt")
    data = _docx([(line, None) for line in seed.read_text("utf-8").splitlines() if line.strip()])
    from_text = parse_file(seed).meetings[0]
    from_docx = parse_bytes(data, "referat.docx").meetings[0]
    assert (from_docx.committee, from_docx.date) == (from_text.committee, from_text.date)
    assert [(i.number, i.title, i.case_number) for i in from_docx.items] == [
        (i.number, i.title, i.case_number) for i in from_text.items
    ]
    assert [i.decision.outcome if i.decision else None for i in from_docx.items] == [
        i.decision.outcome if i.decision else None for i in from_text.items
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"PK\x03\x04 not really a zip", "broken.docx", "not a readable .docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.doc", "not a readable Word"),
        (b'<?xml version="1.0"?><root><table name="agenda"><fields>', "cut.xml", "malformed XML"),
        (b"<Publication><Agendas></Agendas></Publication>", "empty.xml", "without an <Agenda>"),
    ],
    ids=["docx", "doc", "acadre", "sbsys"],
)
def test_damaged_files_fail_with_one_line(data: bytes, name: str, message: str) -> None:
    with pytest.raises(SourceError) as err:
        parse_bytes(data, name)
    assert str(err.value).startswith(f"{name}") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_xml_entities_are_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<root><table name="agenda"><fields><field name="name">&b;</field></fields></table></root>'
    )
    with pytest.raises(SourceError):
        parse_bytes(bomb, "bomb.xml", "acadre")


def test_every_format_sample_gives_a_valid_graph() -> None:
    """The records of each format meet the graph's SHACL shapes."""
    from raadsgraf.graph import build as graph

    folders = ["firstagenda", "portal_html", "pdf", "acadre", "sbsys", "edoc", "edoc_publishing"]
    report = parse_files([SAMPLES / f for f in folders], progress=False)
    assert {d.source.format for d in report.documents} >= {
        "firstagenda", "portal-html", "pdf", "docx", "acadre", "sbsys", "edoc", "edoc-publishing",
    }  # fmt: skip
    for doc in report.documents:
        ok, text = graph.validate(graph.document_graph(doc, f"urn:test:{doc.source.sha256[:12]}"))
        assert ok, f"{doc.source.path}: {text[:500]}"
