"""Password-grant connections after a create: did the server keep the username, and putting it back.

The open store's INSERT leaves ``credentials_username`` and ``credentials_password`` out (only an
update writes them); whether the closed layer compensates is unknown (docs/MATTERMOST.md §3). Reading
the new connection back shows whether the username survived; the password is never returned, so the
username stands for both.
"""

from __future__ import annotations

from mmoauth_gui.core.model import Connection
from mmoauth_gui.services.mattermost.client import MattermostClient


async def username_survived(
    client: MattermostClient, created: Connection, username: str, team_id: str | None = None
) -> bool:
    """Whether the server's copy of ``created`` still carries ``username``."""
    stored = await client.get_connection(created.id, team_id)
    return stored.credentials_username == username


async def restore_credentials(
    client: MattermostClient,
    created: Connection,
    username: str,
    password: str,
    team_id: str | None = None,
) -> Connection:
    """Send the username and password again as an update (which does write them); the stored secret is kept."""
    fixed = created.with_changes(client_secret="", credentials_username=username, credentials_password=password)
    return await client.update_connection(fixed, team_id)
