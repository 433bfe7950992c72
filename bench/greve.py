"""Greve corpus → records, for the benchmarks only.

The FirstAgenda JSON (``Udvalg``, ``Moede``, ``Dagsordenpunkter[].Felter[].Html``)
is read just far enough to give the chunker realistic items: title, number,
case number, open/closed, one section per ``<h3>`` heading. If a registered
parser for this format exists, prefer ``raadsgraf.parse_file``; this reader
keeps the benchmarks independent of it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from raadsgraf.model import (
    AgendaItem,
    Committee,
    Document,
    Meeting,
    Municipality,
    Section,
    Source,
)

GREVE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "greve"
_MUNICIPALITY = Municipality("Greve Kommune")


_H3 = re.compile(r"<h3[^>]*>(.*?)</h3>", re.IGNORECASE | re.DOTALL)


def _text(html: str) -> str:
    html = re.sub(r"<br\s*/?>|</div>|</p>|</li>", "\n", html, flags=re.IGNORECASE)
    body = HTMLParser(f"<body>{html}</body>").body
    return body.text(separator=" ") if body is not None else ""


def _sections(html: str) -> list[Section]:
    """One section per <h3> heading (the portal's field layout)."""
    pieces = _H3.split(html)
    out: list[Section] = []
    for i in range(1, len(pieces) - 1, 2):
        heading = " ".join(_text(pieces[i]).split())
        text = "\n".join(" ".join(line.split()) for line in _text(pieces[i + 1]).splitlines())
        if text.strip():
            out.append(Section(heading or "Tekst", text.strip()))
    return out


def read(path: Path) -> Document:
    data = json.loads(path.read_text(encoding="utf-8"))
    committee = str((data.get("Udvalg") or {}).get("Navn") or path.name.split("_")[0])
    date_text = str((data.get("Moede") or {}).get("Dato") or path.name.split("_")[1])
    date = dt.date.fromisoformat(re.match(r"\d{4}-\d{2}-\d{2}", date_text).group(0))  # type: ignore[union-attr]
    items = []
    for p in data.get("Dagsordenpunkter") or []:
        html = "".join(f.get("Html") or "" for f in p.get("Felter") or [])
        items.append(
            AgendaItem(
                number=int(p.get("Number") or p.get("Punktnummer") or 0),
                title=str(p.get("Caption") or p.get("Navn") or ""),
                is_open=True,  # the portal's IsOpen flag is not "lukket"; bench treats all as open
                case_number=p.get("CaseNumber") or p.get("SagsNummer"),
                sections=tuple(_sections(html)) if html else (),
            )
        )
    meeting = Meeting(
        _MUNICIPALITY, Committee(committee, _MUNICIPALITY.name), date, items=tuple(items)
    )
    return Document(Source(str(path), "", "bench-greve"), meetings=(meeting,))


def documents(limit: int | None = None) -> list[Document]:
    files = sorted(GREVE.glob("*.json"))[:limit]
    return [read(f) for f in files]
