"""Docs are tested: every command and setting is documented, and README
examples run."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import click

from raadsgraf.cli import cli
from raadsgraf.config import Settings

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"


def _all_commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            names.extend(_all_commands(command, f"{prefix}{name} "))
    return names


def test_every_command_is_documented() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    missing = [c for c in _all_commands(cli) if f"raadsgraf {c}" not in text]
    assert not missing, f"commands missing from docs/: {missing}"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for f in fields(Settings):
        assert f"`{f.name}`" in text, f.name
        assert f"RAADSGRAF_{f.name.upper()}" in text, f.name


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert block is not None and readme.index("```sh") < 200
    commands = [ln.split("#")[0].strip() for ln in block[1].splitlines() if ln.strip()]
    assert commands == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_readme_python_example_runs(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", readme, re.S)[:1]
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "1 Præsentation af Maglemosen 00.22.04-I00-5-21 taget-til-efterretning" in out


def test_parsers_table_is_the_registry() -> None:
    from raadsgraf.parsers import parsers

    text = (DOCS / "parsers.md").read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if re.match(r"\| `[\w-]+` \|", line)]
    built_in = {n: p for n, p in parsers().items() if type(p).__module__.startswith("raadsgraf.")}
    expected = [f"| `{n}` | {p.description} |" for n, p in sorted(built_in.items())]
    assert table == expected, "docs/parsers.md's table differs from the registry:\n" + "\n".join(
        expected
    )


def test_readme_layout_names_every_package_and_folder() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :].split("```")[1]
    src = ROOT / "src" / "raadsgraf"
    packages = sorted(p.name for p in src.iterdir() if (p / "__init__.py").is_file())
    import subprocess

    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    top = sorted({f.split("/")[0] for f in files if "/" in f and not f.startswith(".")})
    missing = [f"{p}/" for p in packages + top if f"{p}/" not in layout]
    assert not missing, f"README's Layout section does not name: {missing}"
    named = re.findall(r"^\s*(\w+)/", layout, re.M)
    gone = [n for n in named if n not in packages + top and n != "src"]
    assert not gone, f"README's Layout names folders that do not exist: {gone}"
