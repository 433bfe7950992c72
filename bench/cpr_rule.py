"""What the CPR rule of issue #19 redacts that the old one (modulus 11 only) kept.

Parses every file below the folders given (default: the Greve corpus and every
test sample), takes the text fields of the records before the privacy pass, and
lists each CPR-shaped number the new rule (:func:`raadsgraf.privacy.redact_cpr`)
redacts and the old rule (:func:`raadsgraf.privacy.is_cpr` only) kept, with the
words around it, so that each can be checked by eye.

    PYTHONPATH=src python bench/cpr_rule.py                      # Greve + tests/samples
    PYTHONPATH=src python bench/cpr_rule.py some/folder --json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any

from raadsgraf import pipeline
from raadsgraf.privacy import _CPR, _labelled, birth_date, is_cpr, redact_cpr

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT.parent.parent / "shared" / "corpus" / "greve", ROOT / "tests" / "samples"]


def _strings(value: Any) -> list[str]:
    if isinstance(value, Enum):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [s for v in value for s in _strings(v)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    return []


def scan(folders: list[Path]) -> dict[str, Any]:
    files = 0
    old_total = new_total = 0
    newly: list[dict[str, str]] = []
    for path in pipeline.iter_files(folders):
        try:
            doc = pipeline.parse_file(path)
        except Exception:  # a bench counts what parses
            continue
        files += 1
        for text in _strings((doc.meetings, doc.policies)):
            new_total += redact_cpr(text)[1]
            for m in _CPR.finditer(text):
                if is_cpr("".join(m.groups())):
                    old_total += 1
                elif birth_date("".join(m.groups())) or _labelled(text, m.start()):
                    around = text[max(0, m.start() - 40) : m.end() + 20].replace("\n", " ")
                    newly.append({"file": str(path), "number": m[0], "context": around})
    return {
        "files": files,
        "old_rule_redacted": old_total,
        "new_rule_redacted": new_total,
        "newly_redacted": newly,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    folders = args.folders or [f for f in DEFAULT if f.is_dir()]
    result = scan(folders)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    print(
        f"{result['files']} files: old rule {result['old_rule_redacted']}, "
        f"new rule {result['new_rule_redacted']} CPR number(s) redacted"
    )
    for hit in result["newly_redacted"]:
        print(f"  {hit['file']}: {hit['number']!r} in …{hit['context']}…")


if __name__ == "__main__":
    main()
