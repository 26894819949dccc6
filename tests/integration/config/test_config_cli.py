"""``mmoauth-gui config export|plan|apply`` end to end, as subprocesses against a running sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from config_support import config_cli, export

from mmoauth_gui.sandbox import Sandbox


def by_name(sb: Sandbox) -> dict[str, Any]:
    return {c.name: c for c in sb.state.connections()}


def test_export_then_plan_is_empty_and_a_re_export_is_byte_identical(sandbox: Sandbox, tmp_path: Path) -> None:
    text = export(sandbox, tmp_path / "connections.yaml")
    assert [line for line in text.splitlines() if line.startswith("- name:")] == [
        "- name: Alpha",
        "- name: Billing",
        "- name: Spare",
    ]
    assert "client_secret: {env: MM_OAUTH_ALPHA_SECRET}" in text
    assert "secret_version: 1" in text
    plan = config_cli("plan", str(tmp_path / "connections.yaml"), "--server", sandbox.url, token=sandbox.admin_token)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "No changes" in plan.stdout
    assert export(sandbox, tmp_path / "again.yaml").encode() == text.encode()


def test_an_edited_file_plans_exactly_the_edit_with_its_impact(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "connections.yaml"
    text = export(sandbox, path)
    path.write_text(text.replace("https://a.example.com/*", "https://a.example.com/api/*"), encoding="utf-8")
    result = config_cli("plan", str(path), "--server", sandbox.url, "--json", token=sandbox.admin_token)
    assert result.returncode == 4, result.stderr
    plan = json.loads(result.stdout)
    assert plan["unmanaged"] == [] and plan["problems"] == []
    (change,) = plan["changes"]
    assert change["action"] == "update" and change["name"] == "Alpha"
    assert change["id"] == by_name(sandbox)["Alpha"].id
    assert change["fields"] == [
        {"field": "audiences", "from": ["https://a.example.com/*"], "to": ["https://a.example.com/api/*"]}
    ]
    assert change["secret"] is False
    lost = change["impact"]["lost"]
    assert [(a["trigger"], a["url"], a["from"], a["to"]) for a in lost] == [
        ("deploy", "https://a.example.com/hook", ["Alpha"], [])
    ]
    assert change["impact"]["switched"] == change["impact"]["gained"] == change["impact"]["ambiguous"] == []

    table = config_cli("plan", str(path), "--server", sandbox.url, token=sandbox.admin_token)
    assert table.returncode == 4
    assert "~ update “Alpha”" in table.stdout
    assert "impact lost: /deploy (https://a.example.com/hook): “Alpha” → no connection" in table.stdout


def test_apply_then_plan_is_empty(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "connections.yaml"
    text = export(sandbox, path)
    text = text.replace("https://b.example.com/x", "https://b.example.com/*").replace("name: Spare", "name: Spare 2")
    # a new connection of its own: current servers refuse the audience the kept “Spare” still has
    text = text.replace("https://spare.example.com/*", "https://spare2.example.com/*")
    path.write_text(text, encoding="utf-8")
    spare_id = by_name(sandbox)["Spare"].id
    secret = sandbox.demo_client("reports-bot").client_secret
    env = {"MM_OAUTH_SPARE_SECRET": secret}
    applied = config_cli("apply", str(path), "--server", sandbox.url, "--yes", token=sandbox.admin_token, env=env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Applied 2 changes." in applied.stdout
    now = by_name(sandbox)
    assert now["Billing"].audiences == ("https://b.example.com/*",)
    assert now["Spare 2"].id != spare_id and now["Spare 2"].client_secret == secret  # matched by name: new
    assert now["Spare"].id == spare_id  # not in the file any more: unmanaged, kept without --prune
    again = config_cli("plan", str(path), "--server", sandbox.url, "--json", token=sandbox.admin_token)
    assert again.returncode == 0, again.stdout
    assert json.loads(again.stdout)["changes"] == []
    assert json.loads(again.stdout)["unmanaged"] == [{"id": spare_id, "name": "Spare"}]
    assert secret not in applied.stdout + applied.stderr + again.stdout + again.stderr


def test_drift_after_a_server_side_change(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "connections.yaml"
    export(sandbox, path)
    billing = by_name(sandbox)["Billing"]
    sandbox.state.replace_connection(
        billing.with_changes(client_id="someone-else", audiences=("https://b.example.com/y",))
    )
    result = config_cli("plan", str(path), "--server", sandbox.url, "--json", token=sandbox.admin_token)
    assert result.returncode == 4
    (change,) = json.loads(result.stdout)["changes"]
    assert change["name"] == "Billing"
    assert [f["field"] for f in change["fields"]] == ["client_id", "audiences"]
    assert [a["trigger"] for a in change["impact"]["gained"]] == ["billing"]


def test_unmanaged_connections_are_listed_and_deleted_only_with_prune(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "connections.yaml"
    text = export(sandbox, path)
    head, _, rest = text.partition("- name: Billing")
    kept = head + "- name: Spare" + rest.partition("- name: Spare")[2]
    path.write_text(kept, encoding="utf-8")
    billing_id = by_name(sandbox)["Billing"].id

    plan = config_cli("plan", str(path), "--server", sandbox.url, "--json", token=sandbox.admin_token)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert json.loads(plan.stdout)["unmanaged"] == [{"id": billing_id, "name": "Billing"}]

    pruned = config_cli("plan", str(path), "--server", sandbox.url, "--prune", "--json", token=sandbox.admin_token)
    assert pruned.returncode == 4
    (change,) = json.loads(pruned.stdout)["changes"]
    assert (change["action"], change["id"]) == ("delete", billing_id)
    assert [a["trigger"] for a in change["impact"]["lost"]] == ["billing"]

    applied = config_cli("apply", str(path), "--server", sandbox.url, "--prune", "--yes", token=sandbox.admin_token)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Billing" not in by_name(sandbox)


def test_secret_rotation_by_version_sends_the_new_secret(sandbox: Sandbox, tmp_path: Path, data_dir: Path) -> None:
    good = sandbox.demo_client("mattermost-commands").client_secret
    alpha = by_name(sandbox)["Alpha"]
    sandbox.state.replace_connection(alpha.with_changes(client_secret="an-old-revoked-secret"))
    assert not _validates(sandbox, alpha.id)
    path = tmp_path / "connections.yaml"
    text = export(sandbox, path)
    env = {"MM_OAUTH_ALPHA_SECRET": good}

    unchanged = config_cli("plan", str(path), "--server", sandbox.url, token=sandbox.admin_token, env=env)
    assert unchanged.returncode == 0  # version 1 is what the server holds: nothing to send

    head, _, rest = text.partition("- name: Alpha")
    rest = rest.replace("secret_version: 1", "secret_version: 2", 1)
    path.write_text(head + "- name: Alpha" + rest, encoding="utf-8")
    plan = config_cli("plan", str(path), "--server", sandbox.url, "--json", token=sandbox.admin_token, env=env)
    assert plan.returncode == 4
    (change,) = json.loads(plan.stdout)["changes"]
    assert (change["name"], change["fields"], change["secret"]) == ("Alpha", [], True)

    missing = config_cli("apply", str(path), "--server", sandbox.url, "--yes", token=sandbox.admin_token)
    assert missing.returncode == 2
    assert "$MM_OAUTH_ALPHA_SECRET" in missing.stderr and "nothing was applied" in missing.stderr

    applied = config_cli("apply", str(path), "--server", sandbox.url, "--yes", token=sandbox.admin_token, env=env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert sandbox.state.connection(alpha.id).client_secret == good
    assert _validates(sandbox, alpha.id)
    again = config_cli("plan", str(path), "--server", sandbox.url, token=sandbox.admin_token, env=env)
    assert again.returncode == 0, again.stdout
    record = json.loads((data_dir / "state" / "config-applied.json").read_text())
    assert record["servers"][sandbox.url][alpha.id]["secret_version"] == 2
    for output in (plan, applied, again):
        assert good not in output.stdout + output.stderr


def _validates(sb: Sandbox, connection_id: str) -> bool:
    import asyncio

    from mmoauth_gui.services.http import make_http_client
    from mmoauth_gui.services.mattermost.client import MattermostClient
    from mmoauth_gui.services.mattermost.errors import MattermostError

    async def go() -> bool:
        async with make_http_client(timeout=10.0) as http:
            client = MattermostClient(sb.url, sb.admin_token, http)
            conn = await client.get_connection(connection_id)
            try:
                await client.validate_connection(conn)
            except MattermostError:
                return False
            return True

    return asyncio.run(go())


def test_a_file_with_several_errors_reports_each_with_its_line(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "connections:\n"
        "- name: One\n"
        "  client_id: a\n"
        "  client_secret: {env: ONE}\n"
        "  oauth_token_url: ftp://token.example.com\n"
        "  audiences: [https://one.example.com/*]\n"
        "- name: Two\n"
        "  client_id: b\n"
        "  client_secret: {env: TWO}\n"
        "  oauth_token_url: https://token.example.com\n"
        "  audiences:\n"
        "  - https://two.example.com/*\n"
        "  - not a url\n"
        "  colour: blue\n",
        encoding="utf-8",
    )
    result = config_cli("plan", str(path), "--server", sandbox.url, token=sandbox.admin_token)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [line.split(": error: ")[0] for line in errors] == [f"{path}:5:20", f"{path}:13:5", f"{path}:14:3"]
    assert "ftp://" in errors[0] and "Audience URL 2" in errors[1] and "colour" in errors[2]
    assert "3 errors" in result.stderr


def test_a_server_holding_a_name_twice_asks_for_an_id(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "connections.yaml"
    export(sandbox, path)
    spare = by_name(sandbox)["Spare"]
    twin = sandbox.state.add_connection(
        "Alpha", "reports-bot", "x-secret", spare.oauth_token_url, ["https://twin.example.com/*"]
    )
    result = config_cli("plan", str(path), "--server", sandbox.url, token=sandbox.admin_token)
    assert result.returncode == 1
    assert "add id:" in result.stdout and twin.id in result.stdout
    exported = export(sandbox, tmp_path / "with-ids.yaml")
    assert f"id: {twin.id}" in exported
    assert (
        config_cli(
            "plan", str(tmp_path / "with-ids.yaml"), "--server", sandbox.url, token=sandbox.admin_token
        ).returncode
        == 0
    )


def test_apply_without_yes_and_no_terminal_is_a_usage_error(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "connections.yaml"
    export(sandbox, path)
    result = config_cli("apply", str(path), "--server", sandbox.url, token=sandbox.admin_token)
    assert result.returncode == 2
    assert "--yes" in result.stderr


def test_unreadable_file_and_unreachable_server(
    sandbox: Sandbox, tmp_path: Path, take_down: Callable[[Sandbox], None]
) -> None:
    missing = config_cli("plan", str(tmp_path / "nope.yaml"), "--server", sandbox.url, token=sandbox.admin_token)
    assert missing.returncode == 2 and "Cannot read" in missing.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("connections: [\n", encoding="utf-8")
    unreadable = config_cli("plan", str(broken), "--server", sandbox.url, token=sandbox.admin_token)
    assert unreadable.returncode == 2 and f"{broken}:2:1: error:" in unreadable.stderr
    good = tmp_path / "good.yaml"
    export(sandbox, good)
    url = sandbox.url
    take_down(sandbox)
    down = config_cli("plan", str(good), "--server", url, token=sandbox.admin_token)
    assert down.returncode == 3, down.stderr


def test_promote_from_one_server_to_another(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "staging.yaml"
    text = export(sandbox, path)
    with Sandbox(seed="empty") as production:
        good = production.demo_client("mattermost-commands").client_secret
        reports = production.demo_client("reports-bot").client_secret
        text = text.replace(sandbox.token_url, production.token_url)
        path.write_text(text, encoding="utf-8")
        env = {"MM_OAUTH_ALPHA_SECRET": good, "MM_OAUTH_BILLING_SECRET": good, "MM_OAUTH_SPARE_SECRET": reports}
        plan = config_cli("plan", str(path), "--server", production.url, "--json", token=production.admin_token)
        assert plan.returncode == 4
        assert [(c["action"], c["name"], c["secret"]) for c in json.loads(plan.stdout)["changes"]] == [
            ("create", "Alpha", True),
            ("create", "Billing", True),
            ("create", "Spare", True),
        ]
        applied = config_cli(
            "apply", str(path), "--server", production.url, "--yes", token=production.admin_token, env=env
        )
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert sorted(c.name for c in production.state.connections()) == ["Alpha", "Billing", "Spare"]
        assert all(_validates(production, c.id) for c in production.state.connections())
        assert config_cli("plan", str(path), "--server", production.url, token=production.admin_token).returncode == 0


def test_updating_a_password_grant_connection_keeps_its_password(sandbox: Sandbox, tmp_path: Path) -> None:
    portal = sandbox.demo_client("legacy-portal")
    user = sandbox.demo_user
    created = sandbox.state.add_connection(
        "Portal",
        portal.client_id,
        portal.client_secret,
        sandbox.token_url,
        ["https://portal.example.com/*"],
        "password",
        credentials_username=user["username"],
        credentials_password=user["password"],
    )
    path = tmp_path / "connections.yaml"
    text = export(sandbox, path)
    path.write_text(text.replace("https://portal.example.com/*", "https://portal.example.com/api/*"), encoding="utf-8")
    applied = config_cli("apply", str(path), "--server", sandbox.url, "--yes", token=sandbox.admin_token)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    stored = sandbox.state.connection(created.id)
    assert stored.audiences == ("https://portal.example.com/api/*",)
    assert stored.credentials_password == user["password"]
