"""The objects built from a server's JSON, from files and from stored results: built or refused with the one
documented error, never a crash, and once built usable (their JSON, rules, preview, summaries).
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

import pytest
from fuzz_documents import (
    RESULT_KEYS,
    connections_json,
    draft_json,
    entry_json,
    profile_json,
    results_json,
    sync_json,
)
from fuzz_support import FUZZ, json_values, objects_with
from hypothesis import example, given
from hypothesis import strategies as st

from mmoauth_gui.core.drafts.exchange import ExchangeEntry
from mmoauth_gui.core.drafts.model import Draft
from mmoauth_gui.core.model import Command, Connection, Team
from mmoauth_gui.core.preview.snapshot import COMMAND_FIELDS, SyncResult
from mmoauth_gui.core.rules import check_connection, overlap_warnings
from mmoauth_gui.core.validation.result import Category, ValidationResult
from mmoauth_gui.services.mattermost.client import User
from mmoauth_gui.storage.profiles import Profile, ProfileError


@FUZZ
@given(connections_json)
def test_a_connection_from_any_object_is_built_and_usable(data: dict[str, Any]) -> None:
    conn = Connection.from_json(data)
    assert all(isinstance(getattr(conn, f), str) for f in ("id", "name", "client_id", "oauth_token_url"))
    assert all(isinstance(a, str) for a in conn.audiences)
    json.dumps([conn.public_dict(), conn.create_payload(), conn.validate_payload()])
    for problem in check_connection(conn):
        assert problem.message and problem.field
    overlap_warnings([conn, conn.with_changes(id=conn.id + "x")])


@FUZZ
@given(objects_with([f.name for f in fields(Command)] + ["token"]), objects_with(["id", "name", "display_name"]))
def test_commands_and_teams_from_any_object(command: dict[str, Any], team: dict[str, Any]) -> None:
    cmd = Command.from_json(command)
    assert "token" not in cmd.public_dict()
    assert isinstance(cmd.goes_through_url, bool)
    assert isinstance(Team.from_json(team).label, str)


@FUZZ
@given(objects_with(["id", "username", "email", "first_name", "last_name", "roles"]))
def test_a_user_from_any_object(data: dict[str, Any]) -> None:
    user = User.from_json(data)
    assert isinstance(user.label, str) and isinstance(user.is_system_admin, bool)


@FUZZ
@given(st.one_of(results_json, objects_with(RESULT_KEYS, st.sampled_from([c.value for c in Category]))))
@example({"category": [], "attempts": "ok"})  # an unhashable category once raised TypeError
@example({"ok": True, "category": {"x": 1}, "attempts": [{"": float("nan")}]})
def test_a_stored_validation_result_is_read_never_raised(data: dict[str, Any]) -> None:
    result = ValidationResult.from_json(data)
    assert result.category in {c.value for c in Category}
    assert result.access_token is None
    assert isinstance(result.summary, str) and isinstance(result.label, str)
    text = json.dumps(result.to_json(), allow_nan=True, sort_keys=True)  # as text: NaN != NaN as a value
    assert json.dumps(ValidationResult.from_json(json.loads(text)).to_json(), allow_nan=True, sort_keys=True) == text


@FUZZ
@given(sync_json)
def test_a_cached_sync_is_read_or_refused_with_a_value_error(data: dict[str, Any]) -> None:
    try:
        result = SyncResult.from_json(data)
    except ValueError as exc:
        assert str(exc)
        return
    assert isinstance(result.age_text(), str)
    assert all(row.status for row in result.preview().rows())
    json.dumps(result.to_json(), allow_nan=True)
    for team in result.teams:
        assert isinstance(result.team_label(team.id), str)


@FUZZ
@given(profile_json)
def test_a_profile_entry_is_read_or_refused_with_a_profile_error(data: dict[str, Any]) -> None:
    try:
        profile = Profile.from_json(data)
    except ProfileError as exc:
        assert str(exc)
        return
    assert profile.name == profile.name.strip() and profile.url
    assert Profile.from_json(profile.to_json()) == profile


@FUZZ
@given(draft_json)
def test_a_draft_body_is_read_or_refused_with_a_value_error(data: dict[str, Any]) -> None:
    try:
        draft = Draft.from_json(data)
    except ValueError as exc:
        assert str(exc)
        return
    json.dumps([draft.to_json(), draft.summary()], allow_nan=True)
    assert draft.status.value and isinstance(draft.changed_fields, list)
    assert draft.validation_result is None or draft.validation_result.access_token is None
    assert Draft.from_json(json.loads(json.dumps(draft.to_json(), allow_nan=True))).connection == draft.connection


@FUZZ
@given(st.one_of(json_values, entry_json))
def test_an_import_entry_is_read_or_refused_with_a_value_error(data: Any) -> None:
    try:
        entry = ExchangeEntry.from_json(data)
    except ValueError as exc:
        assert str(exc)
        return
    assert entry.name
    assert ExchangeEntry.from_json(json.loads(json.dumps(entry.to_json(), allow_nan=True))) == entry
    assert entry.to_draft("0123456789ab").connection.client_secret == ""


@pytest.mark.parametrize("fetched_at", [float("-inf"), float("inf"), float("nan"), -1e308, 1e308])
def test_a_cached_sync_with_an_impossible_time_is_refused_or_aged_in_words(fetched_at: float) -> None:
    try:
        result = SyncResult.from_json({"fetched_at": fetched_at, "command_fields": list(COMMAND_FIELDS)})
    except ValueError:
        return
    assert result.age_text()
