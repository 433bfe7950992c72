"""Timed parts of a benchmark on a shared machine: hold the bench lock, at normal priority.

On the shared 2-core machine everything that is not a timed measurement runs at
``nice -n 19``, and a timed measurement runs at normal priority while holding
``flock`` on a shared lock file (so two engineers never time at once). A load test
has slow untimed parts (opening the store, starting the service, loading the
model): start the benchmark niced and wrap only the timed part in :func:`held`,
which takes the lock (waiting for it), raises the benchmark, the processes under
test and their children to priority 0, and puts them back to 19 afterwards.
A nice-0 process then gets ~98 % of a core against nice-19 neighbours (CFS weights
1024 vs 15): near-idle timings although the load average is high — **but only when
the kernel does not group by session**. With ``sched_autogroup_enabled`` (this
machine's kernel) every session is an autogroup, the scheduler first shares the
cores fairly between the autogroups, and a thread's nice value only counts inside
its own group: a nice-0 benchmark got 25 % of a core at load 13 against other
sessions' nice-19 work (measured with a spin loop under the lock). So :func:`held`
also sets this session's autogroup to nice -20 while it holds the lock (weight
88,761 against 1,024 per other group, the same ~98 % the brief's rule meant: the
spin loop then got 100 %) and puts it back afterwards; the lock makes sure only
one engineer's group does this at a time.

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
    """Set the nice value of every thread of this process, of ``pids`` and of their
    children. Linux keeps a nice value per thread (a new thread inherits its creator's),
    so setting the process's alone leaves a server's running threads where they were."""
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
            threads = [t.id for t in p.threads()]
        except psutil.NoSuchProcess:
            continue
        for tid in threads:
            try:
                os.setpriority(os.PRIO_PROCESS, tid, value)
            except ProcessLookupError:
                continue
            except PermissionError:
                ok = False
    return ok


AUTOGROUP = Path("/proc/self/autogroup")


def _autogroup(value: int | None) -> int | None:
    """Set this session's autogroup nice value; returns the one it had (None: no
    autogroups here, or not allowed)."""
    try:
        before = int(AUTOGROUP.read_text().split()[-1])
        if value is not None:
            AUTOGROUP.write_text(str(value))
        return before
    except (OSError, ValueError, IndexError):
        return None


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
        group = _autogroup(-20)
        raised = _renice(pids, 0) and group is not None
        if not raised:
            print("could not raise the priority (not root): timing as is", file=sys.stderr)
        started = time.monotonic()
        info: dict[str, object] = {
            "bench_lock": str(lock),
            "lock_waited_s": waited,
            "priority_raised": raised,
            "autogroup_nice": None if group is None else -20,
            "load_at_start": [round(x, 1) for x in os.getloadavg()],
        }
        try:
            yield info
        finally:
            info["lock_held_s"] = round(time.monotonic() - started, 1)
            _renice(pids, 19)
            if group is not None:
                _autogroup(group)
            fcntl.flock(f, fcntl.LOCK_UN)
