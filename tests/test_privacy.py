"""Closed items and CPR numbers, on a real seed with a secret added to a closed item."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from raadsgraf import pipeline
from raadsgraf.cli import cli
from raadsgraf.model import to_jsonable
from raadsgraf.privacy import CPR_MARK, is_cpr, redact_cpr
from tests.conftest import SAMPLES, seed

SECRET = "Borgeren på Hybenvej har fået tilbudt en plads på det lukkede bosted"
CPR = "070761-0018"  # a valid number (modulus 11), made up for the test


@pytest.fixture
def minutes_with_secret(tmp_path: Path) -> Path:
    """Seed 000 (Ballerup, Socialudvalget) with a body written into closed item 9
    and a CPR number in an open item's text."""
    text = seed("000").read_text(encoding="utf-8")
    closed = "## **Punkt 9: Lukket: LUKKET Udvikling af beskæftigelsestilbud på handicapområdet**\n\n27.54.00-A00-1-23\n"
    assert closed in text
    text = text.replace(
        closed,
        closed
        + f"\n### Sagsfremstilling\n\n{SECRET}, cpr.nr. {CPR}.\n\n### Beslutning\n\nGodkendt\n",
    )
    text = text.replace(
        "Socialudvalget besøger og orienteres om tilbud og målgrupper på UUC Maglemosen.",
        f"Socialudvalget besøger og orienteres om tilbud og målgrupper på UUC Maglemosen (borger {CPR.replace('-', '')}).",
    )
    path = tmp_path / "ballerup-socialudvalget-2023-11-07.txt"
    path.write_text(text, encoding="utf-8")
    return path


#: issue #19: a CPR number written out as one, whose check digit fails
LABELLED_CPR = "230517-4821"
ODD_CPR = "320190-1234"  # an impossible date, but labelled


@pytest.fixture
def minutes_with_labelled_cpr(tmp_path: Path) -> Path:
    """Seed 000 with a citizen named "med CPR-nummer 230517-4821" in an open
    item, and a mistyped number after "personnr." in another."""
    text = seed("000").read_text(encoding="utf-8")
    anchor = "Socialudvalget besøger og orienteres om tilbud og målgrupper på UUC Maglemosen."
    assert anchor in text
    text = text.replace(
        anchor,
        f"{anchor} Borgeren med CPR-nummer {LABELLED_CPR} deltager (personnr. {ODD_CPR}).",
    )
    path = tmp_path / "ballerup-socialudvalget-2023-11-07.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_labelled_cpr_with_failing_check_digit_is_redacted(
    minutes_with_labelled_cpr: Path,
) -> None:
    assert not is_cpr(LABELLED_CPR.replace("-", ""))  # the old rule kept it
    report = pipeline.parse_files([minutes_with_labelled_cpr], progress=False)
    dumped = json.dumps([report.documents[0].meetings], default=str, ensure_ascii=False)
    for needle in (LABELLED_CPR, ODD_CPR, "2305174821", "3201901234"):
        assert needle not in dumped
    assert f"CPR-nummer {CPR_MARK}" in dumped and f"personnr. {CPR_MARK}" in dumped
    assert report.cpr_redacted == 2


def test_closed_item_is_sealed(minutes_with_secret: Path) -> None:
    report = pipeline.parse_files([minutes_with_secret], progress=False)
    (doc,) = report.documents
    dumped = json.dumps([doc.meetings], default=str, ensure_ascii=False)
    assert SECRET not in dumped and "070761" not in dumped
    item9 = doc.meetings[0].items[8]
    assert (item9.number, item9.title, item9.is_open) == (
        9,
        "Udvikling af beskæftigelsestilbud på handicapområdet",
        False,
    )
    assert item9.sections == () and item9.case_number == "27.54.00-A00-1-23"
    assert item9.decision is not None and item9.decision.outcome == "godkendt"
    assert item9.decision.text == ""
    assert (report.closed_sealed, report.cpr_redacted) == (2, 2)


def test_include_closed_keeps_the_body_but_still_redacts(minutes_with_secret: Path) -> None:
    report = pipeline.parse_files([minutes_with_secret], progress=False, include_closed=True)
    item9 = report.documents[0].meetings[0].items[8]
    assert SECRET in item9.sections[0].text
    assert CPR not in item9.sections[0].text and CPR_MARK in item9.sections[0].text


