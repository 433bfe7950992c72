"""The exhaustive held-out set for history steps: every date mention in a sample of
agenda items, labelled by reading, so precision AND recall of any version of the code
can be scored without sampling from its output (issue 12, split "heldout-6").

``sample_items`` chooses items by a plain regex over their own text (no extraction
rule of raadsgraf is used; the parsers only give the text and the item's key), and
``mentions`` enumerates the date mentions a labeller judges. ``judge_step`` and
``recall_hits`` score a history against the labels; ``score`` (``lineage_precision.py
exhaustive``) runs them on the steps that come from each labelled item's OWN text.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from raadsgraf.extract.dates import MONTHS  # the month names only: no rule of the code

HERE = Path(__file__).resolve().parent
EXHAUSTIVE = HERE / "lineage_exhaustive.jsonl"
SPLIT = "heldout-6"

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
#: generous on purpose: a day and a month name (year optional), a numeric date with a
#: year (d.m.yyyy, dd-mm-yyyy, d/m-yy), or "den"/"d." before a yearless numeric day.month
DATE_MENTION = re.compile(
    rf"(?<![\d.])(?P<d>\d{{1,2}})\.?\s*(?:(?:-|–|og)\s*\d{{1,2}}\.?\s*)?(?P<m>{_MONTH})\.?(?![a-zæøå])"
    rf"(?:\s+(?P<y>(?:19|20)\d\d))?"
    r"|(?<![\d.])(?P<nd>\d{1,2})[./-](?P<nm>\d{1,2})[./-](?P<ny>(?:19|20)?\d\d)(?![\d])"
    r"|(?:(?<=\bden )|(?<=\bd\. ))(?P<bd>\d{1,2})\.(?P<bm>\d{1,2})\.?(?![\d])",
    re.IGNORECASE,
)
BODY_WORD = re.compile(r"udvalg|byråd|kommunalbestyrelse|råd\b|rådet|\bKKR\b|\bØU\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Mention:
    offset: int
    text: str
    date: dt.date | None  # a yearless date gets the meeting's year: the labeller corrects it
    quote: str


def _resolve(m: re.Match[str], year: int) -> dt.date | None:
    try:
        if m["m"]:
            return dt.date(int(m["y"] or year), MONTHS[m["m"].lower()], int(m["d"]))
        if m["nm"]:
            y = int(m["ny"])
            return dt.date(y + 2000 if y < 100 else y, int(m["nm"]), int(m["nd"]))
        return dt.date(year, int(m["bm"]), int(m["bd"]))
    except ValueError:
        return None


_STOP = re.compile(r"(?<=[^\W\d])\.\s|\n")  # a full stop after a word (not "24. marts"), a line


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence (or table row / line) around a mention, at most ~250 characters
    either side."""
    stops = [m.end() for m in _STOP.finditer(text, max(0, start - 250), start)]
    left = stops[-1] if stops else max(0, start - 250)
    after = _STOP.search(text, end, end + 250)
    right = after.end() if after else min(len(text), end + 250)
    return " ".join(text[left:right].split())


def mentions(text: str, meeting_date: dt.date) -> list[Mention]:
    """Every date mention in an item's text, in order."""
    return [
        Mention(
            m.start(),
            m.group(0),
            _resolve(m, meeting_date.year),
            _sentence(text, m.start(), m.end()),
        )
        for m in DATE_MENTION.finditer(text)
    ]


def item_text(item: Any) -> str:
    """An item's own text as the parser gives it: its sections, heading then text."""
    return "\n\n".join(f"{s.heading}\n{s.text}" if s.heading else s.text for s in item.sections)


def base_iri(iri: str) -> str:
    """A treatment IRI without a meeting's sitting time (".../moede/2025-09-08T1730/…")."""
    return re.sub(r"(/moede/\d{4}-\d\d-\d\d)T\d{4}", r"\1", iri)


def eligible(
    text: str, meeting_date: dt.date, *, body_near: bool = False
) -> tuple[bool, bool, int]:
    """(a date and a body word, a date after the meeting — with ``body_near``, in a
    sentence that names a body too —, number of mentions)."""
    found = mentions(text, meeting_date)
    after = any(
        m.date is not None
        and m.date > meeting_date
        and (not body_near or BODY_WORD.search(m.quote))
        for m in found
    )
    return bool(found) and bool(BODY_WORD.search(text)), after, len(found)


