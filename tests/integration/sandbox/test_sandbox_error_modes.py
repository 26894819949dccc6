"""What a production, developer and hardened server leave of an error, and the refusals current servers add.

docs/MATTERMOST.md, Appendix A.4 (handlers.go), §1 (the licence gate), §3 (duplicate audiences), C.2.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandbox_helpers import CONNECTIONS, client, new_connection

from mmoauth_gui.sandbox import Sandbox

CREATE_ERROR = "api.context.outgoing_oauth_connection.create_connection.app_error"
UPDATE_ERROR = "api.context.outgoing_oauth_connection.update_connection.app_error"


@pytest.fixture
def production() -> Iterator[Sandbox]:
    with Sandbox(seed="demo") as sb:  # every default: what a production server does
        yield sb


def post(sb: Sandbox, path: str, body: object) -> tuple[int, dict[str, object]]:
    with client(sb, sb.admin_token) as admin:
        response = admin.post(path, json=body)
    return response.status_code, response.json()


def test_production_keeps_id_and_english_message_but_no_detail(production: Sandbox) -> None:
    status, body = post(production, CONNECTIONS, new_connection(production, name=""))
    assert status == 500
    assert body["id"] == CREATE_ERROR and body["status_code"] == 500
    assert body["message"] == "There was an error while creating the outgoing OAuth connection."
    assert body["detailed_error"] == ""


def test_developer_mode_carries_the_reason(production: Sandbox) -> None:
    production.errors = "developer"
    _, body = post(production, CONNECTIONS, new_connection(production, name=""))
    assert "IsValid" in str(body["detailed_error"])


def test_hardened_mode_makes_every_5xx_anonymous_and_leaves_4xx(production: Sandbox) -> None:
    production.errors = "hardened"
    status, body = post(production, CONNECTIONS, new_connection(production, name=""))
    assert (status, body["id"], body["message"], body["status_code"]) == (500, "", "Internal Server Error", 500)
    production.feature = "off"  # 501 on the wire becomes 500
    status, body = post(production, CONNECTIONS, new_connection(production))
    assert (status, body["id"], body["status_code"]) == (500, "", 500)
    production.feature = "on"
    with client(production, production.user_token) as user:
        forbidden = user.post(CONNECTIONS, json=new_connection(production))
    assert forbidden.status_code == 403 and forbidden.json()["id"] == "api.context.permissions.app_error"
    assert forbidden.json()["detailed_error"] == ""


def test_hardened_validate_keeps_its_status_line_while_the_body_says_500(production: Sandbox) -> None:
    production.errors = "hardened"
    status, body = post(
        production,
        f"{CONNECTIONS}/validate",
        new_connection(production, oauth_token_url=production.unreachable_token_url),
    )
    assert status == 502
    assert (body["id"], body["status_code"]) == ("", 500)


def test_an_audience_another_connection_has_is_refused_on_create_and_update(production: Sandbox) -> None:
    taken = production.state.connections()[0].audiences[0]
    status, body = post(production, CONNECTIONS, new_connection(production, audiences=[taken]))
    assert (status, body["id"], body["detailed_error"]) == (500, CREATE_ERROR, "")
    status, created = post(production, CONNECTIONS, new_connection(production))
    assert status == 201
    with client(production, production.admin_token) as admin:
        moved = admin.put(f"{CONNECTIONS}/{created['id']}", json={**created, "audiences": [taken]})
        assert moved.status_code == 500 and moved.json()["id"] == UPDATE_ERROR
        kept = admin.put(f"{CONNECTIONS}/{created['id']}", json={**created, "name": "Renamed"})
        assert kept.status_code == 200  # its own audience is no duplicate
    production.errors = "developer"
    _, body = post(production, CONNECTIONS, new_connection(production, audiences=[taken]))
    assert str(body["detailed_error"]).endswith(
        f"There is already an outgoing oauth connection for the provided audience: {taken}"
    )


def test_older_servers_allow_duplicate_audiences(production: Sandbox) -> None:
    production.duplicate_audiences = "allow"
    taken = production.state.connections()[0].audiences[0]
    assert post(production, CONNECTIONS, new_connection(production, audiences=[taken]))[0] == 201


@pytest.mark.parametrize(
    ("licence", "status"), [("enterprise", 200), ("advanced", 501), ("professional", 501), ("none", 501)]
)
def test_only_the_enterprise_sku_passes_the_public_gate(production: Sandbox, licence: str, status: int) -> None:
    production.licence = licence
    with client(production, production.admin_token) as admin:
        response = admin.get(CONNECTIONS)
    assert response.status_code == status
    if status == 501:
        assert response.json()["id"] == "api.license.upgrade_needed.app_error"


def test_validate_by_id_fills_in_the_secret_only(production: Sandbox) -> None:
    portal = next(c for c in production.state.connections() if c.uses_password_grant)
    body = {**portal.public_dict(), "client_secret": ""}
    assert post(production, f"{CONNECTIONS}/validate", body)[0] == 400  # no password: the token endpoint refuses
    with_password = {**body, "credentials_password": production.demo_user["password"]}
    assert post(production, f"{CONNECTIONS}/validate", with_password) == (200, {"status": "OK"})
