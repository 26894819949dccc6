from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support.keyrings import MemoryKeyring

from mmoauth_gui.core.drafts.model import (
    ConflictMark,
    Draft,
    DraftError,
    DraftNotFound,
    DraftStatus,
    Origin,
    SecretState,
)
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.storage.atomic import CorruptFileError
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.secrets import SecretKind, SecretStore
from mmoauth_gui.ui.runtime.autosave import AutosaveBuffer

SECRET = "client-secret-5f2a9c"
PASSWORD = "grant-password-81be"

CONN = Connection(
    name="Billing",
    client_id="billing-client",
    oauth_token_url="https://auth.example.com/token",
    audiences=("https://billing.example.com/*",),
)


@pytest.fixture
def store(paths: AppPaths) -> DraftStore:
    return DraftStore(paths, SecretStore())


def test_new_draft_is_saved_and_read_back(store: DraftStore, paths: AppPaths) -> None:
    draft = store.new(CONN, note="for the billing bot", server="prod", team="ops")
    assert draft.status is DraftStatus.NEW and draft.created_at and draft.modified_at
    path = paths.drafts / f"{draft.id}.json"
    document = json.loads(path.read_text())
    assert document["kind"] == "draft" and document["schema"] == 1
    assert document["connection"] == {
        "name": "Billing",
        "client_id": "billing-client",
        "oauth_token_url": "https://auth.example.com/token",
        "grant_type": "client_credentials",
        "audiences": ["https://billing.example.com/*"],
        "credentials_username": "",
    }
    assert document["target"] == {"server": "prod", "team": "ops"}
    assert document["secret_needed"] is True and document["secret_stored"] is False
    assert store.get(draft.id) == draft
    assert store.list().drafts == [draft] and store.list().problems == []


def test_server_set_fields_and_secrets_never_enter_the_draft(store: DraftStore, paths: AppPaths) -> None:
    full = CONN.with_changes(id="x" * 26, create_at=5, update_at=6, creator_id="u", client_secret=SECRET)
    draft = store.new(full)
    assert draft.connection.id == "" and draft.connection.client_secret == ""
    assert SECRET not in (paths.drafts / f"{draft.id}.json").read_text()


def test_secrets_go_to_the_secret_store_only(
    paths: AppPaths, memory_keyring: MemoryKeyring, files_containing: Callable[[Path, str], list[Path]]
) -> None:
    store = DraftStore(paths, SecretStore())
    pw = CONN.with_changes(grant_type="password", credentials_username="svc")
    draft = store.new(pw, client_secret=SECRET, credentials_password=PASSWORD)
    assert draft.secret_stored and draft.secret_pending and not draft.secret_needed
    assert store.secret_state(draft) is SecretState.STORED
    assert set(memory_keyring.items.values()) == {SECRET, PASSWORD}
    assert store.with_secrets(draft).client_secret == SECRET
    assert store.with_secrets(draft).credentials_password == PASSWORD
    for needle in (SECRET, PASSWORD):
        assert files_containing(paths.data.parent, needle) == []
    assert SECRET not in repr(draft) and SECRET not in repr(store.with_secrets(draft))

    store.delete(draft.id)
    assert memory_keyring.items == {}
    with pytest.raises(DraftNotFound):
        store.get(draft.id)


def test_without_a_keyring_the_draft_says_secret_not_stored(
    store: DraftStore, paths: AppPaths, files_containing: Callable[[Path, str], list[Path]]
) -> None:
    draft = store.new(CONN, client_secret=SECRET)
    assert not draft.secret_stored and draft.secret_needed
    assert store.secret_state(draft) is SecretState.SESSION
    assert store.with_secrets(draft).client_secret == SECRET
    # The next session has lost it and says so.
    next_session = DraftStore(paths, SecretStore())
    assert next_session.secret_state(next_session.get(draft.id)) is SecretState.MISSING
    assert files_containing(paths.data.parent, SECRET) == []


