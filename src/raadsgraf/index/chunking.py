"""Records → passages (chunks) that follow the document's own structure.

A chunk never crosses a section: it lies inside one section of one agenda item
(or one section of a policy), so a hit can name the section it came from. Long
sections are cut into windows of whole sentences of about ``max_words`` words
(Danish runs ~1.7 XLM-R word pieces per word, so 170 words ≈ 290 tokens, well
inside e5's 512) overlapping by about ``overlap_words``.

Closed items (``AgendaItem.is_open`` False) contribute their title only: their
body text is confidential unless the deployment opts in (``include_closed``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace

from raadsgraf.iris import item_iri, policy_iri
from raadsgraf.model import AgendaItem, Document, Meeting, PolicyDocument, Section


@dataclass(frozen=True, slots=True)
class ChunkParams:
    max_words: int = 170
    overlap_words: int = 30
    #: A trailing window shorter than this is merged into the previous one.
    min_words: int = 25

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One passage, with the identity of the item (or policy) it belongs to.

    ``text`` is the passage itself (for snippets); :attr:`passage` adds the
    item title and section heading, which is what gets embedded and indexed:
    a bare paragraph often never names its subject.
    """

    chunk_id: str
    iri: str
    kind: str  # "item" or "policy"
    municipality: str | None
    committee: str | None
    meeting_date: dt.date | None
    item_number: int | None
    item_title: str
    case_number: str | None
    kle: str | None
    document_title: str
    source: str  # the source file's name
    source_path: str
    section: str
    text: str
    is_open: bool = True
    outcome: str | None = None
    ordinal: int = 0  # position of the chunk within its item / policy

    @property
    def passage(self) -> str:
        head = self.item_title
        if self.case_number:
            head += f" ({self.case_number})"
        if self.section and self.section != self.item_title:
            head += f" – {self.section}"
        return f"{head}\n{self.text}" if self.text else head

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["meeting_date"] = self.meeting_date.isoformat() if self.meeting_date else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Chunk:
        values = dict(data)
        date = values.get("meeting_date")
        values["meeting_date"] = dt.date.fromisoformat(date) if isinstance(date, str) else None
        return cls(**values)  # type: ignore[arg-type]


