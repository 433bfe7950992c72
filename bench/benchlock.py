"""Timed parts of a benchmark on a shared machine: hold the bench lock, at normal priority.

On the shared 2-core machine everything that is not a timed measurement runs at
``nice -n 19``, and a timed measurement runs at normal priority while holding
``flock`` on a shared lock file (so two engineers never time at once). A load test
has slow untimed parts (opening the store, starting the service, loading the
model): start the benchmark niced and wrap only the timed part in :func:`held`,
which takes the lock (waiting for it), raises the benchmark, the processes under
test and their children to priority 0, and puts them back to 19 afterwards.
A nice-0 process then gets ~98 % of a core against nice-19 neighbours (CFS weights
1024 vs 15): near-idle timings although the load average is high.

Lowering a nice value needs root (or CAP_SYS_NICE); without it the run goes on
at the priority it has and says so.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil


def _renice(pids: list[int], value: int) -> bool:
    procs: list[psutil.Process] = [psutil.Process(os.getpid())]
    for pid in pids:
        try:
            p = psutil.Process(pid)
            procs += [p, *p.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
    ok = True
    for p in procs:
        try:
            p.nice(value)
        except psutil.NoSuchProcess:
            continue
        except psutil.AccessDenied:
            ok = False
    return ok


@contextmanager
def held(lock: Path | None, pids: list[int]) -> Iterator[dict[str, object]]:
    """Hold ``lock`` (when given) with this process and ``pids`` (and their children)
    at priority 0; yields what to write beside the timing (waited, load average)."""
    if lock is None:
        yield {"bench_lock": None, "load_at_start": [round(x, 1) for x in os.getloadavg()]}
        return
    with open(lock, "a") as f:
        t = time.monotonic()
        print(f"waiting for the bench lock {lock} …", file=sys.stderr)
        fcntl.flock(f, fcntl.LOCK_EX)
        waited = round(time.monotonic() - t, 1)
        raised = _renice(pids, 0)
        if not raised:
            print("could not raise the priority (not root): timing as is", file=sys.stderr)
        started = time.monotonic()
        info: dict[str, object] = {
            "bench_lock": str(lock),
            "lock_waited_s": waited,
            "priority_raised": raised,
            "load_at_start": [round(x, 1) for x in os.getloadavg()],
        }
        try:
            yield info
        finally:
            info["lock_held_s"] = round(time.monotonic() - started, 1)
            _renice(pids, 19)
            fcntl.flock(f, fcntl.LOCK_UN)
