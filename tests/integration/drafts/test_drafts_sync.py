"""Push, pull, conflicts and their resolution against the sandbox over loopback HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from mmoauth_gui.core.drafts.model import DraftError, DraftStatus
from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.drafts_sync import ConflictError, DraftRulesError, DraftSync, PushResult, validate_draft
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.drafts_async import AsyncDraftStore
from mmoauth_gui.storage.drafts_exchange import read_exchange_file
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.storage.secrets import SecretKind, SecretStore

T = TypeVar("T")


def run(sb: Sandbox, scenario: Callable[[DraftSync, DraftStore], Awaitable[T]], store: DraftStore | None = None) -> T:
    """Run ``scenario`` with a DraftSync on ``sb`` over a fresh HTTP client (closed afterwards)."""
    store = store or DraftStore(app_paths(), SecretStore())

    async def main() -> T:
        async with make_http_client() as http:
            return await scenario(
                DraftSync(MattermostClient(sb.url, sb.admin_token, http), AsyncDraftStore(store)), store
            )

    return asyncio.run(main())


def _conn(sb: Sandbox, name: str = "Billing") -> Connection:
    client = sb.demo_clients[0]
    return Connection(
        name=name,
        client_id=client["client_id"],
        oauth_token_url=sb.token_url,
        audiences=("https://billing.example.com/*",),
    )


def _secret(sb: Sandbox) -> str:
    return str(sb.demo_clients[0]["client_secret"])


def test_draft_push_pull_round_trip(empty_sandbox: Sandbox, tmp_path: Path) -> None:
    sb = empty_sandbox

    async def scenario(sync: DraftSync, store: DraftStore) -> None:
        draft = store.new(_conn(sb), note="billing bot", client_secret=_secret(sb))
        # Validated from this computer first, as an admin would.
        async with make_http_client() as http:
            draft, result = await validate_draft(http, AsyncDraftStore(store), draft)
        assert result.ok and draft.validation_current

        pushed = await sync.push(draft)
        assert pushed.action == "created" and pushed.secret_sent
        stored = sb.state.connection(pushed.connection.id)
        assert stored is not None and stored.client_secret == _secret(sb)
        assert (stored.name, stored.audiences) == ("Billing", ("https://billing.example.com/*",))
        draft = store.get(draft.id)
        assert draft.status is DraftStatus.IN_SYNC and draft.origin is not None
        assert draft.origin.connection_id == stored.id and draft.origin.update_at == stored.update_at
        assert draft.server == sb.url and draft.validation_current  # the validation survives the push

        # Pulling again finds the same draft, in sync.
        again = await sync.pull(stored.id)
        assert again.action == "unchanged" and again.draft.id == draft.id

        # Pulling from a fresh workspace makes an identical draft.
        other = DraftStore(app_paths(tmp_path / "other"), SecretStore())
        fresh = await DraftSync(sync.client, AsyncDraftStore(other)).pull(stored.id)
        assert fresh.action == "created" and fresh.draft.connection == draft.connection
        assert fresh.draft.status is DraftStatus.IN_SYNC and fresh.draft.secret_needed is False

        # Nothing changed: nothing is written.
        same = await sync.push(draft)
        assert same.action == "unchanged" and sb.state.connection(stored.id) == stored

        # An edit pushed as an update: the secret was already sent, so the server keeps its own.
        edited = store.save(draft.edit(audiences=["https://billing.example.com/v2/*"]))
        assert store.secret(edited, SecretKind.CLIENT_SECRET) == _secret(sb)  # still held, for validation
        assert edited.status is DraftStatus.MODIFIED
        update = await sync.push(edited)
        assert update.action == "updated" and not update.secret_sent
        stored2 = sb.state.connection(stored.id)
        assert stored2 is not None and stored2.audiences == ("https://billing.example.com/v2/*",)
        assert stored2.client_secret == _secret(sb) and stored2.update_at > stored.update_at
        assert store.get(draft.id).status is DraftStatus.IN_SYNC

        # A new secret is sent with the next update.
        with_secret = store.set_secrets(store.get(draft.id), client_secret="rotated-secret-01")
        assert with_secret.status is DraftStatus.MODIFIED
        assert (await sync.push(with_secret)).secret_sent
        stored3 = sb.state.connection(stored.id)
        assert stored3 is not None and stored3.client_secret == "rotated-secret-01"

    run(sb, scenario)


def test_a_new_draft_without_secret_is_not_pushed(empty_sandbox: Sandbox) -> None:
    async def scenario(sync: DraftSync, store: DraftStore) -> None:
        draft = store.new(_conn(empty_sandbox).with_changes(audiences=()))
        with pytest.raises(DraftRulesError) as caught:
            await sync.push(draft)
        fields = {p.field for p in caught.value.problems if p.is_error}
        assert fields == {"client_secret", "audiences"}
        assert "Client Secret is required" in str(caught.value)
        assert empty_sandbox.state.connections() == []

    run(empty_sandbox, scenario)


def _pushed(sb: Sandbox, store: DraftStore, sync: DraftSync) -> Awaitable[PushResult]:
    return sync.push(store.new(_conn(sb), client_secret=_secret(sb)))


def _change_on_server(sb: Sandbox, connection_id: str, **changes: object) -> Connection:
    current = sb.state.connection(connection_id)
    assert current is not None
    return sb.state.replace_connection(current.with_changes(**changes))


def test_a_conflict_is_caught_and_recorded(empty_sandbox: Sandbox) -> None:
    sb = empty_sandbox

    async def scenario(sync: DraftSync, store: DraftStore) -> None:
        pushed = await _pushed(sb, store, sync)
        cid = pushed.connection.id
        _change_on_server(sb, cid, name="Billing (server)", oauth_token_url=sb.token_url + "?v=2")
        draft = store.save(pushed.draft.edit(name="Billing (mine)"))
        with pytest.raises(ConflictError) as caught:
            await sync.push(draft)
        conflict = caught.value.conflict
        assert conflict.connection_id == cid and not conflict.deleted
        diffs = {d.field: d for d in conflict.differences}
        assert set(diffs) == {"name", "oauth_token_url"}
        assert (diffs["name"].mine, diffs["name"].theirs, diffs["name"].changed_by) == (
            "Billing (mine)",
            "Billing (server)",
            "both",
        )
        assert diffs["oauth_token_url"].changed_by == "theirs"
        assert "changed on the server" in conflict.message and "name, oauth_token_url" in conflict.message
        # Nothing was written to the server, and the draft now says conflict (also after a reload).
        server_now = sb.state.connection(cid)
        assert server_now is not None and server_now.name == "Billing (server)"
        reloaded = store.get(draft.id)
        assert reloaded.status is DraftStatus.CONFLICT
        assert reloaded.conflict is not None and reloaded.conflict.server_copy is not None
        assert reloaded.conflict.server_copy.name == "Billing (server)"
        assert reloaded.connection.name == "Billing (mine)"  # my edit is kept

        # A pull does not drop my edit either: it reports the conflict.
        pulled = await sync.pull(cid)
        assert pulled.action == "conflict" and pulled.conflict is not None
        assert store.get(draft.id).connection.name == "Billing (mine)"

    run(sb, scenario)


def test_resolve_by_keeping_mine(empty_sandbox: Sandbox) -> None:
    sb = empty_sandbox

    async def scenario(sync: DraftSync, store: DraftStore) -> None:
        pushed = await _pushed(sb, store, sync)
        _change_on_server(sb, pushed.connection.id, name="Billing (server)")
        draft = store.save(pushed.draft.edit(audiences=["https://mine.example.com/*"]))
        with pytest.raises(ConflictError):
            await sync.push(draft)
        result = await sync.keep_mine(store.get(draft.id))
        server = sb.state.connection(pushed.connection.id)
        assert server is not None and server.name == "Billing" and server.audiences == ("https://mine.example.com/*",)
        assert result.draft.status is DraftStatus.IN_SYNC and result.draft.conflict is None

    run(sb, scenario)


def test_resolve_by_taking_theirs(empty_sandbox: Sandbox) -> None:
    sb = empty_sandbox

    async def scenario(sync: DraftSync, store: DraftStore) -> None:
        pushed = await _pushed(sb, store, sync)
        changed = _change_on_server(sb, pushed.connection.id, name="Billing (server)")
        draft = store.save(pushed.draft.edit(audiences=["https://mine.example.com/*"]))
        with pytest.raises(ConflictError):
            await sync.push(draft)
        taken = await sync.take_theirs(store.get(draft.id))
        assert taken.status is DraftStatus.IN_SYNC and taken.connection.name == "Billing (server)"
        assert taken.connection.audiences == changed.audiences
        assert taken.origin is not None and taken.origin.update_at == changed.update_at
        server = sb.state.connection(pushed.connection.id)
        assert server == changed  # the server was not touched

    run(sb, scenario)


def test_resolve_by_merging_field_by_field(empty_sandbox: Sandbox) -> None:
    sb = empty_sandbox

    async def scenario(sync: DraftSync, store: DraftStore) -> None:
        pushed = await _pushed(sb, store, sync)
        cid = pushed.connection.id
        _change_on_server(sb, cid, name="Billing (server)", audiences=("https://theirs.example.com/*",))
        draft = store.save(
            pushed.draft.edit(name="Billing (mine)", audiences=["https://mine.example.com/*"], client_id="reports-bot")
        )
        with pytest.raises(ConflictError) as caught:
            await sync.push(draft)
        assert caught.value.conflict.suggested_choices() == {"name": None, "client_id": "mine", "audiences": None}
        # Both sides changed name and audiences: without a choice there, no merge.
        with pytest.raises(ValueError, match="choose mine or theirs for: name, audiences"):
            await sync.merge(store.get(draft.id), {})
        result = await sync.merge(store.get(draft.id), {"name": "mine", "audiences": "theirs"})
        assert isinstance(result, PushResult) and result.action == "updated"
        server = sb.state.connection(cid)
        assert server is not None
        assert (server.name, server.audiences, server.client_id) == (
            "Billing (mine)",
            ("https://theirs.example.com/*",),
            "reports-bot",  # changed only on my side: kept without asking
        )
        assert result.draft.status is DraftStatus.IN_SYNC

    run(sb, scenario)


def test_a_connection_deleted_on_the_server(empty_sandbox: Sandbox) -> None:
    sb = empty_sandbox

    async def scenario(sync: DraftSync, store: DraftStore) -> None:
        pushed = await _pushed(sb, store, sync)
        sb.state.delete_connection(pushed.connection.id)
        draft = store.save(pushed.draft.edit(name="Billing again"))
        with pytest.raises(ConflictError) as caught:
            await sync.push(draft)
        assert caught.value.conflict.deleted and "was deleted" in caught.value.conflict.message
        assert store.get(draft.id).conflict is not None
        with pytest.raises(DraftError, match="no longer exists"):
            await sync.take_theirs(store.get(draft.id))
        # Keeping mine creates it again (with the secret still held this session).
        result = await sync.keep_mine(store.get(draft.id))
        assert result.action == "created" and result.connection.id != pushed.connection.id
        assert [c.name for c in sb.state.connections()] == ["Billing again"]

    run(sb, scenario)


def test_pull_keeps_local_edits_and_refreshes_clean_drafts(empty_sandbox: Sandbox) -> None:
    sb = empty_sandbox
    server_conn = sb.state.add_connection("Pager", "pager", "pager-secret", sb.token_url, ["https://pager.example.com"])

    async def scenario(sync: DraftSync, store: DraftStore) -> None:
        created = await sync.pull(server_conn.id)
        assert created.action == "created" and created.draft.name == "Pager"
        # Server changes, draft untouched: the pull refreshes it.
        _change_on_server(sb, server_conn.id, name="Pager v2")
        refreshed = await sync.pull(server_conn.id)
        assert refreshed.action == "updated" and refreshed.draft.name == "Pager v2"
        # Local edit, server unchanged: the edit stays.
        edited = store.save(refreshed.draft.edit(name="Pager (local)"))
        kept = await sync.pull(server_conn.id)
        assert kept.action == "kept_local" and kept.draft.name == "Pager (local)"
        assert kept.draft.status is DraftStatus.MODIFIED and edited.id == kept.draft.id

    run(sb, scenario)


def test_early_servers_that_blank_client_ids(empty_sandbox: Sandbox) -> None:
    sb = empty_sandbox
    sb.state.blank_client_ids = True

    async def scenario(sync: DraftSync, store: DraftStore) -> None:
        pushed = await _pushed(sb, store, sync)
        assert pushed.connection.client_id == ""  # the server's answer
        assert pushed.draft.connection.client_id == "mattermost-commands"
        assert pushed.draft.status is DraftStatus.IN_SYNC

    run(sb, scenario)


def test_export_a_server_and_move_its_connections(sandbox: Sandbox, empty_sandbox: Sandbox, tmp_path: Path) -> None:
    out = tmp_path / "backup.json"

    async def export(sync: DraftSync, store: DraftStore) -> int:
        return await sync.export_server(out)

    count = run(sandbox, export)
    assert count == len(sandbox.state.connections()) and count > 0
    text = out.read_text()
    for conn in sandbox.state.connections():
        assert conn.client_secret not in text

    store = DraftStore(app_paths(), SecretStore())
    profiles = {"source": sandbox.url}  # the importing machine knows the source server: origins kept
    report = store.apply_import(store.plan_import(read_exchange_file(out, profiles)), "keep")
    assert len(report.added) == count and all(d.status is DraftStatus.IN_SYNC for d in report.added)
    reports = next(d for d in report.added if d.name == "Reports")

    async def move(sync: DraftSync, store: DraftStore) -> PushResult:
        # Another server: the draft must be created there, and the secret must be given again.
        with pytest.raises(DraftRulesError, match="Client Secret is required"):
            await sync.push(reports)
        secret = str(sandbox.demo_client("reports-bot").client_secret)
        return await sync.push(store.set_secrets(reports, client_secret=secret))

    moved = run(empty_sandbox, move, store)
    assert moved.action == "created"
    [copy] = empty_sandbox.state.connections()
    original = next(c for c in sandbox.state.connections() if c.name == "Reports")
    assert (copy.client_id, copy.audiences, copy.oauth_token_url) == (
        original.client_id,
        original.audiences,
        original.oauth_token_url,
    )
    assert moved.draft.origin is not None and moved.draft.origin.server_url == empty_sandbox.url
