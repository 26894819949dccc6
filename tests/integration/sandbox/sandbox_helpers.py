"""Helpers shared by the sandbox tests (imported by name: this folder is on sys.path under pytest)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from mmoauth_gui.sandbox import Sandbox

CONNECTIONS = "/api/v4/oauth/outgoing_connections"


@dataclass
class Api:
    sb: Sandbox
    admin: httpx.Client  # system admin token
    user: httpx.Client  # team-only user token
    anon: httpx.Client  # no token


def client(sb: Sandbox, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=sb.url, headers=headers, timeout=15.0, trust_env=False)


def assert_app_error(response: httpx.Response, status: int, error_id: str) -> dict[str, object]:
    """``response`` is Mattermost's AppError JSON with ``status`` and ``error_id``; returns the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"id", "message", "detailed_error", "request_id", "status_code"}
    assert body["id"] == error_id
    assert body["status_code"] == status
    assert body["message"] and body["message"] != error_id
    assert len(body["request_id"]) == 26 and body["request_id"] == response.headers["x-request-id"]
    return body


def new_connection(sb: Sandbox, **changes: object) -> dict[str, object]:
    """A valid create payload whose token URL is the demo endpoint with a good client."""
    client = sb.demo_clients[0]
    body: dict[str, object] = {
        "name": "New connection",
        "client_id": client["client_id"],
        "client_secret": client["client_secret"],
        "oauth_token_url": sb.token_url,
        "grant_type": "client_credentials",
        "audiences": ["https://new.example.com/hook"],
    }
    body.update(changes)
    return body
