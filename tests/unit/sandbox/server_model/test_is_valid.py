"""The sandbox's port of ``OutgoingOAuthConnection.IsValid``: order, ids and texts of docs/MATTERMOST.md B.1."""

from __future__ import annotations

from typing import Any

import pytest

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox.ids import is_valid_id
from mmoauth_gui.sandbox.server_model import first_invalid, store_refusal

ID = "a" * 26
GOOD = Connection(
    id=ID,
    creator_id="b" * 26,
    create_at=1,
    update_at=1,
    name="n",
    client_id="c",
    client_secret="s",
    oauth_token_url="https://idp.example.com/token",
    audiences=("https://api.example.com/*",),
)


def broken_id(**changes: Any) -> str | None:
    broken = first_invalid(GOOD.with_changes(**changes))
    return None if broken is None else broken.id.removeprefix("model.outgoing_oauth_connection.is_valid.")


def test_a_good_connection_passes() -> None:
    assert first_invalid(GOOD) is None


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"id": "short"}, "id.error"),
        ({"create_at": 0}, "create_at.error"),
        ({"update_at": 0}, "update_at.error"),
        ({"creator_id": ""}, "creator_id.error"),
        ({"name": ""}, "name.error"),
        ({"name": "n" * 65}, "name.error"),
        ({"client_id": ""}, "client_id.error"),
        ({"client_id": "c" * 256}, "client_id.error"),
        ({"client_secret": ""}, "client_secret.error"),
        ({"client_secret": "s" * 256}, "client_secret.error"),
        ({"oauth_token_url": "https://idp.example.com/" + "t" * 233}, "oauth_token_url.error"),
        ({"oauth_token_url": "HTTPS://idp.example.com/token"}, "oauth_token_url.error"),
        ({"grant_type": "Password"}, "grant_type.error"),
        ({"grant_type": "password", "credentials_username": "u"}, "password_credentials.error"),
        ({"grant_type": "password", "credentials_password": "p"}, "password_credentials.error"),
        ({"audiences": ()}, "audience.empty"),
        ({"audiences": ("https://ok.example.com", "https://example.com/%zz")}, "audience.error"),
    ],
)
def test_each_rule(changes: dict[str, Any], rule: str) -> None:
    assert broken_id(**changes) == rule


def test_limits_count_characters_not_bytes() -> None:
    assert broken_id(name="é" * 64) is None
    assert broken_id(oauth_token_url="https://idp.example.com/" + "t" * 232) is None  # 256 characters
    assert broken_id(grant_type="password", credentials_username="u", credentials_password="p") is None


def test_only_the_first_broken_rule_in_the_server_order_is_reported() -> None:
    broken = first_invalid(GOOD.with_changes(name="", client_id="", audiences=()))
    assert broken is not None
    assert broken.message == "Invalid name."
    assert str(broken) == f"OutgoingOAuthConnection.IsValid: Invalid name., id={ID}"


def test_the_audience_error_names_the_url() -> None:
    broken = first_invalid(GOOD.with_changes(audiences=("not a url",)))
    assert broken is not None and broken.message == "Audience URL is invalid: not a url"


def test_ids_are_26_bytes_of_letters_and_numbers() -> None:
    assert is_valid_id("abcdefghijklmnopqrstuvwxyz")
    assert is_valid_id("ABCDEFGHIJKLMNOPQRSTUVWXY1")
    assert not is_valid_id("abcdefghijklmnopqrstuvwxy-")
    assert not is_valid_id("é" * 26)  # 52 bytes
    assert is_valid_id("é" * 13)  # 26 bytes, 13 letters: Go counts bytes


def test_audiences_longer_than_their_column_are_refused_when_stored() -> None:
    fits = GOOD.with_changes(audiences=(f"https://a.example.com/{'x' * 998}",))  # 1024 as JSON
    assert store_refusal(fits) is None
    assert store_refusal(fits.with_changes(audiences=(fits.audiences[0] + "x",))) is not None
    escaped = GOOD.with_changes(audiences=(f"https://a.example.com/?{'&' * 200}",))  # each & is \u0026 in Go
    assert store_refusal(escaped) is not None