def test_cli_json_has_no_secret(minutes_with_secret: Path) -> None:
    result = CliRunner().invoke(cli, ["parse", "--json", "-q", str(minutes_with_secret)])
    assert result.exit_code == 0, result.stderr
    assert SECRET not in result.stdout and "0707610018" not in result.stdout
    assert "2 CPR number(s) redacted, 2 closed item(s) sealed" in result.stderr


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("cpr 070761-0018.", f"cpr {CPR_MARK}."),
        ("cpr 0707610018", f"cpr {CPR_MARK}"),
        ("født 010165-1234", f"født {CPR_MARK}"),  # 1 Jan 1965: exempt from modulus 11
        # fails modulus 11, but a real birth date: numbers without the check exist
        ("070761-0019", CPR_MARK),
        ("med CPR-nummer 230517-4821", f"med CPR-nummer {CPR_MARK}"),
        ("borger 230517 4821 er", f"borger {CPR_MARK} er"),
        ("320190-1234", "320190-1234"),  # no 32nd day, no label
        # next to a label, even an impossible date is a (mistyped) CPR number
        ("cpr.nr. 320190-1234", f"cpr.nr. {CPR_MARK}"),
        ("CPR: 3201901234", f"CPR: {CPR_MARK}"),
        ("personnummer 999999-9999", f"personnummer {CPR_MARK}"),
        ("Personnr.: 320190 1234", f"Personnr.: {CPR_MARK}"),
        ("CPR-nummer 0000000000", f"CPR-nummer {CPR_MARK}"),
        ("sagsnr. 2011-29298 og 24-012144", "sagsnr. 2011-29298 og 24-012144"),
        ("tlf. 43 97 97 97", "tlf. 43 97 97 97"),
        ("i alt 1.234.567 kr.", "i alt 1.234.567 kr."),
        ("mødet 21.03.2024 kl. 1700", "mødet 21.03.2024 kl. 1700"),
        ("CVR 29188947, EAN 5798000550000", "CVR 29188947, EAN 5798000550000"),
        # a label far before a number does not make it one
        (
            "CPR-registret er opdateret; journal 320190-1234",
            "CPR-registret er opdateret; journal 320190-1234",
        ),
        ("sag 21-014454 og 24-012144", "sag 21-014454 og 24-012144"),  # case numbers
        ("00.22.04-I00-5-21", "00.22.04-I00-5-21"),
        ("mødet 06-09-2022", "mødet 06-09-2022"),  # dates
        ("tlf. 4477 2000", "tlf. 4477 2000"),
        ("beløb 1.070.761.001", "beløb 1.070.761.001"),
    ],
)
def test_redact_cpr(text: str, redacted: str) -> None:
    assert redact_cpr(text)[0] == redacted


def test_is_cpr_rejects_non_numbers() -> None:
    assert not is_cpr("07076100")
    assert not is_cpr("abcdefghij")


def test_ingest_summary_counts_what_was_protected(
    minutes_with_secret: Path, tmp_path: Path
) -> None:
    from raadsgraf.config import Settings

    report = pipeline.ingest(
        [minutes_with_secret], Settings(store=tmp_path / "store"), progress=False, index=False
    )
    assert (report.cpr_redacted, report.closed_sealed) == (2, 2)
    assert "2 CPR number(s) redacted, 2 closed item(s) sealed" in report.summary()
    import raadsgraf

    with raadsgraf.open(tmp_path / "store") as rg:
        for needle in ("Hybenvej", "070761", "0707610018"):
            ask = f'ASK {{ GRAPH ?g {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{needle}")) }} }}'
            assert rg.sparql(ask).boolean is False, needle
        # the closed item is there, by title only
        titled = 'ASK { ?i ?p "Udvikling af beskæftigelsestilbud på handicapområdet"@da }'
        assert rg.sparql(titled).boolean is True


# --- fail closed: items whose words say they are closed (issue #19) -----------------

LUKKEDE_DOERE = SAMPLES / "privacy" / "greve-beskaeftigelse-2025-10-20-lukkede-doere.json"


