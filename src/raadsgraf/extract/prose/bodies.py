"""The political bodies a sentence names, and which of them acts on a date.

BODY (committees, councils, boards named by their remit, the council's meeting, bodies
outside the municipality) and :func:`_body`, which normalises a name's form;
:func:`acting_bodies` (less those named only as a person's role) and :func:`acting_body`
(neither the matter's origin nor where it goes next; the body right before the date
first); what ties a body to a date (its meeting named, its own clause, attached right
before it, not a table cell with a time of its own), the dates listed with a date, the
bodies listed before a date's own body, and "henholdsvis" pairing bodies with dates.
"""

from __future__ import annotations

import datetime as dt
import re

#: Political bodies as named in running text; the name's own capitalisation
#: is normalised by :func:`_body`.
BODY = re.compile(
    r"(?<![\w-])(?:"
    # a list of parts ("Klima-, Teknik- og Miljøudvalget") starts with a hyphened part,
    # so "Strandvejsområdet, vedtaget af Plan- og Tryghedsudvalget" names only the last
    r"(?:[A-ZÆØÅ]\w*(?:-|,\s*-),?\s+(?:[\w-]+,?\s+|\w+-(?=og\s)){0,3}og\s+"
    # … or, with the hyphen left out, a bare stem ("Kultur og Fritidsudvalgets", "Plan og
    # Tryghedsudvalget"); a definite noun ("Byrådet og Økonomiudvalget") is a body of its own
    r"|[A-ZÆØÅ][a-zæøå]+(?<!et|en|ne)\s+og\s+(?=[A-ZÆØÅ][\w-]*udvalg))?"
    # … and the name it completes: a committee, or a council named by its remit ("Børne- og
    # Skolerådets" is one name, not "Skolerådet")
    r"[A-ZÆØÅ][\w-]*(?:udvalg(?:et|ets)?|råd(?:et|ets))"
    # "Udvalget for Plan, udvikling og kultur" (a committee named by its remit)
    r"|[Uu]dvalg(?:et)?\s+for\s+[A-ZÆØÅ]\w*(?:(?:,\s*[A-ZÆØÅa-zæøå]\w*){0,3}\s+og\s+[A-ZÆØÅa-zæøå]\w*)?"
    r"|[Uu]dvalg(?:et|ets)|[Ff]agudvalg(?:et|ets)"
    # councils and boards named by their remit: "Handicaprådet", "Ældrerådets"
    r"|[A-ZÆØÅ][\w-]*råd(?:et|ets)"
    r"|KKR(?:\s+[A-ZÆØÅ]\w+)?|[Kk]ommunekontaktråd(?:et|ets)?"
    # "på byrådsmødet den …": the meeting names the council
    r"|[Bb]yrådsmøde(?:t)?|[Kk]ommunalbestyrelsesmøde(?:t)?"
    # bodies outside the municipality: they compete for the date, and win no step
    r"|Folketing(?:et|ets)(?:\s+[A-ZÆØÅ][\w-]*udvalg(?:et)?)?"
    r"|[A-ZÆØÅ][\w-]*ministeri(?:et|ets)|[A-ZÆØÅ][\w-]*minister(?:en)?"
    r"|[Bb]yråd(?:et|ets)?|[Kk]ommunalbestyrelsen?s?|[Rr]egionsråd(?:et|ets)"
    # the finance committee's abbreviation, used across Danish municipalities' year-plans
    r"|ØU"
    r"|[Mm]agistrat(?:en|ens)|[Bb]orgerrepræsentation(?:en|ens)"
    r")(?![\w-])"
)

#: a time of its own in a table cell: "I foråret 2024 skal … godkendes af Byrådet", "i
#: marts", "inden 2025" (a year in a name, "Budget 2025-28", is none)
_OWN_TIME = re.compile(
    r"\b(?:i\s+(?:foråret|efteråret|sommeren|vinteren|løbet\s+af)|primo|medio|ultimo"
    r"|\d\.\s*kvartal|(?:i|inden|senest)\s+(?:januar|februar|marts|april|maj|juni|juli"
    r"|august|september|oktober|november|december|(?:19|20)\d{2}))\b",
    re.IGNORECASE,
)


def _timed_apart(sentence: str, date_at: int, body: re.Match[str]) -> bool:
    """A table row ("22. april 2024 | Sundhedsberedskabsplan | I foråret 2024 skal
    planen revideres og godkendes af Byrådet") whose body stands in another cell than the
    date, a cell that tells its own time: the row's date is the meeting whose year-plan
    it is, not the body's ("10. september 2024 | Plan- og Tryghedsudvalget behandler …"
    is the body's)."""
    if "|" not in sentence:
        return False
    start = sentence.rfind("|", 0, body.start()) + 1
    end = sentence.find("|", body.end())
    end = len(sentence) if end < 0 else end
    if start <= date_at < end:
        return False  # the date's own cell
    cell = sentence[start : body.start()] + " " + sentence[body.end() : end]
    return _OWN_TIME.search(cell) is not None


