"""``sync_speedup``: reading 20 teams x 300 commands, 50 outgoing webhooks and the connections from a sandbox
answering after 50 ms, one request at a time vs the app's ``services.preview_fetch.sync``.

The sandbox runs in its own process (``python -m mmoauth_gui sandbox --latency-ms 50``) so that its JSON work
does not share a GIL with the client. Both sides use the app's ``MattermostClient`` and HTTP client; the
one-at-a-time side asks for the teams, then the connections, then each team's commands and webhooks, awaiting
each.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Measurement, median, sandbox, write_json
from benchmarks.workloads import sync_seed
from mmoauth_gui.core.model import Command, Team
from mmoauth_gui.core.webhooks import OutgoingWebhook
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.preview_fetch import DEFAULT_CONCURRENCY, sync

FULL = (20, 300, 50, 50)  # teams, commands per team, latency in ms, webhooks
QUICK = (3, 20, 10, 4)
RUNS = 3


async def one_at_a_time(client: MattermostClient) -> tuple[list[Team], list[Command], list[OutgoingWebhook]]:
    teams = await client.my_teams()
    await client.list_connections()
    commands: list[Command] = []
    hooks: list[OutgoingWebhook] = []
    for team in teams:
        commands += await client.commands(team.id)
        hooks += await client.outgoing_webhooks(team.id)
    return teams, commands, hooks


async def _measure(info: dict[str, Any], runs: int) -> tuple[list[float], list[float], int, int, int]:
    async with make_http_client() as http:
        client = MattermostClient(info["url"], info["token"], http)
        await client.my_teams()  # warm-up: the first connection, imports
        sequential, app = [], []
        counts = set()
        for _ in range(runs):
            t0 = time.perf_counter()
            teams, commands, hooks = await one_at_a_time(client)
            sequential.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            result = await sync(client)
            app.append(time.perf_counter() - t0)
            counts.add((len(teams), len(commands), len(hooks)))
            counts.add((len(result.teams), len(result.commands), len(result.webhooks)))
    if len(counts) != 1:
        raise AssertionError(f"the two ways read different data: {sorted(counts)}")
    n_teams, n_commands, n_hooks = counts.pop()
    return sequential, app, n_teams, n_commands, n_hooks


def measure(quick: bool = False) -> Measurement:
    n_teams, per_team, latency_ms, n_webhooks = QUICK if quick else FULL
    runs = 1 if quick else RUNS
    with tempfile.TemporaryDirectory(prefix="mmoauth-bench-") as tmp:
        seed = write_json(Path(tmp) / "seed.json", sync_seed(n_teams, per_team, n_webhooks))
        with sandbox(seed, latency_ms=latency_ms) as info:
            sequential, app, got_teams, got_commands, got_hooks = asyncio.run(_measure(info, runs))
    if (got_teams, got_commands, got_hooks) != (n_teams, n_teams * per_team, n_webhooks):
        raise AssertionError(
            f"read {got_teams} teams, {got_commands} commands and {got_hooks} webhooks, expected {n_teams} x "
            f"{per_team} and {n_webhooks}"
        )
    seq, par = median(sequential), median(app)
    return Measurement(
        seq / par,
        f"{n_teams} teams x {per_team} commands, {n_webhooks} outgoing webhooks and the connections from a sandbox "
        f"process answering after {latency_ms} ms: "
        f"one request at a time {seq * 1000:.0f} ms vs services.sync.sync (concurrency {DEFAULT_CONCURRENCY}) "
        f"{par * 1000:.0f} ms, medians of {runs}; same teams and commands both ways",
    )
