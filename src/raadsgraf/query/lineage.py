"""The treatment history of a matter: ``lineage`` walks from a treatment (or an
item, case, policy, or a meeting date and item number) along references in both
directions and along shared case numbers, and returns the treatments in time
order with how each was reached, and the policies they belong to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from raadsgraf import iris
from raadsgraf.graph.sparql import (
    QueryError,
    Value,
    iri_term,
    literal_term,
    select,
    select_strings,
)
from raadsgraf.graph.store import GraphBackend
from raadsgraf.graph.walk import WalkState, notations, per_value, walk


@dataclass(frozen=True, slots=True)
class LineageStep:
    """One treatment of the matter."""

    treatment: str  # or, for a meeting named without an item number, the meeting
    date: dt.date | None
    municipality: str | None
    committee: str | None
    item_number: int | None
    title: str | None
    outcome: str | None
    case_number: str | None
    link: str  # "start", "sag" (same case), "vedtagelse" (a policy's adoption), "oversendt" or the reference kind that led here
    via: str | None  # the treatment it was reached from
    in_corpus: bool
    #: a coming step the text names (a schedule, "forventes behandlet …", a referral),
    #: not held: shown as "planlagt", apart from the treatments, and never counted as one
    planned: bool = False
    #: what in the sentence licensed a planned step ("verb-clause" …), when recorded
    construction: str | None = None


@dataclass(frozen=True, slots=True)
class PolicyLink:
    policy: str
    title: str
    adopted_on: dt.date | None
    adopted_by: str | None
    replaces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lineage:
    target: str
    steps: tuple[LineageStep, ...]
    policies: tuple[PolicyLink, ...]


def resolve_target(
    store: GraphBackend,
    target: str | None = None,
    *,
    date: dt.date | None = None,
    item: int | None = None,
    committee: str | None = None,
) -> list[str]:
    """Treatment IRIs named by an IRI, a case number, or a date + item (+ committee)."""
    if date is not None:
        if item is None:
            raise QueryError("a meeting date needs an item number")
        filt = ""
        if committee:
            filt = f"FILTER(STRENDS(STR(?c), {literal_term('/organ/' + iris.slug(iris.committee_name(committee)))}))"
        rows = select(
            store,
            f"""
            SELECT DISTINCT ?t WHERE {{
              ?t eli-dl:activity_date {literal_term(date.isoformat())}^^xsd:date ; dct:subject ?a .
              ?a schema:position {item} .
              ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?c . {filt}
            }}""",
        )
        found = sorted(str(r["t"]) for r in rows)
        if not found:
            raise QueryError(f"no treatment of item {item} on {date.isoformat()} in the store")
        return found
    if not target:
        raise QueryError("name an IRI, a case number, or a meeting date and an item number")
    if target.startswith(("http://", "https://", "urn:")):
        rows = select(
            store,
            f"""
            SELECT DISTINCT ?t WHERE {{
              {{ BIND({iri_term(target)} AS ?t) ?t a besluit:BehandelingVanAgendapunt }}
              UNION {{ ?t dct:subject {iri_term(target)} }}
              UNION {{ ?t eli-dl:forms_part_of {iri_term(target)} }}
              UNION {{ ?t rg:treatsPolicy {iri_term(target)} }}
              UNION {{ {iri_term(target)} besluit:behandelt ?a . ?t dct:subject ?a }}
            }}""",
        )
    else:
        rows = select(
            store,
            f"""
            SELECT DISTINCT ?t WHERE {{
              ?c a rg:Case ; dct:identifier {literal_term(target.strip())} .
              ?t eli-dl:forms_part_of ?c .
            }}""",
        )
    found = sorted(str(r["t"]) for r in rows)
    if not found:
        raise QueryError(f"{target}: no treatment, item, case or policy by that name in the store")
    return found


def _details(
    store: GraphBackend, treatments: list[str], state: WalkState
) -> dict[str, dict[str, Value]]:
    """Date, item, committee, municipality, title, case, source and outcome per treatment."""
    # Structural parts every treatment has (the shapes require them, placeholders
    # included) are required, the rest OPTIONAL of one pattern each (looked up per
    # treatment; a longer OPTIONAL chain Oxigraph 0.5 may plan as a scan). The
    # bodies' names are fetched once per body, the outcomes' notations once per
    # outcome class, rather than once per treatment.
    rows = select_strings(
        store,
        "SELECT ?t ?z ?d ?c ?n ?ti ?rti ?case ?source ?oc WHERE { "
        + per_value(
            store,
            " ".join(iri_term(t) for t in treatments),
            "?t",
            """?t dct:subject ?a ; eli-dl:activity_date ?d .
               ?a schema:position ?n .
               ?z besluit:behandelt ?a ; besluit:isGehoudenDoor ?c .
               OPTIONAL { ?a dct:title ?ti }
               OPTIONAL { ?t rg:referencedTitle ?rti }
               OPTIONAL { ?t eli-dl:forms_part_of ?cs . OPTIONAL { ?cs dct:identifier ?case } }
               OPTIONAL { ?t dct:source ?source }
               OPTIONAL { ?t rg:decisionOutcome ?oc }""",
        )
        + " }",
    )
    bodies = (
        {
            str(r["c"]): r
            for r in select_strings(
                store,
                "SELECT ?c ?committee ?muni WHERE { "
                + per_value(
                    store,
                    " ".join(sorted({iri_term(str(r["c"])) for r in rows})),
                    "?c",
                    "?c skos:prefLabel ?committee ; besluit:bestuurt ?m . ?m skos:prefLabel ?muni",
                )
                + " }",
            )
        }
        if rows
        else {}
    )
    outcomes = notations(store, state, {str(r["oc"]) for r in rows if r["oc"]})
    out: dict[str, dict[str, Value]] = {}
    for r in rows:
        t = str(r["t"])
        if t in out:
            continue  # one row per treatment; extra rows only repeat it
        body = bodies.get(str(r["c"]), {})
        out[t] = {
            "z": r["z"],
            "d": _date_or_none(r["d"]),
            "n": int(r["n"]) if r["n"] and r["n"].lstrip("-").isdigit() else None,
            "committee": body.get("committee"),
            "muni": body.get("muni"),
            "ti": r["ti"],
            "rti": r["rti"],
            "case": r["case"],
            "source": r["source"],
            "outcome": outcomes.get(r["oc"]) or None if r["oc"] else None,
        }
    return out


def _date_or_none(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _policies(store: GraphBackend, treatments: list[str]) -> tuple[PolicyLink, ...]:
    values = " ".join(iri_term(t) for t in treatments)
    rows = select(
        store,
        f"""
        SELECT ?p (SAMPLE(?title) AS ?ti) (SAMPLE(?date) AS ?d) (SAMPLE(?bl) AS ?by)
               (GROUP_CONCAT(DISTINCT ?old; separator="\\n") AS ?olds)
        WHERE {{
          VALUES ?t {{ {values} }}
          ?t rg:treatsPolicy ?p . ?p eli:title ?title .
          OPTIONAL {{ ?p eli:date_document ?date }}
          OPTIONAL {{ ?p eli:passed_by/skos:prefLabel ?bl }}
          OPTIONAL {{ ?p dct:replaces/rdfs:label ?old }}
        }} GROUP BY ?p ORDER BY ?p""",
    )
    out = []
    for r in rows:
        olds = str(r["olds"] or "")
        d = r["d"]
        out.append(
            PolicyLink(
                str(r["p"]),
                str(r["ti"]),
                d if isinstance(d, dt.date) else None,
                str(r["by"]) if r["by"] else None,
                tuple(sorted(o for o in olds.split("\n") if o)),
            )
        )
    return tuple(out)


def _meeting_references(
    store: GraphBackend, treatments: list[str], state: WalkState
) -> list[LineageStep]:
    """Meetings the walk's treatments name without an item number ("Sagens forløb:
    17-01-2022 Økonomiudvalget") and that no treatment of the same case resolves.

    Only the treatments the walk went on from count (their outgoing references are
    in ``state``): one it stopped at — a prose mention, or an item of another case —
    names the meetings of its own matter, not of this one."""
    # The meeting details are a query of their own: joined in one, Oxigraph 0.5
    # plans them as a scan (200 ms on Greve) instead of lookups (a few ms).
    refs = [(t, *ref) for t in treatments for ref in state.out_refs.get(t, ())]
    # a reference to a meeting that also names one of its treatments is resolved
    resolved = {r for _, r, _, _, is_meeting in refs if not is_meeting}
    open_refs = sorted(
        (z, t, how) for t, r, z, how, is_meeting in refs if is_meeting and r not in resolved
    )
    if not open_refs:
        return []
    meeting_values = " ".join(sorted({iri_term(z) for z, _, _ in open_refs}))
    info = {
        str(r["z"]): r
        for r in select_strings(
            store,
            "SELECT ?z ?d ?committee ?muni ?source WHERE { "
            + per_value(
                store,
                meeting_values,
                "?z",
                """?z dct:date ?d ; besluit:isGehoudenDoor ?c .
                   ?c skos:prefLabel ?committee ; besluit:bestuurt ?m . ?m skos:prefLabel ?muni .
                   OPTIONAL { ?z dct:source ?source }""",
            )
            + " }",
        )
    }
    seen: dict[str, LineageStep] = {}
    for z, t, how in open_refs:
        if z in seen or z not in info:
            continue
        r = info[z]
        seen[z] = LineageStep(
            treatment=z,
            date=_date_or_none(r["d"]),
            municipality=r["muni"],
            committee=r["committee"],
            item_number=None,
            title=None,
            outcome=None,
            case_number=None,
            link=how,
            via=t,
            in_corpus=r["source"] is not None,
        )
    return list(seen.values())


def _planned_steps(
    store: GraphBackend, treatments: list[str], state: WalkState
) -> list[LineageStep]:
    """The coming steps (``rg:PlannedTreatment``) the walk's treatments name.

    Like the meeting references, only the treatments the walk went on from count:
    a prose mention's plans are those of its own matter."""
    expanded = [t for t in treatments if t in state.out_refs]
    if not expanded:
        return []
    rows = select_strings(
        store,
        "SELECT ?t ?p ?d ?n ?k ?x ?committee ?muni WHERE { "
        + per_value(
            store,
            " ".join(iri_term(t) for t in expanded),
            "?t",
            """?t rg:plannedTreatment ?p . ?p rg:plannedBy ?c .
               ?c skos:prefLabel ?committee ; besluit:bestuurt ?m . ?m skos:prefLabel ?muni .
               OPTIONAL { ?p dct:date ?d } OPTIONAL { ?p schema:position ?n }
               OPTIONAL { ?p dct:type ?k } OPTIONAL { ?p rg:construction ?x }""",
        )
        + " }",
    )
    kinds = notations(store, state, {str(r["k"]) for r in rows if r["k"]})
    out: dict[str, LineageStep] = {}
    for r in rows:
        p = str(r["p"])
        if p in out:
            continue
        out[p] = LineageStep(
            treatment=p,
            date=_date_or_none(r["d"]),
            municipality=r["muni"],
            committee=r["committee"],
            item_number=int(r["n"]) if r["n"] and r["n"].isdigit() else None,
            title=None,
            outcome=None,
            case_number=None,
            link=kinds.get(str(r["k"]), "") if r["k"] else "oversendt",
            via=str(r["t"]),
            in_corpus=False,
            planned=True,
            construction=r["x"] or None,
        )
    return list(out.values())


