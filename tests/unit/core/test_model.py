from __future__ import annotations

from mmoauth_gui.core.model import Command, Connection


def test_from_json_copes_with_blanked_and_missing_fields() -> None:
    conn = Connection.from_json({"id": "x", "name": "N", "client_id": None, "audiences": None, "create_at": "bad"})
    assert (conn.id, conn.name, conn.client_id, conn.audiences, conn.create_at) == ("x", "N", "", (), 0)
    assert conn.grant_type == "client_credentials"


def test_payloads_follow_the_server_contract() -> None:
    conn = Connection(
        id="abc", name="N", client_id="c", client_secret="s", oauth_token_url="https://t", audiences=("https://a",)
    )
    assert "id" not in conn.create_payload()
    assert conn.update_payload()["id"] == "abc"
    assert conn.with_changes(client_secret="").update_payload()["client_secret"] == ""
    assert conn.validate_payload()["id"] == "abc"
    assert "credentials_password" not in conn.create_payload()
    pw = conn.with_changes(grant_type="password", credentials_username="u", credentials_password="p")
    assert pw.create_payload()["credentials_password"] == "p"


def test_update_leaves_out_empty_credentials_so_the_server_keeps_them() -> None:
    stored = Connection(id="abc", name="N", grant_type="password", credentials_username="u")
    body = stored.update_payload()
    assert "credentials_password" not in body and body["credentials_username"] == "u"
    assert "credentials_username" not in stored.with_changes(credentials_username="").update_payload()
    assert stored.with_changes(credentials_password="new").update_payload()["credentials_password"] == "new"


def test_secrets_stay_out_of_repr_and_public_dict() -> None:
    conn = Connection(name="N", client_secret="hunter2-secret", credentials_password="pw-secret", grant_type="password")
    assert "hunter2" not in repr(conn) and "pw-secret" not in repr(conn)
    text = str(conn.public_dict())
    assert "hunter2" not in text and "pw-secret" not in text


def test_command_never_keeps_its_token() -> None:
    cmd = Command.from_json({"id": "1", "team_id": "t", "trigger": "jira", "url": "https://h", "token": "tok-secret"})
    assert "tok-secret" not in repr(cmd) and "tok-secret" not in str(cmd.public_dict())
    assert cmd.goes_through_url
    assert not Command.from_json({"id": "2", "trigger": "p", "plugin_id": "jira", "url": "https://h"}).goes_through_url
