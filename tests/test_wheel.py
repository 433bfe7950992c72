"""A wheel works on its own: built from a copy of the checkout, installed into a fresh
venv outside the repository, it parses, ingests and searches a sample (the ontology
and SHACL shapes travel inside the package)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "samples" / "seeds" / "004_ca5c3699950fcacc.txt"


def _run(cmd: list[str], cwd: Path) -> str:
    # nothing from the checkout on the path: the wheel's raadsgraf is the only one
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(cmd)}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.slow
def test_an_installed_wheel_parses_ingests_and_searches(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    for name in ("pyproject.toml", "setup.py", "README.md"):
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, checkout / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "src", checkout / "src", ignore=ignore)
    shutil.copytree(ROOT / "ontology", checkout / "ontology")
    dist = tmp_path / "dist"
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    _run([*pip_wheel, "-w", str(dist), str(checkout)], cwd=tmp_path)
    (wheel,) = dist.glob("raadsgraf-*.whl")

    # a fresh venv; the dependencies come from this one's site-packages, put on its
    # path by a .pth line (whose own .pth files, such as the editable install's, are
    # not processed: the only raadsgraf there is the wheel's)
    venv = tmp_path / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    _run([base, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    py = venv / "bin" / "python"
    site = Path(
        _run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp_path,
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        cwd=tmp_path,
    )

    work = tmp_path / "elsewhere"
    work.mkdir()
    where = _run([str(py), "-c", "import raadsgraf; print(raadsgraf.__file__)"], cwd=work)
    assert where.startswith(str(site)), where
    packaged = site / "raadsgraf" / "ontology"
    assert sorted(p.name for p in packaged.glob("*.ttl")) == ["raadsgraf.ttl", "shapes.ttl"]
    # the data files the code reads from its own folders (a new index's BM25 normaliser
    # reads the shipped syncope table: "jobcentret" → jobcent)
    for data in ("index/syncope.json", "index/boilerplate.json", "index/encoders/calibration.json"):
        assert (site / "raadsgraf" / data).is_file(), data

    cli = [str(py), "-m", "raadsgraf"]
    parsed = json.loads(_run([*cli, "parse", "--json", "-q", str(SAMPLE)], cwd=work))
    assert parsed[0]["policies"][0]["sections"]
    store = tmp_path / "store"
    _run([*cli, "ingest", "-q", "--store", str(store), str(SAMPLE)], cwd=work)
    hits = json.loads(
        _run(
            [*cli, "search", "--store", str(store), "--json", "--mode", "bm25", "fællesskaber"],
            cwd=work,
        )
    )
    assert hits and all(h["iri"].startswith("http") for h in hits)
    out = _run([*cli, "validate", "--store", str(store)], cwd=work)
    assert out.startswith("conforms")
