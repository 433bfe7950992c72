"""Legal duties on council records, applied to records before anything is
stored, indexed, shown or exported:

- closed items ("lukket punkt") keep only what identifies them — number, title,
  case number, item-level attendance and the decision's outcome class — unless
  the store is built for an internal deployment (``include_closed``);
- an item a source does not mark closed, but whose title or text says in clear
  words that it is closed (``closed_policy`` "wording"), is sealed too and
  counted for a person to review: fail closed;
- Danish CPR numbers are redacted from every text field;
- texts a store was asked to forget (:mod:`raadsgraf.erasure`) are removed.

Both work on records, so every later stage (graph, index, app, exports, SPARQL)
sees only what is left.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import secrets
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from raadsgraf.errors import RaadsgrafError
from raadsgraf.model import AgendaItem, Decision, Document

CPR_MARK = "[CPR-nummer fjernet]"
#: What a text the store was asked to forget is replaced by (raadsgraf.erasure).
ERASED_MARK = "[fjernet]"

#: ddmmyy-xxxx or ddmmyyxxxx, not inside a longer run of digits, dashes or dots
#: (so journal numbers like 00.22.04-I00-5-21 and amounts are never touched).
_CPR = re.compile(r"(?<![\d.\-/])(\d{2})(\d{2})(\d{2})[-\s]?(\d{4})(?![\d\-/]|\.\d)")

#: Birth dates for which CPR numbers without the modulus-11 check have been
#: issued since 2007 (CPR-kontoret's list).
_NO_MOD11_DATES = {
    dt.date(1960, 1, 1), dt.date(1964, 1, 1), dt.date(1965, 1, 1), dt.date(1966, 1, 1),
    dt.date(1969, 1, 1), dt.date(1970, 1, 1), dt.date(1980, 1, 1), dt.date(1982, 1, 1),
    dt.date(1984, 1, 1), dt.date(1985, 1, 1), dt.date(1986, 1, 1), dt.date(1987, 1, 1),
    dt.date(1988, 1, 1), dt.date(1989, 1, 1), dt.date(1990, 1, 1), dt.date(1992, 1, 1),
}  # fmt: skip
_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def _century(yy: int, seventh: int) -> int | None:
    """The birth century from the 7th digit (CPR-kontoret's table)."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    if 5 <= seventh <= 8:
        return 2000 if yy <= 57 else 1800
    return None


def birth_date(digits: str) -> dt.date | None:
    """The birth date a ten-digit CPR-shaped number names (century from the
    7th digit), or None when its first six digits are no date."""
    if len(digits) != 10 or not digits.isdigit():
        return None
    dd, mm, yy, seventh = int(digits[:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    century = _century(yy, seventh)
    if century is None:
        return None
    try:
        return dt.date(century + yy, mm, dd)
    except ValueError:
        return None


def is_cpr(digits: str) -> bool:
    """Ten digits that form a valid CPR number: a real birth date, and the
    modulus-11 check unless the birth date is one exempt from it.

    Redaction does not use this test alone (see :func:`redact_cpr`): numbers
    without the check have been issued since 2007, and a mistyped CPR number
    is still personal data."""
    born = birth_date(digits)
    if born is None:
        return False
    if born in _NO_MOD11_DATES:
        return True
    return sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11 == 0


#: Words that say the number after them is a CPR number: "CPR", "cpr.nr.",
#: "CPR-nummer", "CPR nr:", "personnummer", "personnr." (Danish, any case),
#: with at most a few characters of punctuation before the number.
_LABEL = re.compile(
    r"(?:\bcpr(?:[\s.\-]*(?:nr|nummer|no)\b)?|\bperson(?:nummer|nr)\b)[\s.:;,\-–=(]{0,6}$",
    re.IGNORECASE,
)


def _labelled(text: str, start: int) -> bool:
    return _LABEL.search(text, max(0, start - 30), start) is not None


def redact_cpr(text: str) -> tuple[str, int]:
    """``text`` with every CPR number replaced by :data:`CPR_MARK`, and the count.

    Errs on the side of privacy: a CPR-shaped number (``ddmmyy-xxxx``,
    ``ddmmyy xxxx``, ``ddmmyyxxxx``) whose first six digits are a real birth
    date is redacted whether or not it passes modulus 11; right after a label
    ("CPR", "cpr.nr.", "CPR-nummer", "personnummer", "personnr.") it is redacted
    even when its date is impossible."""
    count = 0

    def replace(m: re.Match[str]) -> str:
        nonlocal count
        if birth_date("".join(m.groups())) is not None or _labelled(text, m.start()):
            count += 1
            return CPR_MARK
        return m[0]

    return _CPR.sub(replace, text), count


T = TypeVar("T")


def _map_strings(value: T, fn: Any) -> T:
    """Apply ``fn`` to every string inside a record tree (dataclasses, tuples)."""
    if isinstance(value, Enum):
        return value  # Outcome, ReferenceKind …: a StrEnum is a str, but never text to redact
    if isinstance(value, str):
        return fn(value)  # type: ignore[no-any-return]
    if isinstance(value, tuple):
        return tuple(_map_strings(v, fn) for v in value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _map_strings(getattr(value, f.name), fn) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


def redact_document(doc: Document) -> tuple[Document, int]:
    """The document with CPR numbers redacted everywhere, and how many there were."""
    total = 0

    def fn(text: str) -> str:
        nonlocal total
        redacted, n = redact_cpr(text)
        total += n
        return redacted

    # the source path and hash identify the file; they are not text of the record
    meetings = _map_strings(doc.meetings, fn)
    policies = _map_strings(doc.policies, fn)
    return dataclasses.replace(doc, meetings=meetings, policies=policies), total


def seal_item(item: AgendaItem) -> AgendaItem:
    """A closed item reduced to what the public record may show."""
    decision = None
    if item.decision is not None:
        decision = Decision(text="", outcome=item.decision.outcome, raw="")
    return AgendaItem(
        number=item.number,
        title=item.title,
        is_open=False,
        case_number=item.case_number,
        kle=item.kle,
        decision=decision,
        attendance=item.attendance,
        marker=item.marker,
        page=item.page,
    )


# --- closed-item wording (fail closed) ------------------------------------------

#: A title that names itself closed: "Lukket", "Fortroligt", "Personsag",
#: "Tavshedspligt", "Ikke offentlig(t)" as whole words ("Lukning af skole",
#: "lukkede punkter" do not count).
_CLOSED_TITLE = re.compile(
    r"\b(?:lukket|fortroligt?|personsag|tavshedspligt|ikke[\s-]+offentlig[te]?)\b", re.I
)
#: Sentences in an item's text that say the item itself is dealt with behind
#: closed doors — not the words alone ("Borgerservice er lukket", "fortrolige
#: samtaler", "bestyrelsen kan ikke behandle personsager", "citater fra et
#: lukket punkt i Movias dagsorden", "sagen er lukket" (concluded) are open
#: matters). The subject must be the item or case itself.
_CLOSED_TEXT = re.compile(
    r"\b(?:sagen|punktet)\s+(?:skal\s+|bør\s+|vil\s+blive\s+)?behandle[st]\s+"
    r"(?:for\s+lukkede\s+døre|som\s+(?:et\s+)?(?:lukket|fortroligt|ikke[\s-]+offentligt)\s+punkt)"
    r"|\bpunktet\s+er\s+(?:et\s+)?(?:lukket|fortroligt|ikke[\s-]+offentligt)\b"
    r"|\b(?:sagen|punktet)\s+(?:er\s+)?omfattet\s+af\s+tavshedspligt",
    re.I,
)


def closed_wording(item: AgendaItem) -> str | None:
    """The words by which an item says it is closed, or None."""
    m = _CLOSED_TITLE.search(item.title)
    if m:
        return m[0]
    for section in item.sections:
        m = _CLOSED_TEXT.search(section.text)
        if m:
            return m[0]
    if item.decision is not None:
        m = _CLOSED_TEXT.search(item.decision.text)
        if m:
            return m[0]
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class SealedForReview:
    """An item the source did not mark closed, sealed for its wording."""

    source: str
    meeting: str  # committee and date
    number: int
    title: str
    wording: str

    def __str__(self) -> str:
        return f"{self.source}: {self.meeting} item {self.number} ({self.title}): {self.wording!r}"


def seal_closed(
    doc: Document, *, policy: str = "markers"
) -> tuple[Document, int, tuple[SealedForReview, ...]]:
    """Closed items sealed; returns the document, how many items were sealed and,
    under policy "wording", the items sealed for their wording only (for review)."""
    sealed = 0
    review: list[SealedForReview] = []
    meetings = []
    for meeting in doc.meetings:
        items = []
        for item in meeting.items:
            wording = closed_wording(item) if policy == "wording" and item.is_open else None
            if wording is not None:
                review.append(
                    SealedForReview(
                        doc.source.path,
                        f"{meeting.committee.name} {meeting.date.isoformat()}",
                        item.number,
                        item.title,
                        wording,
                    )
                )
            if not item.is_open or wording is not None:
                sealed += 1
                item = seal_item(item)
            items.append(item)
        meetings.append(dataclasses.replace(meeting, items=tuple(items)))
    return dataclasses.replace(doc, meetings=tuple(meetings)), sealed, tuple(review)


@dataclasses.dataclass(frozen=True, slots=True)
class PrivacyReport:
    cpr_redacted: int = 0
    closed_sealed: int = 0
    #: items sealed for closed-item wording the source did not mark (for review)
    sealed_for_review: tuple[SealedForReview, ...] = ()
    #: occurrences of texts the store was asked to forget, removed
    erased: int = 0


def _drop_erased_people(doc: Document) -> Document:
    """A person named only by an erased name is no one to record: their
    attendance and positions go (else every erased person would become one)."""

    def keep(name: str) -> bool:
        return ERASED_MARK not in name

    meetings = []
    for m in doc.meetings:
        items = []
        for item in m.items:
            decision = item.decision
            if decision is not None:
                decision = dataclasses.replace(
                    decision, positions=tuple(p for p in decision.positions if keep(p.actor))
                )
            items.append(
                dataclasses.replace(
                    item,
                    attendance=tuple(a for a in item.attendance if keep(a.person.name)),
                    decision=decision,
                )
            )
        meetings.append(
            dataclasses.replace(
                m,
                attendance=tuple(a for a in m.attendance if keep(a.person.name)),
                items=tuple(items),
            )
        )
    return dataclasses.replace(doc, meetings=tuple(meetings))


def protect(
    doc: Document,
    *,
    include_closed: bool = False,
    closed_policy: str = "markers",
    erase: Callable[[str], tuple[str, int]] | None = None,
) -> tuple[Document, PrivacyReport]:
    """Apply the duties: the one call every ingest path makes. ``closed_policy``
    is this source's ("markers" or "wording", :func:`raadsgraf.config.policy_for`);
    ``erase`` removes the texts a store was asked to forget (:meth:`Erasures.redact`)."""
    erased = 0
    if erase is not None:

        def fn(text: str) -> str:
            nonlocal erased
            out, n = erase(text)
            erased += n
            return out

        doc = dataclasses.replace(
            doc, meetings=_map_strings(doc.meetings, fn), policies=_map_strings(doc.policies, fn)
        )
        if erased:
            doc = _drop_erased_people(doc)
    doc, cpr = redact_document(doc)
    sealed = 0
    review: tuple[SealedForReview, ...] = ()
    if not include_closed:
        doc, sealed, review = seal_closed(doc, policy=closed_policy)
    return doc, PrivacyReport(
        cpr_redacted=cpr, closed_sealed=sealed, sealed_for_review=review, erased=erased
    )


# --- texts a store was asked to forget (raadsgraf.erasure) --------------------------

ERASURE_FILE = "erasure.json"
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


class Erasures:
    """The texts and source contents a store was asked to forget, hashed."""

    def __init__(
        self,
        salt: str,
        texts: dict[int, set[str]],
        sources: set[str],
        first: set[str] | None = None,
    ) -> None:
        self.salt = salt
        self.texts = texts  # number of words → salted hashes of the words
        self.sources = sources  # SHA-256 of forgotten files' content
        # salted hashes of each text's first word: most words of a corpus are
        # ruled out by one cached lookup, not a hash per window (Greve: ~3.5 M words)
        self.first = first if first is not None else set()
        self._starts: dict[str, bool] = {}

    @classmethod
    def load(cls, root: Path) -> Erasures:
        path = Path(root) / ERASURE_FILE
        if not path.is_file():
            return cls(secrets.token_hex(16), {}, set())
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            texts: dict[int, set[str]] = {}
            for entry in data["texts"]:
                texts.setdefault(int(entry["words"]), set()).add(str(entry["sha256"]))
            first = {str(h) for h in data.get("first", [])}
            return cls(str(data["salt"]), texts, {str(s) for s in data["sources"]}, first)
        except (ValueError, KeyError, TypeError) as exc:
            raise RaadsgrafError(f"{path}: damaged erasure list ({exc})") from None

    def save(self, root: Path) -> None:
        data = {
            "salt": self.salt,
            "texts": [
                {"words": n, "sha256": h}
                for n, hs in sorted(self.texts.items())
                for h in sorted(hs)
            ],
            "first": sorted(self.first),
            "sources": sorted(self.sources),
        }
        path = Path(root) / ERASURE_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)

    def digest(self, words: Sequence[str]) -> str:
        return hashlib.sha256(f"{self.salt}\x00{' '.join(words)}".encode()).hexdigest()

    def add_text(self, text: str) -> str:
        """Remember ``text`` (by its words, any case); returns its hash."""
        words = _words(text)
        if not words:
            raise RaadsgrafError(f"{text!r}: no words to forget in that text")
        h = self.digest(words)
        self.texts.setdefault(len(words), set()).add(h)
        self.first.add(self.digest(words[:1]))
        self._starts.clear()
        return h

    def merge(self, other: Erasures) -> bool:
        """Take in ``other``'s forgotten sources, and its texts when both lists share
        a salt (a text is known only by its salted hash); returns whether they did."""
        self.sources |= other.sources
        if other.salt != self.salt:
            return not other.texts
        for n, hashes in other.texts.items():
            self.texts.setdefault(n, set()).update(hashes)
        self.first |= other.first
        self._starts.clear()
        return True

    def forgets(self, text: str) -> bool:
        """Whether ``text`` holds a forgotten text."""
        return bool(self.texts) and self.redact(text)[1] > 0

    def _may_start(self, word: str) -> bool:
        known = self._starts.get(word)
        if known is None:
            known = self.digest([word]) in self.first or (
                len(word) > 1 and word.endswith("s") and self.digest([word[:-1]]) in self.first
            )
            self._starts[word] = known
        return known

    def __bool__(self) -> bool:
        return bool(self.texts)

    def redact(self, text: str) -> tuple[str, int]:
        """``text`` with every forgotten text (its words in any case, across line
        breaks and punctuation, also with a genitive -s) replaced by
        :data:`ERASED_MARK`, and how many were."""
        if not self.texts:
            return text, 0
        spans = [(m.start(), m.end(), m[0].casefold()) for m in _WORD.finditer(text)]
        hits: list[tuple[int, int]] = []
        i = 0
        lengths = sorted(self.texts, reverse=True)  # the longest forgotten text first
        while i < len(spans):
            if not self._may_start(spans[i][2]):
                i += 1
                continue
            for n in lengths:
                window = spans[i : i + n]
                if len(window) < n:
                    continue
                words = [w for _, _, w in window]
                candidates = [words]
                if words[-1].endswith("s") and len(words[-1]) > 1:
                    candidates.append([*words[:-1], words[-1][:-1]])  # "Hansens" → "Hansen"
                if any(self.digest(c) in self.texts[n] for c in candidates):
                    hits.append((window[0][0], window[-1][1]))
                    i += n
                    break
            else:
                i += 1
        if not hits:
            return text, 0
        out, last = [], 0
        for start, end in hits:
            out.append(text[last:start])
            out.append(ERASED_MARK)
            last = end
        out.append(text[last:])
        return "".join(out), len(hits)