#: A person's role in a body: "møde med formand og næstformand for Handicaprådet den …",
#: "Borgersamlings-medlemmer Byråd", "Udvalgsformanden for Plan- og Tryghedsudvalget".
_ROLE_OF = re.compile(
    r"(?:formand|næstformand|medlem|repræsentant|sekretær)\w*\s+"
    r"(?:(?:og\s+\w+\s+)?(?:for|i|fra|af)\s+)?$",
    re.IGNORECASE,
)


def acting_bodies(sentence: str) -> list[re.Match[str]]:
    """The bodies the sentence names, less those named only as a person's role (the
    chair of a council meeting someone is no meeting of the council)."""
    return [m for m in BODY.finditer(sentence) if not _ROLE_OF.search(sentence[: m.start()])]


#: The lower-case remit after a capitalised "Udvalget" (a proper name), which BODY leaves
#: out: "Region Sjælland (Udvalget for regional udvikling, uddannelse, kollektiv trafik …)
#: har den 6. september 2023 besluttet" is another authority's committee, not "udvalget"
#: of the item ("forelægges Udvalget for at sikre …" is no remit).
_BY_REMIT = re.compile(r"\s+for\s+(?!at\b|så\b)[a-zæøå]")

#: Bodies outside the municipality: "Folketingets Finansudvalg vedtog den 10. marts …".
_EXTERNAL = re.compile(r"Folketing|[A-ZÆØÅ][\w-]*minist", re.IGNORECASE)

#: A date list's joints: "(pkt. 16), 17. april", "og i Byrådet den", "og efterfølgende i
#: Byrådet den", "og Byrådets møde den"; BODY stands for a body's name.
_LIST_JOINT = re.compile(
    r"\s*,?\s*(?:\((?:pkt|punkt)\.?\s*\d+[^)]{0,20}\))?\s*(?:,\s*)?(?:\s*(?:og|samt)\s+)?"
    r"(?:(?:efterfølgende|derefter|herefter|senere|igen|endelig)\s+)?"
    r"(?:(?:i|på|for|af)\s+)?(?:BODY\s*(?:s?\s*møde\s*)?)?(?:(?:den|d\.)\s*)?",
    re.IGNORECASE,
)


def _meeting_named(sentence: str, bodies: list[re.Match[str]], date_at: int) -> bool:
    """Is the date a named body's meeting: "Byrådet den …", "Byrådets møde den …",
    "Byrådet på mødet den …", "på mødet den …"?"""
    if re.search(r"\bmøde[t]?\s+(?:den|d\.)?\s*$", sentence[:date_at], re.IGNORECASE):
        return True
    return _attached_body(sentence, bodies, date_at)


def _attached_body(sentence: str, bodies: list[re.Match[str]], date_at: int) -> bool:
    return any(
        m.end() <= date_at and _ATTACHED.fullmatch(sentence[m.end() : date_at]) for m in bodies
    )


def _own_body(sentence: str, bodies: list[re.Match[str]], date_at: int) -> bool:
    """Does a body stand before the date in its own clause ("Økonomiudvalgets 2.
    behandling af budgettet den …"), no comma or other date between?"""
    return any(
        m.end() <= date_at
        and date_at - m.end() <= 60
        and not re.search(r"[,;:]|\d{4}", sentence[m.end() : date_at])
        for m in bodies
    )


def _listed_with(
    sentence: str, dates: list[tuple[dt.date, int, int]], primary: tuple[dt.date, int, int]
) -> list[tuple[dt.date, int, int]]:
    """The primary date and the dates listed with it, in order: each joined to the next
    by a comma or "og" (with at most the next date's body and "møde den" between)."""
    at = dates.index(primary)
    lo = hi = at

    def joined(a: tuple[dt.date, int, int], b: tuple[dt.date, int, int]) -> bool:
        between = BODY.sub("BODY", sentence[a[2] : b[1]])
        return _LIST_JOINT.fullmatch(between) is not None

    while lo > 0 and joined(dates[lo - 1], dates[lo]):
        lo -= 1
    while hi + 1 < len(dates) and joined(dates[hi], dates[hi + 1]):
        hi += 1
    return dates[lo : hi + 1]


