"""The sync reads every team's outgoing webhooks beside its commands; a team whose webhooks cannot be read is
noted for that team alone, and the rest is kept."""

from __future__ import annotations

import asyncio

import httpx

from mmoauth_gui.core.model import IntegrationKind
from mmoauth_gui.core.preview.snapshot import SyncResult
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.preview_fetch import sync


def synced(sb: Sandbox, token: str) -> SyncResult:
    async def go() -> SyncResult:
        async with httpx.AsyncClient(trust_env=False, timeout=30) as http:
            return await sync(MattermostClient(sb.url, token, http), server_check=True)

    return asyncio.run(go())


def test_webhooks_are_synced_per_team_with_their_own_errors(hooks_sandbox: Sandbox) -> None:
    sb = hooks_sandbox
    admin = synced(sb, sb.admin_token)
    assert sorted(h.display_name for h in admin.webhooks) == ["Form hook", "Notifier"]
    assert list(admin.channel_names.values()) == ["builds"]  # only the Form hook is bound to a channel
    rows = admin.preview().filter_rows(kind=IntegrationKind.WEBHOOK)
    assert len(rows) == 4 and all(r.verdict.server_known for r in rows)
    assert not admin.team_errors and not admin.team_notes

    user = synced(sb, sb.user_token)  # integrator in eng (sees its own hook), member of ops
    ops = sb.state.team_by_name("ops")
    eng = sb.state.team_by_name("eng")
    assert ops is not None and eng is not None
    assert [h.display_name for h in user.webhooks] == ["Form hook"]
    assert "outgoing webhooks could not be read" in user.team_notes[ops.id]
    assert "manage_outgoing_webhooks" in user.team_notes[ops.id]
    assert "webhooks" not in user.team_notes.get(eng.id, "")