def sample_items(
    items: Iterable[tuple[str, dt.date, str, str]],
    *,
    excluded: set[str],
    seed: int,
    n: int,
    after_share: float = 0.6,
    max_mentions: int = 14,
    body_near: bool = False,
) -> list[tuple[str, dt.date, str, str]]:
    """A seeded sample of (iri, date, title, text): eligible items not in ``excluded``,
    at least ``after_share`` of them mentioning a date after their meeting. Items with
    more than ``max_mentions`` mentions are left out so each chosen item is labelled
    completely (a budget timetable repeated in many items would fill the set alone).
    ``body_near``: the later date must stand in a sentence naming a body (the second
    batch, richer in coming treatments)."""
    after: list[tuple[str, dt.date, str, str]] = []
    other: list[tuple[str, dt.date, str, str]] = []
    for row in sorted(items):
        if base_iri(row[0]) in excluded:
            continue
        ok, later, count = eligible(row[3], row[1], body_near=body_near)
        if ok and count <= max_mentions:
            (after if later else other).append(row)
    rng = random.Random(seed)
    rng.shuffle(after)
    rng.shuffle(other)
    k = min(len(after), round(n * after_share))
    return sorted(after[:k] + other[: n - k])


# --- judging -----------------------------------------------------------------


def norm_body(name: str | None) -> str:
    """Body names compared without case, punctuation spacing or genitive."""
    text = " ".join((name or "").lower().replace(",", " ").split())
    return text[:-1] if text.endswith(("ets", "ens")) else text


def read(path: Path = EXHAUSTIVE) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line.strip()]


def _on(label: dict[str, Any], date: str) -> bool:
    """The label is about that day (``also``: other days it may be shown on, e.g. the
    second day of a two-day seminar)."""
    return date == label["date"] or date in label.get("also", ())


def judge_step(
    date: str, body: str | None, planned: bool, held_item: bool, labels: list[dict[str, Any]]
) -> str:
    """A step the history shows from an item's own text, judged by that item's labels
    of the step's date: "correct" when one names the shown body with the shown kind
    (treatment/citation shown held, planned shown planned; a planned label is also met
    by a held item of the corpus that body held that day: the plan was carried out),
    "wrong" otherwise — another body, the other kind, a label "none", or no label of
    that date at all (every date mention of the item is labelled)."""
    shown = norm_body(body)
    for label in labels:
        truth = label["truth"]
        if not _on(label, date) or truth["status"] == "none" or norm_body(truth["body"]) != shown:
            continue
        if truth["status"] == "planned" and (planned or held_item):
            return "correct"
        if truth["status"] in ("treatment", "citation") and not planned:
            return "correct"
    return "wrong"


def kind_of(planned: bool) -> str:
    return "planned" if planned else "held"


