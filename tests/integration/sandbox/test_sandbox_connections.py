"""``/api/v4/oauth/outgoing_connections`` behaves like the server (docs/MATTERMOST.md §1, §3, §4), quirks included."""

from __future__ import annotations

import pytest
from sandbox_helpers import CONNECTIONS, Api, assert_app_error, new_connection

from mmoauth_gui.sandbox import Sandbox

ENGINEERING_ONLY = "engineering"


def team_id(sb: Sandbox, name: str) -> str:
    team = sb.state.team_by_name(name)
    assert team is not None
    return team.id


def fill(sb: Sandbox, count: int) -> list[str]:
    ids = []
    for i in range(count):
        conn = sb.state.add_connection(
            f"conn {i:02d}", "client", "secret", "https://idp.example.com/token", [f"https://svc{i}.example.com/*"]
        )
        ids.append(conn.id)
    return ids


# --- permissions come before the feature gate -------------------------------------------------------
WRITE_CALLS = [
    ("POST", CONNECTIONS),
    ("POST", f"{CONNECTIONS}/validate"),
    ("GET", f"{CONNECTIONS}/aaaaaaaaaaaaaaaaaaaaaaaaaa"),
    ("PUT", f"{CONNECTIONS}/aaaaaaaaaaaaaaaaaaaaaaaaaa"),
    ("DELETE", f"{CONNECTIONS}/aaaaaaaaaaaaaaaaaaaaaaaaaa"),
]


@pytest.mark.parametrize("feature", ["on", "off", "unlicensed"])
@pytest.mark.parametrize(("method", "path"), WRITE_CALLS)
def test_team_only_user_gets_403_on_write_routes_even_with_the_feature_off(
    api: Api, feature: str, method: str, path: str
) -> None:
    api.sb.feature = feature
    response = api.user.request(method, path, json={"name": "x"})
    body = assert_app_error(response, 403, "api.context.permissions.app_error")
    assert "manage_outgoing_oauth_connections" in str(body["detailed_error"])


@pytest.mark.parametrize(
    ("feature", "error_id"),
    [
        ("off", "api.context.outgoing_oauth_connection.not_available.configuration_disabled"),
        ("unlicensed", "api.license.upgrade_needed.app_error"),
    ],
)
@pytest.mark.parametrize(("method", "path"), [("GET", CONNECTIONS), *WRITE_CALLS])
def test_every_route_answers_501_for_the_admin_when_unavailable(
    api: Api, feature: str, error_id: str, method: str, path: str
) -> None:
    api.sb.feature = feature
    assert_app_error(api.admin.request(method, path, json={"name": "x"}), 501, error_id)


def test_team_user_listing_off_feature_with_permission_is_501_without_is_403(api: Api) -> None:
    api.sb.feature = "off"
    eng = team_id(api.sb, "engineering")
    support = team_id(api.sb, "support")
    gated = api.user.get(CONNECTIONS, params={"team_id": eng})
    assert_app_error(gated, 501, "api.context.outgoing_oauth_connection.not_available.configuration_disabled")
    assert_app_error(api.user.get(CONNECTIONS, params={"team_id": support}), 403, "api.context.permissions.app_error")


def test_feature_can_be_switched_back_on_while_running(api: Api) -> None:
    api.sb.feature = "unlicensed"
    assert api.admin.get(CONNECTIONS).status_code == 501
    api.sb.feature = "on"
    assert api.admin.get(CONNECTIONS).status_code == 200


# --- listing ----------------------------------------------------------------------------------------
def test_team_only_user_lists_with_a_team_where_it_manages_slash_commands(api: Api) -> None:
    eng = team_id(api.sb, "engineering")
    response = api.user.get(CONNECTIONS, params={"team_id": eng})
    assert response.status_code == 200 and len(response.json()) == 8
    assert_app_error(api.user.get(CONNECTIONS), 403, "api.context.permissions.app_error")
    marketing = team_id(api.sb, "marketing")
    assert_app_error(api.user.get(CONNECTIONS, params={"team_id": marketing}), 403, "api.context.permissions.app_error")


def test_admin_lists_without_team_id(api: Api) -> None:
    response = api.admin.get(CONNECTIONS)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert len(response.json()) == 8


