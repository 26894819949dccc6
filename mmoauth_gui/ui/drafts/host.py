"""What the Drafts page's helpers (push/pull, import/export) may ask of the page: a small protocol, so they
depend on it and not on the controller that implements it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from mmoauth_gui.core.drafts.model import Draft
from mmoauth_gui.core.status import Look
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.editor_controller import DraftEditing
from mmoauth_gui.ui.drafts.view import DraftsView
from mmoauth_gui.ui.drafts.workspace import DraftsIO


class DraftsHost(Protocol):
    ctx: AppContext
    view: DraftsView
    io: DraftsIO
    editing: DraftEditing

    def say(self, text: str, kind: Look = Look.NONE) -> None:
        """A one-line outcome under the list (and in the status bar); ``kind`` colours it."""

    def failed(self, what: str) -> Callable[[BaseException], None]:
        """An error handler for a task: says "Could not <what>: <reason>"."""

    def action_finished(self, name: str) -> None:
        """An action ended (tests and screenshots wait on it)."""

    def select(self, draft_id: str) -> None: ...

    def selected_drafts(self) -> list[Draft]: ...

    def current_draft(self) -> Draft | None: ...
