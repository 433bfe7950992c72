"""`raadsgraf parse` on good and bad input: one clear line per bad file, the
others still parsed, and exit codes a script can rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from raadsgraf.cli import EXIT_FAILED, EXIT_WARNINGS, cli
from tests.conftest import SEEDS, seed


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty": b"",
        "binary": bytes(range(256)) * 8,
        "unknown": "Kære alle,\n\nHusk frokosten på fredag.\n\nHilsen Bente\n".encode(),
        "no_items": (
            "REFERAT Socialudvalget d. 07-11-2023\n\nMødedato   Tirsdag d. 07. november 2023\n\n"
            "Mødet blev aflyst.\n"
        ).encode(),
        "no_date": b"REFERAT Socialudvalget\n\nPunkt 1: Meddelelser\n\nBeslutning\n\nTaget til efterretning\n",
        "truncated": b'{"Udvalg": {"Navn": "Byr\xc3\xa5det"},\n "Dagsordenpunkter": [{"Caption": "x"',
        "cut_json": b'{"meetings": [{"title": "x"',
    }
    out = {}
    for name, data in files.items():
        path = tmp_path / (f"{name}.json" if name in ("truncated", "cut_json") else f"{name}.txt")
        path.write_bytes(data)
        out[name] = path
    return out


def test_parse_folder_summary() -> None:
    code, stdout, stderr = run("parse", "-q", str(SEEDS))
    assert code == 0
    assert "Ballerup Kommune · Socialudvalget · 2023-11-07: 10 items (2 closed)" in stdout
    assert "parsed 5 file(s) (4 minutes-text, 1 policy-text), 30 agenda items, 0 failed" in stderr


def test_parse_json_is_utf8_records() -> None:
    code, stdout, _ = run("parse", "--json", "-q", str(seed("001")))
    assert code == 0
    (doc,) = json.loads(stdout)
    assert "Jørgen Grüner" in stdout  # ensure_ascii=False
    assert doc["meetings"][0]["items"][2]["case_number"] == "24-012144"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty", "empty file"),
        ("binary", "unknown format (binary data); known formats: "),
        ("unknown", "unknown format (.txt, no agenda items, meeting header or policy found)"),
        ("no_items", "no agenda items found"),
        ("no_date", "no meeting date"),
        ("truncated", "truncated.json:l2: invalid JSON: Expecting ',' delimiter"),
        ("cut_json", "cut_json.json:l1: invalid JSON: Expecting ',' delimiter (column 28)"),
    ],
)
def test_bad_input_one_line_and_the_rest_kept(
    bad_files: dict[str, Path], name: str, message: str
) -> None:
    code, stdout, stderr = run("parse", "--json", "-q", str(bad_files[name]), str(seed("002")))
    assert code == EXIT_FAILED
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"error: {bad_files[name]}")
    assert message in errors[0]
    assert "Traceback" not in stderr
    (doc,) = json.loads(stdout)  # the good file is still there
    assert doc["meetings"][0]["committee"]["name"] == "Opgaveudvalg om boligsocial indsats"


def test_missing_file() -> None:
    code, _, stderr = run("parse", "-q", "does/not/exist.txt")
    assert code == EXIT_FAILED
    assert "error: does/not/exist.txt: no such file" in stderr


def test_cp1252_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes(seed("000").read_text(encoding="utf-8").encode("cp1252"))
    code, stdout, stderr = run("parse", "--json", "-q", str(path))
    assert code == EXIT_WARNINGS
    assert f"warning: {path}:l5: not UTF-8; read as Windows-1252 (cp1252)" in stderr
    (doc,) = json.loads(stdout)
    people = [a["person"]["name"] for a in doc["meetings"][0]["attendance"]]
    assert "Johan Müller" in people and "André Amingsø" in people


def test_unknown_format_name() -> None:
    code, _, stderr = run("parse", "-q", "--format", "nonsense", str(seed("000")))
    assert code == EXIT_FAILED
    assert "no parser named 'nonsense'" in stderr


def test_help_ends_with_an_example() -> None:
    for command in ([], ["parse"]):
        code, stdout, _ = run(*command, "--help")
        assert code == 0
        assert "Example" in stdout and "raadsgraf parse" in stdout
