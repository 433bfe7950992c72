"""The analyst queries' engine forms.

``docs/queries/`` holds the analyst queries as an analyst would write them. A few
are slow in that form on Oxigraph, which pays one index lookup per pattern and row;
for those the package keeps an engine form here (``tuned/<name>.rq``: each pattern
in its own sub-SELECT, joined by hashing, or nested one-pattern OPTIONALs) that
returns the same rows. raadsgraf runs the engine form when asked for the example by
name; ``tests/test_analyst_forms.py`` checks both forms give the same rows.
"""

from __future__ import annotations

from importlib import resources


def engine_form(name: str) -> str | None:
    """The engine form of analyst query ``name`` (file stem), or None when the
    readable form is the one to run."""
    path = resources.files("raadsgraf.query") / "tuned" / f"{name}.rq"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def engine_forms() -> dict[str, str]:
    """Every engine form, by name."""
    folder = resources.files("raadsgraf.query") / "tuned"
    return {
        p.name.removesuffix(".rq"): p.read_text(encoding="utf-8")
        for p in folder.iterdir()
        if p.name.endswith(".rq")
    }
