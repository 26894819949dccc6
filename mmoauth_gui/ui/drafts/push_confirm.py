"""The question before a push changes a connection on a server: the Edit dialog's (``kit.impact_confirm``), under
the same rule.

Like Update in the Edit dialog, a push that changes the audiences of a connection already on the server asks
first, with the slash commands the change would affect (when the preview is of that server).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from mmoauth_gui.core.drafts.model import Draft
from mmoauth_gui.services.drafts_sync import DraftSync, detect_conflict
from mmoauth_gui.ui.connection_form.audience_change import confirm_audience_change
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.destination import Destination


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
    provider = ctx.affected_commands_provider if destination.is_session else None  # a preview of that server
    return await confirm_audience_change(parent, provider, before, after)
