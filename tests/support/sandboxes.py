"""Sandboxes for any test: the demo seed (``sandbox``) or no data at all (``empty_sandbox``), stopped after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A running sandbox with the demo seed, stopped after the test."""
    with Sandbox(seed="demo") as sb:
        yield sb


@pytest.fixture
def empty_sandbox() -> Iterator[Sandbox]:
    """A running sandbox with no teams, commands or connections (users and tokens only)."""
    with Sandbox(seed="empty") as sb:
        yield sb


def add_password_grant_connection(sb: Sandbox, name: str, audience: str) -> Connection:
    """A stored password-grant connection the demo token endpoint accepts (client legacy-portal, the demo user)."""
    portal, user = sb.demo_client("legacy-portal"), sb.demo_user
    return sb.state.add_connection(
        name,
        portal.client_id,
        portal.client_secret,
        sb.token_url,
        [audience],
        "password",
        credentials_username=user["username"],
        credentials_password=user["password"],
    )
