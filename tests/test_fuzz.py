"""Fuzzing every registered parser with mutated real samples: no input may hang
a parser or make it raise anything but the project's own errors."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from raadsgraf.errors import RaadsgrafError
from raadsgraf.parsers.registry import make_source, parse_bytes, parsers
from tests.conftest import SAMPLES

SECONDS_PER_INPUT = 10
#: Small real files of every kind under tests/samples (large ones slow the run
#: without finding more).
SAMPLE_FILES = sorted(
    p
    for p in SAMPLES.rglob("*")
    if p.is_file()
    and p.name != "README.md"
    and p.stat().st_size < 400_000
    # scanned pages go to Tesseract, seconds per page by design (tests/test_formats_legacy.py)
    and "scanned" not in p.name
)


#: The parsers raadsgraf ships (other tests may register test-only parsers).
BUILT_IN = sorted(n for n, p in parsers().items() if type(p).__module__.startswith("raadsgraf."))


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def fail(signum: int, frame: object) -> None:
        raise TimeoutError(f"parser ran longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """A real sample cut, spliced, bit-flipped or with junk inserted."""
    size = len(data)
    kind = draw(st.sampled_from(["truncate", "delete", "insert", "flip", "duplicate"]))
    a = draw(st.integers(0, size))
    b = draw(st.integers(a, min(size, a + 4096)))
    if kind == "truncate":
        return data[:a]
    if kind == "delete":
        return data[:a] + data[b:]
    if kind == "insert":
        return data[:a] + draw(st.binary(max_size=256)) + data[a:]
    if kind == "flip":
        out = bytearray(data)
        for i in draw(st.lists(st.integers(0, max(size - 1, 0)), max_size=32)):
            if out:
                out[i] ^= 1 << draw(st.integers(0, 7))
        return bytes(out)
    return data[:b] + data[a:b] + data[b:]


def _check(name: str | None, data: bytes, path: Path) -> None:
    with time_limit(SECONDS_PER_INPUT):
        try:
            if name is None:
                parse_bytes(data, str(path))
            else:
                parsers()[name].parse(data, make_source(data, str(path), name))
        except RaadsgrafError:
            pass


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: str(p.relative_to(SAMPLES)))
@pytest.mark.parametrize("name", [None, *BUILT_IN], ids=lambda n: n or "sniffed")
def test_parser_survives_mutations(name: str | None, path: Path) -> None:
    data = path.read_bytes()

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(data))
    def run(sample: bytes) -> None:
        _check(name, sample, path)

    run()


@pytest.mark.parametrize("junk", [b"", b"\x00" * 100, b"%PDF-1.7\n", b"{", b"<html>", b"\xff\xfe"])
def test_degenerate_inputs(junk: bytes) -> None:
    for name in [None, *BUILT_IN]:
        _check(name, junk, Path("junk.bin"))
