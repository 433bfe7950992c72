"""Issue #17: layouts the parsers had not seen. Each test reads a real sample
(tests/samples/README.md records where each came from)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import FOAF, URIRef

from raadsgraf import iris
from raadsgraf.extract.absences import item_absences
from raadsgraf.graph.build import document_graph, validate
from raadsgraf.graph.vocab import RG
from raadsgraf.model import AgendaItem, AttendanceStatus, Outcome, ReferenceKind
from raadsgraf.parsers.registry import parse_bytes
from raadsgraf.pipeline import parse_file
from tests.pdf_maker import make_pdf, paginate

SAMPLES = Path(__file__).parent / "samples"
PORTAL_PRINT = SAMPLES / "pdf" / "aarhus-teknisk-udvalg-2025-10-01-print.pdf"
PORTAL_HTML = SAMPLES / "portal_html" / "aarhus-teknisk-udvalg-referat-2025-10-01.html"
GENITIVE = SAMPLES / "text" / "syddjurs-puk-2013-06-20-genitive.txt"


def _items(path: Path) -> dict[int, AgendaItem]:
    return {it.number: it for m in parse_file(path).meetings for it in m.items}


def test_portal_print_reads_the_unlabelled_case_numbers() -> None:
    """The portal's PDF prints the case number on its own line under "Punkt N:
    title"; a long title wraps first. The HTML of the same meeting is the key."""
    printed, html = _items(PORTAL_PRINT), _items(PORTAL_HTML)
    assert {n: it.case_number for n, it in printed.items()} == {
        n: it.case_number for n, it in html.items()
    }
    assert printed[3].case_number == "EMN-2025-008468"
    assert printed[3].title == html[3].title  # the wrapped title joined, number not in it
    assert printed[5].case_number is None


def test_portal_print_absence_in_the_decision() -> None:
    item = _items(PORTAL_PRINT)[2]
    absent = {a.person.name for a in item.attendance if a.status is AttendanceStatus.ABSENT}
    assert absent == {"Liv Gro Jensen"}


def test_portal_print_postponement_after_a_discussion() -> None:
    """ "… udvalget drøftede sagen … Udvalget besluttede herefter at udsætte sagens
    behandling": the verdict is the postponement."""
    for path in (PORTAL_PRINT, PORTAL_HTML):
        decision = _items(path)[3].decision
        assert decision is not None and decision.outcome is Outcome.POSTPONED


def _check_genitive(items: dict[int, AgendaItem]) -> None:
    item = items[715]
    assert item.decision is not None
    assert item.decision.text.startswith("Punktet blev drøftet.")
    assert "Følgende" not in item.decision.text
    assert item.decision.outcome is Outcome.DISCUSSED
    earlier = sorted(
        (r.date.isoformat(), r.body)
        for r in item.references
        if r.kind is ReferenceKind.DECISION_HISTORY and r.date
    )
    assert earlier == [
        ("2013-04-10", "Udvalget for plan, udvikling og kultur"),
        ("2013-04-24", "Udvalget for plan, udvikling og kultur"),
    ]
    assert item.attendance == ()  # "Følgende deltog ikke …:" and no names: nobody


def test_genitive_decision_headings_in_text() -> None:
    """ "<Udvalg>s beslutning den DD.MM.ÅÅÅÅ [Punkt N]" then "Følgende deltog ikke i
    behandlingen af punktet:": the one dated the meeting's day is the decision."""
    _check_genitive(_items(GENITIVE))


def test_genitive_decision_headings_in_pdf() -> None:
    lines = GENITIVE.read_text(encoding="utf-8").splitlines()
    doc = parse_bytes(make_pdf(paginate(lines)), "genitive.pdf")
    _check_genitive({it.number: it for m in doc.meetings for it in m.items})


AARHUS_PROPOSAL = """Referat
Aarhus Byråd
Mødedato: 22-01-2025

Punkt 17: Forslag fra S, SF, RV, M og ALT om vindmøller på Aarhus Havn
EMN-2025-000502

Beslutning
Fremsendes med ændringsforslaget fra Venstres og Det Konservative Folkepartis
byrådsgrupper af 22. januar 2025 til Magistratsafdelingen for Teknik og Miljø med
henblik på udarbejdelse af en indstilling.

BESLUTNINGSFORSLAG FRA S, SF, RV, M OG ALT
Aarhus Kommune har forpligtet sig til ambitiøse klimamål gennem sin klimaplan, herunder
en signifikant reduktion af CO2-udledning og en styrkelse af lokal produktion af
vedvarende energi.
"""


