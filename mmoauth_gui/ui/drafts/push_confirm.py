"""The question before a push changes a connection on a server: the Edit dialog's, under the same rule.

Like Update in the Edit dialog, a push that changes the audiences of a connection already on the server asks
first, with the slash commands the change would affect (when the preview is of that server).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QWidget

from mmoauth_gui.core.drafts.model import Draft
from mmoauth_gui.core.plural import counted
from mmoauth_gui.services.drafts_sync import DraftSync, detect_conflict
from mmoauth_gui.ui.connection_form.form import AUDIENCE_CHANGE_TEXT, AUDIENCE_CHANGE_TITLE
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.destination import Destination
from mmoauth_gui.ui.kit.confirm import ask_async
from mmoauth_gui.ui.runtime.errors import user_text

log = logging.getLogger(__name__)


async def confirm_push(
    parent: QWidget, ctx: AppContext, draft: Draft, destination: Destination, sync: DraftSync
) -> bool:
    """True when the push may go ahead: it changes no audience on the server, or the person said Update. A server
    copy changed since the pull is left to the push, which shows the conflict instead."""
    if draft.origin is None or not draft.origin.is_on(destination.url):
        return True  # a create: the Add dialog does not ask either
    before = await sync.server_copy(draft)
    after = draft.to_connection()
    if before is None or detect_conflict(draft, before) is not None or tuple(before.audiences) == after.audiences:
        return True
    provider = ctx.affected_commands_provider if destination.is_session else None
    affected: list[str] = []
    informative = ""
    if provider is not None:
        try:
            affected = list(await provider(before, after))
        except Exception as exc:  # the preview helps a decision, never blocks one
            log.warning("could not list affected commands: %s", type(exc).__name__)
            affected = [f"(Could not list the affected commands: {user_text(exc)})"]
        informative = (
            f"{counted(len(affected), 'slash command')} would change: see the details."
            if affected
            else "No known slash command uses these audiences."
        )
    return await ask_async(
        parent, AUDIENCE_CHANGE_TITLE, AUDIENCE_CHANGE_TEXT, "Update", informative=informative, details=affected
    )
