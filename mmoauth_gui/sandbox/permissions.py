"""Permission names the server checks for these routes, and what each team role grants here."""

from __future__ import annotations

from typing import Literal

SYSTEM_MANAGE_CONNECTIONS = "manage_outgoing_oauth_connections"
MANAGE_SLASH_COMMANDS = "manage_slash_commands"
MANAGE_OUTGOING_WEBHOOKS = "manage_outgoing_webhooks"
MANAGE_OTHERS_SLASH_COMMANDS = "manage_others_slash_commands"
MANAGE_OWN_SLASH_COMMANDS = "manage_own_slash_commands"
MANAGE_OTHERS_OUTGOING_WEBHOOKS = "manage_others_outgoing_webhooks"
CREATE_POST = "create_post"
READ_CHANNEL = "read_channel"
VIEW_TEAM = "view_team"
# admin: everything in the team; integrator: manages slash commands and webhooks, sees only its own
# commands' URLs and its own webhooks; member: views the team and posts in its channels.
TeamRole = Literal["admin", "integrator", "member"]
TEAM_ROLES: tuple[str, ...] = ("admin", "integrator", "member")
_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "member": frozenset({VIEW_TEAM, CREATE_POST, READ_CHANNEL}),
    "integrator": frozenset(
        {
            VIEW_TEAM,
            CREATE_POST,
            READ_CHANNEL,
            MANAGE_SLASH_COMMANDS,
            MANAGE_OWN_SLASH_COMMANDS,
            MANAGE_OUTGOING_WEBHOOKS,
        }
    ),
    "admin": frozenset(
        {
            VIEW_TEAM,
            CREATE_POST,
            READ_CHANNEL,
            MANAGE_OTHERS_OUTGOING_WEBHOOKS,
            MANAGE_SLASH_COMMANDS,
            MANAGE_OWN_SLASH_COMMANDS,
            MANAGE_OTHERS_SLASH_COMMANDS,
            MANAGE_OUTGOING_WEBHOOKS,
        }
    ),
}


def role_permits(role: TeamRole | None, permission: str) -> bool:
    return role is not None and permission in _ROLE_PERMISSIONS[role]