def test_an_item_that_says_it_is_closed_is_sealed_for_review() -> None:
    """Greve's portal published item 2 in full — a nomination with an assessment
    of a named person — though its text says "sagen behandles for lukkede døre";
    FirstAgenda's IsOpen flag is false on every item, so no marker told."""
    report = pipeline.parse_files([LUKKEDE_DOERE], progress=False)
    items = report.documents[0].meetings[0].items
    item2 = items[1]
    assert (item2.number, item2.is_open, item2.sections) == (2, False, ())
    assert "Pia Jepsen" not in json.dumps(to_jsonable(report.documents), ensure_ascii=False)
    assert items[0].is_open and items[0].sections  # "Godkendelse af dagsorden" stays
    assert items[2].is_open and items[2].sections
    (review,) = report.sealed_for_review
    assert (review.number, review.title) == (2, "Nyt bestyrelsesmedlem i ErhvervsCentret Greve")
    assert "lukkede døre" in review.wording
    assert report.closed_sealed == 1


def test_a_source_trusted_for_its_markers_is_not_second_guessed() -> None:
    report = pipeline.parse_files(
        [LUKKEDE_DOERE], progress=False, closed_policy="firstagenda=markers, *=wording"
    )
    assert report.sealed_for_review == [] and report.closed_sealed == 0
    assert "Pia Jepsen" in json.dumps(to_jsonable(report.documents), ensure_ascii=False)


def test_ingest_summary_and_cli_report_items_sealed_for_review(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ingest", "--no-index", "-q", "--store", str(tmp_path / "s"), str(LUKKEDE_DOERE)]
    )
    assert result.exit_code == 0, result.stderr
    assert "1 closed item(s) sealed (1 for closed-item wording only: review them)" in result.stderr
    assert "review: " in result.stderr and "item 2 (Nyt bestyrelsesmedlem" in result.stderr


@pytest.mark.parametrize(
    ("title", "text", "closed"),
    [
        ("Lukning af Tune Skole", "Skolen lukkes i 2026.", False),
        ("Udtalelse: adgang til lukkede punkter under orlov", "", False),
        ("Borgerservice", "Borgerservice er lukket fredag.", False),
        ("Regulativ", "Bestyrelsen kan som hovedregel ikke behandle personsager.", False),
        ("Movia", 'Hans Toft har ikke citeret fra "lukket punkt" i Movias dagsorden.', False),
        ("Klage", "Sagen er lukket hos Ankestyrelsen.", False),  # concluded, not closed
        ("Samtaler", "Lokalet bruges til fortrolige samtaler.", False),
        ("Personsag: Ansættelse af direktør", "", True),
        ("Fortroligt - Køb af ejendom", "", True),
        ("Tilbudsvurdering (ikke offentlig)", "", True),
        (
            "Ændring i direktionen",
            "Administrationen vurderer, at sagen skal behandles for lukkede døre.",
            True,
        ),
        ("Køb af grund", "Punktet er fortroligt indtil handlen er indgået.", True),
        ("Sag om borger", "Sagen er omfattet af tavshedspligt.", True),
    ],
)
def test_closed_wording(title: str, text: str, closed: bool) -> None:
    from raadsgraf.model import AgendaItem, Section
    from raadsgraf.privacy import closed_wording

    item = AgendaItem(number=1, title=title, sections=(Section("Sagsfremstilling", text),))
    assert (closed_wording(item) is not None) is closed


def test_closed_policy_setting_is_checked(tmp_path: Path) -> None:
    from raadsgraf import config
    from raadsgraf.errors import ConfigError

    assert config.load(env={}).closed_policy.endswith("*=wording")
    toml = tmp_path / "raadsgraf.toml"
    toml.write_text('[raadsgraf.closed_policy]\nfirstagenda = "markers"\n"*" = "wording"\n')
    settings = config.load(env={"RAADSGRAF_CONFIG": str(toml)})
    assert settings.closed_policy == "firstagenda=markers, *=wording"
    with pytest.raises(ConfigError, match="closed_policy"):
        config.load(env={"RAADSGRAF_CLOSED_POLICY": "firstagenda=trust"})