def test_responses_never_carry_secrets(api: Api) -> None:
    listed = api.admin.get(CONNECTIONS, params={"limit": 100}).json()
    one = api.admin.get(f"{CONNECTIONS}/{listed[0]['id']}").json()
    portal = next(c for c in listed if c["name"] == "Legacy Portal")
    for conn in [*listed, one]:
        assert "client_secret" not in conn and "credentials_password" not in conn
    assert portal["credentials_username"] == "svc-integration" and portal["grant_type"] == "password"
    text = api.admin.get(CONNECTIONS, params={"limit": 100}).text
    for client in api.sb.demo_clients:
        assert client["client_secret"] not in text
    assert api.sb.demo_user["password"] not in text


def test_default_page_is_10_and_page_per_page_are_ignored(empty_api: Api) -> None:
    fill(empty_api.sb, 25)
    assert len(empty_api.admin.get(CONNECTIONS).json()) == 10
    backstage = empty_api.admin.get(CONNECTIONS, params={"page": 2, "per_page": 50}).json()
    assert [c["id"] for c in backstage] == [c["id"] for c in empty_api.admin.get(CONNECTIONS).json()]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5", " 5", "1_0"])
def test_limit_outside_1_to_100_or_not_a_number_is_400(empty_api: Api, limit: str) -> None:
    response = empty_api.admin.get(CONNECTIONS, params={"limit": limit})
    body = assert_app_error(response, 400, "api.context.outgoing_oauth_connection.list_connections.input_error")
    assert body["detailed_error"]


def test_from_id_cursor_walks_every_connection_in_id_order(empty_api: Api) -> None:
    ids = fill(empty_api.sb, 27)
    assert ids == sorted(ids)  # later ids sort after earlier ones
    seen: list[str] = []
    from_id = ""
    while True:
        page = empty_api.admin.get(CONNECTIONS, params={"limit": 10, "from_id": from_id}).json()
        seen += [c["id"] for c in page]
        if len(page) < 10:
            break
        from_id = page[-1]["id"]
    assert seen == ids
    assert empty_api.admin.get(CONNECTIONS, params={"limit": 100}).json()[-1]["id"] == ids[-1]
    after = empty_api.admin.get(CONNECTIONS, params={"from_id": ids[4], "limit": 3}).json()
    assert [c["id"] for c in after] == ids[5:8]


def test_audience_returns_the_one_connection_used_oldest_wins(api: Api) -> None:
    url = "https://helpdesk.example.com/api/mm/ticket"  # matched by "Helpdesk" (older) and the exact legacy one
    response = api.admin.get(CONNECTIONS, params={"audience": url})
    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["Helpdesk"]
    exact = api.admin.get(CONNECTIONS, params={"audience": "https://pager.example.com/api/oncall"}).json()
    assert [c["name"] for c in exact] == ["Pager"]
    assert "client_secret" not in exact[0]


def test_audience_exact_does_not_match_a_longer_url_and_a_miss_is_null_as_api4_appends_it(api: Api) -> None:
    longer = api.admin.get(CONNECTIONS, params={"audience": "https://pager.example.com/api/oncall/x"})
    assert longer.json() == [None]
    assert api.admin.get(CONNECTIONS, params={"audience": "https://jira.example.com/x"}).json() == [None]


def test_audience_miss_can_be_empty_or_an_error_like_other_readings(api: Api) -> None:
    api.sb.state.audience_miss = "empty"
    assert api.admin.get(CONNECTIONS, params={"audience": "https://none.example.com"}).json() == []
    api.sb.state.audience_miss = "error"
    response = api.admin.get(CONNECTIONS, params={"audience": "https://none.example.com"})
    assert_app_error(response, 500, "api.context.outgoing_oauth_connection.list_connections.app_error")


def test_audience_lookup_still_checks_the_limit_first(api: Api) -> None:
    response = api.admin.get(CONNECTIONS, params={"audience": "https://pager.example.com/api/oncall", "limit": 0})
    assert response.status_code == 400


def test_early_servers_blank_client_ids(api: Api) -> None:
    api.sb.state.blank_client_ids = True
    listed = api.admin.get(CONNECTIONS).json()
    assert all("client_id" not in c and "credentials_username" not in c for c in listed)


# --- create -----------------------------------------------------------------------------------------
def test_create_returns_201_with_the_sanitised_connection(api: Api) -> None:
    response = api.admin.post(CONNECTIONS, params={"team_id": team_id(api.sb, "support")}, json=new_connection(api.sb))
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    created = response.json()
    assert len(created["id"]) == 26 and created["id"].isalnum() and created["id"] == created["id"].lower()
    assert created["creator_id"] == api.sb.admin.id
    assert created["create_at"] == created["update_at"] > 0
    assert "client_secret" not in created
    stored = api.sb.state.connection(created["id"])
    assert stored is not None and stored.client_secret == api.sb.demo_clients[0]["client_secret"]


