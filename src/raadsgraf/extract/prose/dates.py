"""A sentence's dates, and whether each is a day a body met.

:func:`sentence_dates` (a yearless date takes the year of the date listed after it, or
the meeting's and the verb's tense; "den 26.06.24"), :func:`_a_meeting` with what makes
a date no meeting (a deadline, a date things take effect, an event, a span of days, a
moved or cancelled meeting, a date the sentence calls too late, a group that is no body
meeting), and a date told in a relative clause after a treatment still to come.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from raadsgraf.extract.dates import find_dates, make_date
from raadsgraf.extract.prose.bodies import BODY

if TYPE_CHECKING:
    from spacy.tokens import Doc


def sentence_dates(
    sentence: str, meeting_date: dt.date | None, past: bool
) -> list[tuple[dt.date, int, int]]:
    """The sentence's dates; one without a year takes the year of the date listed right
    after it ("den 28. august og 4. september 2024"), else, with the meeting's date known,
    the year that puts it where the verb's tense says: a past treatment on or before the
    meeting, any other the nearest to it."""
    full = find_dates(sentence)
    for m in _SHORT_YEAR.finditer(sentence):  # "Byrådsmøde den 26.06.24."
        found = make_date(2000 + int(m[3]), int(m[2]), int(m[1]))
        if found and not any(s < m.end() and m.start(1) < e for _, s, e in full):
            full.append((found, m.start(1), m.end()))
    full.sort(key=lambda d: d[1])
    starts = {d[1] for d in full}
    out = list(full)
    # any leap year finds the yearless dates (29 February too); each is dated below
    for date, start, end in find_dates(sentence, default_year=2000):
        if start in starts:
            continue
        after = next((d for d in full if d[1] > end), None)
        joint = sentence[end : after[1]] if after else ""
        year: int | None = None
        if after and re.fullmatch(r"\s*(?:,|og|samt|til|-|–)\s*(?:den\s*)?", joint):
            year = after[0].year - int((_dated(date, after[0].year) or after[0]) > after[0])
        elif meeting_date is not None:
            years = [meeting_date.year - 1, meeting_date.year, meeting_date.year + 1]
            dated = {y: d for y in years if (d := _dated(date, y)) is not None}
            if past:
                year = max((y for y, d in dated.items() if d <= meeting_date), default=None)
            else:
                year = min(dated, key=lambda y: abs(dated[y] - meeting_date), default=None)
        found = _dated(date, year) if year is not None else None
        if found is not None:
            out.append((found, start, end))
    return sorted(out, key=lambda d: d[1])


#: a two-digit year, only right after "den"/"d." (elsewhere it could be a case number)
_SHORT_YEAR = re.compile(r"\b(?:den|d\.)\s+(\d{1,2})\.(\d{1,2})\.(\d{2})(?!\d)", re.IGNORECASE)


def _dated(date: dt.date, year: int) -> dt.date | None:
    try:
        return date.replace(year=year)
    except ValueError:  # 29 February
        return None


def _a_meeting(sentence: str, date: tuple[dt.date, int, int]) -> bool:
    """Is the date a day a body met (not a deadline, an event, a date range)?"""
    before = sentence[: date[1]]
    if _NOT_A_MEETING.search(before) or _RANGE.search(before):
        return False
    if re.match(r"(?:lørdag|søndag)\b", sentence[date[1] :], re.IGNORECASE):
        return False  # a weekend day: an event, not a council's meeting
    after = sentence[date[2] : date[2] + 60]
    if _DEADLINE_AFTER.match(after) or _MOVED_AFTER.match(after):
        return False
    if _TOO_LATE.match(sentence, date[2]):
        return False
    group = _GROUP_MEETS.search(before)
    # "den politiske følgegruppe, som mødes den 8. november": a group that is no political
    # body of the municipality meets that day ("Byrådet mødes den …" is the council's)
    return group is None or BODY.fullmatch(group[1]) is not None


#: the sentence says the date will not do: "Byrådet har ordinært møde den 11. december
#: 2023, hvilket vil være for sent til at behandle …", "…, hvor det ikke er muligt"
_TOO_LATE = re.compile(
    r"[^.;]{0,20}?,?\s*(?:hvilket|hvor|men)\s+(?:\w+\s+){0,3}?"
    r"(?:for\s+sent|for\s+tidligt|ikke\s+(?:\w+\s+)?mulig\w*|umulig\w*)\b",
    re.IGNORECASE,
)
#: Who meets on the date: "følgegruppen, som mødes den …", "netværket holder møde den …",
#: "Byrådet mødes den …"; group 1 is the word before the verb (a body, or a group that
#: is none)
_GROUP_MEETS = re.compile(
    r"([\w-]+)\s*,?\s+(?:(?:som|der)\s+)?(?:\w+\s+)?"
    r"(?:mødes|samles|træder\s+sammen|(?:af)?holder\s+(?:sit\s+|et\s+|deres\s+)?(?:\w+\s+)?møde)"
    r"(?:\s+(?:igen|næste\s+gang|første\s+gang|[a-zæøå]+dag))?\s+(?:den|d\.)?\s*$",
    re.IGNORECASE,
)
#: what may stand between a date and the words told after it: "kl. 17.00", a comma
_AFTER_DATE = r"\s*(?:kl\.?\s*[\d.:]+\s*)?,?\s*"
#: a meeting the calendar changes, told after its date: "mødet den 9. januar 2023 flyttes
#: til torsdag", "udvalgets møde den 12. juni 2024 udvides med 1 time"
_MOVED_AFTER = re.compile(
    _AFTER_DATE + r"(?:flyttes|udvides|aflyses|rykkes|forlænges|forkortes|afkortes)\b",
    re.IGNORECASE,
)
#: "den 20.-21. maj", "den 14. og 15. marts": a span of days is a seminar or a
#: negotiation, not a meeting
_RANGE = re.compile(r"\b\d{1,2}\.?\s*(?:-|–|og|til)\s*$")
#: the date of a deadline told after it: "den 19. september 2024 kl. 8.00 var der frist"
_DEADLINE_AFTER = re.compile(
    _AFTER_DATE + r"(?:var|er|blev|bliver)\s+(?:der\s+)?(?:\w+\s+)?frist",
    re.IGNORECASE,
)


#: A date that is a deadline, a cut-off or when something takes effect, not the
#: day a body met: "senest 1. december", "pr. 31. juli", "træder i kraft den 1. juli",
#: "frem til og med den 19. september", "opstart den 13. august".
_NOT_A_MEETING = re.compile(
    r"(?:\b(?:senest|pr\.|frist(?:en)?|i\s+kraft|gældende|fra\s+og\s+med|til\s+og\s+med"
    r"|frem\s+(?:til|mod)(?:\s+\w+)?|opstart|udløber"
    # a bound or a start: "to gange efter den 18. november", "ny aftale fra 1. oktober",
    # "omfattet af ældreloven fra den 1. juli"
    r"|efter|før|fra"
    # the day rules take effect, however far from "i kraft": "træder i kraft med tre
    # måneders varsel, fra byrådets endelige beslutning, til den 1. oktober"
    r"|i\s+kraft\b[^.;]{0,120}?\btil"
    # a deadline moved ("fristen forlænges til 1. marts 2025", "udskudt til")
    r"|(?:forlæng|udsky|udskud|rykke)\w*(?:\s+\w+)?\s+til"
    # an event, not a meeting: "på Socialudvalgets seminar den", "studieturen som gik til
    # Aalborg den", "konferencen, som afholdes i Aalborg den", "workshop den"
    r"|(?:seminar|workshop|studietur|konference|forum|festival|messe"
    # meetings that are events, not a body's: "stormøde om Sundhedsaftalen den …"
    r"|stormøde|dialogmøde|borgermøde|informationsmøde|fyraftensmøde|netværksmøde)"
    r"\w*(?:\s+(?!møde)[\w,.-]+){0,6}?"
    # a visit is an event: "program for virksomhedsbesøg den 8. september 2025",
    # "studiebesøg hos Vejle Kommune den …"
    r"|\w*besøg(?:et|ene)?(?:\s+(?:hos|på|i)\s+[\w-]+(?:\s+[A-ZÆØÅ][\w-]*)?)?"
    # a period's bounds: "i perioden fra den 11. december …", "indtil den 31. marts"
    r"|indtil|perioden?(?:\s+(?:fra|mellem))?"
    # a place's opening or closing day, not a meeting: "Borgerservice skal være åben med
    # tidsbestilling fredag den 20. december", "Rådhuset holder lukket den 27. december",
    # ("behandles som lukket punkt den …" is a meeting's)
    r"|(?:åben|åbent|lukket|lukke(?:dag|s|r)?|åbningstid)\w*"
    r"(?!\s+(?:punkt|møde|dagsorden|sag|del))(?:\s+(?!møde)[\w,.-]+){0,4}?"
    # a deed registered that day ("deklarationen lyst 12/11/1948")
    r"|(?:ting)?lyst"
    # taking office ("som tiltræder Byrådet den 1. januar"), not approving ("tiltræder
    # indstillingen den …")
    r"|tiltr(?:æder|ådte|ådt)\s+(?:pr\.|[Bb]yrådet|[Kk]ommunalbestyrelsen)"
    r"|inden(?:\s+\w+)?|indgå\w*(?:\s+\w+)?|pr\.\s+\d{1,2}\.\s*\w+\.?\s+(?:eller|og)"
    r"|(?:virke|virkning|gælde)\w*\s+fra"
    # a document's own date ("afgørelse af 15. december 2021 fra Det Kommunale Tilsyn")
    r"|(?:afgørelse|brev|skrivelse|henvendelse|e-?mail|notat|kendelse|dom|bekendtgørelse"
    r"|cirkulære|ansøgning|høringssvar|redegørelse)\w*\s+af"
    # a meeting as a calendar fact, not a treatment of the matter: "mødet i april er den
    # 17. april", "afholdelse af Social- og Handicapudvalgets møde den 8. september"
    r"|mødet\s+i\s+\w+\s+er"
    # a decision about the calendar is no step of the matter: a meeting held, cancelled
    # or moved ("afholdelse af ekstraordinært byrådsmøde 1. december", "flytning af
    # byrådsmøde i november, fra onsdag den 26. november til mandag den 24. november",
    # "flytte mødet fra den 5. januar 2026 til den 12. januar"), or called at another hour
    # ("Byrådet indkaldes 30 min. tidligere end planlagt den 20. juni"), or called ("at
    # indkalde til et ekstraordinært udvalgsmøde den 21. november")
    r"|(?:afholdelse|aflysning|flytning|flytte|flyttes|flyttet|indkald\w*\s+til)"
    r"\s+(?:af\s+)?(?:\S+\s+){0,8}?"
    r"\S*møde[t]?(?![\w-])(?:[^.;]|(?<=\d)\.){0,60}?"
    r"|(?:tidligere|senere)\s+end\s+(?:planlagt|normalt|sædvanligt|vanligt)"
    # a bound on a meeting, not one: "genindføres allerede fra byrådsmødet den 8. september"
    r"|fra\s+(?:og\s+med\s+)?(?:\w+\s+)?\w*møde[t]?)(?:\s+(?:den|d\.))?\s*)$",
    re.IGNORECASE,
)


_MODALS = frozenset({"skal", "vil", "kan", "skulle", "bør", "må"})
_RELATIVE = re.compile(r"\b(?:som|der)\s+(?!skal\b|vil\b)\w+", re.IGNORECASE)


def _date_of_a_relative_clause(
    sentence: str, doc: Doc, matches: list[tuple[int, int, int]]
) -> bool:
    """ "Udvalget skal drøfte studieturen, som gik til Aalborg den 15. januar 2025": the
    treatment is still to come (a modal before the verb) and the date belongs to a
    relative clause after it that tells of no treatment: no dated treatment. ("…
    planen, som blev drøftet i Økonomiudvalget den 3. marts" is one.)"""
    verb = matches[0][1]
    if verb == 0 or doc[verb - 1].lower_ not in _MODALS:
        return False
    start = doc[verb].idx
    dates = find_dates(sentence[start:])
    clause = _RELATIVE.search(sentence, start)
    if not dates or clause is None or clause.start() > start + dates[0][1]:
        return False
    date_at = start + dates[0][1]
    return not any(clause.start() < doc[m[1]].idx < date_at for m in matches[1:])
