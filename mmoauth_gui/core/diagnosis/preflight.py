"""Server preflight: from what the signed-in user could read, every reason the server may fail where the
desktop check passed (docs/MATTERMOST.md §1, §5, Appendix H). Pure: ``services/diagnosis/preflight.py``
gathers the facts (and resolves the hosts from this computer); this module only judges them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mmoauth_gui.core.diagnosis.checks import Check, CheckStatus
from mmoauth_gui.core.diagnosis.untrusted import ALLOWED_UNTRUSTED_INTERNAL, parse_addresses, refused
from mmoauth_gui.core.urls import is_loopback_url, url_host

MIN_VERSION = (9, 6)
GATE_SKU = "enterprise"  # the api4 gate compares SkuShortName with exactly this (§1)
DEFAULT_TIMEOUT_S = 30  # OutgoingIntegrationRequestsTimeout's default (Appendix H)
SLOW_SHARE = 0.5  # a token endpoint slower than half the deadline leaves little for the integration itself
NEEDS_ADMIN = "Needs a system admin: the full configuration (and the log) can only be read by system console readers."
SERVER_VIEW = "Resolved from this computer: the server may see other addresses (split DNS, another network, a proxy)."


class EndpointKind(StrEnum):
    TOKEN = "token"  # a connection's token URL: fetched by closed code, whose client is not known
    COMMAND = "command"  # a slash command's URL: sent through the untrusted outgoing client (E.1)
    WEBHOOK = "webhook"  # an outgoing webhook's callback URL: likewise (E.2)


@dataclass(frozen=True)
class Endpoint:
    kind: EndpointKind
    url: str
    subject: str  # what it belongs to, in words ("connection Acme", "/deploy in eng", "webhook Notifier")


@dataclass(frozen=True)
class Resolution:
    addresses: tuple[str, ...] = ()
    error: str = ""  # why the lookup failed ("" when it worked)


@dataclass
class ServerFacts:
    """What could be read about one server. ``None`` means "not readable by this user" (see ``*_problem``)."""

    version: str = ""
    client_config: Mapping[str, str] | None = None
    license: Mapping[str, str] | None = None
    config: Mapping[str, Any] | None = None
    config_problem: str = ""
    endpoints: list[Endpoint] = field(default_factory=list)
    endpoint_problems: list[str] = field(default_factory=list)  # lists that could not be read, and why
    resolutions: dict[str, Resolution] = field(default_factory=dict)  # by host
    latency_ms: dict[str, int] = field(default_factory=dict)  # by token URL: one bare request's round trip
    latency_problems: dict[str, str] = field(default_factory=dict)  # by token URL: why it was not measured


def version_tuple(version: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in version.split(".")[:3]:
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def _service(facts: ServerFacts) -> Mapping[str, Any] | None:
    if facts.config is None:
        return None
    service = facts.config.get("ServiceSettings")
    return service if isinstance(service, Mapping) else None


def _flag(facts: ServerFacts, key: str) -> bool | None:
    """A ServiceSettings switch from the full config, else from the client config; None when neither says."""
    service = _service(facts)
    if service is not None and isinstance(service.get(key), bool):
        return bool(service[key])
    if facts.client_config is not None and facts.client_config.get(key) in ("true", "false"):
        return facts.client_config[key] == "true"
    return None


def _version_check(facts: ServerFacts) -> Check:
    version = facts.version or (facts.client_config or {}).get("Version", "")
    numbers = version_tuple(version)
    if not numbers:
        return Check("server.version", CheckStatus.UNKNOWN, "server", "The server did not say its version.")
    shown = ".".join(str(n) for n in numbers)
    if numbers[:2] < MIN_VERSION:
        return Check(
            "server.version",
            CheckStatus.FAIL,
            "server",
            f"Mattermost {shown}: Outgoing OAuth Connections exist from 9.6.",
            "Upgrade the server to 9.6 or later.",
        )
    return Check("server.version", CheckStatus.OK, "server", f"Mattermost {shown}.")


def _license_check(facts: ServerFacts) -> Check:
    lic = facts.license
    if lic is None:
        return Check("license.sku", CheckStatus.UNKNOWN, "licence", "The licence could not be read.")
    if lic.get("IsLicensed") != "true":
        return Check(
            "license.sku",
            CheckStatus.FAIL,
            "licence",
            "The server has no licence: Outgoing OAuth Connections need an Enterprise licence.",
            "Install an Enterprise licence (System Console > About > Edition and License).",
        )
    sku = lic.get("SkuShortName", "")
    if not sku:
        return Check(
            "license.sku",
            CheckStatus.UNKNOWN,
            "licence",
            "Licensed, but this server does not show the licence's SKU to this account.",
            "A system admin sees the SKU; the feature needs SkuShortName 'enterprise'.",
        )
    if sku != GATE_SKU:
        extra = (
            " Enterprise Advanced fails the exact comparison in every server version read." if sku == "advanced" else ""
        )
        return Check(
            "license.sku",
            CheckStatus.FAIL,
            "licence",
            f"The licence's SKU is '{sku}'; the feature's gate accepts only 'enterprise'.{extra}",
            "Every route will answer 501 api.license.upgrade_needed.app_error with this licence.",
        )
    return Check("license.sku", CheckStatus.OK, "licence", "Enterprise licence (SKU 'enterprise').")


def _switch(facts: ServerFacts, key: str, check_id: str, what: str, off_status: CheckStatus, hint: str) -> Check:
    value = _flag(facts, key)
    subject = f"ServiceSettings.{key}"
    if value is None:
        return Check(check_id, CheckStatus.UNKNOWN, subject, f"Whether {what} are on could not be read.", NEEDS_ADMIN)
    if not value:
        return Check(check_id, off_status, subject, f"{what[0].upper()}{what[1:]} are turned off.", hint)
    return Check(check_id, CheckStatus.OK, subject, f"{what[0].upper()}{what[1:]} are on.")


def _modes(facts: ServerFacts) -> list[Check]:
    out: list[Check] = []
    developer = _flag(facts, "EnableDeveloper")
    if developer is None:
        out.append(Check("server.developer_mode", CheckStatus.UNKNOWN, "ServiceSettings.EnableDeveloper", "Unknown."))
    elif developer:
        out.append(
            Check(
                "server.developer_mode",
                CheckStatus.WARN,
                "ServiceSettings.EnableDeveloper",
                "Developer mode is on: every user sees the server's detailed errors (detailed_error).",
                "Turn it off again once the connection works; it is not meant for production.",
            )
        )
    else:
        out.append(
            Check(
                "server.developer_mode",
                CheckStatus.OK,
                "ServiceSettings.EnableDeveloper",
                "Developer mode is off, so the server's errors carry no detailed_error: this app explains failures "
                "from what it sent and its own checks.",
            )
        )
    service = _service(facts)
    hardened = service.get("ExperimentalEnableHardenedMode") if service is not None else None
    if hardened is True:
        out.append(
            Check(
                "server.hardened_mode",
                CheckStatus.WARN,
                "ServiceSettings.ExperimentalEnableHardenedMode",
                "Hardened mode is on: every server error (5xx) comes back as a bare 'Internal Server Error'.",
                "Rule failures then look alike; read the server log for the reason.",
            )
        )
    return out


def outgoing_timeout_s(facts: ServerFacts) -> tuple[float, bool]:
    """The outgoing request deadline, and whether it was read (else the default is assumed)."""
    service = _service(facts)
    value = service.get("OutgoingIntegrationRequestsTimeout") if service is not None else None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value), True
    return float(DEFAULT_TIMEOUT_S), False


def _endpoint_checks(facts: ServerFacts) -> list[Check]:
    service = _service(facts)
    allowed = service.get("AllowedUntrustedInternalConnections") if service is not None else None
    out: list[Check] = []
    seen: set[tuple[str, str]] = set()
    for endpoint in facts.endpoints:
        if (endpoint.kind, endpoint.url) in seen:
            continue
        seen.add((endpoint.kind, endpoint.url))
        out += _internal_check(endpoint, facts.resolutions.get(url_host(endpoint.url)), allowed)
        if endpoint.url.lower().startswith("http://") and not is_loopback_url(endpoint.url):
            what = (
                "the client secret and the token travel"
                if endpoint.kind is EndpointKind.TOKEN
                else "the request travels"
            )
            out.append(
                Check(
                    "outbound.http",
                    CheckStatus.WARN,
                    endpoint.url,
                    f"{endpoint.subject}: http:// — {what} unencrypted between the server and this host.",
                    "Use https:// unless the host is on a network path you trust.",
                )
            )
    return out


def _internal_check(endpoint: Endpoint, resolution: Resolution | None, allowed: Any) -> list[Check]:
    host = url_host(endpoint.url)
    subject = endpoint.url
    if resolution is None or not host:
        return []
    if resolution.error:
        return [
            Check(
                "outbound.resolve",
                CheckStatus.UNKNOWN,
                subject,
                f"{endpoint.subject}: {host} does not resolve from this computer ({resolution.error}).",
                SERVER_VIEW,
            )
        ]
    addresses = parse_addresses(resolution.addresses)
    if not isinstance(allowed, str):
        if not refused(host, addresses, ""):
            return []
        return [
            Check(
                "outbound.internal",
                CheckStatus.UNKNOWN,
                subject,
                f"{endpoint.subject}: {host} is an internal address ({', '.join(resolution.addresses)}); whether "
                f"{ALLOWED_UNTRUSTED_INTERNAL} allows it could not be read.",
                NEEDS_ADMIN,
            )
        ]
    if not refused(host, addresses, allowed):
        return []
    token = endpoint.kind is EndpointKind.TOKEN
    verdict = "may be refused" if token else "will be refused"
    why = (
        "(the token fetch is closed code: whether it uses the same outgoing client is not known)"
        if token
        else "by the server's outgoing client"
    )
    return [
        Check(
            "outbound.internal",
            CheckStatus.WARN if token else CheckStatus.FAIL,
            subject,
            f"{endpoint.subject}: {host} resolves to internal addresses ({', '.join(resolution.addresses)}) that "
            f"{ALLOWED_UNTRUSTED_INTERNAL} does not list: the request {verdict} {why}.",
            f"Add {host} (or a CIDR holding its addresses) to {ALLOWED_UNTRUSTED_INTERNAL} (System Console > "
            f"Environment > Developer > Allow untrusted internal connections to). {SERVER_VIEW}",
        )
    ]


def _latency_checks(facts: ServerFacts) -> list[Check]:
    timeout, read = outgoing_timeout_s(facts)
    assumed = "" if read else f" (the default {DEFAULT_TIMEOUT_S} s is assumed: the setting could not be read)"
    out: list[Check] = []
    for url, ms in sorted(facts.latency_ms.items()):
        share = ms / (timeout * 1000)
        if share >= 1:
            status, what = CheckStatus.FAIL, "longer than"
        elif share >= SLOW_SHARE:
            status, what = CheckStatus.WARN, "more than half of"
        else:
            status, what = CheckStatus.OK, "well within"
        message = f"The token endpoint answered in {ms} ms from this computer: {what} the server's {timeout:g} s "
        message += f"deadline for outgoing requests{assumed}."
        hint = (
            ""
            if status is CheckStatus.OK
            else "Mattermost fetches a new token before every request, inside the same deadline: raise "
            "ServiceSettings.OutgoingIntegrationRequestsTimeout or speed up the token endpoint."
        )
        out.append(Check("token.latency", status, url, message, hint))
    for url, problem in sorted(facts.latency_problems.items()):
        out.append(Check("token.latency", CheckStatus.UNKNOWN, url, f"Not measured: {problem}"))
    return out


def evaluate(facts: ServerFacts) -> list[Check]:
    """Every check, in the order a person reads them: server, licence, switches, modes, then each URL."""
    checks = [_version_check(facts), _license_check(facts)]
    checks.append(
        _switch(
            facts,
            "EnableOutgoingOAuthConnections",
            "feature.enabled",
            "outgoing OAuth connections",
            CheckStatus.FAIL,
            "Set ServiceSettings.EnableOutgoingOAuthConnections = true (System Console > Integrations > Integration "
            "Management); every route answers 501 until then.",
        )
    )
    checks.append(
        _switch(
            facts,
            "EnableCommands",
            "commands.enabled",
            "custom slash commands",
            CheckStatus.WARN,
            "No slash command reaches an integration: set ServiceSettings.EnableCommands = true.",
        )
    )
    checks.append(
        _switch(
            facts,
            "EnableOutgoingWebhooks",
            "webhooks.enabled",
            "outgoing webhooks",
            CheckStatus.WARN,
            "No outgoing webhook fires: set ServiceSettings.EnableOutgoingWebhooks = true.",
        )
    )
    checks += _modes(facts)
    service = _service(facts)
    if service is None:
        checks.append(
            Check(
                "access.config",
                CheckStatus.UNKNOWN,
                "GET /api/v4/config",
                "The full configuration could not be read"
                + (f": {facts.config_problem}" if facts.config_problem else "."),
                NEEDS_ADMIN + " Without it the internal-address, timeout and TLS checks are partial.",
            )
        )
    elif service.get("EnableInsecureOutgoingConnections") is True:
        checks.append(
            Check(
                "outbound.insecure_tls",
                CheckStatus.WARN,
                "ServiceSettings.EnableInsecureOutgoingConnections",
                "The server accepts any certificate on its outgoing requests: a token or a command can be "
                "intercepted on the way.",
                "Turn it off and give the server the CA of internal hosts instead.",
            )
        )
    for problem in facts.endpoint_problems:
        checks.append(Check("access.integrations", CheckStatus.UNKNOWN, "integrations", problem))
    return checks + _endpoint_checks(facts) + _latency_checks(facts)
