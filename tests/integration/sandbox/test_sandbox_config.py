"""The configuration and licence routes (Appendix H), the validate failure's log line, and the
untrusted-internal rule on the slash command requests the sandbox makes."""

from __future__ import annotations

import json

from sandbox_helpers import CONNECTIONS, client, new_connection

from mmoauth_gui.sandbox import Sandbox

FAKE = "*" * 32


def test_full_config_for_admins_with_secrets_masked(sandbox: Sandbox) -> None:
    with client(sandbox, sandbox.admin_token) as admin:
        config = admin.get("/api/v4/config").json()
    service = config["ServiceSettings"]
    assert service["EnableOutgoingOAuthConnections"] is True and service["EnableCommands"] is True
    assert service["OutgoingIntegrationRequestsTimeout"] == 30 and service["EnableDeveloper"] is False
    assert "127.0.0.0/8" in service["AllowedUntrustedInternalConnections"]
    assert config["SqlSettings"]["DataSource"] == FAKE


def test_full_config_refused_to_others(sandbox: Sandbox) -> None:
    with client(sandbox, sandbox.user_token) as user:
        response = user.get("/api/v4/config")
    assert response.status_code == 403
    assert response.json()["id"] == "api.context.permissions.app_error"


def test_settings_reach_the_config() -> None:
    settings = {"ServiceSettings.EnableDeveloper": "true", "ServiceSettings.OutgoingIntegrationRequestsTimeout": "3"}
    with Sandbox(seed="empty", settings=settings) as sb, client(sb, sb.admin_token) as admin:
        service = admin.get("/api/v4/config").json()["ServiceSettings"]
        client_config = admin.get("/api/v4/config/client", params={"format": "old"}).json()
    assert service["EnableDeveloper"] is True and service["OutgoingIntegrationRequestsTimeout"] == 3
    assert client_config["EnableDeveloper"] == "true"


def test_client_config_needs_the_old_format_and_is_limited_without_a_session(sandbox: Sandbox) -> None:
    with client(sandbox, sandbox.user_token) as user:
        missing = user.get("/api/v4/config/client")
        full = user.get("/api/v4/config/client", params={"format": "old"}).json()
    with client(sandbox, "") as anonymous:
        limited = anonymous.get("/api/v4/config/client", params={"format": "old"}).json()
    assert missing.status_code == 501 and missing.json()["id"] == "api.config.client.old_format.app_error"
    assert full["EnableCommands"] == "true" and full["EnableOutgoingOAuthConnections"] == "true"
    assert "EnableCommands" not in limited and limited["Version"] == full["Version"]
    assert all(isinstance(v, str) for v in full.values())


def test_client_license_sanitised_for_non_admins(sandbox: Sandbox) -> None:
    with client(sandbox, sandbox.admin_token) as admin:
        full = admin.get("/api/v4/license/client", params={"format": "old"}).json()
    with client(sandbox, sandbox.user_token) as user:
        sanitised = user.get("/api/v4/license/client", params={"format": "old"}).json()
    assert full["SkuShortName"] == "enterprise" and full["SkuName"] == "Enterprise" and "Id" in full
    assert sanitised["SkuShortName"] == "enterprise" and "SkuName" not in sanitised and "Id" not in sanitised
    sandbox.feature = "unlicensed"
    with client(sandbox, sandbox.user_token) as user:
        assert user.get("/api/v4/license/client", params={"format": "old"}).json() == {"IsLicensed": "false"}


def test_a_failed_validate_is_a_json_log_line(sandbox: Sandbox) -> None:
    body = new_connection(sandbox) | {"client_secret": "wrong"}
    with client(sandbox, sandbox.admin_token) as admin:
        assert admin.post(f"{CONNECTIONS}/validate", json=body).status_code >= 400
        lines = admin.get("/api/v4/logs").json()
    entry = json.loads(lines[-1])
    assert entry["msg"] == "Failed to retrieve token while validating outgoing oauth connection"
    assert entry["level"] == "error" and entry["error"] and entry["timestamp"].endswith(" Z")
    assert "wrong" not in lines[-1]
