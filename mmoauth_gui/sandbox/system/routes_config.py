"""The configuration and licence a client may read (docs/MATTERMOST.md Appendix H).

``GET /api/v4/config``: system console readers only, secrets replaced by the server's fake setting;
``GET /api/v4/config/client?format=old``: flat strings, limited for a caller without a session;
``GET /api/v4/license/client?format=old``: flat strings, sanitised for a caller who may not read licence
information. Only the settings the sandbox models are filled; the real objects hold many more.
"""

from __future__ import annotations

from typing import Any

from mmoauth_gui.sandbox.auth import request_token, require_user
from mmoauth_gui.sandbox.errors import AppError, permission_error
from mmoauth_gui.sandbox.http_types import Request, Response
from mmoauth_gui.sandbox.records import User
from mmoauth_gui.sandbox.router import Router
from mmoauth_gui.sandbox.server_model.untrusted import ALLOWED_UNTRUSTED_INTERNAL
from mmoauth_gui.sandbox.state import State
from mmoauth_gui.sandbox.token_fetch import (
    ENABLE_DEVELOPER,
    HARDENED_MODE,
    INSECURE_OUTGOING,
    requests_timeout,
    setting,
)

FAKE_SETTING = "*" * 32  # model.FakeSetting: what a sanitised config shows instead of a secret
SYSCONSOLE_READ = "sysconsole_read_environment"  # one of model.SysconsoleReadPermissions, named in the 403
LICENSE_SANITISED_KEYS = ("Id", "Name", "Email", "IssuedAt", "StartsAt", "ExpiresAt", "SkuName")
SKU_NAMES = {"enterprise": "Enterprise", "professional": "Professional", "advanced": "Enterprise Advanced"}


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _bool_setting(state: State, key: str) -> bool:
    return setting(state.settings, key).strip().lower() == "true"


class ConfigRoutes:
    def __init__(self, state: State) -> None:
        self.state = state

    def register(self, router: Router) -> None:
        router.add("GET", "/api/v4/config", self.config)
        router.add("GET", "/api/v4/config/client", self.client_config)
        router.add("GET", "/api/v4/license/client", self.client_license)

    def _caller(self, request: Request) -> User | None:
        return self.state.user_for_token(request_token(request)) if request_token(request) else None

    @staticmethod
    def _old_format(request: Request, error_id: str, missing_status: int) -> None:
        fmt = request.arg("format")
        if not fmt:
            raise AppError(error_id, missing_status)
        if fmt != "old":
            raise AppError("api.context.invalid_param.app_error", 400, name="format")

    def config(self, request: Request) -> Response:
        user = require_user(request, self.state)
        if not self.state.has_system_permission(user, SYSCONSOLE_READ):
            raise permission_error(user.id, SYSCONSOLE_READ)
        s = self.state
        service: dict[str, Any] = {
            "SiteURL": s.integrations.site_url,
            "EnableOutgoingOAuthConnections": s.feature != "off",
            "EnableCommands": s.commands_enabled,
            "EnableOutgoingWebhooks": s.integrations.webhooks_enabled,
            "EnableDeveloper": _bool_setting(s, ENABLE_DEVELOPER),
            "ExperimentalEnableHardenedMode": _bool_setting(s, HARDENED_MODE),
            "EnableInsecureOutgoingConnections": _bool_setting(s, INSECURE_OUTGOING),
            "AllowedUntrustedInternalConnections": setting(s.settings, ALLOWED_UNTRUSTED_INTERNAL),
            "OutgoingIntegrationRequestsTimeout": int(requests_timeout(s.settings)),
        }
        body = {
            "ServiceSettings": service,
            "SqlSettings": {"DataSource": FAKE_SETTING, "AtRestEncryptKey": FAKE_SETTING},
            "EmailSettings": {"SMTPPassword": FAKE_SETTING},
        }
        return Response.json(200, body)

    def client_config(self, request: Request) -> Response:
        self._old_format(request, "api.config.client.old_format.app_error", 501)
        s = self.state
        version = s.version_id.split(".")
        props = {
            "Version": ".".join(version[:3]),
            "BuildNumber": ".".join(version[3:6]) if len(version) >= 6 else "",
            "SiteURL": s.integrations.site_url.rstrip("/"),
            "EnableFile": "true",
        }
        if self._caller(request) is not None:
            props |= {
                "EnableCommands": _flag(s.commands_enabled),
                "EnableOutgoingWebhooks": _flag(s.integrations.webhooks_enabled),
                "EnableOutgoingOAuthConnections": _flag(s.feature != "off"),
                "EnableDeveloper": _flag(_bool_setting(s, ENABLE_DEVELOPER)),
            }
        return Response.json(200, props)

    def client_license(self, request: Request) -> Response:
        self._old_format(request, "api.license.client.old_format.app_error", 400)
        s = self.state
        if s.feature == "unlicensed":
            return Response.json(200, {"IsLicensed": "false"})
        sku = s.license_sku
        full = {
            "IsLicensed": "true",
            "Id": "sandboxlicense0000000000000",
            "Name": "Sandbox",
            "Email": "admin@sandbox.invalid",
            "SkuName": SKU_NAMES.get(sku, sku.title()),
            "SkuShortName": sku,
            "OutgoingOAuthConnections": "true",
            "IsTrial": "false",
        }
        caller = self._caller(request)
        if caller is not None and s.has_system_permission(caller, "read_license_information"):
            return Response.json(200, full)
        return Response.json(200, {k: v for k, v in full.items() if k not in LICENSE_SANITISED_KEYS})
