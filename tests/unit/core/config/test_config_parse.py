"""The connections file: every problem at once with its line and column, secrets only as references."""

from __future__ import annotations

from mmoauth_gui.core.config.document import (
    ConfigDocument,
    RefSource,
    SecretRef,
    document_from_connections,
    render_document,
)
from mmoauth_gui.core.config.parse import parse_config
from mmoauth_gui.core.model import Connection

GOOD = """\
connections:
- name: Weather
  client_id: weather
  client_secret: {env: WEATHER_SECRET}
  oauth_token_url: https://idp.example.com/token
  audiences:
  - https://weather.example.com/*
- name: Portal
  client_id: portal
  client_secret: {keyring: portal-secret}
  secret_version: 3
  oauth_token_url: https://idp.example.com/token
  grant_type: password
  credentials_username: svc
  credentials_password: {env: PORTAL_PASSWORD}
  audiences: [https://portal.example.com/api]
"""


def errors(text: str, file: str = "c.yaml") -> list[str]:
    return [str(p) for p in parse_config(text, file).errors]


def test_a_good_file_reads_every_field() -> None:
    result = parse_config(GOOD, "c.yaml")
    assert result.problems == []
    assert result.document is not None
    weather, portal = result.document.entries
    assert (weather.name, weather.client_id, weather.audiences) == (
        "Weather",
        "weather",
        ("https://weather.example.com/*",),
    )
    assert weather.client_secret == SecretRef(RefSource.ENV, "WEATHER_SECRET") and weather.secret_version == 1
    assert portal.client_secret == SecretRef(RefSource.KEYRING, "portal-secret")
    assert portal.credentials_password == SecretRef(RefSource.ENV, "PORTAL_PASSWORD")
    assert (portal.grant_type, portal.credentials_username, portal.secret_version) == ("password", "svc", 3)


def test_several_errors_are_reported_at_once_with_lines_and_columns() -> None:
    text = GOOD.replace("https://weather.example.com/*", "weather.example.com").replace(
        "client_id: portal", "client_id: ''"
    )
    text += "- name: Weather\n  client_id: x\n  client_secret: {env: X}\n  oauth_token_url: https://t\n  audiences: [https://x/]\n"
    found = errors(text)
    assert found == [
        "c.yaml:7:5: error: connection “Weather”: Audience URL 1 must start with http:// or https://.",
        "c.yaml:9:14: error: connection “Portal”: Client ID is required.",
        "c.yaml:17:9: error: the name “Weather” is used twice in the file (first at line 2): names must be unique, "
        "or every connection sharing one must give its id:.",
    ]


def test_a_secret_value_is_refused_and_never_repeated() -> None:
    text = GOOD.replace("{env: WEATHER_SECRET}", "s3cr3t-value-in-the-file")
    result = parse_config(text, "c.yaml")
    (problem,) = result.errors
    assert (problem.line, problem.column) == (4, 18)
    assert "reference" in problem.message
    assert "s3cr3t-value-in-the-file" not in str(problem)


def test_bad_references_shapes_and_unknown_fields() -> None:
    text = (
        "version: 1\nextra: 1\nconnections:\n"
        "- name: A\n  client_id: a\n  client_secret: {env: 'NOT A NAME'}\n  oauth_token_url: https://t\n"
        "  audiences: https://a\n  secret_version: 0\n  client_id: again\n"
        "- just text\n"
    )
    found = errors(text)
    assert any(":2:1: error: unknown key “extra”" in e for e in found)
    assert any(":6:24: error:" in e and "environment variable name" in e for e in found)
    assert any(":8:14: error:" in e and "audiences must be a list" in e for e in found)
    assert any(":9:19: error:" in e and "secret_version" in e for e in found)
    assert any(":10:3: error:" in e and "appears twice" in e for e in found)
    assert any(":11:3: error: connection 2 must be a mapping" in e for e in found)


def test_password_grant_needs_a_password_reference() -> None:
    text = GOOD.replace("  credentials_password: {env: PORTAL_PASSWORD}\n", "")
    assert errors(text) == [
        "c.yaml:8:3: error: connection “Portal” uses the password grant but has no credentials_password reference."
    ]


def test_names_may_repeat_only_when_each_gives_an_id() -> None:
    entry = (
        "- name: Same\n  id: {id}\n  client_id: a\n  client_secret: {{env: A}}\n"
        "  oauth_token_url: https://t\n  audiences: [https://{id}/]\n"
    )
    text = "connections:\n" + entry.format(id="one") + entry.format(id="two")
    assert errors(text) == []
    assert errors(text.replace("  id: two\n", "")) != []


def test_unreadable_yaml_and_json_with_tabs() -> None:
    result = parse_config("connections:\n  - name: [\n", "c.yaml")
    assert result.unreadable and str(result.problems[0]).startswith("c.yaml:3:1: error: the file cannot be read")
    as_json = (
        '{\n\t"connections": [\n\t\t{"name": "J", "client_id": "j", "client_secret": {"env": "J"},\n'
        '\t\t "oauth_token_url": "https://t", "audiences": ["https://j/"]}\n\t]\n}\n'
    )
    parsed = parse_config(as_json, "c.json")
    assert parsed.errors == [] and parsed.document is not None
    assert parsed.document.entries[0].name == "J"


def test_an_empty_list_manages_nothing_and_a_newer_version_is_refused() -> None:
    parsed = parse_config("connections:\n", "c.yaml")
    assert parsed.document == ConfigDocument(()) and parsed.errors == []
    assert errors("version: 2\nconnections: []\n") == [
        "c.yaml:1:10: error: version 2 is newer than this mmoauth-gui reads (1): update it."
    ]


def test_export_reads_back_as_the_same_connections_without_secrets() -> None:
    conns = [
        Connection(
            id="b1",
            name="Beta",
            client_id="b",
            client_secret="nope",
            oauth_token_url="https://t",
            audiences=("https://b/*",),
        ),
        Connection(
            id="a1",
            name="Alpha: “quoted” #1",
            client_id="a",
            oauth_token_url="https://t",
            grant_type="password",
            credentials_username="u",
            credentials_password="pw-nope",
            audiences=("https://a/x", "https://a/y"),
        ),
        Connection(id="a2", name="Beta", client_id="c", oauth_token_url="https://t", audiences=("https://c/*",)),
    ]
    text = render_document(document_from_connections(conns))
    assert "nope" not in text
    parsed = parse_config(text, "export.yaml")
    assert parsed.errors == [] and parsed.document is not None
    read = [(e.name, e.id, e.connection().audiences, e.credentials_username) for e in parsed.document.entries]
    assert read == [
        ("Alpha: “quoted” #1", "", ("https://a/x", "https://a/y"), "u"),
        ("Beta", "a2", ("https://c/*",), ""),
        ("Beta", "b1", ("https://b/*",), ""),
    ]
    assert render_document(parsed.document) == text


def test_nesting_too_deep_is_unreadable_not_a_crash() -> None:
    result = parse_config("connections: " + "[" * 100_000 + "]" * 100_000, "deep.yaml")
    assert result.unreadable
    assert [str(p) for p in result.problems] == [
        "deep.yaml:1:1: error: the file cannot be read as YAML or JSON: it is nested too deeply."
    ]
