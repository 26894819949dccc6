"""``config apply`` killed at any point: the next plan says exactly what is left, and applying it converges
with no connection made twice and every recorded secret version true."""

from __future__ import annotations

import asyncio
import random
import sys
from collections import Counter

import pytest
from support.killing import run_and_kill

from mmoauth_gui.core.config.document import document_from_connections, render_document
from mmoauth_gui.core.config.parse import parse_config
from mmoauth_gui.core.config.plan import Plan
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.config_apply import apply_plan, make_plan, needed_secrets
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.storage.config_record import AppliedRecord
from mmoauth_gui.storage.paths import app_paths

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL of a forked apply is POSIX")

LATENCY_MS = 25
ROUNDS = 15


def _plan_and_maybe_apply(sb: Sandbox, text: str, secret: str, *, apply: bool) -> Plan:
    parsed = parse_config(text, "connections.yaml")
    assert parsed.document is not None and not parsed.errors, parsed.errors

    async def go() -> Plan:
        async with make_http_client(timeout=10.0) as http:
            client = MattermostClient(sb.url, sb.admin_token, http)
            record = AppliedRecord(app_paths())
            plan = await make_plan(client, parsed.document, record)  # type: ignore[arg-type]
            if apply and plan.changes:
                secrets = {(n.change.key, n.field): secret for n in needed_secrets(plan)}
                await apply_plan(client, plan, secrets, record)
            return plan

    return asyncio.run(go())


def _wanted(sb: Sandbox, round_: int) -> str:
    """The server's connections as a file, with Billing's audience moved and two connections added."""
    text = render_document(document_from_connections(sb.state.connections()))
    text = text.replace("https://b.example.com/x", f"https://b.example.com/r{round_}/*")
    text = text.replace("https://b.example.com/r" + str(round_ - 1) + "/*", f"https://b.example.com/r{round_}/*")
    text = text.replace("secret_version: 1", "secret_version: 2", 1) if round_ == 0 else text
    for n in (1, 2):
        text += (
            f"- name: Round {round_}.{n}\n  client_id: mattermost-commands\n  client_secret: {{env: NEW_SECRET}}\n"
            f"  oauth_token_url: {sb.token_url}\n  audiences: [https://r{round_}-{n}.example.com/*]\n"
        )
    return text


def test_an_apply_killed_at_any_point_is_finished_by_the_next_plan_and_apply(sandbox: Sandbox) -> None:
    sb = sandbox
    sb.latency_ms = LATENCY_MS
    secret = sb.demo_client("mattermost-commands").client_secret
    rng = random.Random(11)
    leftovers = 0
    for round_ in range(ROUNDS):
        text = _wanted(sb, round_)
        delay = rng.uniform(0.0, 12 * LATENCY_MS / 1000)
        run_and_kill(lambda text=text: _plan_and_maybe_apply(sb, text, secret, apply=True), delay)
        assert sb.wait_until_no_connections(), "a request the killed process sent is still being handled"

        remaining = _plan_and_maybe_apply(sb, text, secret, apply=True)
        leftovers += bool(remaining.changes)
        assert _plan_and_maybe_apply(sb, text, secret, apply=False).changes == (), f"round {round_} did not converge"
        names = Counter(c.name for c in sb.state.connections())
        assert [n for n, count in names.items() if count > 1] == [], f"round {round_} made a connection twice"
        assert {f"Round {round_}.1", f"Round {round_}.2"} <= set(names)
    assert leftovers > 0, "no kill landed before the apply had finished"
