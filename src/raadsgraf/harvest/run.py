"""``raadsgraf harvest URL``: fetch a FirstAgenda portal's new and changed
meetings and ingest them.

One run: the committee list (one request), then each listed meeting with a
conditional GET when the log holds its validators (a 304 costs no body), else a
plain GET whose sha-256 is compared with the last one. A meeting's new version
replaces the old one (an agenda republished as minutes under the same id
replaces the agenda); an item gone from it, and a meeting gone from the portal
(not listed, and 404), are recorded as withdrawn. Every fetched answer is
checked by the FirstAgenda parser before it replaces the last good one, so a
truncated answer is one failure line and the old version stays. Then the files
fetched (and any a crashed run left behind) go to :func:`raadsgraf.pipeline.ingest`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from raadsgraf import iris, pipeline
from raadsgraf.config import Settings
from raadsgraf.errors import FetchError, RaadsgrafError, SourceError
from raadsgraf.harvest import firstagenda as portal
from raadsgraf.harvest.client import PortalClient
from raadsgraf.harvest.log import (
    MEETINGS,
    HarvestLog,
    ItemState,
    MeetingState,
    locked,
    portal_folder,
    write_atomic,
)
from raadsgraf.harvest.watch import first_import
from raadsgraf.harvest.withdrawals import triples_sha, withdrawal_triples
from raadsgraf.model import Document, Reported
from raadsgraf.parsers.registry import parse_bytes


@dataclass(slots=True)
class HarvestReport(Reported):
    portal: str
    listed: int = 0
    new: list[str] = field(default_factory=list)  # meeting IRIs
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    withdrawn_meetings: list[str] = field(default_factory=list)
    withdrawn_items: list[str] = field(default_factory=list)
    deferred: int = 0  # left for the next run by the per-run cap
    attachments: int = 0
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    fetched: int = 0  # answers with a body
    not_modified: int = 0
    ingested: list[str] = field(default_factory=list)  # files given to ingest
    ingest: pipeline.IngestReport | None = None

    def summary(self) -> str:
        text = (
            f"{self.portal}: {self.listed} meetings listed; {len(self.new)} new, "
            f"{len(self.changed)} changed, {self.unchanged} unchanged, "
            f"{len(self.withdrawn_meetings)} withdrawn meeting(s), "
            f"{len(self.withdrawn_items)} withdrawn item(s), {len(self.failures)} failed"
        )
        if self.deferred:
            text += f", {self.deferred} left for the next run (--max)"
        if self.attachments:
            text += f", {self.attachments} attachment(s)"
        text += (
            f"; {self.requests} request(s), {self.fetched} fetched, "
            f"{self.not_modified} not modified"
        )
        if self.ingest is not None:
            text += f"; ingest: {self.ingest.summary()}"
        return text


def _today() -> str:
    return dt.date.today().isoformat()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class _Run:
    def __init__(
        self,
        base: str,
        settings: Settings,
        client: PortalClient,
        report: HarvestReport,
        attachments: bool,
    ) -> None:
        self.base = base
        self.settings = settings
        self.client = client
        self.report = report
        self.attachments = attachments
        self.folder = portal_folder(Path(settings.store), base)
        self.log = HarvestLog(self.folder, base)
        #: documents parsed while checking the answers: the ingest need not parse
        #: the same bytes again
        self.parsed: dict[str, Document] = {}

    def fail(self, message: str) -> None:
        self.report.failures.append(message)

    def meeting(self, listed: portal.Listed) -> bool:
        """Fetch one meeting if it is new or changed; True when a body was fetched."""
        old = self.log.meetings.get(listed.id)
        url = portal.meeting_url(self.base, listed.id)
        try:
            response = self.client.get(
                url,
                etag=old.etag if old and not old.withdrawn else None,
                last_modified=old.last_modified if old and not old.withdrawn else None,
            )
        except FetchError as exc:
            self.fail(str(exc))
            return False
        if response.body is None:
            self.report.unchanged += 1
            return False
        sha = hashlib.sha256(response.body).hexdigest()
        if old is not None and old.sha256 == sha and not old.withdrawn:
            self.report.unchanged += 1
            # new validators for the same body: saved with the log at the end of the run
            old.etag, old.last_modified = response.etag, response.last_modified
            return True
        path = self.folder / MEETINGS / f"{iris.slug(listed.id)}.json"
        try:  # the parser checks the answer before it replaces the last good one
            doc = parse_bytes(response.body, str(path), "firstagenda")
            obj = json.loads(response.body.decode("utf-8-sig"))
        except SourceError as exc:  # the last good version stays
            where = f" (line {exc.line})" if exc.line else ""
            self.fail(
                f"{url}: unreadable answer ({exc.message}{where}); kept the last good version"
            )
            return True
        except ValueError as exc:
            self.fail(f"{url}: not JSON: {exc}")
            return True
        state = self._state(listed, doc, obj, sha, response.etag, response.last_modified, old)
        write_atomic(path, response.body)
        (self.report.changed if old is not None else self.report.new).append(state.iri)
        if self.attachments:
            self._attachments(state, doc, obj)
        self.log.record(state)  # journalled at once: a crash loses nothing fetched
        self.parsed[str(path)] = doc
        return True

    def _state(
        self,
        listed: portal.Listed,
        doc: Document,
        obj: dict[str, object],
        sha: str,
        etag: str | None,
        last_modified: str | None,
        old: MeetingState | None,
    ) -> MeetingState:
        meeting = doc.meetings[0]
        z = iris.meeting_iri(meeting)
        items: dict[str, ItemState] = {}
        for key, item in zip(portal.meeting_items(obj), meeting.items, strict=False):
            items[key] = ItemState(
                iris.item_iri(meeting, item), item.number, item.title, item.is_open
            )
        if old is not None:
            taken = {i.iri for i in items.values()}
            for key, gone in old.items.items():
                if key in items:
                    continue
                if not gone.withdrawn:
                    gone.withdrawn = _today()
                    self.report.withdrawn_items.append(
                        f"{old.iri} item {gone.number} {gone.title!r}"
                    )
                if gone.iri in taken:  # renumbered: a current item has its number
                    gone.iri = iris.withdrawn_item_iri(z, key)
                items[key] = gone
        return MeetingState(
            id=listed.id,
            file=f"{MEETINGS}/{iris.slug(listed.id)}.json",
            sha256=sha,
            iri=z,
            committee=meeting.committee.name,
            date=meeting.date.isoformat(),
            kind=meeting.kind,
            fetched=_now(),
            etag=etag,
            last_modified=last_modified,
            ingested=False,
            items=items,
            attachments=list(old.attachments) if old else [],
        )

    def _attachments(self, state: MeetingState, doc: Document, obj: dict[str, object]) -> None:
        """Each attachment PDF not fetched before, saved where the ingest reads it
        (:func:`raadsgraf.pipeline.local_copy`)."""
        locations = {
            a.location.rsplit("/", 1)[-1]: a.location
            for item in doc.meetings[0].items
            for a in item.attachments
            if a.location
        }
        for ident in portal.attachment_ids(obj):
            if ident in state.attachments:
                continue
            url = portal.attachment_url(self.base, ident)
            try:
                response = self.client.get(url)
            except FetchError as exc:
                self.fail(str(exc))
                continue
            if response.body is None:
                continue
            location = locations.get(ident, url)
            write_atomic(pipeline.local_copy(self.folder / MEETINGS, location), response.body)
            state.attachments.append(ident)
            self.report.attachments += 1

    def withdrawn(self, listed_ids: set[str]) -> None:
        """Meetings the log holds that the portal no longer lists: withdrawn when
        the portal answers 404 (or 410) for them; kept as they are otherwise."""
        for state in self.log.meetings.values():
            if state.id in listed_ids or state.withdrawn:
                continue
            try:
                self.client.get(portal.meeting_url(self.base, state.id), etag=state.etag)
            except FetchError as exc:
                if exc.status in {404, 410}:
                    state.withdrawn = _today()
                    self.report.withdrawn_meetings.append(state.iri)
                else:
                    self.fail(str(exc))
        self.log.save()

    def ingest(self, index: bool, progress: bool) -> None:
        """The fetched files not yet in the graph, and the withdrawals graph when it changed."""
        pending = [m for m in self.log.pending() if self.log.path_of(m).is_file()]
        triples = withdrawal_triples(self.log)
        sha = triples_sha(triples) if triples else None  # None: no withdrawals, no graph
        changed = sha != self.log.graph_sha
        graphs = {iris.harvest_graph_iri(self.folder.name): triples} if changed else {}
        if not pending and not graphs:
            return
        files = [self.log.path_of(m) for m in pending]
        settings = first_import(self.settings, index)  # the fast lane, for a first import
        report = pipeline.ingest(
            files, settings, progress=progress, index=index, graphs=graphs, parsed=self.parsed
        )
        self.report.ingest = report
        self.report.ingested = [str(f) for f in files]
        failed = {f.path for f in report.failures}
        for m, f in zip(pending, files, strict=True):
            m.ingested = str(f) not in failed
        for failure in report.failures:
            self.fail(str(failure))
        self.log.graph_sha = sha
        self.log.save()


def harvest(
    url: str,
    settings: Settings | None = None,
    *,
    attachments: bool | None = None,
    max_meetings: int | None = None,
    rate: float | None = None,
    index: bool = True,
    progress: bool = True,
    client: PortalClient | None = None,
) -> HarvestReport:
    """Harvest one FirstAgenda portal into ``settings.store`` (see the module doc).

    ``max_meetings`` caps the meetings fetched in this run (the rest wait for the
    next); ``rate`` is requests per second (0: no limit); each left out is the
    setting's (``sync_attachments``, ``sync_max``, ``sync_rate``). Failures are lines in
    ``report.failures``; everything else is still fetched and ingested.
    """
    settings = settings or Settings()
    attachments = settings.sync_attachments if attachments is None else attachments
    max_meetings = max_meetings if max_meetings is not None else settings.sync_max or None
    rate = settings.sync_rate if rate is None else rate
    base = portal.base_url(url)
    report = HarvestReport(base)
    own = client is None
    client = client or PortalClient(rate=rate)
    try:
        run = _Run(base, settings, client, report, attachments)
        with locked(run.folder):
            try:
                listed = portal.parse_listing(
                    client.get(portal.listing_url(base)).body or b"", portal.listing_url(base)
                )
            except RaadsgrafError as exc:
                run.fail(str(exc))
                listed = None
            if listed is not None:
                report.listed = len(listed)
                fetched = 0
                bar = tqdm(listed, desc="harvest", unit="meeting", disable=not progress)
                for entry in bar:
                    if max_meetings is not None and fetched >= max_meetings:
                        report.deferred += 1
                        continue
                    fetched += run.meeting(entry)
                run.withdrawn({m.id for m in listed})
            run.ingest(index, progress)
            run.log.save()  # folds the journal in; writes only what changed
    finally:
        report.requests = client.requests
        report.fetched = client.fetched
        report.not_modified = client.not_modified
        if own:
            client.close()
    return report
