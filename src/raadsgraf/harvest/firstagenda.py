"""The FirstAgenda portal API (``https://dagsordener.<kommune>.dk``), as read from
the files it serves:

* ``GET /api/agenda/udvalgsliste`` → ``{"Udvalg": {"<group>": [{"Navn", "Id",
  "Moeder": [{"Id", "Dato"}, …]}, …], …}}``; the groups are "Aktuelle politiske
  udvalg" and others (former committees), all read;
* ``GET /api/agenda/dagsorden/{meeting id}`` → one meeting (``Udvalg``, ``Moede``,
  ``Dagsordenpunkter[]``), the shape :mod:`raadsgraf.parsers.firstagenda` reads;
* ``GET /vis/pdf/bilag/{attachment id}?redirectDirectlyToPdf=true`` → an attachment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from raadsgraf.errors import PortalError


@dataclass(frozen=True, slots=True)
class Listed:
    """A meeting as the committee list names it."""

    id: str
    committee: str
    date: str


def base_url(url: str) -> str:
    """The portal's root (``https://dagsordener.greve.dk``), whatever path was given."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise PortalError(f"{url}: not an http(s) address of a portal")
    return f"{parts.scheme}://{parts.netloc}"


def listing_url(base: str) -> str:
    return f"{base}/api/agenda/udvalgsliste"


def meeting_url(base: str, meeting_id: str) -> str:
    return f"{base}/api/agenda/dagsorden/{quote(meeting_id, safe='')}"


def attachment_url(base: str, attachment_id: str) -> str:
    return f"{base}/vis/pdf/bilag/{quote(attachment_id, safe='')}?redirectDirectlyToPdf=true"


def parse_listing(body: bytes, url: str) -> list[Listed]:
    """Every meeting of every committee group, each once, in the portal's order."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PortalError(f"{url}: the committee list is not JSON ({exc})") from None
    groups = data.get("Udvalg") if isinstance(data, dict) else None
    if not isinstance(groups, dict):
        raise PortalError(f"{url}: the committee list has no 'Udvalg' object")
    seen: dict[str, Listed] = {}
    for committees in groups.values():
        for committee in committees if isinstance(committees, list) else []:
            if not isinstance(committee, dict):
                continue
            name = str(committee.get("Navn") or "")
            for moede in committee.get("Moeder") or []:
                if isinstance(moede, dict) and moede.get("Id"):
                    ident = str(moede["Id"])
                    seen.setdefault(ident, Listed(ident, name, str(moede.get("Dato") or "")))
    return list(seen.values())


def meeting_items(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A meeting's items by the portal's item id (by number when an item has none)."""
    out: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(obj.get("Dagsordenpunkter") or []):
        if not isinstance(item, dict):
            continue
        key = str(item.get("Id") or f"nr-{item.get('Number') or index + 1}")
        out[key] = item
    return out


def attachment_ids(obj: dict[str, Any]) -> list[str]:
    """The attachment ids of every item's ``Bilag``, each once, in order."""
    ids: list[str] = []
    for item in meeting_items(obj).values():
        for bilag in item.get("Bilag") or []:
            ident = str(bilag.get("Id") or "") if isinstance(bilag, dict) else ""
            if ident and ident not in ids:
                ids.append(ident)
    return ids
