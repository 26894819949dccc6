"""Seeds: the demo set makes the app look alive; files are checked with clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mmoauth_gui.core.audience import AudienceIndex, UrlSet
from mmoauth_gui.core.rules import overlap_warnings
from mmoauth_gui.sandbox import Sandbox, SeedError
from mmoauth_gui.sandbox.seed import load_seed


def test_demo_seed_shape(sandbox: Sandbox) -> None:
    state = sandbox.state
    teams = state.teams()
    assert [t.name for t in teams] == ["engineering", "support", "marketing"]
    commands = [c for t in teams for c in state.commands_of_team(t.id)]
    assert len(commands) == 17  # 15 on example hosts, 2 on the demo integration
    connections = state.connections()
    assert len(connections) == 8
    assert {c.oauth_token_url for c in connections} == {sandbox.token_url, sandbox.unreachable_token_url}
    assert any(c.url.startswith("http://") for c in commands)

    index = AudienceIndex((c.id, c.audiences) for c in connections)
    matches = {c.trigger: index.match(c.url) for c in commands}
    assert sorted(t for t, m in matches.items() if len(m) > 1) == ["ticket"]
    assert sorted(t for t, m in matches.items() if not m) == ["faq", "jira", "social", "status", "weather"]
    urls = UrlSet(c.url for c in commands)
    unused = [a for c in connections for a in c.audiences if not urls.matched_by(a)]
    assert sorted(unused) == ["https://pager.example.com/api/ack", "https://portal.example.com/*"]
    assert {c.name for c in connections if any(a.endswith("*") for a in c.audiences)} >= {"CI Hooks", "Reports"}
    assert overlap_warnings(connections)  # the ambiguous pair shows as an overlap


def test_demo_secrets_are_fresh_per_sandbox() -> None:
    with Sandbox(seed="empty") as one, Sandbox(seed="empty") as two:
        assert one.demo_clients[0]["client_secret"] != two.demo_clients[0]["client_secret"]
        assert one.admin_token != two.admin_token


def test_seed_file_with_placeholders(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(
        json.dumps(
            {
                "teams": [
                    {
                        "name": "ops",
                        "display_name": "Ops",
                        "commands": [{"trigger": "page", "url": "https://p.example.com/x", "method": "G"}],
                    }
                ],
                "connections": [
                    {
                        "name": "Ops",
                        "client_id": "mattermost-commands",
                        "client_secret": "{secret:mattermost-commands}",
                        "oauth_token_url": "{token_url}",
                        "audiences": ["https://p.example.com/*"],
                    }
                ],
            }
        )
    )
    with Sandbox(seed=path) as sb:
        (conn,) = sb.state.connections()
        assert conn.oauth_token_url == sb.token_url
        assert conn.client_secret == sb.demo_clients[0]["client_secret"]
        (team,) = sb.state.teams()
        assert [c.method for c in sb.state.commands_of_team(team.id)] == ["G"]
        assert sb.info["teams"] == [{"id": team.id, "name": "ops", "display_name": "Ops"}]


def test_dict_seed_and_empty_seed() -> None:
    with Sandbox(seed={"teams": [{"name": "solo"}]}) as sb:
        assert [t.display_name for t in sb.state.teams()] == ["solo"]
    with Sandbox(seed="empty") as sb:
        assert sb.state.teams() == [] and sb.state.connections() == []


GOOD_CONN = {
    "name": "c",
    "client_id": "id",
    "client_secret": "s",
    "oauth_token_url": "https://idp.example.com/token",
    "audiences": ["https://a.example.com"],
}


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ([], "must be a JSON object"),
        ({"teams": {}}, "teams must be a JSON array"),
        ({"team": []}, "unknown key team"),
        ({"teams": [{"display_name": "x"}]}, "teams[0].name is required"),
        ({"teams": [{"name": "Bad Name"}]}, "lowercase letters"),
        ({"teams": [{"name": "ab"}, {"name": "ab"}]}, "used by another team"),
        ({"teams": [{"name": "ab", "user_role": "boss"}]}, "user_role must be one of"),
        (
            {"teams": [{"name": "ab", "commands": [{"trigger": "/x", "url": "https://a.example.com"}]}]},
            "no leading '/'",
        ),
        ({"teams": [{"name": "ab", "commands": [{"trigger": "x", "url": "ftp://a"}]}]}, "commands[0].url"),
        (
            {
                "teams": [
                    {"name": "ab", "commands": [{"trigger": "x", "url": "https://a.example.com", "method": "POST"}]}
                ]
            },
            "method",
        ),
        (
            {"connections": [{**GOOD_CONN, "audiences": []}]},
            "connections[0] (c): Audience must not be empty.",
        ),
        (
            {"connections": [{**GOOD_CONN, "audiences": [f"https://s{i:03d}.example.com/hook" for i in range(40)]}]},
            "value too long for type character varying(1024)",
        ),
        ({"connections": [{**GOOD_CONN, "client_secret": ""}]}, "client_secret must be a non-empty string"),
        ({"connections": [{**GOOD_CONN, "client_secret": "{secret:ghost}"}]}, "names no demo client"),
        ({"connections": [{**GOOD_CONN, "audiences": [3]}]}, "audiences must hold only strings"),
    ],
)
def test_bad_seed_files_are_refused_with_a_clear_message(tmp_path: Path, seed: object, message: str) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    with pytest.raises(SeedError) as excinfo:
        Sandbox(seed=path)
    assert message in str(excinfo.value)
    assert str(path) in str(excinfo.value)


def test_bad_seed_files(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="cannot read seed file"):
        load_seed(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"teams": [')
    with pytest.raises(SeedError, match=r"is not valid JSON: .* line 1"):
        load_seed(broken)
