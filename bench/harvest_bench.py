"""Harvest throughput and the cost of a sync that finds nothing new (issue 14).

Serves the Greve corpus (373 FirstAgenda meetings, exactly as the portal
answers) through the test portal (tests/portal_server.py) on 127.0.0.1 and runs
``raadsgraf.harvest.harvest`` into a fresh store with the rate limit off:

1. first harvest: every meeting fetched, checked, saved and ingested (graph only,
   ``index=False``: the search index's cost is search_speed.py's business);
   fetch and ingest are timed apart;
2. no-change harvest, twice: with ETags (conditional GETs, 304s) and with the
   portal's validators switched off, by content hash (full bodies).

    PYTHONPATH=src:. python bench/harvest_bench.py             # all of Greve
    PYTHONPATH=src:. python bench/harvest_bench.py --sample 50 # the first 50 meetings
    PYTHONPATH=src:. python bench/harvest_bench.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.portal_server import Portal  # noqa: E402

from raadsgraf import pipeline  # noqa: E402
from raadsgraf.config import Settings  # noqa: E402
from raadsgraf.harvest import harvest  # noqa: E402
from raadsgraf.harvest.client import PortalClient  # noqa: E402

GREVE = ROOT.parent / "shared" / "corpus" / "greve"


def _timed_ingest() -> dict[str, float]:
    """Wrap pipeline.ingest to time it apart from the fetching."""
    spent = {"seconds": 0.0}
    original = pipeline.ingest

    def ingest(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent["seconds"] += time.perf_counter() - start

    pipeline.ingest = ingest  # type: ignore[assignment]
    return spent


def _once(portal: Portal, store: Path) -> tuple[float, dict[str, int]]:
    client = PortalClient(rate=0)
    start = time.perf_counter()
    report = harvest(portal.url, Settings(store=store), index=False, progress=False, client=client)
    seconds = time.perf_counter() - start
    if report.failures:
        raise SystemExit(f"harvest failed: {report.failures[:3]}")
    counts = {
        "requests": report.requests,
        "bodies": report.fetched,
        "not_modified": report.not_modified,
        "bytes": client.bytes,
        "new": len(report.new),
        "changed": len(report.changed),
    }
    return seconds, counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(GREVE))
    ap.add_argument("--sample", type=int, default=None, help="only the first N meetings")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    files = sorted(Path(args.folder).glob("*.json"))[: args.sample]
    spent = _timed_ingest()
    out: dict[str, object] = {"meetings": len(files), "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        with Portal(files).running() as portal:
            seconds, counts = _once(portal, store)
            ingest = spent["seconds"]
            out["first"] = {
                "seconds": round(seconds, 2),
                "meetings_per_s": round(len(files) / seconds, 1),
                "fetch_seconds": round(seconds - ingest, 2),
                "fetch_meetings_per_s": round(len(files) / max(seconds - ingest, 1e-9), 1),
                "ingest_seconds": round(ingest, 2),
                **counts,
            }
            seconds, counts = _once(portal, store)
            out["no_change_etag"] = {"seconds": round(seconds, 2), **counts}
            portal.etags = False  # a portal that sends no validators: full bodies, hashed
            seconds, counts = _once(portal, store)
            out["no_change_hash"] = {"seconds": round(seconds, 2), **counts}
    out["load_after"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(out, indent=2))
        return
    first = out["first"]
    assert isinstance(first, dict)
    print(
        f"{len(files)} meetings, load {out['load_before']:.1f} → {out['load_after']:.1f}\n"
        f"first harvest: {first['seconds']} s ({first['meetings_per_s']} meetings/s); "
        f"fetch+check+save {first['fetch_seconds']} s ({first['fetch_meetings_per_s']} meetings/s), "
        f"ingest {first['ingest_seconds']} s; {first['requests']} requests, {first['bytes']:,} bytes"
    )
    for key, label in (("no_change_etag", "ETag / 304"), ("no_change_hash", "content hash")):
        r = out[key]
        assert isinstance(r, dict)
        print(
            f"no-change sync ({label}): {r['seconds']} s, {r['requests']} requests, "
            f"{r['bodies']} bodies, {r['bytes']:,} bytes, {r['new'] + r['changed']} fetched as new/changed"
        )


if __name__ == "__main__":
    main()
