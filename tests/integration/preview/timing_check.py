"""Quick local sanity check of the preview's speed (not a test; the benchmark proper is benchmarks/run.py).

    /tmp/venv/bin/python tests/integration/preview/timing_check.py [commands] [connections]

Prints the full build against a plain nested loop over every audience, and the median what-if of one
keystroke in one connection's audiences.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from mmoauth_gui.core.audience import audience_matches
from mmoauth_gui.core.model import Command, Connection
from mmoauth_gui.core.preview import Preview


def workload(n_commands: int, n_connections: int, seed: int = 7) -> tuple[list[Command], list[Connection]]:
    """Commands on a few hundred hosts; connections with 3 audiences each, exact and wildcard mixed."""
    rng = random.Random(seed)
    hosts = [f"https://svc{i}.example.com" for i in range(max(1, n_connections // 3))]
    commands = []
    for i in range(n_commands):
        host = rng.choice(hosts)
        path = rng.choice([f"/hooks/cmd{i}", f"/api/v{rng.randint(1, 3)}/cmd{i}", f"/slash?cmd={i}"])
        commands.append(Command(id=f"c{i:05d}", team_id=f"t{i % 20}", trigger=f"cmd{i}", url=host + path))
    connections = []
    for j in range(n_connections):
        auds = []
        for k in range(3):
            host = rng.choice(hosts)
            kind = (j + k) % 3
            if kind == 0:
                auds.append(rng.choice(commands).url)  # an exact command URL
            elif kind == 1:
                auds.append(f"{host}/api/v{rng.randint(1, 3)}/*")
            else:
                auds.append(f"{host}/hooks/cmd{rng.randint(0, n_commands)}")  # mostly unused
        connections.append(Connection(id=f"k{j:04d}", name=f"conn {j}", audiences=tuple(auds)))
    return commands, connections


def naive(commands: list[Command], connections: list[Connection]) -> dict[str, list[str]]:
    return {
        c.id: [k.id for k in connections if any(audience_matches(a, c.url) for a in k.audiences)] for c in commands
    }


def main() -> None:
    n_commands = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    n_connections = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    commands, connections = workload(n_commands, n_connections)

    t0 = time.perf_counter()
    preview = Preview(commands, connections)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows = preview.rows()
    rows_time = time.perf_counter() - t0
    t0 = time.perf_counter()
    expected = naive(commands, connections)
    naive_time = time.perf_counter() - t0
    assert all(list(r.matches) == sorted(expected[r.command_id]) for r in rows)

    target = connections[len(connections) // 2]
    typed = target.audiences[1]
    times = []
    for i in range(1, len(typed) + 1):
        edited = target.with_changes(audiences=(target.audiences[0], typed[:i], target.audiences[2]))
        t0 = time.perf_counter()
        diff = preview.what_if_edit(edited)
        diff.counts()
        times.append(time.perf_counter() - t0)
    print(f"{n_commands} commands x {n_connections} connections, {len(preview.urls())} distinct URLs")
    print(f"preview build: {built * 1000:.1f} ms (+ rows with explanations {rows_time * 1000:.1f} ms)")
    print(f"naive nested loop: {naive_time * 1000:.1f} ms")
    print(f"speedup (build): {naive_time / built:.1f}x; (build + rows): {naive_time / (built + rows_time):.1f}x")
    print(f"what-if per keystroke: median {statistics.median(times) * 1000:.2f} ms, max {max(times) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
