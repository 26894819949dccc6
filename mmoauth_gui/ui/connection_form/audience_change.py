"""The question the backstage asks before an audience change reaches the server (docs/MATTERMOST.md,
Appendix F), with what the change would do to slash commands and webhook callbacks: asked by the Edit form
and by a draft's push alike."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.preview.impact import ImpactProvider
from mmoauth_gui.ui.connection_form.texts import AUDIENCE_CHANGE_TEXT, AUDIENCE_CHANGE_TITLE
from mmoauth_gui.ui.kit.impact_confirm import confirm_impact, impact_of

NOTHING_CHANGES = "No known slash command or webhook callback would change."


async def confirm_audience_change(
    parent: QWidget, provider: ImpactProvider | None, before: Connection, after: Connection
) -> bool:
    """Whether the admin still wants ``before``'s audiences changed into ``after``'s."""
    impact = await impact_of(provider, before, after)
    return await confirm_impact(
        parent, AUDIENCE_CHANGE_TITLE, AUDIENCE_CHANGE_TEXT, "Update", impact, unaffected=NOTHING_CHANGES
    )
