"""A stage run in a fresh Python process of its own, as if it were called here.

An ingest's graph stage leaves its process holding what reading and loading
needed — spaCy, lxml, rdflib, Oxigraph, the C heap's fragments: ~0.36 GB on all
of Greve (bench/README.md, "lean.py") — and the index stage used to build its
chunks, vectors, FAISS and BM25 on top of that. Called through :func:`call`, the
index stage starts from a fresh interpreter instead and its memory goes when it
ends. What crosses over is data: the function by its module and name, its
arguments pickled (the documents are spilled to disk already, so they are file
names), the result or the error pickled back.

The child inherits stderr (its progress bar and summary show as before) and
the process group (Ctrl-C stops both; the parent waits for the child, so a
stage never outlives the ingest that started it). An error in the child is
raised again here: the same exception when it survives pickling, else a
:class:`RaadsgrafError` (or, for a bug, a ``RuntimeError``) with the same text;
the child's traceback goes with it as a note.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from raadsgraf.errors import RaadsgrafError

#: A child process's exit code after Ctrl-C (128 + SIGINT), as a shell reports it.
INTERRUPTED = 130


_ONE_CALL = False


def one_call() -> bool:
    """Is this process a child run for one call (:func:`call`)? It ends after the
    call: what a longer-lived process keeps for a next call (a loaded model) can go
    as soon as the call is done with it."""
    return _ONE_CALL


def release_freed_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's ``malloc_trim``).

    The graph stage frees most of what it built (N-Triples batches, the derive
    queries' results), but glibc keeps the freed pages mapped: on Greve ~120 MB
    of the ingest's RSS, which derive and the index stage would otherwise build
    on top of (bench/README.md, "lean.py"); an index stage's e5 session and arena,
    ~0.2 GB, once the vectors are computed. Elsewhere (not glibc) this does nothing."""
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def by_name(func: Callable[..., Any]) -> tuple[str, str] | None:
    """``func``'s module and name when importing them gives ``func`` back (a module's
    own function: what a child process can find), else None (a closure, a lambda,
    a function a test put in place of a module)."""
    module, name = getattr(func, "__module__", None), getattr(func, "__qualname__", "")
    if not module or not name or "<" in name:
        return None
    try:
        found: Any = importlib.import_module(module)
        for part in name.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return None
    return (module, name) if found is func else None


def call(func: Callable[..., Any], *args: Any, folder: Path | None = None) -> Any:
    """``func(*args)`` in a child process when ``func`` can be found by name there
    (:func:`by_name`), else here. ``folder`` holds the job's two small files (a
    temporary folder of its own when None); the arguments must pickle."""
    named = by_name(func)
    if named is None:
        return func(*args)
    with tempfile.TemporaryDirectory(prefix=".apart-", dir=folder) as tmp:
        job = Path(tmp) / "job.pickle"
        result = Path(tmp) / "result.pickle"
        with open(job, "wb") as f:
            pickle.dump((*named, args, str(result)), f, protocol=pickle.HIGHEST_PROTOCOL)
        code = _run(job)
        if not result.is_file():
            # Ctrl-C: the child's own exit code, or Python's death by SIGINT (a
            # signal that came past the child's handler, at its very end)
            if code in (INTERRUPTED, -signal.SIGINT):
                raise KeyboardInterrupt
            raise RaadsgrafError(
                f"{named[0]}.{named[1]} ended in its own process with exit code {code} "
                "and no result (killed, or out of memory?)"
            )
        with open(result, "rb") as f:
            ok, value, where = pickle.load(f)  # our own file, written by our own child
    if ok:
        return value
    if isinstance(value, BaseException):
        value.add_note(where)
        raise value
    ours, text = value
    error = RaadsgrafError(text) if ours else RuntimeError(text)
    error.add_note(where)
    raise error


def _run(job: Path) -> int:
    """Runs the child for ``job`` and waits for it; stops it if this process is
    interrupted meanwhile."""
    package = Path(__file__).resolve().parent.parent  # this raadsgraf, not another one
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(package), env.get("PYTHONPATH")]))
    try:  # the child's stdout is the parent's stderr: stdout carries data (--json)
        out: int | None = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        out = None
    # Ctrl-C is held (blocked, not lost) while the child starts, and the child
    # inherits the block: a SIGINT during its interpreter's start would otherwise
    # kill it mid-import ("Fatal Python error: init_import_site", exit code 1,
    # passing for a crash). The child lets it through once it can catch it
    # (``__main__`` below); here it arrives once the child is ours to stop.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "raadsgraf.apart", str(job)], env=env, stdout=out
        )
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        return proc.wait()
    except BaseException:  # Ctrl-C (the child got it too) or any error here: no orphan
        stop(proc)
        raise


def stop(proc: subprocess.Popen[Any], grace: float = 10) -> None:
    """Ends a child process: asked to (SIGTERM), then told to after ``grace`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _portable(exc: BaseException) -> BaseException | tuple[bool, str]:
    """The exception itself when it survives pickling, else whether it was a
    :class:`RaadsgrafError` and its text."""
    try:
        back = pickle.loads(pickle.dumps(exc))
    except Exception:  # an exception whose constructor takes other arguments
        back = None
    if type(back) is type(exc) and str(back) == str(exc):
        return exc
    return isinstance(exc, RaadsgrafError), str(exc) or type(exc).__name__


def main(job: str) -> int:
    """The child's side: run the job in ``job`` and pickle what it gave."""
    global _ONE_CALL
    _ONE_CALL = True
    with open(job, "rb") as f:
        module, name, args, result = pickle.load(f)  # written by our parent just now
    func: Any = importlib.import_module(module)
    for part in name.split("."):
        func = getattr(func, part)
    try:
        answer: tuple[bool, Any, str] = (True, func(*args), "")
    except KeyboardInterrupt:
        return INTERRUPTED
    except Exception as exc:
        where = f"(raised in {module}.{name}'s own process)\n" + "".join(
            traceback.format_exception(exc)
        )
        answer = (False, _portable(exc), where)
    tmp = result + ".tmp"
    with open(tmp, "wb") as f:
        pickle.dump(answer, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, result)
    return 0


if __name__ == "__main__":
    # main() of raadsgraf.apart, not of __main__ (this file run as a script is another
    # module): the job's code asks raadsgraf.apart.one_call(), which main() sets
    from raadsgraf.apart import main as _main

    with contextlib.suppress(KeyboardInterrupt):
        # a Ctrl-C held since the parent started this process arrives here
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        sys.exit(_main(sys.argv[1]))
    sys.exit(INTERRUPTED)
