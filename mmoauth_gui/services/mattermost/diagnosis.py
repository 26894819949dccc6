"""Why the server refused, when it does not say (docs/MATTERMOST.md §1, Appendix A.2 and A.4).

A production server sends no ``detailed_error``, and a hardened one not even the error id, so an HTTP 500
on create, update, read or delete says nothing by itself. The app knows more: what it sent, the server's
rules, the other connections, and whether the connection still exists (a fresh read tells "deleted
meanwhile" from "refused"). Where the reason truly cannot be known, the advice says where to look.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.rules import check_connection
from mmoauth_gui.services.mattermost.errors import (
    AudienceTaken,
    MattermostError,
    NotFound,
    RuleViolated,
    ServerError,
)


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    READ = "read"
    DELETE = "delete"
    VALIDATE = "validate"


# The api4 error ids per action (docs/MATTERMOST.md, Appendix A.2): the log line a server admin searches for.
LOG_MESSAGES = {
    Action.CREATE: "There was an error while creating the outgoing OAuth connection.",
    Action.UPDATE: "There was an error while updating the outgoing OAuth connection.",
    Action.READ: "There was an error while listing outgoing OAuth connections.",
    Action.DELETE: "There was an error while deleting the outgoing OAuth connection.",
    Action.VALIDATE: "Failed to retrieve token while validating outgoing oauth connection",
}
HARDENED_NOTE = (
    "This server hides the cause of every server error (hardened mode: no error id, “Internal Server Error”), "
    "so the app can only say what it checked."
)


class ConnectionReader(Protocol):
    async def list_connections(self, team_id: str | None = None) -> list[Connection]: ...


def where_to_look_for(action: Action, request_id: str = "") -> str:
    """The server log line (and request id) that holds the reason, and the setting that would show it."""
    request = f" with request_id {request_id}" if request_id else ""
    return (
        f"The reason is in the server's log: look for “{LOG_MESSAGES[action]}”{request}. A server with "
        "ServiceSettings.EnableDeveloper = true sends it back (detailed_error); production servers do not."
    )


def _fields(error: MattermostError) -> dict[str, Any]:
    return {
        "status": error.status,
        "error_id": error.error_id,
        "request_id": error.request_id,
        "operation": error.operation,
    }


def _patched(stored: Connection, sent: Connection) -> Connection:
    """The server's ``Patch`` (Appendix C.1) of ``stored`` with what an update sent."""
    changes: dict[str, Any] = {
        key: getattr(sent, key)
        for key in ("name", "client_id", "client_secret", "oauth_token_url", "grant_type", "audiences")
        if getattr(sent, key)
    }
    changes.update(
        {key: value for key, value in sent.update_payload().items() if key.startswith("credentials_") and value}
    )
    return stored.with_changes(**changes)


def _unknown(error: MattermostError, action: Action, checked: str) -> ServerError:
    hidden = f"{HARDENED_NOTE} " if not error.error_id else ""
    return ServerError(
        error.message, **_fields(error), advice=f"{hidden}{checked} {where_to_look_for(action, error.request_id)}"
    )


async def explain_refusal(
    reader: ConnectionReader,
    error: MattermostError,
    action: Action,
    *,
    sent: Connection | None = None,
    connection_id: str = "",
    team_id: str | None = None,
) -> MattermostError:
    """A more specific error for a server's 500 without a reason; ``error`` itself when it has one."""
    if error.detailed_error or error.status != 500 or type(error) is not ServerError:
        return error
    try:
        existing = await reader.list_connections(team_id)
    except MattermostError:
        return _unknown(error, action, "Listing the connections to find out more failed too.")
    if connection_id and all(c.id != connection_id for c in existing):
        return NotFound(
            error.message,
            **_fields(error),
            advice=f"A fresh read of the server's connections no longer finds {connection_id}: it was deleted "
            "meanwhile (or never existed). Reload the list.",
        )
    if sent is None:
        return _unknown(error, action, f"The connection {connection_id} still exists, so it was not deleted meanwhile.")
    stored = next((c for c in existing if c.id == connection_id), None)
    target = _patched(stored, sent) if stored is not None else sent
    reasons = [p.message for p in check_connection(target, require_secret=stored is None) if p.is_error]
    if reasons:
        return RuleViolated(error.message, **_fields(error), reasons=reasons)
    for audience in target.audiences:
        holder = next((c for c in existing if c.id != connection_id and audience in c.audiences), None)
        if holder is not None:
            return AudienceTaken(
                error.message, **_fields(error), audience=audience, holder_name=holder.name, holder_id=holder.id
            )
    checked = (
        "What was sent passes the server's rules, no other connection has one of its audiences"
        + (", and the connection still exists." if connection_id else ".")
        + " The server may have refused an audience its closed code calls invalid or overlapping, or failed "
        "to store the connection (a database error)."
    )
    return _unknown(error, action, checked)
