"""A soak: a few thousand mixed operations against a sandbox that slows every answer and meets a network
fault on a share of them (resets, lost answers, 503 pages, garbage and trickled bodies).

Every operation ends — an answer or a typed error that says what failed — and nothing acknowledged is
lost: what the server said it created is there at the end, what it said it deleted is gone, and the
command line fails with its message and exit code, never a traceback.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
from dataclasses import dataclass, field

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.sandbox.faults import Fault
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import InvalidResponse, MattermostError

OPERATIONS = 2500
AT_ONCE = 24
FAULT_SHARE = 0.12
OP_BOUND_S = 60.0  # far above any client deadline: reaching it means an operation hung


@dataclass
class Ledger:
    created: dict[str, str] = field(default_factory=dict)  # name → id, acknowledged by the server
    deleted: set[str] = field(default_factory=set)  # ids the server said it deleted
    uncertain: set[str] = field(default_factory=set)  # names whose create got no readable answer
    maybe_deleted: set[str] = field(default_factory=set)  # ids whose delete got no readable answer
    failures: dict[str, int] = field(default_factory=dict)
    ok: int = 0


async def _one(client: MattermostClient, sb: Sandbox, team_id: str, n: int, rng: random.Random, ledger: Ledger) -> None:
    kind = rng.choice(("list", "list", "get", "create", "create", "update", "delete", "audience", "commands"))
    live = [cid for cid in ledger.created.values() if cid not in ledger.deleted]
    name = f"Soak {n}"
    target = ""
    try:
        if kind == "list":
            await client.list_connections()
        elif kind == "commands":
            await client.commands(team_id)
        elif kind == "audience":
            await client.connection_for_audience(f"https://soak{rng.randrange(50)}.example.com/hook")
        elif kind == "create":
            conn = Connection(
                name=name,
                client_id="soak-client",
                client_secret="soak-secret-value",
                oauth_token_url=sb.token_url,
                audiences=(f"https://soak{n}.example.com/*",),
            )
            saved = await client.create_connection(conn)
            ledger.created[name] = saved.id
        elif live and kind == "get":
            await client.get_connection(rng.choice(live))
        elif live and kind == "update":
            target = rng.choice(live)
            await client.update_connection(Connection(id=target, name=f"Soak {n} renamed"))
        elif live and kind == "delete":
            target = rng.choice(live)
            await client.delete_connection(target)
            ledger.deleted.add(target)
        ledger.ok += 1
    except MattermostError as exc:
        assert exc.user_message.startswith(("Could not", "The request")), exc.user_message
        ledger.failures[type(exc).__name__] = ledger.failures.get(type(exc).__name__, 0) + 1
        unanswered = exc.status is None or isinstance(exc, InvalidResponse)
        if kind == "create" and unanswered:
            ledger.uncertain.add(name)
        if kind == "delete" and target and unanswered:
            ledger.maybe_deleted.add(target)


async def _soak(sb: Sandbox, team_id: str) -> Ledger:
    ledger = Ledger()
    rng = random.Random(20261202)
    gate = asyncio.Semaphore(AT_ONCE)
    async with make_http_client(timeout=3.0) as http:
        client = MattermostClient(sb.url, sb.admin_token, http)

        async def bounded(n: int) -> None:
            async with gate:
                await asyncio.wait_for(_one(client, sb, team_id, n, rng, ledger), OP_BOUND_S)

        await asyncio.gather(*(bounded(n) for n in range(OPERATIONS)))
    return ledger


def test_thousands_of_operations_through_faults_end_and_lose_nothing_acknowledged(sandbox: Sandbox) -> None:
    sb = sandbox
    team_id = sb.state.teams()[0].id
    before = {c.id for c in sb.state.connections()}
    sb.latency_ms = 5
    sb.faults.rate = FAULT_SHARE  # the running server reads it on every request
    ledger = asyncio.run(_soak(sb, team_id))
    sb.faults.rate = 0.0

    assert set(sb.faults.counts) == set(Fault), f"every kind of fault was met: {sb.faults.counts}"
    assert ledger.ok > OPERATIONS // 2 and sum(ledger.failures.values()) > 0, ledger.failures
    stored = {c.id: c for c in sb.state.connections()}
    assert before <= stored.keys(), "a connection the soak never touched is gone"
    for name, cid in ledger.created.items():
        if cid not in ledger.deleted | ledger.maybe_deleted:
            assert cid in stored, f"the server acknowledged creating {name} ({cid}), and it is gone"
    assert not ledger.deleted & stored.keys(), "a connection the server said it deleted is still there"
    unacknowledged = stored.keys() - before - set(ledger.created.values())
    assert {stored[cid].name for cid in unacknowledged} <= ledger.uncertain, "a create nobody sent"


def test_the_command_line_through_faults_fails_with_its_message_and_exit_code(sandbox: Sandbox) -> None:
    sb = sandbox
    sb.faults.kinds = (Fault.RESET, Fault.UNAVAILABLE, Fault.GARBAGE, Fault.LOST_ANSWER)
    sb.faults.rate = 1.0
    env = {k: v for k, v in os.environ.items() if not k.startswith("MMOAUTH_")}
    env["MMOAUTH_SERVER_TOKEN"] = sb.admin_token
    codes = set()
    for _ in range(6):
        done = subprocess.run(
            [sys.executable, "-m", "mmoauth_gui", "connections", "list", "--server", sb.url, "--timeout", "3"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        codes.add(done.returncode)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode in (1, 3), (done.returncode, done.stderr)
        assert done.stderr.strip().startswith("mmoauth-gui:"), done.stderr
    assert codes, "the command line ran"
