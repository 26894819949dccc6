"""The seed of the preview tests: commands in several teams, covering every case the preview distinguishes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from mmoauth_gui.core.preview.snapshot import SyncResult
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.preview_fetch import sync

T = TypeVar("T")

SECRET = "preview-test-client-secret-123"


def _conn(name: str, *audiences: str) -> dict[str, Any]:
    return {
        "name": name,
        "client_id": f"{name.lower().replace(' ', '-')}-client",
        "client_secret": SECRET,
        "oauth_token_url": "{token_url}",
        "audiences": list(audiences),
    }


PREVIEW_SEED: dict[str, Any] = {
    "teams": [
        {
            "name": "alpha",
            "display_name": "Alpha",
            "user_role": "admin",
            "commands": [
                {"trigger": "weather", "url": "https://hooks.example.com/weather", "display_name": "Weather"},
                {"trigger": "weather-slash", "url": "https://hooks.example.com/weather/"},
                {"trigger": "deploy", "url": "https://ci.example.com/hooks/deploy?env=prod", "method": "G"},
                {"trigger": "hooksx", "url": "https://ci.example.com/hooksX"},
                {"trigger": "legacy", "url": "http://legacy.example.com/cmd"},
            ],
        },
        {
            "name": "beta",
            "display_name": "Beta",
            "user_role": "integrator",  # sees only the URLs of commands it created
            "commands": [
                {"trigger": "mine", "url": "https://hooks.example.com/mine", "creator": "user"},
                {"trigger": "both", "url": "https://api.example.com/v1/both"},
                {"trigger": "forecast", "url": "https://hooks.example.com/weather"},
                {"trigger": "root", "url": "https://api.example.com/"},
            ],
        },
        {
            "name": "gamma",
            "display_name": "Gamma",
            "user_role": "member",  # the team-only user may not read its commands: 403
            "commands": [{"trigger": "secret-ops", "url": "https://ops.example.com/run"}],
        },
    ],
    "connections": [
        _conn("Weather", "https://hooks.example.com/weather"),
        _conn("CI", "https://ci.example.com/hooks/*"),
        _conn("Legacy", "http://legacy.example.com/cmd"),
        _conn("API all", "https://api.example.com/*"),
        _conn("API v1", "https://api.example.com/v1/*"),
        _conn("Ops", "https://ops.example.com/run"),
        _conn("Unused", "https://nothing.example.com/*"),
    ],
}


def ids_by_name(sb: Sandbox) -> dict[str, str]:
    return {c.name: c.id for c in sb.state.connections()}


def command_tokens(sb: Sandbox) -> list[str]:
    return [c.token for t in sb.state.teams() for c in sb.state.commands_of_team(t.id)]


def with_client(sb: Sandbox, token: str, work: Callable[[MattermostClient], Awaitable[T]]) -> T:
    """Run ``work`` with a client of its own over a fresh HTTP client, closed afterwards."""

    async def go() -> T:
        async with make_http_client(timeout=10.0) as http:
            return await work(MattermostClient(sb.url, token, http))

    return asyncio.run(go())


def run_sync(sb: Sandbox, token: str | None = None, **kwargs: Any) -> SyncResult:
    return with_client(sb, token or sb.admin_token, lambda c: sync(c, **kwargs))
