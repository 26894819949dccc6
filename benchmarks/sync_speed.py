"""``sync_speedup``: reading 20 teams x 300 commands (and the connections) from a sandbox answering after
50 ms, one request at a time vs the app's ``services.sync.sync``.

The sandbox runs in its own process (``python -m mmoauth_gui sandbox --latency-ms 50``) so that its JSON work
does not share a GIL with the client. Both sides use the app's ``MattermostClient`` and HTTP client; the
one-at-a-time side asks for the teams, then the connections, then each team's commands, awaiting each.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Measurement, median, sandbox, write_json
from benchmarks.workloads import sync_seed
from mmoauth_gui.core.model import Command, Connection, Team
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.preview_fetch import DEFAULT_CONCURRENCY, sync

FULL = (20, 300, 50)  # teams, commands per team, latency in ms
QUICK = (3, 20, 10)
RUNS = 3


async def one_at_a_time(client: MattermostClient) -> tuple[list[Team], list[Command], list[Connection]]:
    teams = await client.my_teams()
    connections = await client.list_connections()
    commands: list[Command] = []
    for team in teams:
        commands += await client.commands(team.id)
    return teams, commands, connections


async def _measure(info: dict[str, Any], runs: int) -> tuple[list[float], list[float], int, int]:
    async with make_http_client() as http:
        client = MattermostClient(info["url"], info["token"], http)
        await client.my_teams()  # warm-up: the first connection, imports
        sequential, app = [], []
        counts = set()
        for _ in range(runs):
            t0 = time.perf_counter()
            teams, commands, _ = await one_at_a_time(client)
            sequential.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            result = await sync(client)
            app.append(time.perf_counter() - t0)
            counts.add((len(teams), len(commands), len(result.teams), len(result.commands)))
    if len(counts) != 1 or len({(a, b) for a, b in [c[:2] for c in counts] + [c[2:] for c in counts]}) != 1:
        raise AssertionError(f"the two ways read different data: {sorted(counts)}")
    n_teams, n_commands, _, _ = counts.pop()
    return sequential, app, n_teams, n_commands


def measure(quick: bool = False) -> Measurement:
    n_teams, per_team, latency_ms = QUICK if quick else FULL
    runs = 1 if quick else RUNS
    with tempfile.TemporaryDirectory(prefix="mmoauth-bench-") as tmp:
        seed = write_json(Path(tmp) / "seed.json", sync_seed(n_teams, per_team))
        with sandbox(seed, latency_ms=latency_ms) as info:
            sequential, app, got_teams, got_commands = asyncio.run(_measure(info, runs))
    if got_teams != n_teams or got_commands != n_teams * per_team:
        raise AssertionError(f"read {got_teams} teams and {got_commands} commands, expected {n_teams} x {per_team}")
    seq, par = median(sequential), median(app)
    return Measurement(
        seq / par,
        f"{n_teams} teams x {per_team} commands + connections from a sandbox process answering after {latency_ms} ms: "
        f"one request at a time {seq * 1000:.0f} ms vs services.sync.sync (concurrency {DEFAULT_CONCURRENCY}) "
        f"{par * 1000:.0f} ms, medians of {runs}; same teams and commands both ways",
    )
