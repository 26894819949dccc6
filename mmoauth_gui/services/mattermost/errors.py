"""Typed errors of the Mattermost REST API, parsed from its AppError body (docs/MATTERMOST.md §1).

Every error carries ``user_message``: what happened and what to do, with the server's
``detailed_error`` when it gave one. Nothing here ever holds a token, a secret or a request body;
server-provided text is redacted as a second line of defence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from mmoauth_gui.logs import redact

REDACTED = "[redacted]"
FEATURE_SETTING = "ServiceSettings.EnableOutgoingOAuthConnections"
FEATURE_CONSOLE_PATH = "System Console > Integrations > Integration Management > Enable Outgoing OAuth Connections"
CONNECTIONS_PERMISSION = "manage_outgoing_oauth_connections"
LIST_TEAM_PERMISSIONS = ("manage_slash_commands", "manage_outgoing_webhooks")

VALIDATE_400_ADVICE = (
    "The token endpoint did not give the Mattermost server a token with this configuration: check the "
    "client ID, the client secret, the token URL and the grant type."
)
VALIDATE_502_ADVICE = (
    "The Mattermost server could not reach the token URL (the configuration may still be right): check that "
    "the server can resolve and connect to it — firewall, proxy, and the server's trust of its TLS certificate."
)

_PERMISSION_RE = re.compile(r"permission=([A-Za-z0-9_, ]+)")
_NOT_FOUND_RE = re.compile(r"(?i)not found|no rows in result set")


def _clean(value: Any) -> str:
    return redact(value.strip()) if isinstance(value, str) else ""


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


class MattermostError(Exception):
    """A request to the Mattermost REST API that did not give the expected answer.

    ``status`` is the HTTP status (None when no answer came), ``error_id``/``message``/``detailed_error``
    come from the AppError body, ``operation`` names what was attempted ("list connections", ...).
    """

    default_advice = ""

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        error_id: str = "",
        detailed_error: str = "",
        request_id: str = "",
        operation: str = "",
        advice: str = "",
    ) -> None:
        self.status = status
        self.error_id = error_id
        self.message = _clean(message)
        self.detailed_error = _clean(detailed_error)
        self.request_id = request_id
        self.operation = operation
        self.advice = advice or self.default_advice
        super().__init__(self.user_message)

    @property
    def headline(self) -> str:
        """What happened, in one sentence."""
        what = f"Could not {self.operation}" if self.operation else "The request failed"
        status = f" (HTTP {self.status})" if self.status else ""
        reason = f": {self.message}" if self.message else ""
        return _sentence(f"{what}{status}{reason}")

    @property
    def user_message(self) -> str:
        """What happened, the server's detailed reason when present, and what to do."""
        parts = [self.headline]
        if self.detailed_error and self.detailed_error not in self.message:
            parts.append(f"Server detail: {_sentence(self.detailed_error)}")
        if self.advice:
            parts.append(self.advice)
        return " ".join(parts)

    def __str__(self) -> str:
        return self.user_message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, error_id={self.error_id!r}, "
            f"operation={self.operation!r}, message={self.message!r})"
        )


class FeatureUnavailable(MattermostError):
    """The server cannot do this at all (HTTP 501, or an API route it does not have)."""

    default_advice = "This server cannot manage outgoing OAuth connections as it is configured."


class FeatureDisabled(FeatureUnavailable):
    default_advice = (
        f"Outgoing OAuth connections are turned off on this server. A system admin can turn them on: set "
        f"{FEATURE_SETTING} = true in config.json (or {FEATURE_CONSOLE_PATH})."
    )


class FeatureFlagOff(FeatureDisabled):
    default_advice = (
        "This server version keeps outgoing OAuth connections behind the OutgoingOAuthConnections feature "
        f"flag: a system admin must enable that flag and set {FEATURE_SETTING} = true, or upgrade the server."
    )


class LicenseRequired(FeatureUnavailable):
    default_advice = (
        "Outgoing OAuth connections need a Mattermost Enterprise licence (Professional is not enough). "
        "Upload one in System Console > About > Edition and License."
    )


class CommandsDisabled(FeatureUnavailable):
    default_advice = (
        "Custom slash commands are turned off on this server: a system admin can set "
        "ServiceSettings.EnableCommands = true (System Console > Integrations > Integration Management > "
        "Enable Custom Slash Commands)."
    )