def _respectively(
    sentence: str, bodies: list[re.Match[str]], dates: list[tuple[dt.date, int, int]]
) -> dict[int, re.Match[str]] | None:
    """ "Økonomiudvalget og Byrådet vedtog henholdsvis den 28. august og 4. september",
    "den 25. september og 2. oktober: 2. behandling på henholdsvis ØU og Byrådet": the
    bodies listed next to "henholdsvis", paired with its dates in order. An empty pairing
    when a listed partner is no known body ("på ØU og BY henholdsvis"): no date's body is
    known then."""
    word = re.search(r"\bhenholdsvis\b", sentence, re.IGNORECASE)
    if word is None and dates:
        # "orienterede Økonomiudvalget og Byrådet … på møder den 27. november 2023 (pkt.
        # 29) og 11. december 2023": the plural "møder" right before the dates pairs them
        # with the bodies listed before it, in order, as "henholdsvis" does
        word = re.search(r"\bmøder(?=\s+(?:den\s+|d\.\s*)?$)", sentence[: dates[0][1]])
    if word is None or len(dates) < 2:
        return None
    if dates[0][1] > word.start():  # the bodies before the word
        group = [m for m in bodies if m.end() <= word.start()][-1:]
        for m in reversed([m for m in bodies if m.end() <= word.start()][:-1]):
            if not re.fullmatch(r"\s*(?:,|og|samt)\s*", sentence[m.end() : group[0].start()]):
                break
            group.insert(0, m)
        unknown = group and re.fullmatch(
            r"\s*(?:og|samt)\s+\S+\s*", sentence[group[-1].end() : word.start()]
        )
    elif dates[-1][1] < word.start():  # the bodies after it
        after = [m for m in bodies if m.start() >= word.end()]
        group = after[:1]
        if group and not re.fullmatch(r"\s*", sentence[word.end() : group[0].start()]):
            return None
        for m in after[1:]:
            if not re.fullmatch(r"\s*(?:,|og|samt)\s*", sentence[group[-1].end() : m.start()]):
                break
            group.append(m)
        unknown = group and re.match(r"\s*(?:og|samt)\s+(?!\d)\w+", sentence[group[-1].end() :])
    else:
        return None
    if unknown:
        return {}
    if len(group) != len(dates):
        return None
    return {d[1]: m for d, m in zip(dates, group, strict=True)}


def _listed_before(
    sentence: str, bodies: list[re.Match[str]], body: re.Match[str], date_at: int
) -> list[re.Match[str]]:
    """ "forelægges Plan- og Tryghedsudvalget, samt Beskæftigelses- og Erhvervsudvalget den
    31. maj": the bodies listed right before the date's own body share its date."""
    out: list[re.Match[str]] = []
    at = body.start()
    if not _ATTACHED.fullmatch(sentence[body.end() : date_at]):
        return out  # "Økonomiudvalget og Byrådet vedtog den …": the verb between
    for m in reversed([m for m in bodies if m.end() <= at]):
        if not re.fullmatch(r"\s*(?:,\s*)?(?:og|samt)\s+|\s*,\s*", sentence[m.end() : at]):
            break
        out.insert(0, m)
        at = m.start()
    return out


def _named_committee_before(bodies: list[re.Match[str]], at: int) -> str | None:
    """ "Plan- og Tryghedsudvalget har ved udvalgets behandling den 14. marts …": a
    generic "udvalget" after one named committee in the same sentence is that committee."""
    named = [m for m in bodies if m.start() < at and "udvalg" in m[0].lower()]
    named = [m for m in named if _body(m[0]) not in ("Udvalget", "Fagudvalget")]
    return _body(named[0][0]) if len(named) == 1 else None


#: A body the matter comes *from* ("efter indstilling fra X", "anbefaling fra X"):
#: it acted earlier, not on the sentence's date.
_FROM = re.compile(r"\b(?:fra|på\s+vegne\s+af)\s+$", re.IGNORECASE)
#: A body's advice another body acts on: "Byrådet behandler den 3. oktober
#: Økonomiudvalgets anbefaling" (the genitive's "s" is part of the match).
_ADVICE = re.compile(r"(?<=s)\s+(?:\w+\s+)?(?:anbefaling|indstilling)", re.IGNORECASE)
#: A body whose treatment another body prepares: "Økonomiudvalgets forberedelse af
#: Byrådets 2. behandling" (the genitive preparer acts on the date).
_PREPARED = re.compile(r"[A-ZÆØÅ]\w*s\s+forberedelse\s+(?:af|til)\s+$")
#: The start of a clause about what is to happen next ("i forhold til indstilling
#: til godkendelse i Byrådet", "med henblik på …", ", som skal indstille til …"):
#: a body named after it is where the matter goes later, not who acts on the date.
_ONWARD = re.compile(
    r"\b(?:i\s+forhold\s+til|med\s+henblik\s+på|henblik\s+på|(?:som|der)\s+(?:skal|vil)"
    r"|at\s+der\s+skal|for\s+at|under\s+forudsætning\s+af"
    # "SOU skal senest på udvalgsmødet den 14. november indstille til Byrådet": the body
    # recommended to acts later, the one recommending on the date
    r"|indstill\w*\s+til)\b",
    re.IGNORECASE,
)