def _adoptions(
    policies: tuple[PolicyLink, ...], via: str | None, municipality: str | None
) -> list[LineageStep]:
    """A policy's adoption (vedtagelse), as its own text states it, is a step of every
    history of the items that treated it: often the later step the minutes lack."""
    return [
        LineageStep(
            treatment=p.policy,
            date=p.adopted_on,
            municipality=municipality,
            committee=p.adopted_by,
            item_number=None,
            title=f"Vedtagelse: {p.title}",
            outcome=None,
            case_number=None,
            link="vedtagelse",
            via=via,
            in_corpus=False,
        )
        for p in policies
        if p.adopted_on is not None and p.adopted_by
    ]


def _key(step: LineageStep) -> tuple[str, dt.date | None]:
    return (iris.committee_name(step.committee or "").lower(), step.date)


def lineage(
    store: GraphBackend,
    target: str | None = None,
    *,
    date: dt.date | None = None,
    item: int | None = None,
    committee: str | None = None,
) -> Lineage:
    """The chronological treatment history of a matter, and the policies it belongs to."""
    start = resolve_target(store, target, date=date, item=item, committee=committee)
    state = WalkState()
    reached = walk(store, start, state)
    ordered = sorted(reached)
    meetings = _meeting_references(store, ordered, state)
    details = _details(store, ordered, state)
    steps = []
    for t in ordered:
        d = details.get(t, {})
        link, via = reached[t]
        date_value = d.get("d")
        number = d.get("n")
        steps.append(
            LineageStep(
                treatment=t,
                date=date_value if isinstance(date_value, dt.date) else None,
                municipality=_str(d.get("muni")),
                committee=_str(d.get("committee")),
                item_number=number if isinstance(number, int) else None,
                title=_str(d.get("ti")) or _str(d.get("rti")),
                outcome=_str(d.get("outcome")),
                case_number=_str(d.get("case")),
                link=link,
                via=via,
                in_corpus=d.get("source") is not None,
            )
        )
    # a meeting named without an item number that the walk already reached
    # through one of its treatments (often the citing item's own meeting) adds nothing
    covered = {str(d["z"]) for d in details.values()}
    steps.extend(m for m in meetings if m.treatment not in covered)
    policies = _policies(store, ordered)
    held = {_key(s) for s in steps}
    muni = next((s.municipality for s in steps if s.link == "start"), None)
    for adoption in _adoptions(policies, start[0] if len(start) == 1 else None, muni):
        if _key(adoption) not in held:  # the adopting meeting's own item is already a step
            held.add(_key(adoption))
            steps.append(adoption)
    # a plan the store shows was carried out (the body held a step of the matter that
    # day) is that step; an undated referral is kept until a later step of that body
    for found in sorted(_planned_steps(store, ordered, state), key=lambda s: s.treatment):
        plan = _subject_committee(steps, found) if _key(found)[0] in _GENERIC else found
        if (
            plan is None
            or _key(plan) in held
            or (plan.date is None and plan.committee and _later_step(steps, plan))
        ):
            continue
        held.add(_key(plan))
        steps.append(plan)
    steps.sort(
        key=lambda s: (
            s.date or (dt.date.max if s.planned else dt.date.min),
            s.planned,
            s.committee or "",
            s.item_number or 0,
        )
    )
    label = target or f"{date} item {item}" + (f" ({committee})" if committee else "")
    return Lineage(label, tuple(steps), policies)


