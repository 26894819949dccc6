"""The preflight's judgement of what was read, without a server: licence, switches, internal hosts, latency."""

from __future__ import annotations

from mmoauth_gui.core.diagnosis.checks import CheckStatus
from mmoauth_gui.core.diagnosis.preflight import Endpoint, EndpointKind, Resolution, ServerFacts, evaluate
from mmoauth_gui.core.diagnosis.untrusted import parse_addresses, refused

LICENSED = {"IsLicensed": "true", "SkuShortName": "enterprise"}
CLIENT = {"Version": "10.5.0", "EnableOutgoingOAuthConnections": "true", "EnableCommands": "true"}


def config(**service: object) -> dict[str, object]:
    base: dict[str, object] = {
        "EnableOutgoingOAuthConnections": True,
        "EnableCommands": True,
        "EnableOutgoingWebhooks": True,
        "EnableDeveloper": False,
        "AllowedUntrustedInternalConnections": "",
        "OutgoingIntegrationRequestsTimeout": 30,
    }
    return {"ServiceSettings": base | service}


def status_of(facts: ServerFacts, check_id: str) -> list[CheckStatus]:
    return [c.status for c in evaluate(facts) if c.id == check_id]


def test_enterprise_advanced_fails_the_exact_gate() -> None:
    facts = ServerFacts(version="10.5.0", license={"IsLicensed": "true", "SkuShortName": "advanced"})
    (check,) = [c for c in evaluate(facts) if c.id == "license.sku"]
    assert check.status is CheckStatus.FAIL and "Enterprise Advanced" in check.message


def test_old_server_and_missing_sku() -> None:
    facts = ServerFacts(version="9.5.2", license={"IsLicensed": "true"})
    assert status_of(facts, "server.version") == [CheckStatus.FAIL]
    assert status_of(facts, "license.sku") == [CheckStatus.UNKNOWN]


def test_switches_from_the_client_config_when_the_full_config_is_not_readable() -> None:
    facts = ServerFacts(version="10.5.0", client_config=CLIENT | {"EnableCommands": "false"}, license=LICENSED)
    assert status_of(facts, "feature.enabled") == [CheckStatus.OK]
    assert status_of(facts, "commands.enabled") == [CheckStatus.WARN]
    assert status_of(facts, "webhooks.enabled") == [CheckStatus.UNKNOWN]
    assert status_of(facts, "access.config") == [CheckStatus.UNKNOWN]


def test_internal_hosts_against_the_setting() -> None:
    endpoints = [
        Endpoint(EndpointKind.TOKEN, "https://idp.corp/token", "connection A"),
        Endpoint(EndpointKind.COMMAND, "https://bot.corp/cmd", "/deploy"),
        Endpoint(EndpointKind.WEBHOOK, "https://public.test/hook", "webhook W"),
    ]
    resolutions = {
        "idp.corp": Resolution(("10.1.2.3",)),
        "bot.corp": Resolution(("192.168.1.5",)),
        "public.test": Resolution(("93.184.216.34",)),
    }
    facts = ServerFacts(config=config(), endpoints=endpoints, resolutions=resolutions)
    internal = {c.subject: c for c in evaluate(facts) if c.id == "outbound.internal"}
    assert internal["https://idp.corp/token"].status is CheckStatus.WARN
    assert internal["https://bot.corp/cmd"].status is CheckStatus.FAIL
    assert "https://public.test/hook" not in internal
    allowed = ServerFacts(
        config=config(AllowedUntrustedInternalConnections="idp.corp,192.168.0.0/16"),
        endpoints=endpoints,
        resolutions=resolutions,
    )
    assert [c for c in evaluate(allowed) if c.id == "outbound.internal"] == []
    unknown = ServerFacts(endpoints=endpoints, resolutions=resolutions)
    assert {c.status for c in evaluate(unknown) if c.id == "outbound.internal"} == {CheckStatus.UNKNOWN}


def test_latency_against_the_servers_deadline() -> None:
    facts = ServerFacts(
        config=config(OutgoingIntegrationRequestsTimeout=2),
        latency_ms={"https://a/token": 100, "https://b/token": 1500, "https://c/token": 2500},
    )
    latency = {c.subject: c.status for c in evaluate(facts) if c.id == "token.latency"}
    assert latency == {
        "https://a/token": CheckStatus.OK,
        "https://b/token": CheckStatus.WARN,
        "https://c/token": CheckStatus.FAIL,
    }
    assumed = [c.message for c in evaluate(ServerFacts(latency_ms={"https://a/token": 5})) if c.id == "token.latency"]
    assert "the default 30 s is assumed" in assumed[0]


def test_untrusted_rule_host_entry_cidr_and_mixed_addresses() -> None:
    loopback = parse_addresses(["127.0.0.1", "::1"])
    assert refused("localhost", loopback, "")
    assert not refused("localhost", loopback, "localhost")
    assert not refused("localhost", loopback, "127.0.0.0/8")  # Go dials the address that is allowed
    assert not refused("mixed", parse_addresses(["10.0.0.1", "93.184.216.34"]), "")
    assert refused("mapped", parse_addresses(["::ffff:10.0.0.1"]), "")
