"""The preview held against the sandbox's independent server model: the matching rule pinned on a server
that matches by its own code, and the app showing whichever match the server picks (``--audience-rule``)."""

from __future__ import annotations

from typing import Any

import pytest
from preview_seed import PREVIEW_SEED, SECRET, ids_by_name, run_sync

from mmoauth_gui.core.preview.build import PreviewRow, Status
from mmoauth_gui.sandbox import Sandbox

EXACT = "https://hooks.example.com/api"
# trigger → command URL; each differs from an audience below in one way the documented rule counts
NEAR = {
    "case": "https://HOOKS.example.com/api",
    "slash": "https://hooks.example.com/api/",
    "query": "https://hooks.example.com/api?x=1",
    "escape": "https://hooks.example.com/a%20b",
    "port": "https://hooks.example.com:443/api",
    "wild-slash": "https://wild.example.com/v1",
}
WHAT = {
    "case": "letter case",
    "slash": "a trailing slash",
    "query": "the query string",
    "escape": "percent-encoding",
    "port": "a default port",
    "wild-slash": "a trailing slash",
}
SEED: dict[str, Any] = {
    "teams": [
        {
            "name": "pins",
            "commands": [
                {"trigger": "exact", "url": EXACT},
                *({"trigger": trigger, "url": url} for trigger, url in NEAR.items()),
            ],
        }
    ],
    "connections": [
        {
            "name": "Pinned",
            "client_id": "pinned",
            "client_secret": SECRET,
            "oauth_token_url": "{token_url}",
            "audiences": [EXACT, "https://hooks.example.com/a b", "https://wild.example.com/v1/*"],
        }
    ],
}


def notes_by_trigger(sb: Sandbox, *, server_check: bool) -> dict[str, tuple[PreviewRow, str]]:
    """Each row with the preview's note on an audience that misses its URL only slightly."""
    preview = run_sync(sb, server_check=server_check).preview()
    return {r.trigger: (r, preview.near_miss_note(r.verdict)) for r in preview.rows()}


def test_the_rule_is_exact_text_and_the_independent_server_agrees() -> None:
    with Sandbox(seed=SEED) as sb:
        rows = notes_by_trigger(sb, server_check=True)
        pinned = ids_by_name(sb)["Pinned"]
    exact, note = rows["exact"]
    assert (exact.status, exact.server_connection_id, note) == (Status.LINKED, pinned, "")
    for trigger in NEAR:
        row, note = rows[trigger]
        assert (row.status, row.verdict.server_known, row.server_connection_id) == (Status.UNLINKED, True, None)
        assert f"only in {WHAT[trigger]}: this server does not treat them as the same." in note


def test_offline_the_preview_says_the_real_servers_handling_is_unknown() -> None:
    with Sandbox(seed=SEED) as sb:
        rows = notes_by_trigger(sb, server_check=False)
    for trigger in NEAR:
        row, note = rows[trigger]
        assert row.status is Status.UNLINKED
        assert f"only in {WHAT[trigger]}: " in note
        assert f"how the real server treats {WHAT[trigger]} is not public" in note
    assert rows["exact"][1] == ""


@pytest.mark.parametrize(("rule", "winner"), [("oldest", "API all"), ("newest", "API v1"), ("longest", "API v1")])
def test_an_ambiguous_command_shows_the_connection_the_server_picks(rule: str, winner: str) -> None:
    with Sandbox(seed=PREVIEW_SEED, audience_rule=rule) as sb:
        result = run_sync(sb, server_check=True)
        ids = ids_by_name(sb)
    rows = {r.trigger: r for r in result.preview().rows()}
    both = rows["both"]
    assert both.status is Status.AMBIGUOUS
    assert set(both.matches) == {ids["API all"], ids["API v1"]}
    assert both.server_connection_id == both.verdict.effective_connection_id == ids[winner]
    assert f"The server answered “{winner}”." in both.explanation
    assert (rows["root"].status, rows["root"].server_connection_id) == (Status.LINKED, ids["API all"])
    assert not [r for r in rows.values() if r.status is Status.MISMATCH]


def test_changing_the_rule_while_running_changes_the_answer_the_app_shows() -> None:
    with Sandbox(seed=PREVIEW_SEED) as sb:
        ids = ids_by_name(sb)
        first = {r.trigger: r for r in run_sync(sb, server_check=True).preview().rows()}
        sb.audience_rule = "newest"
        second = {r.trigger: r for r in run_sync(sb, server_check=True).preview().rows()}
        with pytest.raises(ValueError, match="oldest, newest, longest"):
            sb.audience_rule = "random"
    assert first["both"].server_connection_id == ids["API all"]
    assert second["both"].server_connection_id == ids["API v1"]