def test_status_follows_the_snapshot(store: DraftStore) -> None:
    server_copy = CONN.with_changes(id="c" * 26, update_at=1000)
    draft = store.save(
        Draft(
            id="abc123",
            connection=CONN,
            origin=Origin("https://mm.example.com/", server_copy.id, 1000),
            snapshot=server_copy,
        )
    )
    assert draft.origin is not None and draft.origin.server_url == "https://mm.example.com"
    assert draft.status is DraftStatus.IN_SYNC and draft.changed_fields == []
    assert not draft.needs_secret() and draft.needs_secret("https://other.example.com")
    assert store.secret_state(draft) is SecretState.NOT_NEEDED
    edited = draft.edit(audiences=["https://billing.example.com/v2/*"])
    assert edited.status is DraftStatus.MODIFIED and edited.changed_fields == ["audiences"]
    assert draft.to_connection().id == server_copy.id
    with_secret = store.set_secrets(draft, client_secret=SECRET)
    assert with_secret.status is DraftStatus.MODIFIED  # the new secret is to be pushed
    conflicted = store.save(draft.with_changes(conflict=ConflictMark(server_copy.with_changes(update_at=2000), "t")))
    assert store.get(conflicted.id).status is DraftStatus.CONFLICT
    assert store.get(conflicted.id).conflict == ConflictMark(server_copy.with_changes(update_at=2000), "t")
    deleted = store.save(draft.with_changes(conflict=ConflictMark(None, "t")))
    assert store.get(deleted.id).conflict == ConflictMark(None, "t")
    with pytest.raises(ValueError, match="not draft fields"):
        draft.edit(client_secret="x")


def test_validation_is_kept_and_goes_stale_when_credentials_change(store: DraftStore, paths: AppPaths) -> None:
    draft = store.new(CONN, client_secret=SECRET)
    token = "header.payload.signature-of-an-access-token"
    result = ValidationResult(ok=True, category="ok", token_type="Bearer", access_token=token)
    draft = store.record_validation(draft, result)
    assert draft.validation_current and draft.summary()["validation"] == "valid"
    stored = store.get(draft.id).validation_result
    assert stored is not None and stored.ok and stored.checked_at
    assert token not in (paths.drafts / f"{draft.id}.json").read_text()
    assert draft.edit(name="Renamed").validation_current  # name is not a credential
    assert not draft.edit(client_id="other").validation_current
    assert draft.edit(client_id="other").summary()["validation"] == "stale"
    cleared = store.set_secrets(draft, client_secret="a-new-secret")
    assert cleared.validation is None and cleared.summary()["validation"] == "not_checked"
    refused = store.record_validation(cleared, ValidationResult.failure("oauth_error", "bad", error="invalid_client"))
    assert refused.summary()["validation"] == "refused"
    far = store.record_validation(cleared, ValidationResult.failure("network", "no route"))
    assert far.summary()["validation"] == "unreachable"


def test_find_by_id_name_or_prefix(store: DraftStore) -> None:
    a = store.new(CONN)
    b = store.new(CONN.with_changes(name="Payroll"))
    assert store.find(a.id) == a
    assert store.find("Payroll") == b and store.find("payroll") == b
    assert store.find(b.id[:6]) == b or b.id[:6] == a.id[:6]
    store.new(CONN.with_changes(name="Payroll"))
    with pytest.raises(DraftError, match="Several drafts are called “Payroll”"):
        store.find("Payroll")
    with pytest.raises(DraftNotFound, match="drafts list"):
        store.find("Nothing")
    with pytest.raises(DraftNotFound):
        store.get("../etc/passwd")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"kind": "draft", "schema": 1, "id": "aaa111", "conn', "Unterminated string"),
        ('{"kind": "profiles", "schema": 1}', "not a draft file"),
        ('{"kind": "draft", "schema": 7, "id": "aaa111", "connection": {}}', "newer version"),
        ('{"kind": "draft", "schema": 1, "id": "aaa111"}', "no connection fields"),
        ('{"kind": "draft", "schema": 1, "id": "zzz999", "connection": {}}', "it holds draft zzz999"),
        (b"\xff\xfe garbage", "codec"),
    ],
)
def test_corrupt_files_are_set_aside_and_named(
    store: DraftStore, paths: AppPaths, content: str | bytes, reason: str
) -> None:
    good = store.new(CONN)
    bad = paths.drafts / "aaa111.json"
    raw = content.encode() if isinstance(content, str) else content
    bad.write_bytes(raw)
    listing = store.list()
    assert listing.drafts == [good]
    [problem] = listing.problems
    assert isinstance(problem, CorruptFileError) and problem.path == bad
    assert reason in str(problem) and "aaa111.json could not be read" in str(problem)
    assert problem.set_aside_as is not None and problem.set_aside_as.read_bytes() == raw
    assert not bad.exists()
    assert store.list() == ([good], [])  # reported once, and the set-aside copy is left alone
    assert problem.set_aside_as.exists()


