"""Clients for the sandbox tests: real loopback HTTP through httpx, one client per role.

These sandboxes run in developer mode: the tests read the reason each refusal carries in
``detailed_error``. What production and hardened servers leave of an error: test_sandbox_error_modes.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandbox_helpers import Api, client

from mmoauth_gui.sandbox import Sandbox


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[Api]:
    sandbox.errors = "developer"
    with (
        client(sandbox, sandbox.admin_token) as admin,
        client(sandbox, sandbox.user_token) as user,
        client(sandbox, None) as anon,
    ):
        yield Api(sandbox, admin, user, anon)


@pytest.fixture
def empty_api(empty_sandbox: Sandbox) -> Iterator[Api]:
    empty_sandbox.errors = "developer"
    with (
        client(empty_sandbox, empty_sandbox.admin_token) as admin,
        client(empty_sandbox, empty_sandbox.user_token) as user,
        client(empty_sandbox, None) as anon,
    ):
        yield Api(empty_sandbox, admin, user, anon)
