"""What the Add / Edit dialog's Save and server-side Validate do, bound to the server the dialog was opened
for: they use the session of the moment of the click, never another server's."""

from __future__ import annotations

from collections.abc import Callable

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.session import Session
from mmoauth_gui.services.validation.server import validate_on_server
from mmoauth_gui.ui.connection_form.form import SaveAction, ServerValidator
from mmoauth_gui.ui.context import AppContext


class SessionGone(Exception):
    """The dialog's server session ended, or the window moved to another server, before the click."""

    @property
    def user_message(self) -> str:
        return str(self)


def session_of(ctx: AppContext, server_url: str) -> Callable[[], Session]:
    """The window's session at the moment of the call, if it is still ``server_url``'s; SessionGone otherwise."""

    def current_session() -> Session:
        # after signing in again the same dialog saves with the new token
        now = ctx.session
        if now is None:
            raise SessionGone("Not connected to the server: reconnect (File › Reconnect), then try again.")
        if now.profile.url != server_url:
            raise SessionGone(
                f"The window is now connected to another server; this connection belongs to {server_url}."
            )
        return now

    return current_session


def server_actions(ctx: AppContext, server_url: str, *, editing: bool) -> tuple[SaveAction, ServerValidator]:
    current_session = session_of(ctx, server_url)

    async def save(value: Connection) -> Connection:
        now = current_session()
        if editing:
            return await now.client.update_connection(value, now.team_id)
        return await now.client.create_connection(value, now.team_id)

    async def server_validate(value: Connection) -> ValidationResult:
        now = current_session()
        return await validate_on_server(now.client, value, now.team_id)

    return save, server_validate