def test_get_reports_a_corrupt_file(store: DraftStore, paths: AppPaths) -> None:
    paths.drafts.mkdir(parents=True)
    (paths.drafts / "bbb222.json").write_text("{")
    with pytest.raises(CorruptFileError, match="bbb222.json"):
        store.get("bbb222")


def test_temporary_files_left_by_a_killed_writer_are_ignored_then_removed(store: DraftStore, paths: AppPaths) -> None:
    draft = store.new(CONN)
    fresh = paths.drafts / f".{draft.id}.json.fresh.tmp"
    stale = paths.drafts / f".{draft.id}.json.stale.tmp"
    fresh.write_text("{half")
    stale.write_text("{half")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    assert store.list() == ([draft], [])
    assert fresh.exists() and not stale.exists()


def test_autosave_saves_after_the_delay_and_on_flush() -> None:
    saved: list[str] = []
    buffer: AutosaveBuffer[str] = AutosaveBuffer(saved.append, delay=2.0)
    assert not buffer.dirty and not buffer.maybe_save(0.0) and not buffer.flush()
    buffer.change("a", now=10.0)
    buffer.change("ab", now=11.5)  # typing on does not restart the delay
    assert buffer.dirty and not buffer.maybe_save(11.9)
    assert buffer.maybe_save(12.0) and saved == ["ab"] and not buffer.dirty
    buffer.change("abc", now=13.0)
    assert buffer.flush() and saved == ["ab", "abc"]
    assert not buffer.maybe_save(100.0)


def test_autosave_keeps_the_change_when_the_save_fails() -> None:
    attempts: list[str] = []

    def flaky(value: str) -> None:
        attempts.append(value)
        if len(attempts) == 1:
            raise OSError(28, "No space left on device")

    buffer: AutosaveBuffer[str] = AutosaveBuffer(flaky, delay=1.0)
    buffer.change("x", now=0.0)
    assert not buffer.maybe_save(5.0) and buffer.dirty
    assert isinstance(buffer.last_error, OSError)
    assert buffer.maybe_save(6.0) and buffer.last_error is None and attempts == ["x", "x"]


def test_autosave_drives_a_draft_store(store: DraftStore) -> None:
    draft = store.new(CONN)
    buffer: AutosaveBuffer[Draft] = AutosaveBuffer(store.save, delay=3.0)
    buffer.change(draft.edit(name="Billing v2"), now=0.0)
    buffer.maybe_save(3.0)
    assert store.get(draft.id).name == "Billing v2"


def test_a_secret_does_not_follow_its_token_url_to_another_origin(
    paths: AppPaths, memory_keyring: MemoryKeyring
) -> None:
    """Issue 17: a client secret goes only to the token URL origin it was entered for; a move asks again."""
    store = DraftStore(paths, SecretStore())
    draft = store.new(CONN, client_secret=SECRET)
    assert draft.secret_origin == "https://auth.example.com:443" and store.secret(draft, SecretKind.CLIENT_SECRET)

    same = store.save(draft.with_changes(connection=CONN.with_changes(oauth_token_url="https://AUTH.example.com/v2")))
    assert store.secret(same, SecretKind.CLIENT_SECRET) == SECRET  # the same origin, another path

    moved = store.save(same.with_changes(connection=CONN.with_changes(oauth_token_url="https://evil.example/token")))
    assert store.secret(moved, SecretKind.CLIENT_SECRET) == "" and store.with_secrets(moved).client_secret == ""
    assert store.secret_state(moved) is SecretState.MISSING and moved.secret_needed
    assert store.get(moved.id).secret_follows is False  # read back from its file: still bound

    again = store.set_secrets(moved, client_secret=SECRET)  # given again for the new origin
    assert store.secret(again, SecretKind.CLIENT_SECRET) == SECRET and not again.secret_needed
