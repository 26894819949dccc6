"""``GET /api/v4/commands?team_id=&custom_only=true`` (docs/MATTERMOST.md §6)."""

from __future__ import annotations

from sandbox_helpers import Api, assert_app_error

COMMANDS = "/api/v4/commands"
FIELDS = {
    "id",
    "token",
    "create_at",
    "update_at",
    "delete_at",
    "creator_id",
    "team_id",
    "trigger",
    "method",
    "username",
    "icon_url",
    "auto_complete",
    "auto_complete_desc",
    "auto_complete_hint",
    "display_name",
    "description",
    "url",
    "plugin_id",
}


def team(api: Api, name: str) -> str:
    found = api.sb.state.team_by_name(name)
    assert found is not None
    return found.id


def test_admin_sees_every_custom_command_with_its_url(api: Api) -> None:
    response = api.admin.get(COMMANDS, params={"team_id": team(api, "engineering"), "custom_only": "true"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    commands = response.json()
    assert len(commands) == 9  # 7 on example hosts, /hello and /hello-refused on the demo integration
    for cmd in commands:
        assert set(cmd) == FIELDS
        assert cmd["url"].startswith(("https://", "http://"))
        assert len(cmd["token"]) == 26 and cmd["method"] in ("P", "G")
    assert len({c["token"] for c in commands}) == 9


def test_team_only_user_gets_only_its_own_commands_the_others_left_out(api: Api) -> None:
    commands = api.user.get(COMMANDS, params={"team_id": team(api, "engineering"), "custom_only": "true"}).json()
    assert {c["trigger"] for c in commands} == {"standup", "weather"}
    assert all(c["creator_id"] == api.sb.team_user.id and c["url"] for c in commands)


def test_custom_only_without_managing_commands_is_403(api: Api) -> None:
    response = api.user.get(COMMANDS, params={"team_id": team(api, "support"), "custom_only": "true"})
    assert_app_error(response, 403, "api.context.permissions.app_error")
    blank = api.user.get(COMMANDS, params={"team_id": team(api, "support")}).json()
    assert blank and all(c["url"] == "" for c in blank)
    assert_app_error(
        api.user.get(COMMANDS, params={"team_id": team(api, "marketing")}), 403, "api.context.permissions.app_error"
    )


def test_missing_team_id_is_400(api: Api) -> None:
    assert_app_error(
        api.admin.get(COMMANDS, params={"custom_only": "true"}), 400, "api.context.invalid_param.app_error"
    )


def test_commands_disabled_is_501(api: Api) -> None:
    api.sb.commands_enabled = False
    response = api.admin.get(COMMANDS, params={"team_id": team(api, "engineering"), "custom_only": "true"})
    assert_app_error(response, 501, "api.command.disabled.app_error")
    api.sb.commands_enabled = True
    assert api.admin.get(COMMANDS, params={"team_id": team(api, "engineering")}).status_code == 200


def test_commands_added_while_running_are_listed(empty_api: Api) -> None:
    bench = empty_api.sb.state.add_team("bench-1", "Bench 1")
    for i in range(300):
        empty_api.sb.state.add_command(bench.id, f"cmd{i}", f"https://bench.example.com/c/{i}")
    commands = empty_api.admin.get(COMMANDS, params={"team_id": bench.id, "custom_only": "true"}).json()
    assert len(commands) == 300 and commands[0]["creator_id"] == empty_api.sb.admin.id