#: What stands between a body and the date that is its meeting's.
_ATTACHED = re.compile(
    # the rest of a name by remit ("Samarbejdsudvalget for Fysioterapi den …")
    r"(?:\s+for\s+[A-ZÆØÅ][\w-]*(?:,?\s+(?:og\s+)?[\w-]+){0,3}?)?"
    r"\s*(?:s?\s+møde|,)?\s*(?:på\s+(?:sit|deres|mødet|møde)\s*)?(?:møde\s+)?(?:den|d\.)?\s*",
    re.IGNORECASE,
)


def acting_body(sentence: str, bodies: list[re.Match[str]], date_at: int) -> re.Match[str]:
    """The body the sentence names as acting on the date at ``date_at``.

    "Ansøgningen fremlægges for Byrådet, efter indstilling fra Teknik-, Plan- og
    Landdistriktsudvalget": Byrådet, not the committee it comes from. "Drøftelse i
    Teknik-, Plan- og Landdistriktsudvalget i forhold til indstilling til godkendelse i
    Byrådet": the committee; Byrådet is where it goes next. Of the bodies that are
    neither the matter's origin nor in a clause about its next steps, the one nearest
    the date; failing that, the nearest that is not its origin; failing that, the nearest.
    """
    onward = [m.start() for m in _ONWARD.finditer(sentence)]

    def origin(m: re.Match[str]) -> bool:
        return (
            _FROM.search(sentence[max(0, m.start() - 30) : m.start()]) is not None
            or _ADVICE.match(sentence, m.end()) is not None
            # "Økonomiudvalgets forberedelse af Byrådets 2. behandling … den 24. september":
            # the date is the preparing body's, the prepared treatment comes after it
            or _PREPARED.search(sentence[max(0, m.start() - 40) : m.start()]) is not None
        )

    def later(m: re.Match[str]) -> bool:
        # an onward clause between the date and the body (the date's own clause ends there)
        lo, hi = sorted((date_at, m.start()))
        return any(lo < o < hi for o in onward)

    def nearest(ms: list[re.Match[str]]) -> re.Match[str]:
        # "behandles i Klima-, Teknik- og Miljøudvalget den 27. marts 2025 og i Byrådet
        # den 23. april": a body right before the date ("X den …", "X på mødet den …")
        # is the date's own, however near the next body stands
        attached = [
            m for m in ms if m.end() <= date_at and _ATTACHED.fullmatch(sentence[m.end() : date_at])
        ]
        return min(attached or ms, key=lambda m: abs(m.start() - date_at))

    acting = [m for m in bodies if not origin(m) and not later(m)]
    if acting:
        return nearest(acting)
    not_origin = [m for m in bodies if not origin(m)]
    return nearest(not_origin or bodies)


_ACTIVITY = re.compile(r"^[A-ZÆØÅ][a-zæøå]+\s+(?:i|af|på|fra|til|med)\s+(\S.*)$")


def _body(name: str) -> str:
    """ "byrådet", "Byrådets" → "Byrådet"; "Økonomiudvalgets" → "Økonomiudvalget";
    "Kultur og Fritidsudvalgets" → "Kultur- og Fritidsudvalget"; "byrådsmødet" → "Byrådet"."""
    name = " ".join(name.split())
    # "Drøftelse i Teknik-, Plan- og Landdistriktsudvalget": the body after the activity
    lead = _ACTIVITY.match(name)
    if lead:
        name = lead[1]
    name = name[0].upper() + name[1:]
    name = re.sub(r",\s*-", "-,", name)  # "Klima, - Teknik- og Miljøudvalget"
    name = re.sub(r"^([A-ZÆØÅ][a-zæøå]+) og (?=\S+udvalg)", r"\1- og ", name)
    name = re.sub(r"(\w)-og\s", r"\1- og ", name)  # "Teknik-og Miljøudvalget"
    name = re.sub(r"udvalgsudvalg", "udvalg", name)  # "Kultur- og Fritidsudvalgsudvalget"
    if name == "ØU":
        return "Økonomiudvalget"
    if re.fullmatch(r"(?:Byrådsmøde|Kommunalbestyrelsesmøde)t?", name):
        return "Byrådet" if name.startswith("By") else "Kommunalbestyrelsen"
    if name.endswith(("ets", "ens")):
        name = name[:-1]
    if name == "Byråd":
        return "Byrådet"
    if name in ("Udvalget", "Udvalg"):
        return "Udvalget"
    if name in ("Fagudvalget", "Fagudvalg"):
        return "Fagudvalget"
    return name