class ServerTooOld(FeatureUnavailable):
    default_advice = (
        "The server does not know this API route: outgoing OAuth connections exist from Mattermost 9.6. "
        "Check that the URL is the Mattermost server's address and that the server is 9.6 or newer."
    )


class PermissionDenied(MattermostError):
    """HTTP 403. ``permission`` is the missing permission when the server named it."""

    def __init__(self, message: str = "", *, permission: str = "", **kwargs: Any) -> None:
        self.permission = permission
        super().__init__(message, **kwargs)

    @property
    def user_message(self) -> str:
        parts = [self.headline]
        if self.permission:
            names = self.permission.split()
            if len(names) == 1:
                parts.append(f"The account lacks the permission {names[0]}.")
            else:
                parts.append(f"The account has none of the permissions {', '.join(names)}.")
        elif self.detailed_error and self.detailed_error not in self.message:
            parts.append(f"Server detail: {_sentence(self.detailed_error)}")
        if self.advice:
            parts.append(self.advice)
        return " ".join(parts)


class NotAuthenticated(MattermostError):
    default_advice = (
        "The token was refused: it has expired or been revoked. Sign in again, or create a new personal "
        "access token (Profile > Security > Personal Access Tokens)."
    )


class MfaRequired(NotAuthenticated):
    default_advice = "This account uses multi-factor authentication: enter the current MFA code and try again."


class NotFound(MattermostError):
    default_advice = "It may have been deleted: reload the list."


class RuleViolated(MattermostError):
    """The server's HTTP 500 for a connection that breaks a model rule.

    The reason is the server's ``detailed_error`` when it sends one (developer mode), else ``reasons``:
    what the app's own check of the sent connection finds.
    """

    default_advice = "Correct the connection and save again."

    def __init__(self, message: str = "", *, reasons: Iterable[str] = (), **kwargs: Any) -> None:
        self.reasons = tuple(reasons)
        super().__init__(message, **kwargs)

    @property
    def headline(self) -> str:
        what = f"The server refused to {self.operation}" if self.operation else "The server refused the connection"
        return _sentence(f"{what}: it breaks a connection rule")

    @property
    def user_message(self) -> str:
        if not self.reasons:
            return super().user_message
        found = " ".join(_sentence(r) for r in self.reasons)
        checked = f"The server does not say which; the app's check of what was sent finds: {found}"
        return f"{self.headline} {checked} {self.advice}"


class AudienceTaken(RuleViolated):
    """HTTP 500 on create/update because another connection already has one of the audiences (§3)."""

    def __init__(self, message: str = "", *, audience: str, holder_name: str, holder_id: str, **kwargs: Any) -> None:
        self.audience = audience
        self.holder_name = holder_name
        self.holder_id = holder_id
        kwargs.setdefault(
            "advice",
            "Current Mattermost servers refuse an audience that another connection already has: use another "
            f"audience URL here, or take it off “{holder_name}” first.",
        )
        super().__init__(message, **kwargs)

    @property
    def headline(self) -> str:
        what = f"The server refused to {self.operation}" if self.operation else "The server refused the connection"
        return _sentence(
            f"{what}: the audience {self.audience} is already used by connection “{self.holder_name}” "
            f"({self.holder_id})"
        )

    @property
    def user_message(self) -> str:
        return f"{self.headline} {self.advice}"


class BadRequest(MattermostError):
    default_advice = "The server did not accept the request as sent."


class ServerError(MattermostError):
    default_advice = "The server had a problem: try again later, or ask its admin to check the server log."


class InvalidResponse(MattermostError):
    default_advice = "Check that the URL is the Mattermost server's address (not a proxy or login page)."


class Unreachable(MattermostError):
    """No HTTP answer. ``reason`` is ``connection``, ``tls`` or ``timeout``."""

    def __init__(self, message: str = "", *, reason: str = "connection", **kwargs: Any) -> None:
        self.reason = reason
        super().__init__(message, **kwargs)

    @property
    def headline(self) -> str:
        what = f"Could not {self.operation}" if self.operation else "Could not reach the server"
        return _sentence(f"{what}: {self.message}" if self.message else what)


