"""A local FirstAgenda portal for the tests: serves real meeting files (Greve's,
exactly as the portal answered them) through the portal's API on 127.0.0.1,
with faults on demand.

    GET /api/agenda/udvalgsliste          the committee list, built from the files
    GET /api/agenda/dagsorden/{id}        one meeting (ETag / Last-Modified when enabled)
    GET /vis/pdf/bilag/{id}               an attachment (a small generated PDF)

Faults (``portal.fault(meeting_id, kind, times)``): ``"500"`` (server error),
``"timeout"`` (answers after the client gave up), ``"truncated"`` (JSON cut in
half). Changes: :meth:`Portal.change`, :meth:`Portal.add`, :meth:`Portal.delete`,
:meth:`Portal.as_agenda` (the meeting before its minutes), :meth:`Portal.drop_item`.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.pdf_maker import make_pdf

_ID = re.compile(r"_([0-9a-f-]{36})\.json$")


def meeting_id(path: Path) -> str:
    m = _ID.search(path.name)
    if m:
        return m[1]
    return str(json.loads(path.read_bytes())["Id"])


def as_agenda(obj: dict[str, Any]) -> dict[str, Any]:
    """The meeting as its agenda was published: not concluded, no decisions."""
    obj = json.loads(json.dumps(obj))
    obj["Moede"]["Afsluttet"] = False
    for item in obj["Dagsordenpunkter"]:
        for felt in item.get("Felter") or []:
            html = str(felt.get("Html") or "")
            cut = re.search(r"<h[34][^>]*>\s*Beslutning", html)
            if cut:
                felt["Html"] = html[: cut.start()]
    return obj


class Portal:
    def __init__(self, files: Iterable[Path], *, etags: bool = True, timeout: float = 1.0) -> None:
        self.meetings: dict[str, dict[str, Any]] = {}
        self.modified: dict[str, float] = {}
        for path in files:
            self.meetings[meeting_id(path)] = json.loads(path.read_bytes())
            self.modified[meeting_id(path)] = 1_700_000_000.0
        self.etags = etags
        self.timeout = timeout  # how long a "timeout" fault stalls
        self.faults: dict[str, list[str]] = {}
        self.requests: Counter[str] = Counter()  # "GET <path> <status>"
        self.bodies = 0  # answers with a meeting body (not 304)
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    # --- changes and faults -----------------------------------------------------------

    def body(self, ident: str) -> bytes:
        return json.dumps(self.meetings[ident], ensure_ascii=False).encode("utf-8")

    def change(self, ident: str, obj: dict[str, Any] | None = None) -> None:
        """Republish a meeting (a small edit to its first item when ``obj`` is None)."""
        if obj is None:
            obj = json.loads(json.dumps(self.meetings[ident]))
            item = obj["Dagsordenpunkter"][0]
            item["Caption"] = str(item.get("Caption") or "") + " (rettet)"
        self.meetings[ident] = obj
        self.modified[ident] = self.modified[ident] + 86400

    def add(self, path: Path) -> str:
        ident = meeting_id(path)
        self.meetings[ident] = json.loads(path.read_bytes())
        self.modified[ident] = 1_700_100_000.0
        return ident

    def delete(self, ident: str) -> None:
        del self.meetings[ident]

    def drop_item(self, ident: str, index: int = -1) -> dict[str, Any]:
        obj = json.loads(json.dumps(self.meetings[ident]))
        gone: dict[str, Any] = obj["Dagsordenpunkter"].pop(index)
        self.change(ident, obj)
        return gone

    def fault(self, ident: str, kind: str, times: int = 99) -> None:
        self.faults[ident] = [kind] * times

    def listing(self) -> bytes:
        groups: dict[str, dict[str, dict[str, Any]]] = {}
        for ident, obj in self.meetings.items():
            udvalg = obj["Udvalg"]
            group = "Tidligere udvalg" if udvalg.get("Historisk") else "Aktuelle politiske udvalg"
            committee = groups.setdefault(group, {}).setdefault(
                str(udvalg["Id"]), {"Navn": udvalg["Navn"], "Id": udvalg["Id"], "Moeder": []}
            )
            committee["Moeder"].append({"Id": ident, "Dato": obj["Moede"]["Dato"]})
        data = {"Udvalg": {g: list(c.values()) for g, c in groups.items()}}
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    # --- serving ----------------------------------------------------------------------

    def handle(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        path = handler.path.split("?", 1)[0]
        if path == "/api/agenda/udvalgsliste":
            return 200, {"Content-Type": "application/json"}, self.listing()
        m = re.fullmatch(r"/api/agenda/dagsorden/([^/]+)", path)
        if m:
            ident = m[1]
            with self.lock:
                fault = self.faults[ident].pop(0) if self.faults.get(ident) else None
            if fault == "500":
                return 500, {}, b"Internal Server Error"
            if fault == "timeout":
                time.sleep(self.timeout)
            if ident not in self.meetings:
                return 404, {}, b"Not Found"
            body = self.body(ident)
            headers = {"Content-Type": "application/json; charset=utf-8"}
            if self.etags:
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                modified = email.utils.formatdate(self.modified[ident], usegmt=True)
                headers |= {"ETag": etag, "Last-Modified": modified}
                if handler.headers.get("If-None-Match") == etag:
                    return 304, headers, b""
            if fault == "truncated":
                body = body[: len(body) // 2]
            with self.lock:
                self.bodies += 1
            return 200, headers, body
        m = re.fullmatch(r"/vis/pdf/bilag/([^/]+)", path)
        if m:
            return 200, {"Content-Type": "application/pdf"}, make_pdf([[f"Bilag {m[1]}"]])
        return 404, {}, b"Not Found"

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @contextmanager
    def running(self) -> Iterator[Portal]:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = portal.handle(self)
                with portal.lock:
                    portal.requests[f"GET {self.path.split('?')[0]} {status}"] += 1
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout fault)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()

    def count(self, prefix: str) -> int:
        return sum(n for k, n in self.requests.items() if k.startswith(prefix))


if __name__ == "__main__":  # serve a folder by hand: python -m tests.portal_server DIR
    import sys

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/greve")
    with Portal(sorted(folder.glob("*.json"))).running() as p:
        print(p.url, flush=True)
        threading.Event().wait()