#: "Sagen sendes tilbage til fornyet behandling i fagudvalg": no body's name, but the
#: committee the matter belongs to
_GENERIC = frozenset({"fagudvalget", "fagudvalg", "udvalget", "udvalg"})
#: bodies a committee's matter passes through on its way, never "the fagudvalg"
_THROUGH = ("byråd", "kommunalbestyrelse", "økonomiudvalg", "borgerrepræsentation")


def _subject_committee(steps: list[LineageStep], plan: LineageStep) -> LineageStep | None:
    """A referral back to "fagudvalg" is to the committee that held the matter's latest
    step before the referral (not the council or the finance committee). None when such
    a committee held a step after it: the referral was carried out."""
    via_date = next((s.date for s in steps if s.treatment == plan.via), None)
    subject = [
        s
        for s in steps
        if not s.planned
        and s.date is not None
        and "udvalg" in (name := (s.committee or "").lower())
        and not any(word in name for word in _THROUGH)
        and _key(s)[0] not in _GENERIC
    ]
    if via_date is None:
        return plan
    if any(s.date is not None and s.date > via_date for s in subject):
        return None
    before = [s for s in subject if s.date is not None and s.date <= via_date]
    if not before:
        return plan
    latest = max(before, key=lambda s: s.date or dt.date.min)
    return replace(plan, committee=latest.committee)


def _later_step(steps: list[LineageStep], plan: LineageStep) -> bool:
    """A held step of the plan's body after the treatment that planned it."""
    via_date = next((s.date for s in steps if s.treatment == plan.via), None)
    body = _key(plan)[0]
    return any(
        not s.planned and _key(s)[0] == body and s.date and via_date and s.date > via_date
        for s in steps
    )


def _str(value: Value) -> str | None:
    return None if value is None else str(value)
