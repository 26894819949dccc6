"""Strategies for fuzzing the parsers of outside input, and the settings every fuzz test shares.

Inputs are built around what each parser expects (the right keys, with values of every JSON type, and the
odd values real peers send: NaN, infinities, huge numbers, nesting deeper than a parser's stack), then also
broken as bytes: cut short, bytes that are not UTF-8, bodies that are not JSON at all.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase, MultiplexedDatabase, ReadOnlyDatabase

# Modest counts: the whole folder runs in well under 30 s on this machine. MMOAUTH_FUZZ_SCALE=20 (say) runs
# twenty times as many examples, to hunt for more.
SCALE = max(1, int(os.environ.get("MMOAUTH_FUZZ_SCALE", "1")))

# Every failing example kept in SAVED_EXAMPLES (committed) is tried first on every run, before any new one. A
# run only reads it, so the tree never changes under a test run; a new failure is saved in FOUND_EXAMPLES
# (not committed): copy its files into SAVED_EXAMPLES with the fix, and that input is tried for good. The
# files are keyed by the test's source: editing a test leaves its saved examples unused.
SAVED_EXAMPLES = Path(__file__).resolve().parent / ".hypothesis-examples"
FOUND_EXAMPLES = Path(__file__).resolve().parents[2] / ".hypothesis" / "fuzz-found"
EXAMPLES = MultiplexedDatabase(
    ReadOnlyDatabase(DirectoryBasedExampleDatabase(SAVED_EXAMPLES)), DirectoryBasedExampleDatabase(FOUND_EXAMPLES)
)
FUZZ = settings(
    max_examples=100 * SCALE,
    deadline=None,
    database=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ_NETWORK = settings(FUZZ, max_examples=30 * SCALE)
FUZZ_FILES = settings(FUZZ, max_examples=50 * SCALE)

DEEP = "[" * 50_000 + "]" * 50_000  # deeper than json's recursion limit

numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 2**63, 10**30, 1e308, -1e308, float("nan"), float("inf"), float("-inf")]),
)
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "null", "\x00", "https://", "http://a/*", "é/ü\u202e", "a" * 300, "{url}", "{secret:x}"]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


def objects_with(
    keys: Iterable[str], values: st.SearchStrategy[Any] = json_values
) -> st.SearchStrategy[dict[str, Any]]:
    """Objects holding some of ``keys`` (with any JSON value) and maybe a stranger key."""
    names = sorted(keys)
    known = st.dictionaries(st.sampled_from(names), values, max_size=len(names))
    extra = weighted((2, st.just({})), (1, st.dictionaries(st.text(max_size=6), values, max_size=2)))
    return st.builds(lambda a, b: {**b, **a}, known, extra)


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, each drawn about as often as its weight says (``one_of`` draws them evenly)."""
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


def to_json_text(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


@st.composite
def broken_bytes(draw: st.DrawFn, documents: st.SearchStrategy[Any]) -> bytes:
    """A document as JSON bytes, then perhaps cut short, garbled, replaced, or nested too deep."""
    raw = to_json_text(draw(documents)).encode("utf-8")
    how = draw(st.sampled_from(["as is"] * 10 + ["cut", "garbled", "bytes", "deep", "not json"]))
    if how == "cut" and raw:
        return raw[: draw(st.integers(0, len(raw) - 1))]
    if how == "garbled" and raw:
        at = draw(st.integers(0, len(raw) - 1))
        return raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at + 1 :]
    if how == "bytes":
        return draw(st.binary(max_size=64))
    if how == "deep":
        return DEEP.encode()
    if how == "not json":
        return draw(st.sampled_from([b"<html><body>Sign in</body></html>", b"", b"   ", b"NaN", b"\xff\xfe\x00"]))
    return raw


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