def test_more_than_ten_connections_can_exist(empty_api: Api) -> None:
    for i in range(12):
        body = new_connection(empty_api.sb, name=f"c{i}", audiences=[f"https://s{i}.example.com/"])
        assert empty_api.admin.post(CONNECTIONS, json=body).status_code == 201
    assert len(empty_api.admin.get(CONNECTIONS, params={"limit": 100}).json()) == 12


def test_create_with_an_id_keeps_a_valid_one_as_presave_does_and_refuses_a_bad_or_taken_one(api: Api) -> None:
    body = new_connection(api.sb, id="aaaaaaaaaaaaaaaaaaaaaaaaaa")
    created = api.admin.post(CONNECTIONS, json=body)
    assert created.status_code == 201 and created.json()["id"] == body["id"]
    again = api.admin.post(CONNECTIONS, json={**body, "audiences": ["https://other.example.com/x"]})
    assert_app_error(again, 500, "api.context.outgoing_oauth_connection.create_connection.app_error")
    bad = api.admin.post(CONNECTIONS, json={**body, "id": "short", "audiences": ["https://third.example.com/x"]})
    assert "Invalid id" in str(
        assert_app_error(bad, 500, "api.context.outgoing_oauth_connection.create_connection.app_error")[
            "detailed_error"
        ]
    )


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"", b'{"audiences": "https://a.example.com"}', b'{"name": 5}', b"[1, 2]"],
    ids=["syntax", "empty", "audiences-not-array", "name-not-string", "array"],
)
def test_create_with_bad_json_is_400(api: Api, content: bytes) -> None:
    response = api.admin.post(CONNECTIONS, content=content, headers={"Content-Type": "application/json"})
    body = assert_app_error(response, 400, "api.context.outgoing_oauth_connection.create_connection.input_error")
    assert body["detailed_error"]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"name": ""}, "IsValid: Invalid name., id="),
        ({"name": "n" * 65}, "Invalid name."),
        ({"client_secret": ""}, "Invalid client secret."),
        ({"oauth_token_url": "ftp://idp.example.com/token"}, "Invalid oauth token url."),
        ({"oauth_token_url": "HTTPS://idp.example.com/token"}, "Invalid oauth token url."),
        ({"audiences": []}, "Audience must not be empty."),
        ({"audiences": ["https://ok.example.com", "not a url"]}, "Audience URL is invalid: not a url"),
        ({"grant_type": "implicit"}, "Invalid grant type."),
        ({"grant_type": "password"}, "Invalid password credentials."),
    ],
)
def test_create_breaking_a_rule_is_500_with_the_reason_in_detailed_error(
    api: Api, changes: dict[str, object], reason: str
) -> None:
    response = api.admin.post(CONNECTIONS, json=new_connection(api.sb, **changes))
    body = assert_app_error(response, 500, "api.context.outgoing_oauth_connection.create_connection.app_error")
    assert reason in str(body["detailed_error"])


def test_create_reports_only_the_first_broken_rule(api: Api) -> None:
    response = api.admin.post(CONNECTIONS, json=new_connection(api.sb, name="", client_id="", audiences=[]))
    detail = str(
        assert_app_error(response, 500, "api.context.outgoing_oauth_connection.create_connection.app_error")[
            "detailed_error"
        ]
    )
    assert "Invalid name." in detail
    assert "client id" not in detail and "Audience" not in detail


def test_create_audience_list_longer_than_the_column_is_500(api: Api) -> None:
    audiences = [f"https://service-{i:03d}.example.com/hook" for i in range(40)]
    response = api.admin.post(CONNECTIONS, json=new_connection(api.sb, audiences=audiences))
    body = assert_app_error(response, 500, "api.context.outgoing_oauth_connection.create_connection.app_error")
    assert "1024" in str(body["detailed_error"])


# --- get / update / delete --------------------------------------------------------------------------
def test_get_unknown_id_is_500_as_the_server_does(api: Api) -> None:
    for missing in ("aaaaaaaaaaaaaaaaaaaaaaaaaa", "nope"):
        assert_app_error(
            api.admin.get(f"{CONNECTIONS}/{missing}"),
            500,
            "api.context.outgoing_oauth_connection.list_connections.app_error",
        )


def first(api: Api, name: str) -> dict[str, object]:
    return next(c for c in api.admin.get(CONNECTIONS, params={"limit": 100}).json() if c["name"] == name)


