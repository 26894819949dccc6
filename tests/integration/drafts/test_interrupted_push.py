"""A push killed after the server created the connection never leads to a second connection.

The sandbox answers after a latency; killing the pushing process inside it leaves a connection created
on the server whose answer nobody recorded. The next push must find it and link the draft to it.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from support.killing import run_and_kill

from mmoauth_gui.core.drafts.model import Draft, DraftError
from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.drafts_sync import DraftSync, PushResult
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import FeatureUnavailable
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.drafts_async import AsyncDraftStore
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.storage.secrets import SecretStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL of a forked pusher is POSIX")

LATENCY_MS = 40


def _push(sb: Sandbox, store: DraftStore, draft: Draft) -> PushResult:
    async def main() -> PushResult:
        async with make_http_client() as http:
            sync = DraftSync(MattermostClient(sb.url, sb.admin_token, http), AsyncDraftStore(store))
            return await sync.push(draft)

    return asyncio.run(main())


def _kill_push_after(delay: float, sb: Sandbox, store: DraftStore, draft: Draft) -> None:
    run_and_kill(lambda: _push(sb, store, draft), delay)


def _new_draft(sb: Sandbox, store: DraftStore, n: int) -> Draft:
    client = sb.demo_clients[0]
    connection = Connection(
        name=f"Hook {n}",
        client_id=client["client_id"],
        oauth_token_url=sb.token_url,
        audiences=(f"https://hook{n}.example.com/*",),
    )
    return store.new(connection, client_secret=str(client["client_secret"]))


def test_a_push_killed_at_any_point_is_finished_by_the_next_one_without_a_duplicate(empty_sandbox: Sandbox) -> None:
    sb = empty_sandbox
    sb.latency_ms = LATENCY_MS
    store = DraftStore(app_paths(), SecretStore())
    rng = random.Random(7)
    linked = 0
    rounds = 0
    while rounds < 20 or (linked == 0 and rounds < 60):
        draft = _new_draft(sb, store, rounds)
        _kill_push_after(rng.uniform(0.0, 3 * LATENCY_MS / 1000), sb, store, draft)
        assert sb.wait_until_no_connections(), "a request the killed process sent is still being handled"

        again = store.get(draft.id)
        result = _push(sb, store, again)
        linked += any("interrupted" in w for w in result.warnings)
        on_server = [c for c in sb.state.connections() if c.name == draft.name]
        assert len(on_server) == 1, f"round {rounds}: {len(on_server)} connections named {draft.name}"
        final = store.get(draft.id)
        assert final.origin is not None and final.origin.connection_id == on_server[0].id
        assert final.interrupted_push == ""
        rounds += 1
    assert linked > 0, "no kill landed between the server's create and the recorded answer"


def _cli(data_dir: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MMOAUTH_")}
    done = subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_several_connections_that_could_be_the_one_created_are_named_not_guessed(
    empty_sandbox: Sandbox, data_dir: Path
) -> None:
    sb = empty_sandbox
    store = DraftStore(app_paths(), SecretStore())
    draft = _new_draft(sb, store, 1)
    twins = [
        sb.state.add_connection(
            draft.name,
            draft.connection.client_id,
            str(sb.demo_clients[0]["client_secret"]),
            sb.token_url,
            [f"https://twin{i}.example.com/*"],
        )
        for i in range(2)
    ]
    interrupted = store.save(draft.with_changes(creating_on=sb.url))
    assert interrupted.interrupted_push == sb.url
    listed = _cli(data_dir, "drafts", "list")
    assert "new (push interrupted)" in listed
    shown = _cli(data_dir, "drafts", "show", draft.id)
    assert f"Interrupted push: an earlier push to {sb.url}" in shown

    with pytest.raises(DraftError) as caught:
        _push(sb, store, interrupted)
    assert all(t.id in str(caught.value) for t in twins)
    assert len(sb.state.connections()) == 2, "nothing was created while it is unclear"


def test_an_answered_refusal_clears_the_interrupted_mark(empty_sandbox: Sandbox) -> None:
    sb = empty_sandbox
    store = DraftStore(app_paths(), SecretStore())
    draft = _new_draft(sb, store, 2)
    sb.feature = "off"
    with pytest.raises(FeatureUnavailable):
        _push(sb, store, draft)
    assert store.get(draft.id).interrupted_push == ""
