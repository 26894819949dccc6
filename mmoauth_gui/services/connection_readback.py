"""After creating a password-grant connection, read it back: did the username survive (docs/MATTERMOST.md §3)?

The open store's INSERT leaves the password-grant credentials out; only an update writes them. Whether the
closed layer puts them back is unknown, so the app checks and offers the update that stores them.
"""

from __future__ import annotations

from mmoauth_gui.core.model import Connection
from mmoauth_gui.services.mattermost.client import MattermostClient


async def lost_username(client: MattermostClient, sent: Connection, created: Connection, team_id: str | None) -> bool:
    """True when a fresh read of ``created`` no longer carries the username ``sent`` gave it."""
    if not sent.uses_password_grant or not sent.credentials_username:
        return False
    stored = await client.get_connection(created.id, team_id)
    return stored.credentials_username != sent.credentials_username


def lost_username_warning(created: Connection, username: str) -> str:
    return (
        f"The server stored connection “{created.name}” without its username {username!r} (some servers leave "
        "the password-grant credentials out when creating; early 9.x servers only hide the username in answers). "
        "Without them the server's token request fails. An update stores them:"
    )


async def store_credentials(
    client: MattermostClient, created: Connection, username: str, password: str, team_id: str | None
) -> Connection:
    """The fix: an update carrying the username and password (the server applies them on update)."""
    fixed = created.with_changes(credentials_username=username, credentials_password=password, client_secret="")
    return await client.update_connection(fixed, team_id)
