"""eDoc's publishing XML (``eDocAgendaPublishing.xml``, issue #17 point 5).

The sample is a real Greve meeting written in the documented shape (see
tests/samples/README.md): the same meeting is in FirstAgenda JSON, so every
field read from the eDoc file can be checked against the portal's reading.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from raadsgraf.errors import SourceError
from raadsgraf.model import Document
from raadsgraf.parsers.edoc_publishing import ITEM_DOCUMENT
from raadsgraf.parsers.registry import detect, parse_bytes
from raadsgraf.pipeline import parse_file, parse_files
from tests.formats_support import SAMPLES, check_golden

FOLDER = SAMPLES / "edoc_publishing" / "greve-social-handicapudvalget-2022-03-14"
XML = FOLDER / "eDocAgendaPublishing.xml"
PORTAL = SAMPLES / "firstagenda" / "greve-social-handicapudvalget-2022-03-14.json"
FUJITSU = SAMPLES / "edoc" / "e9117c72-1d79-4fe9-9653-ef7ab6f27187.xml"


def _read(folder: Path, include_closed: bool = False) -> Document:
    """The XML as an ingest reads it: the files beside it, then protection."""
    report = parse_files(
        [folder / "eDocAgendaPublishing.xml"], progress=False, include_closed=include_closed
    )
    assert not report.failures, report.failures
    [doc] = report.documents
    return doc


def _variant(tmp_path: Path, old: str, new: str, after: str = "") -> Path:
    """A copy of the sample folder with the XML's first ``old`` after ``after``
    replaced by ``new``."""
    folder = tmp_path / "meeting"
    shutil.copytree(FOLDER, folder)
    text = XML.read_text(encoding="utf-8")
    at = text.index(old, text.index(after))
    changed = text[:at] + new + text[at + len(old) :]
    (folder / XML.name).write_text(changed, encoding="utf-8")
    return folder


UNPUBLISHED = ("SKAL PUBLICERES", "MÅ IKKE PUBLICERES")


def test_sniffed_apart_from_the_fujitsu_export() -> None:
    assert detect(XML.read_bytes(), str(XML)).name == "edoc-publishing"
    assert detect(FUJITSU.read_bytes(), str(FUJITSU)).name == "edoc"


def test_golden(update_golden: bool) -> None:
    check_golden(_read(FOLDER), "edoc_publishing/greve-social-handicapudvalget", update_golden)


def test_same_meeting_as_the_portal_gives_it() -> None:
    """Titles, case numbers, decisions and their outcomes, sections and the case
    history agree with the FirstAgenda reading of the same meeting; item 4's text
    stands only in its PDF beside the XML."""
    meeting = _read(FOLDER).meetings[0]
    portal = parse_file(PORTAL).meetings[0]
    assert (meeting.municipality.name, meeting.committee.name) == (
        "Greve Kommune",
        "Social- og Handicapudvalget",
    )
    assert (meeting.date, meeting.start, meeting.kind) == (
        dt.date(2022, 3, 14),
        dt.time(17, 0),
        "minutes",
    )

    def fields(items: tuple) -> list[tuple]:
        return [
            (
                i.number,
                i.title,
                i.case_number,
                i.decision.outcome if i.decision else None,
                [(s.heading, s.kind) for s in i.sections],
                [(r.kind, r.date, r.body) for r in i.references],
            )
            for i in items
        ]

    assert fields(meeting.items) == fields(portal.items)
    from_pdf = meeting.items[3]
    assert from_pdf.decision is not None and portal.items[3].decision is not None
    assert from_pdf.decision.text.split() == portal.items[3].decision.text.split()
    assert [a.title for a in from_pdf.attachments] == [ITEM_DOCUMENT]
    assert from_pdf.attachments[0].text is None  # read into the item, not kept twice


def test_without_the_pdf_the_item_keeps_its_title_only(tmp_path: Path) -> None:
    folder = tmp_path / "xml-only"
    folder.mkdir()
    shutil.copy(XML, folder / XML.name)
    items = _read(folder).meetings[0].items
    assert [bool(i.sections) for i in items] == [True, True, True, False, True, True]
    assert items[3].title == "Huskeliste og orientering fra administrationen"
    assert items[3].decision is None


def test_unpublished_item_is_sealed(tmp_path: Path) -> None:
    folder = _variant(tmp_path, *UNPUBLISHED, after="<AgendaItemNumber>3<")
    item = _read(folder).meetings[0].items[2]
    assert (item.number, item.is_open, item.sections, item.attachments) == (3, False, (), ())
    assert item.case_number == "21-014473"  # the public record keeps the case number
    kept = _read(folder, include_closed=True).meetings[0].items[2]
    assert not kept.is_open and kept.sections


def test_closed_agenda_adds_only_its_closed_items(tmp_path: Path) -> None:
    """A closed agenda lists the open items again: they stay open; an item only it
    lists is closed."""
    text = XML.read_text(encoding="utf-8")
    agenda = text[text.index("<MeetingAgendaType>") : text.index("</MeetingAgendaType>") + 20]
    closed = agenda.replace("Åben dagsorden", "Lukket dagsorden").replace(
        "<AgendaItemNumber>6<", "<AgendaItemNumber>7<"
    )
    folder = _variant(tmp_path, "</MeetingAgendaTypes>", closed + "</MeetingAgendaTypes>")
    items = _read(folder).meetings[0].items
    assert [(i.number, i.is_open) for i in items] == [(n, n < 7) for n in range(1, 8)]


def test_unpublished_attachment_left_out(tmp_path: Path) -> None:
    calendar = "<Title>Social- og Handicapudvalgets kalender 2022 - marts 2022</Title>"
    folder = _variant(tmp_path, *UNPUBLISHED, after=calendar)
    assert _read(folder).meetings[0].items[4].attachments == ()


@pytest.mark.parametrize(
    ("old", "new", "message", "line"),
    [
        ("<AgendaItemNumber>2<", "<AgendaItemNumber>to<", "agenda item number 'to'", 45),
        ("</Committee>", "</Komite>", "malformed XML", 3),
        ("14-03-2022 17:00:00", "i morgen", "meeting date 'i morgen'", None),
    ],
)
def test_bad_input_names_the_file_and_line(
    tmp_path: Path, old: str, new: str, message: str, line: int | None
) -> None:
    folder = _variant(tmp_path, old, new)
    path = folder / XML.name
    with pytest.raises(SourceError) as err:
        parse_bytes(path.read_bytes(), str(path))
    assert message in str(err.value) and str(path) in str(err.value)
    assert err.value.line == line


def test_reading_twice_gives_the_same_records() -> None:
    assert _read(FOLDER) == _read(FOLDER)