_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[A-ZÆØÅ0-9\"“«(•–-])|\n+")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def _clean(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def split_text(text: str, params: ChunkParams) -> list[str]:
    """Cut ``text`` into windows of whole sentences with overlap.

    A sentence longer than a window (tables flattened by PDF extraction do
    that) is cut at word boundaries.
    """
    text = _clean(text)
    if not text:
        return []
    pieces: list[list[str]] = []
    for sentence in _sentences(text):
        words = sentence.split()
        step = params.max_words
        pieces.extend(words[i : i + step] for i in range(0, len(words), step))
    windows: list[str] = []
    start = 0
    while start < len(pieces):
        size, end = 0, start
        while end < len(pieces) and (size == 0 or size + len(pieces[end]) <= params.max_words):
            size += len(pieces[end])
            end += 1
        rest = sum(len(p) for p in pieces[end:])
        if 0 < rest < params.min_words:  # a scrap at the end joins this window
            end = len(pieces)
        windows.append(" ".join(w for p in pieces[start:end] for w in p))
        if end >= len(pieces):
            break
        # step back whole sentences until about overlap_words are repeated
        back, overlap = end, 0
        while back - 1 > start and overlap + len(pieces[back - 1]) <= params.overlap_words:
            back -= 1
            overlap += len(pieces[back])
        start = back
    return windows


def _chunk_id(iri: str, section: str, ordinal: int, text: str) -> str:
    key = f"{iri}\x1f{section}\x1f{ordinal}\x1f{text}".encode()
    return hashlib.sha256(key).hexdigest()[:20]


def _item_sections(item: AgendaItem) -> list[tuple[str, str]]:
    """The item's (heading, text) parts, with recommendation and decision when a
    parser kept them as fields rather than as sections."""
    parts = [(s.heading, s.text) for s in item.sections]
    seen = {_clean(t) for _, t in parts}
    if item.recommendation and _clean(item.recommendation.text) not in seen:
        parts.append(("Indstilling", item.recommendation.text))
    if item.decision and _clean(item.decision.text) not in seen:
        parts.append(("Beslutning", item.decision.text))
    titles = [a.title for a in item.attachments]
    if titles and not any(h.casefold().startswith("bilag") for h, _ in parts):
        parts.append(("Bilag", "\n".join(titles)))
    for a in item.attachments:
        if a.text:
            parts.append((f"Bilag: {a.title}", a.text))
    if item.attendance:  # names are what people search for; the item is where they were absent
        lines = []
        for att in item.attendance:
            person = att.person
            who = f"{person.name} ({person.party})" if person.party else person.name
            status = att.reason or ("fraværende" if att.status == "absent" else "deltager")
            lines.append(f"{status.capitalize()}: {who}")
        parts.append(("Deltagelse", "\n".join(lines)))
    return parts


def _kle_text(item: AgendaItem) -> str | None:
    if item.kle is None:
        return None
    return f"{item.kle.subject}-{item.kle.facet}-{item.kle.serial}"


def _meeting_chunks(
    meeting: Meeting, source: str, source_path: str, params: ChunkParams, include_closed: bool
) -> Iterator[Chunk]:
    kind = "Dagsorden" if meeting.kind == "agenda" else "Referat"
    document_title = f"{kind}: {meeting.committee.name} {meeting.date.isoformat()}"
    for item in meeting.items:
        iri = item_iri(meeting, item)
        base = Chunk(
            chunk_id="",
            iri=iri,
            kind="item",
            municipality=meeting.municipality.name,
            committee=meeting.committee.name,
            meeting_date=meeting.date,
            item_number=item.number,
            item_title=item.title,
            case_number=item.case_number,
            kle=_kle_text(item),
            document_title=document_title,
            source=source,
            source_path=source_path,
            section="",
            text="",
            is_open=item.is_open,
            outcome=str(item.decision.outcome) if item.decision else None,
        )
        parts = _item_sections(item) if (item.is_open or include_closed) else []
        ordinal = 0
        for heading, text in parts:
            for window in split_text(text, params):
                cid = _chunk_id(iri, heading, ordinal, window)
                yield replace(base, chunk_id=cid, section=heading, text=window, ordinal=ordinal)
                ordinal += 1
        if ordinal == 0:  # closed, or nothing but a title: the title is the passage
            yield replace(base, chunk_id=_chunk_id(iri, "", 0, ""))


def _section_heading(section: Section) -> str:
    return f"{section.number} {section.heading}" if section.number else section.heading


def _policy_chunks(
    policy: PolicyDocument, source: str, source_path: str, params: ChunkParams
) -> Iterator[Chunk]:
    iri = policy_iri(policy)
    base = Chunk(
        chunk_id="",
        iri=iri,
        kind="policy",
        municipality=policy.municipality.name if policy.municipality else None,
        committee=policy.adopted_by,
        meeting_date=policy.adopted_on,
        item_number=None,
        item_title=policy.title,
        case_number=None,
        kle=None,
        document_title=policy.title,
        source=source,
        source_path=source_path,
        section="",
        text="",
    )
    ordinal = 0
    for section in policy.sections:
        heading = _section_heading(section)
        for window in split_text(section.text, params):
            cid = _chunk_id(iri, heading, ordinal, window)
            yield replace(base, chunk_id=cid, section=heading, text=window, ordinal=ordinal)
            ordinal += 1
    if ordinal == 0:
        yield replace(base, chunk_id=_chunk_id(iri, "", 0, ""))


def chunk_document(
    document: Document, params: ChunkParams | None = None, *, include_closed: bool = False
) -> list[Chunk]:
    """Every chunk of one parsed document, in source order."""
    params = params or ChunkParams()
    path = document.source.path
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    chunks: list[Chunk] = []
    for meeting in document.meetings:
        chunks.extend(_meeting_chunks(meeting, name, path, params, include_closed))
    for policy in document.policies:
        chunks.extend(_policy_chunks(policy, name, path, params))
    return chunks
