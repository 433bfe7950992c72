"""Which municipality and committee a document belongs to, when the source
does not say it in a field of its own: from "X Kommune" mentions, the meeting
place, and the host name and path of its URL."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlparse

_MUNICIPALITY = re.compile(
    r"\b((?:[A-ZÆØÅ][a-zæøåé]+(?:-[A-ZÆØÅ][a-zæøåé]+)?)(?:\s+[A-ZÆØÅ][a-zæøå]+)?)\s+Kommunes?\b"
    r"|\b(Region\s+(?:Hovedstaden|Sjælland|Syddanmark|Midtjylland|Nordjylland))\b"
)
# Words that precede "Kommune" without being a name ("Den Kommune", "Hver Kommune").
_NOT_NAMES = {"Den", "Denne", "Hver", "Anden", "Egen", "Din", "Vores", "Samme", "Nabo"}

_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().translate(_ASCII))


def municipality_mentions(text: str) -> Counter[str]:
    """ "Ballerup Kommune" and "Ballerups Kommunes" both count for Ballerup Kommune."""
    found: Counter[str] = Counter()
    for m in _MUNICIPALITY.finditer(text):
        if m[2]:
            found[" ".join(m[2].split())] += 1
            continue
        name = m[1].split()[-1] if m[1].split()[0] in _NOT_NAMES else m[1]
        if name in _NOT_NAMES:
            continue
        if name.endswith("s") and len(name) > 4 and m[0].rstrip().endswith("Kommunes"):
            name = name[:-1]  # genitive: "Ballerups Kommunes" → Ballerup
        found[f"{name} Kommune"] += 1
    return found


def url_host_label(url: str) -> str | None:
    """ "http://dagsordener.greve.dk/…" → "greve"."""
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    labels = [p for p in host.split(".") if p and p not in {"www", "dk", "com", "net"}]
    return labels[-1] if labels else None


def infer_municipality(text: str, place: str | None = None, url: str | None = None) -> str | None:
    """The municipality the text belongs to, or None if nothing names one.

    A candidate named in the meeting place or the URL's host outweighs mere
    frequency: minutes often mention neighbouring municipalities many times.
    """
    mentions = municipality_mentions(text)
    host = url_host_label(url) if url else None
    scores: Counter[str] = Counter()
    for name, count in mentions.items():
        bare = name.removesuffix(" Kommune")
        scores[name] += count
        if place and re.search(rf"\b{re.escape(bare)}\b", place):
            scores[name] += 1000
        if host and _key(bare) == _key(host):
            scores[name] += 1000
    if scores:
        return scores.most_common(1)[0][0]
    if host:
        return f"{host.capitalize()} Kommune"
    return None


def committee_from_url(url: str, known_names: list[str]) -> str | None:
    """ "…/dagsorden/socialudvalget-04-10-2022" → "Socialudvalget", preferring a
    name that occurs in the document, since a slug loses accents and hyphens."""
    path = urlparse(url).path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    slug = re.sub(r"[-_]?\d{1,2}-\d{1,2}-\d{4}$|[-_]?\d{4}-\d{2}-\d{2}$", "", last)
    if not slug:
        return None
    for name in known_names:
        if _key(name) == _key(slug.replace("-", "")):
            return name
    words = slug.replace("_", "-").split("-")
    return " ".join(words).capitalize() if words else None