def test_update_with_a_different_body_id_is_400(api: Api) -> None:
    conn = first(api, "Pager")
    response = api.admin.put(f"{CONNECTIONS}/{conn['id']}", json={**conn, "id": "bbbbbbbbbbbbbbbbbbbbbbbbbb"})
    assert_app_error(response, 400, "api.context.invalid_body_param.app_error")
    no_id = {k: v for k, v in conn.items() if k != "id"}
    assert_app_error(
        api.admin.put(f"{CONNECTIONS}/{conn['id']}", json=no_id), 400, "api.context.invalid_body_param.app_error"
    )


def test_update_has_patch_semantics_and_bumps_update_at(api: Api) -> None:
    conn = first(api, "Pager")
    stored_before = api.sb.state.connection(str(conn["id"]))
    assert stored_before is not None
    body = {
        "id": conn["id"],
        "name": "Pager v2",
        "client_id": "",
        "client_secret": "",
        "audiences": [],
        "oauth_token_url": "",
        "grant_type": "",
    }
    response = api.admin.put(f"{CONNECTIONS}/{conn['id']}", json=body)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["name"] == "Pager v2"
    assert updated["client_id"] == conn["client_id"] and updated["audiences"] == conn["audiences"]
    assert updated["oauth_token_url"] == conn["oauth_token_url"]
    assert updated["update_at"] > conn["update_at"] and updated["create_at"] == conn["create_at"]
    assert "client_secret" not in updated
    stored = api.sb.state.connection(str(conn["id"]))
    assert stored is not None and stored.client_secret == stored_before.client_secret  # "" kept the secret
    assert api.admin.get(f"{CONNECTIONS}/{conn['id']}").json()["name"] == "Pager v2"


def test_update_replaces_non_empty_fields_and_a_new_secret(api: Api) -> None:
    conn = first(api, "CI Hooks")
    body = {"id": conn["id"], "client_secret": "rotated", "audiences": ["https://ci.example.com/v2/*"]}
    assert api.admin.put(f"{CONNECTIONS}/{conn['id']}", json=body).json()["audiences"] == [
        "https://ci.example.com/v2/*"
    ]
    stored = api.sb.state.connection(str(conn["id"]))
    assert stored is not None and stored.client_secret == "rotated"
    assert api.admin.get(CONNECTIONS, params={"audience": "https://ci.example.com/hooks/deploy"}).json() == [None]


def test_update_breaking_a_rule_is_500_and_changes_nothing(api: Api) -> None:
    conn = first(api, "Pager")
    body = {"id": conn["id"], "oauth_token_url": "idp.example.com/token"}
    response = api.admin.put(f"{CONNECTIONS}/{conn['id']}", json=body)
    body_err = assert_app_error(response, 500, "api.context.outgoing_oauth_connection.update_connection.app_error")
    assert "Invalid oauth token url." in str(body_err["detailed_error"])
    assert api.admin.get(f"{CONNECTIONS}/{conn['id']}").json() == conn


def test_update_unknown_id_is_500_bad_json_400(api: Api) -> None:
    missing = "aaaaaaaaaaaaaaaaaaaaaaaaaa"
    response = api.admin.put(f"{CONNECTIONS}/{missing}", json={"id": missing, "name": "x"})
    assert_app_error(response, 500, "api.context.outgoing_oauth_connection.update_connection.app_error")
    bad = api.admin.put(f"{CONNECTIONS}/{missing}", content=b"{", headers={"Content-Type": "application/json"})
    assert_app_error(bad, 400, "api.context.outgoing_oauth_connection.update_connection.input_error")


def test_delete_answers_status_ok_and_the_connection_is_gone(api: Api) -> None:
    conn = first(api, "Pager")
    response = api.admin.delete(f"{CONNECTIONS}/{conn['id']}")
    assert response.status_code == 200 and response.json() == {"status": "OK"}
    assert response.headers["content-type"] == "application/json"
    assert_app_error(
        api.admin.get(f"{CONNECTIONS}/{conn['id']}"),
        500,
        "api.context.outgoing_oauth_connection.list_connections.app_error",
    )
    again = api.admin.delete(f"{CONNECTIONS}/{conn['id']}")
    assert_app_error(again, 500, "api.context.outgoing_oauth_connection.delete_connection.app_error")
    assert api.admin.get(CONNECTIONS, params={"audience": "https://pager.example.com/api/oncall"}).json() == [None]
