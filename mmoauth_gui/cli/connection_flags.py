"""The connection field flags that ``connections create/update`` and ``drafts new/edit`` share, and the
secrets that go with them (never from the command line)."""

from __future__ import annotations

import argparse
from typing import Any

from mmoauth_gui.cli.support import CLIENT_SECRET_ENV, PASSWORD_ENV, read_secret
from mmoauth_gui.core.model import GrantType

# flag destination -> Connection field
EDIT_FIELDS = {
    "name": "name",
    "client_id": "client_id",
    "token_url": "oauth_token_url",
    "audience": "audiences",
    "grant_type": "grant_type",
    "username": "credentials_username",
}

# "--name, --client-id, ...", for the messages that list what may be given
EDIT_FLAGS_TEXT = ", ".join("--" + dest.replace("_", "-") for dest in EDIT_FIELDS)


def add_connection_flags(parser: argparse.ArgumentParser, *, required: bool, audience_note: str = "") -> None:
    """``--name`` ... ``--username``; ``required`` marks them so in the help and defaults the grant type."""
    needed = " (required)" if required else ""
    parser.add_argument("--name", help=f"the connection's name, 1-64 characters{needed}")
    parser.add_argument("--client-id", help=f"the OAuth client id{needed}")
    parser.add_argument("--token-url", help=f"the OAuth token URL (http:// or https://){needed}")
    parser.add_argument(
        "--audience",
        action="append",
        metavar="URL",
        help="an audience URL; repeat for several (a trailing * matches every URL starting with the rest)"
        + audience_note,
    )
    parser.add_argument(
        "--grant-type",
        choices=[g.value for g in GrantType],
        default=GrantType.CLIENT_CREDENTIALS.value if required else None,
        help="OAuth grant type" + (" (default client_credentials)" if required else ""),
    )
    parser.add_argument("--username", help="the username (password grant only)")


def given_changes(args: argparse.Namespace) -> dict[str, Any]:
    """The connection fields whose flags were given, as ``Connection.with_changes`` takes them."""
    changes: dict[str, Any] = {}
    for flag, field_name in EDIT_FIELDS.items():
        value = getattr(args, flag)
        if value is not None:
            changes[field_name] = tuple(value) if field_name == "audiences" else value
    return changes


def read_client_secrets(grant_type: str, *, required: bool = True) -> tuple[str, str]:
    """(client secret, password): the password only for the password grant, else ``""``."""
    secret = read_secret(CLIENT_SECRET_ENV, "Client secret", required=required)
    password = ""
    if grant_type == GrantType.PASSWORD.value:
        password = read_secret(PASSWORD_ENV, "Password", required=required)
    return secret, password
