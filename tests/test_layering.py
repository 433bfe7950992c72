"""The pipeline's one-way order, checked over every import in the package (and the app).

model/errors → iris/config/generations/privacy → extract → parsers → graph | index → query
→ api/pipeline → cli/serve/harvest; the app imports only ``raadsgraf``'s public names.
A module may import its own stage and any earlier one; stages of one rank (graph and
index) never import each other.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import raadsgraf

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "raadsgraf"

#: stage → rank; a stage may import stages of a lower rank, and itself.
RANK = {
    "model": 0,
    "errors": 0,
    "lazy": 0,
    "iris": 1,
    "parties": 1,
    "config": 1,
    "generations": 1,
    "privacy": 1,
    "spill": 1,
    "apart": 1,
    "extract": 2,
    "parsers": 3,
    "graph": 4,
    "index": 4,
    "query": 5,
    "api": 6,
    "pipeline": 6,
    "harvest": 7,
    "erasure": 7,
    "dump": 7,
    "serve": 7,
    "__init__": 7,
    "cli": 8,
    "__main__": 9,
}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("raadsgraf")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "raadsgraf":
                found += [(node.lineno, f"raadsgraf.{a.name}") for a in node.names]
            elif node.module.startswith("raadsgraf."):
                found.append((node.lineno, node.module))
    return found


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    return ".".join(rel.parts)


def _edges() -> list[tuple[str, int, str, str]]:
    edges = []
    for path in sorted(SRC.rglob("*.py")):
        here = _module_name(path)
        for line, target in _imports(path):
            edges.append((f"{path.relative_to(ROOT)}:{line}", line, here, target))
    return edges


def _sources(skip: frozenset[str] | set[str] = frozenset()) -> Iterator[tuple[str, ast.Module]]:
    """Each library module but ``skip`` (paths under src/raadsgraf), parsed."""
    for path in sorted(SRC.rglob("*.py")):
        rel = str(path.relative_to(SRC))
        if rel not in skip:
            yield rel, ast.parse(path.read_text(encoding="utf-8"))


def test_every_stage_is_ranked() -> None:
    stages = {_stage(_module_name(p)) for p in SRC.rglob("*.py")}
    assert stages <= set(RANK), f"stages without a rank: {sorted(stages - set(RANK))}"


def test_imports_go_one_way() -> None:
    wrong = []
    for place, _line, here, target in _edges():
        a, b = _stage(here), _stage(target)
        if a == b or b not in RANK:
            continue
        if RANK[b] > RANK[a] or (RANK[b] == RANK[a] and "__init__" not in (a, b)):
            wrong.append(f"{place}: {here} imports {target} ({a} → {b})")
    assert not wrong, "imports against the pipeline's order:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", sorted((ROOT / "app").rglob("*.py")), ids=lambda p: p.name)
def test_app_uses_public_names_only(path: Path) -> None:
    public = set(raadsgraf.__all__)
    wrong = []
    for line, target in _imports(path):
        if target == "raadsgraf" or (
            target.startswith("raadsgraf.") and (target.removeprefix("raadsgraf.") in public)
        ):
            continue
        wrong.append(f"app/{path.relative_to(ROOT / 'app')}:{line}: imports {target}")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            mod = node.module if isinstance(node, ast.ImportFrom) else None
            for name in [*names, mod or ""]:
                if name.split(".")[0] in {"rdflib", "pyoxigraph", "faiss", "bm25s"}:
                    wrong.append(f"app/{path.name}:{node.lineno}: imports {name}")
    assert not wrong, "\n".join(wrong)


def test_the_check_catches_a_wrong_edge(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from raadsgraf.index.search import Hit\nfrom raadsgraf import pipeline\n")
    assert [t for _, t in _imports(bad)] == ["raadsgraf.index.search", "raadsgraf.pipeline"]
    assert RANK[_stage("raadsgraf.index.search")] == RANK[_stage("raadsgraf.graph.walk")]


def test_every_error_class_lives_in_errors_py() -> None:
    """Library errors (raadsgraf.errors' family) in one place; a module's private
    control-flow exceptions may stay with it."""
    from raadsgraf import errors

    family = {
        n for n, v in vars(errors).items() if isinstance(v, type) and issubclass(v, Exception)
    }
    wrong = []
    for rel, tree in _sources({"errors.py"}):
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id in family for b in node.bases
            ):
                wrong.append(f"{rel}:{node.lineno}: class {node.name}")
    assert not wrong, "error classes outside errors.py:\n" + "\n".join(wrong)


def test_iris_are_minted_in_iris_py() -> None:
    """Every IRI of ours (and every named graph's) comes from iris.py; the vocabulary
    declares the ontology's namespace."""
    allowed = {("graph/vocab.py", "https://raadsgraf.dk/ontology#")}
    wrong = []
    for rel, tree in _sources({"iris.py"}):
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and n.body
            and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and node.value.startswith("https://raadsgraf.dk/")
                and (rel, node.value) not in allowed
            ):
                wrong.append(f"{rel}:{node.lineno}: {node.value}")
    assert not wrong, "IRIs minted outside iris.py:\n" + "\n".join(wrong)


def test_library_errors_speak_the_domain_not_cli_flags() -> None:
    """Only the CLI speaks in flags ("--date needs --item"); the library says what is wrong."""
    cli_modules = {"cli.py", "harvest/commands.py"}
    wrong = []
    for rel, tree in _sources(cli_modules):
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            for arg in node.exc.args:
                parts = [arg] if isinstance(arg, ast.Constant) else getattr(arg, "values", [])
                text = "".join(
                    p.value
                    for p in parts
                    if isinstance(p, ast.Constant) and isinstance(p.value, str)
                )
                if re.search(r"(^|\s)--[a-z]", text):
                    wrong.append(f"{rel}:{node.lineno}: {text!r}")
    assert not wrong, "library errors naming CLI flags:\n" + "\n".join(wrong)