def test_a_proposal_after_the_decision_ends_it() -> None:
    """The decision of 22 Jan 2025 and the party's proposal, as the Aarhus
    agenda of 8 Oct 2025 quotes them (item 11's "Sagsforløb" and body)."""
    doc = parse_bytes(AARHUS_PROPOSAL.encode(), "aarhus-byraad-2025-01-22.txt")
    item = doc.meetings[0].items[0]
    assert item.case_number == "EMN-2025-000502"
    assert item.decision is not None
    assert "BESLUTNINGSFORSLAG" not in item.decision.text
    assert "klimamål" not in item.decision.text
    assert item.decision.outcome is Outcome.REFERRED
    assert item.decision.referred_to == "Magistratsafdelingen for Teknik og Miljø"
    assert any(s.kind == "proposal" for s in item.sections)


GREVE = SAMPLES / "firstagenda"


def test_closed_item_shows_its_decision() -> None:
    """A closed FirstAgenda item carries only its decision, in a field without
    a heading; "Afbud: …" alone in a decision field is no decision."""
    items = _items(GREVE / "greve-oekonomiudvalget-2022-01-10.json")
    assert items[3].decision is not None
    assert items[3].decision.outcome is Outcome.RECOMMENDED
    signing = _items(GREVE / "greve-byraad-2025-09-08.json")[3]
    assert signing.decision is None
    assert {a.person.name for a in signing.attendance} == {
        "Per Lund Sørensen",
        "Conni Bergendorff",
    }


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # tests/samples/sbsys/Publication553.xml, item 1 (decision of 18 Sep 2012)
        ("Julie Herdal Molbech (F) deltog ikke i sagens behandling.", {"Julie Herdal Molbech"}),
        # the Aarhus page's case history (Magistraten 19-08-2025)
        (
            "Fremsendes til Aarhus Byråd med bemærkning. Jesper Kjeldsen deltog ikke i sagens"
            " behandling.",
            {"Jesper Kjeldsen"},
        ),
        # greve corpus, Byrådet 2024: "… var inhabil i sagens behandling, da hun er …"
        (
            "Brigitte Klintskov Jerkel var inhabil i sagens behandling, da hun er næstformand.",
            {"Brigitte Klintskov Jerkel"},
        ),
        ("Følgende deltog ikke i behandlingen af punktet: Steen Fris (C)", {"Steen Fris"}),
        ("Følgende deltog ikke i behandlingen af punktet:\n\nPunktet blev drøftet.", set()),
        ("Godkendt.\nAfbud: Kenneth Jerkel", {"Kenneth Jerkel"}),
        # not absences: a vote, and the committee itself
        ("John T. Olsen (A) og Brigitte Klintskov Jerkel (C) undlod at tage stilling.", set()),
        ("Udvalget deltog ikke i behandlingen.", set()),
    ],
)
def test_item_absence_forms(text: str, absent: set[str]) -> None:
    assert {a.person.name for a in item_absences(text)} == absent


def test_leaving_the_meeting_marks_the_rest_absent() -> None:
    text = (
        "Referat\nTeknisk Udvalg\nMødedato: 01-10-2025\n\n"
        "Punkt 1: Referat fra sidste udvalgsmøde\nEMN-2025-010561\n\nBeslutning\n"
        "Godkendt. Steffen Wich forlod mødet under punkt 2.\n\n"
        "Punkt 2: Forvaltningen orienterer\nEMN-2025-010561\n\nBeslutning\nTaget til efterretning.\n\n"
        "Punkt 3: Eventuelt\n\nBeslutning\nIntet.\n"
    )
    items = parse_bytes(text.encode(), "left.txt").meetings[0].items
    absent = [{a.person.name for a in it.attendance} for it in items]
    assert absent == [set(), {"Steffen Wich"}, {"Steffen Wich"}]


def test_absence_from_a_treatment_in_the_case_history() -> None:
    """ "Jesper Kjeldsen deltog ikke i sagens behandling" under Magistraten's
    treatment of 19 Aug 2025 is his absence from that treatment, in the records
    and in the graph; the same for SBSYS's carried decision of 18 Sep 2012."""
    for path in (PORTAL_HTML, PORTAL_PRINT):
        refs = _items(path)[3].references
        magistraten = next(r for r in refs if r.date and r.date.isoformat() == "2025-08-19")
        assert [a.person.name for a in magistraten.absent] == ["Jesper Kjeldsen"]
    sbsys = _items(SAMPLES / "sbsys" / "Publication553.xml")[1]
    carried = [r for r in sbsys.references if r.kind is ReferenceKind.DECISION_HISTORY]
    assert [a.person.name for r in carried for a in r.absent] == ["Julie Herdal Molbech"]

    doc = parse_file(PORTAL_HTML)
    g = document_graph(doc, iris.source_graph_iri(doc.source.path))
    ok, report = validate(g)
    assert ok, report
    treatment = URIRef(
        iris.treatment_iri_for("Aarhus Kommune", "Magistraten", dt.date(2025, 8, 19), 7)
    )
    names = {str(g.value(p, FOAF.name)) for p in g.objects(treatment, RG.absentee)}
    assert names == {"Jesper Kjeldsen"}
