"""``preview_speedup_vs_naive`` and ``live_preview_ms``: the preview against a nested loop, and one keystroke."""

from __future__ import annotations

import math
import time

from benchmarks.common import Measurement, median
from benchmarks.workloads import preview_workload
from mmoauth_gui.core.audience import audience_matches
from mmoauth_gui.core.model import Command, Connection
from mmoauth_gui.core.preview.build import Preview

FULL = (10_000, 1_000)
QUICK = (300, 30)


def naive(commands: list[Command], connections: list[Connection]) -> dict[str, list[str]]:
    """A plain nested loop: every command against every audience of every connection."""
    return {c.id: [k.id for k in connections if any(audience_matches(a, c.url) for a in k.audiences)] for c in commands}


def preview_speedup(quick: bool = False) -> Measurement:
    n_commands, n_connections = QUICK if quick else FULL
    commands, connections = preview_workload(n_commands, n_connections)
    builds, totals = [], []
    preview = None
    for _ in range(3):
        t0 = time.perf_counter()
        preview = Preview(commands, connections)
        t1 = time.perf_counter()
        rows = preview.rows()
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        totals.append(t2 - t0)
    assert preview is not None
    t0 = time.perf_counter()
    expected = naive(commands, connections)
    naive_s = time.perf_counter() - t0
    wrong = sum(1 for r in rows if list(r.matches) != sorted(expected[r.command_id]))
    if wrong:
        raise AssertionError(f"the preview disagrees with the nested loop on {wrong} commands")
    total = median(totals)
    return Measurement(
        naive_s / total,
        f"{n_commands} commands x {n_connections} connections (3 audiences each, exact and wildcard mixed), "
        f"{len(preview.urls())} distinct URLs: Preview build + rows {total * 1000:.1f} ms (build alone "
        f"{median(builds) * 1000:.1f} ms, median of 3) vs nested loop over every audience {naive_s * 1000:.0f} ms; "
        "same matches for every command",
    )


def keystrokes(conn: Connection) -> list[Connection]:
    """The connection after each keystroke: its 2nd audience typed from empty, then a wildcard widened by
    deleting its prefix one character at a time before the ``*`` (down to ``https://*`` and ``*``)."""
    first, typed, last = conn.audiences
    states = [conn.with_changes(audiences=(first, typed[:i], last)) for i in range(1, len(typed) + 1)]
    wildcard = next((a for a in conn.audiences if a.endswith("*")), "https://svc1.example.com/api/v1/*")
    prefix = wildcard[:-1]
    for i in range(len(prefix) - 1, -1, -1):
        states.append(conn.with_changes(audiences=(first, prefix[:i] + "*", last)))
    return states


def live_preview(quick: bool = False) -> Measurement:
    n_commands, n_connections = QUICK if quick else FULL
    commands, connections = preview_workload(n_commands, n_connections)
    preview = Preview(commands, connections)
    preview.rows()
    targets = connections[:: max(1, len(connections) // 5)][:5]
    times: list[float] = []
    widest = 0
    for conn in targets:
        for edited in keystrokes(conn):
            t0 = time.perf_counter()
            diff = preview.what_if_edit(edited)
            changes = diff.commands  # what the what-if panel lists
            times.append(time.perf_counter() - t0)
            widest = max(widest, len(changes))
    times.sort()
    return Measurement(
        median(times) * 1000,
        f"{len(times)} keystrokes in the audiences of {len(targets)} connections, {n_commands} commands x "
        f"{n_connections} connections: Preview.what_if_edit + the list of changed commands, median "
        f"{median(times) * 1000:.3f} ms, p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms, max "
        f"{times[-1] * 1000:.1f} ms (the widest edit, an audience of '*', changes {widest} commands)",
    )


SCALING_FULL = (1_000, 10_000, 100_000)
SCALING_QUICK = (100, 300, 1_000)


def scaling(quick: bool = False) -> Measurement:
    """The slope of log(build + rows time) over log(size), commands and connections scaled together (10:1)."""
    sizes = SCALING_QUICK if quick else SCALING_FULL
    times: list[float] = []
    for n in sizes:
        commands, connections = preview_workload(n, max(10, n // 10))
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            Preview(commands, connections).rows()
            runs.append(time.perf_counter() - t0)
        times.append(median(runs))
    xs = [math.log(n) for n in sizes]
    ys = [math.log(t) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    each = ", ".join(
        f"{n:,} commands × {max(10, n // 10):,} connections {t * 1000:.1f} ms"
        for n, t in zip(sizes, times, strict=True)
    )
    return Measurement(
        slope,
        f"Preview build + rows, median of 3 at each size: {each}; least-squares slope of log(time) over log(size)",
    )
