"""Gather what the signed-in user may read about a server, resolve every integration host from this
computer, time each token endpoint once, and judge it all with ``core/diagnosis/preflight.py``.

A read the user may not do becomes an "unknown" check saying which rights it needs; only an unreachable
server (or a refused sign-in) raises. Every request is bounded by the client's deadline.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from mmoauth_gui.core.diagnosis.checks import Check
from mmoauth_gui.core.diagnosis.preflight import (
    Endpoint,
    EndpointKind,
    Resolution,
    ServerFacts,
    evaluate,
    outgoing_timeout_s,
)
from mmoauth_gui.core.diagnosis.server_log import Attribution
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.urls import url_host
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import MattermostError, NotAuthenticated, Unreachable

RESOLVE_TIMEOUT_S = 5.0
LATENCY_CAP_S = 65.0
OLD_FORMAT = {"format": "old"}


@dataclass
class Preflight:
    """The checks, plus what the failure feed needs to tie log lines to connections and webhooks."""

    checks: list[Check]
    attribution: Attribution = field(default_factory=Attribution)
    connections: list[Connection] = field(default_factory=list)
    webhook_names: dict[str, str] = field(default_factory=dict)
    is_admin: bool = False


async def _optional(read: Callable[[], Any], problems: list[str], what: str) -> Any:
    """The read's answer, or None with the reason noted (a refusal is an answer here, not an error)."""
    try:
        return await read()
    except (Unreachable, NotAuthenticated):
        raise
    except MattermostError as exc:
        problems.append(f"{what}: {exc.user_message}")
        return None


async def resolve(host: str) -> Resolution:
    """The host's addresses from this computer's resolver (off the event loop's thread, bounded)."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_S):
            infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except TimeoutError:
        return Resolution(error=f"no answer within {RESOLVE_TIMEOUT_S:g} s")
    except (OSError, UnicodeError) as exc:
        return Resolution(error=str(exc) or type(exc).__name__)
    return Resolution(addresses=tuple(dict.fromkeys(str(info[4][0]) for info in infos)))


async def time_token_endpoint(http: httpx.AsyncClient, url: str, deadline_s: float) -> int | str:
    """Milliseconds for one bare token request (no credentials: any answer will do), or why none came."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(deadline_s):
            async with http.stream(
                "POST",
                url,
                data={"grant_type": "client_credentials"},
                headers={"Accept": "application/json"},
                timeout=httpx.Timeout(deadline_s),
                follow_redirects=False,
            ) as response:
                await response.aread()
    except TimeoutError:
        return f"no answer within {deadline_s:g} s"
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    return int((time.monotonic() - started) * 1000)


async def run_preflight(client: MattermostClient, *, measure_latency: bool = True) -> Preflight:
    """Every check for the server behind ``client``. Raises ``Unreachable`` / ``NotAuthenticated`` only."""
    info = await client.ping()
    me = await client.me()
    facts = ServerFacts(version=info.version)
    problems: list[str] = []
    facts.client_config = await _optional(
        lambda: client.get_json("/config/client", operation="read the client configuration", params=OLD_FORMAT),
        problems,
        "Client configuration",
    )
    facts.license = await _optional(
        lambda: client.get_json("/license/client", operation="read the licence", params=OLD_FORMAT),
        problems,
        "Licence",
    )
    config_problems: list[str] = []
    config = await _optional(
        lambda: client.get_json("/config", operation="read the server configuration"), config_problems, "Config"
    )
    facts.config = config if isinstance(config, dict) else None
    facts.config_problem = "; ".join(config_problems)
    preflight = Preflight(checks=[], is_admin=me.is_system_admin)
    await _gather_endpoints(client, facts, preflight)
    hosts = {url_host(e.url) for e in facts.endpoints} - {""}
    resolved = await asyncio.gather(*(resolve(h) for h in sorted(hosts)))
    facts.resolutions = dict(zip(sorted(hosts), resolved, strict=True))
    if measure_latency:
        deadline = min(outgoing_timeout_s(facts)[0] + 5, LATENCY_CAP_S)
        token_urls = sorted({e.url for e in facts.endpoints if e.kind is EndpointKind.TOKEN})
        timings = await asyncio.gather(*(time_token_endpoint(client.http, u, deadline) for u in token_urls))
        for url, outcome in zip(token_urls, timings, strict=True):
            if isinstance(outcome, int):
                facts.latency_ms[url] = outcome
            else:
                facts.latency_problems[url] = outcome
    preflight.checks = evaluate(facts)
    return preflight


async def _gather_endpoints(client: MattermostClient, facts: ServerFacts, preflight: Preflight) -> None:
    problems = facts.endpoint_problems
    connections = await _optional(client.list_connections, problems, "Outgoing OAuth connections")
    for conn in connections or []:
        facts.endpoints.append(Endpoint(EndpointKind.TOKEN, conn.oauth_token_url, f"connection “{conn.name}”"))
    preflight.connections = list(connections or [])
    teams = await _optional(client.my_teams, problems, "Teams") or []
    callbacks: dict[str, tuple[str, ...]] = {}
    for team in teams:
        commands = await _optional(
            functools.partial(client.commands, team.id), problems, f"Slash commands of {team.name or team.id}"
        )
        for cmd in commands or []:
            if cmd.url and not cmd.plugin_id:
                facts.endpoints.append(Endpoint(EndpointKind.COMMAND, cmd.url, f"/{cmd.trigger} in {team.name}"))
        hooks = await _optional(
            functools.partial(client.outgoing_webhooks, team.id),
            problems,
            f"Outgoing webhooks of {team.name or team.id}",
        )
        for hook in hooks or []:
            callbacks[hook.id] = hook.callback_urls
            preflight.webhook_names[hook.id] = hook.display_name or hook.id
            for url in hook.callback_urls:
                facts.endpoints.append(Endpoint(EndpointKind.WEBHOOK, url, f"webhook “{hook.display_name}”"))
    preflight.attribution = Attribution(
        audiences={c.id: tuple(c.audiences) for c in preflight.connections}, callbacks=callbacks
    )