def recall_hits(
    labels: list[dict[str, Any]], shown: Iterable[tuple[str, str | None, bool, bool]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(found, missed) of the labels that are real steps (treatment or planned), each
    (date, body, status) once: found when the history shows that date and body — a
    treatment as held; a planned one either way (held: another item or the store knows
    it was carried out; whether a step from the item's own text has the right kind is
    the precision's business). ``shown``: (date, body, planned, held item of the
    corpus) of every step."""
    steps = [(d, norm_body(b), p, h) for d, b, p, h in shown]
    found: list[dict[str, Any]] = []
    missed: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for label in labels:
        truth = label["truth"]
        if truth["status"] not in ("treatment", "planned"):
            continue
        key = (label["date"], norm_body(truth["body"]), truth["status"])
        if key in seen:
            continue
        seen.add(key)
        planned = truth["status"] == "planned"
        hit = any(_on(label, d) and b == key[1] and (planned or not p) for d, b, p, _ in steps)
        (found if hit else missed).append(label)
    return found, missed


def ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def tally(verdicts: Iterator[tuple[str, str]]) -> dict[str, Counter[str]]:
    """kind → Counter of verdicts, plus "all"."""
    out: dict[str, Counter[str]] = {"planned": Counter(), "held": Counter(), "all": Counter()}
    for kind, verdict in verdicts:
        out[kind][verdict] += 1
        out["all"][verdict] += 1
    return out


# --- sampling (I/O) ------------------------------------------------------------


def corpus_items(paths: Iterable[Path]) -> Iterator[tuple[str, dt.date, str, str]]:
    """(treatment IRI, meeting date, title, own text) of every open item in the files."""
    from raadsgraf import iris
    from raadsgraf.errors import RaadsgrafError
    from raadsgraf.parsers import registry

    for path in paths:
        try:
            doc = registry.parse_bytes(path.read_bytes(), str(path))
        except RaadsgrafError:
            continue
        for meeting in doc.meetings:
            for item in meeting.items:
                if item.is_open:
                    text = item_text(item)
                    yield iris.treatment_iri(meeting, item), meeting.date, item.title, text


def candidates(
    chosen: list[tuple[str, dt.date, str, str]], corpus: str, split: str = SPLIT
) -> Iterator[dict[str, Any]]:
    """One unlabelled line per date mention of the chosen items (``truth`` to fill in)."""
    for iri, day, title, text in chosen:
        for m in mentions(text, day):
            yield {
                "set": split,
                "corpus": corpus,
                "target": iri,
                "target_date": day.isoformat(),
                "target_title": title,
                "offset": m.offset,
                "mention": m.text,
                "date": m.date.isoformat() if m.date else "",
                "quote": m.quote,
                "truth": {"status": "", "body": None},
                "note": "",
            }


# --- scoring (I/O) -------------------------------------------------------------


def _own_text(rg: Any, treatment: str) -> set[str]:
    """What the item's own text names: its references' influencers (treatments and
    meetings, prose or a labelled block) and its planned treatments."""
    from raadsgraf.graph.sparql import iri_term

    rows = rg.sparql(
        f"""SELECT ?x WHERE {{ {{ {iri_term(treatment)} rg:reference ?r . ?r prov:influencer ?x }}
              UNION {{ {iri_term(treatment)} rg:plannedTreatment ?x }} }}"""
    ).rows
    return {str(row[0]) for row in rows}


def _line(target: str, day: str, body: str | None, kind: str, link: str) -> str:
    return f"{target.split('/id/kommune/')[-1]} {day} {body} ({kind}, {link})"


@dataclass
class ItemScore:
    """One labelled item's figures: the verdicts on the steps from its own text (kind,
    verdict, line), the real steps found and missed, found among its own steps only."""

    group: tuple[str, str]  # (corpus, batch)
    verdicts: list[tuple[str, str, str]]
    found: list[dict[str, Any]]
    missed: list[dict[str, Any]]
    own_found: int
    out_of_scope: int


def score_item(rg: Any, now: str, target: str, labels: list[dict[str, Any]]) -> ItemScore:
    """The history of ``now`` (the labelled ``target`` in this store) against its labels."""
    own = _own_text(rg, now)
    shown: list[tuple[str, str | None, bool, bool]] = []
    own_shown: list[tuple[str, str | None, bool, bool]] = []
    verdicts: list[tuple[str, str, str]] = []
    for s in rg.lineage(now).steps:
        if s.treatment == now:
            continue
        day = s.date.isoformat() if s.date else ""
        step = (
            day,
            s.committee,
            s.planned,
            not s.planned and s.in_corpus and s.item_number is not None,
        )
        shown.append(step)
        if s.treatment in own:
            own_shown.append(step)
            verdict = judge_step(*step, labels)
            verdicts.append(
                (
                    kind_of(s.planned),
                    verdict,
                    _line(target, day, s.committee, kind_of(s.planned), s.link),
                )
            )
    found, missed = recall_hits(labels, shown)
    group = (labels[0]["corpus"], f"batch {labels[0].get('batch', 1)}")
    own_found = len(recall_hits(labels, own_shown)[0])
    return ItemScore(group, verdicts, found, missed, own_found, len(shown) - len(own_shown))


def summary(scores: list[ItemScore]) -> dict[str, Any]:
    """Precision per kind shown (planned, held, all) and recall per status."""
    counts = tally((kind, verdict) for item in scores for kind, verdict, _ in item.verdicts)
    found = [label for item in scores for label in item.found]
    real = Counter(
        label["truth"]["status"] for item in scores for label in item.found + item.missed
    )
    hit = Counter(label["truth"]["status"] for label in found)
    total = sum(real.values())
    return {
        "items": len(scores),
        "precision": {
            k: {
                "correct": v["correct"],
                "wrong": v["wrong"],
                "precision": ratio(v["correct"], v["correct"] + v["wrong"]),
            }
            for k, v in counts.items()
        },
        "recall": {
            **{
                k: {"found": hit[k], "of": real[k], "recall": ratio(hit[k], real[k])}
                for k in ("treatment", "planned")
            },
            "all": {"found": len(found), "of": total, "recall": ratio(len(found), total)},
            "own_text_only": {
                "found": sum(i.own_found for i in scores),
                "recall": ratio(sum(i.own_found for i in scores), total),
            },
        },
    }


def score(args: Any) -> dict[str, Any]:
    """Precision and recall of the steps the history shows from each labelled item's
    own text; steps reached another way (the same case, a later item citing it, a
    policy's adoption) are out of scope, counted but not judged."""
    from lineage_precision import _current_iri

    import raadsgraf

    labels = read(Path(args.labels))
    stores = {"greve": args.greve_store, **dict(s.split("=", 1) for s in args.store or ())}
    by_target: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for label in labels:
        by_target.setdefault((label["corpus"], label["target"]), []).append(label)
    scores: list[ItemScore] = []
    missing: list[str] = []
    for corpus in sorted({c for c, _ in by_target}):
        mine = {t: ls for (c, t), ls in sorted(by_target.items()) if c == corpus}
        if not stores.get(corpus):
            missing += list(mine)
            continue
        with raadsgraf.open(stores[corpus]) as rg:
            for target, item_labels in mine.items():
                now = _current_iri(rg, target)
                if now is None:
                    missing.append(target)
                else:
                    scores.append(score_item(rg, now, target, item_labels))
    groups = sorted({item.group for item in scores})
    result: dict[str, Any] = {
        "labels": len(labels),
        "items_missing": len(missing),
        "steps_out_of_scope": sum(item.out_of_scope for item in scores),
        "all": summary(scores),
        **{" ".join(g): summary([i for i in scores if i.group == g]) for g in groups},
    }
    wrong = [line for item in scores for _, verdict, line in item.verdicts if verdict == "wrong"]
    missed = [_missed(label) for item in scores for label in item.missed]
    if args.json:
        print(
            json.dumps({**result, "wrong": wrong, "missed": missed}, ensure_ascii=False, indent=2)
        )
    else:
        for k, v in result.items():
            print(f"{k}: {v}")
        for line in wrong:
            print("WRONG", line)
        for line in missed:
            print("MISSED", line)
    return result


def _missed(label: dict[str, Any]) -> str:
    truth = label["truth"]
    return f"{label['target'].split('/id/kommune/')[-1]} {label['date']} {truth['body']} ({truth['status']}) «{label['quote'][:120]}»"


def sample(args: Any) -> None:
    """Candidate lines (every date mention of the sampled items, ``truth`` empty)."""
    from lineage_precision import read_labels

    excluded = {base_iri(label["target"]) for label in read_labels()}
    excluded |= (
        {base_iri(label["target"]) for label in read(Path(args.exclude))} if args.exclude else set()
    )
    files = sorted(p for folder in args.folders for p in Path(folder).rglob("*") if p.is_file())
    items = list(corpus_items(files))
    if args.dedupe:  # one row per item when a meeting comes in several files (.doc and .pdf)
        items = list({row[0]: row for row in reversed(items)}.values())
    chosen = sample_items(
        items, excluded=excluded, seed=args.seed, n=args.n,
        after_share=args.after_share, max_mentions=args.max_mentions, body_near=args.body_near,
    )  # fmt: skip
    for row in candidates(chosen, args.corpus, args.split):
        print(json.dumps(row, ensure_ascii=False))


def add_commands(sub: Any) -> None:
    """``exhaustive`` and ``exhaustive-sample`` for lineage_precision.py."""
    c = sub.add_parser("exhaustive", help="precision and recall on the exhaustive set")
    c.add_argument("--greve-store", help="a Greve store (raadsgraf ingest --no-index)")
    c.add_argument("--store", action="append", metavar="CORPUS=DIR", help="another corpus's store")
    c.add_argument("--labels", default=str(EXHAUSTIVE))
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=score)
    s = sub.add_parser("exhaustive-sample", help="items to label exhaustively (JSONL)")
    s.add_argument("folders", nargs="+")
    s.add_argument("--corpus", default="greve")
    s.add_argument(
        "--split", default=SPLIT, help="the set the new lines belong to (a new batch: a new name)"
    )
    s.add_argument("--seed", type=int, default=6012)
    s.add_argument("--n", type=int, default=55)
    s.add_argument("--after-share", type=float, default=0.6)
    s.add_argument("--max-mentions", type=int, default=10)
    s.add_argument("--body-near", action="store_true", help="later date beside a body word")
    s.add_argument("--exclude", help="a labels file whose items are not sampled again")
    s.add_argument("--dedupe", action="store_true", help="one row per item IRI (first file)")
    s.set_defaults(func=sample)