def _body_fields(body: Any) -> tuple[str, str, str, str]:
    if not isinstance(body, Mapping):
        return "", "", "", ""

    def text(key: str) -> str:
        value = body.get(key)
        return value if isinstance(value, str) else ""

    return text("id"), text("message"), text("detailed_error"), text("request_id")


def error_from_response(
    status: int,
    body: Any,
    *,
    operation: str,
    rules_apply: bool = False,
    lookup: bool = False,
    listing: bool = False,
    commands: bool = False,
    validating: bool = False,
    secrets: Iterable[str] = (),
) -> MattermostError:
    """The typed error for an HTTP ``status`` and its parsed JSON ``body`` (None when not JSON).

    ``rules_apply``: a 500 means a broken connection rule (create/update). ``lookup``: the request names
    one connection, so a 500 saying "not found" is NotFound. ``listing``/``commands`` pick the permission
    advice for a 403. ``validating``: the server's own token request failed (400 refused, 502 not reached).
    ``secrets`` (the token, a posted secret) are cut out of the server's text should it echo them.
    """
    error_id, message, detailed, request_id = _body_fields(body)
    for secret in secrets:
        if secret:
            message = message.replace(secret, REDACTED)
            detailed = detailed.replace(secret, REDACTED)
            error_id = error_id.replace(secret, REDACTED)  # both are in repr, which logs may show
            request_id = request_id.replace(secret, REDACTED)
    fields: dict[str, Any] = {
        "status": status,
        "error_id": error_id,
        "detailed_error": detailed,
        "request_id": request_id,
        "operation": operation,
    }
    if status == 401:
        if "mfa" in error_id:
            return MfaRequired(message, **fields)
        return NotAuthenticated(message, **fields)
    if status == 403:
        return _permission_error(message, detailed, listing=listing, commands=commands, fields=fields)
    if status == 404:
        if error_id == "api.context.404.app_error":
            return ServerTooOld(message, **fields)
        return NotFound(message, **fields)
    if status == 501:
        if error_id.endswith("feature_flag"):
            return FeatureFlagOff(message, **fields)
        if "configuration_disabled" in error_id or "not_available" in error_id:
            return FeatureDisabled(message, **fields)
        if "upgrade_needed" in error_id or "license" in error_id:
            return LicenseRequired(message, **fields)
        if error_id == "api.command.disabled.app_error":
            return CommandsDisabled(message, **fields)
        return FeatureUnavailable(message, **fields)
    if validating and status == 400:
        return BadRequest(message, **fields, advice=VALIDATE_400_ADVICE)
    if validating and status == 502:
        return ServerError(message, **fields, advice=VALIDATE_502_ADVICE)
    if status == 400:
        return BadRequest(message, **fields)
    if status == 500 and lookup and _NOT_FOUND_RE.search(detailed or message):
        return NotFound(message, **fields)
    if status == 500 and rules_apply and detailed:
        return RuleViolated(message, **fields)
    if 500 <= status < 600:
        return ServerError(message, **fields)
    if 300 <= status < 400:
        return InvalidResponse(
            message or "the server answered with a redirect",
            **fields,
            advice="Use the address the server redirects to (often https:// instead of http://) as the server URL.",
        )
    return MattermostError(message or "unexpected answer", **fields)


def _permission_error(
    message: str, detailed: str, *, listing: bool, commands: bool, fields: dict[str, Any]
) -> PermissionDenied:
    found = _PERMISSION_RE.search(detailed)
    permission = " ".join(found.group(1).replace(",", " ").split()) if found else ""
    if listing:
        advice = (
            f"Listing connections needs the system permission {CONNECTIONS_PERMISSION}, or "
            f"{' / '.join(LIST_TEAM_PERMISSIONS)} on the team the request names (--team on the command line): "
            "choose a team where the account has one."
        )
    elif commands:
        advice = (
            "Reading a team's slash commands needs manage_slash_commands (newer servers: "
            "manage_own_slash_commands and manage_others_slash_commands) on that team."
        )
    else:
        advice = (
            f"Managing outgoing OAuth connections needs the system permission {CONNECTIONS_PERMISSION} "
            "(system admins have it; others need a role that grants it)."
        )
    return PermissionDenied(message, permission=permission, advice=advice, **fields)
