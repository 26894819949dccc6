"""The one question asked before a change reaches a server (Delete, an audience change): it says, kind by
kind, what the change would do to slash commands and webhook callbacks, naming the first few, with every
affected item under "Show Details…"."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QWidget

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.preview.impact import Impact, ImpactProvider
from mmoauth_gui.ui.kit.confirm import ask_async
from mmoauth_gui.ui.runtime.errors import user_text

log = logging.getLogger(__name__)


async def impact_of(provider: ImpactProvider | None, before: Connection, after: Connection | None) -> Impact | None:
    """What changing ``before`` into ``after`` (None: deleting it) would do; None when no preview is set up.
    The preview helps a decision; it never blocks one, so a failure becomes an impact that says why."""
    if provider is None:
        return None
    try:
        return await provider(before, after)
    except Exception as exc:
        log.warning("could not work out the affected commands: %s", type(exc).__name__)
        return Impact.not_known(user_text(exc))


def impact_text(impact: Impact | None, unaffected: str) -> str:
    """The impact as the question says it; ``unaffected`` when the preview knows of nothing affected."""
    if impact is None:
        return ""
    if impact.unavailable:
        return f"Which slash commands this affects could not be worked out: {impact.unavailable}"
    if not impact:
        return unaffected
    return "\n".join(impact.sentences())


async def confirm_impact(
    parent: QWidget | None,
    title: str,
    text: str,
    accept_text: str,
    impact: Impact | None,
    *,
    warning: str = "",
    unaffected: str = "No known slash command or webhook callback uses it.",
    destructive: bool = False,
) -> bool:
    """Ask ``text``; below it ``warning`` and the impact. True when ``accept_text`` was chosen."""
    informative = "\n\n".join(p for p in (warning, impact_text(impact, unaffected)) if p)
    details = impact.lines if impact is not None else ()
    return await ask_async(
        parent, title, text, accept_text, informative=informative, details=details, destructive=destructive
    )
