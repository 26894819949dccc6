"""The Drafts tab: ``create_page(ctx, window)`` (see ``ui/pages.py``) builds the view and its controller, and adds
"Copy to drafts" to the Connections menu so a server connection can be pulled from where it is listed."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.controller import DraftsController
from mmoauth_gui.ui.drafts.view import DraftsView
from mmoauth_gui.ui.pages import PageHooks, PageName, WindowHost

log = logging.getLogger(__name__)

COPY_TO_DRAFTS = "Copy to &drafts"
WHAT_IF_TITLE = "What pushing this draft would change"


class DraftsPage(DraftsView, PageHooks):
    """The view with the window's page hooks and its controller."""

    def __init__(self, ctx: AppContext, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ctx = ctx
        self.settings = settings
        self.setObjectName("draftsPage")
        self.controller = DraftsController(ctx, self, settings)
        if settings is not None:
            self.restore(settings)
        self.attach_what_if()
        self.controller.reload()

    def attach_what_if(self) -> bool:
        """Show the slash-command what-if beside the editor once the window has a preview (the preview page)."""
        if self.controller.editing.what_if is not None:
            return True
        state = self.ctx.preview_state
        if state is None:
            return False
        from mmoauth_gui.ui.preview.what_if import WhatIfPanel

        panel = WhatIfPanel(state)
        panel.title.setText(WHAT_IF_TITLE)
        self.controller.editing.attach_what_if(panel)
        return True

    def page_shown(self) -> None:
        self.attach_what_if()
        self.controller.reload()

    def page_closing(self) -> None:
        if self.settings is not None:
            self.save(self.settings)
        self.controller.close()


def create_page(ctx: AppContext, window: WindowHost) -> QWidget:
    page = DraftsPage(ctx, window.settings)
    add_new_draft(window, page)
    add_copy_to_drafts(window, page)
    return page


def add_new_draft(window: WindowHost, page: DraftsPage) -> None:
    """Ctrl+Shift+N from anywhere in the window (the tab bar, the server bar) opens the Drafts tab on a new
    draft; inside the page alone it would need the focus there first."""
    page.new_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    page.new_action.triggered.connect(lambda _checked=False: window.show_page(PageName.DRAFTS))
    window.connection_menu.addAction(page.new_action)


def add_copy_to_drafts(window: WindowHost, page: DraftsPage) -> QAction:
    """A "Copy to drafts" action in the Connection menu, for the connection selected on the Connections tab."""
    connections = window.connections
    view = window.connections_view
    action = QAction(COPY_TO_DRAFTS, window.connection_menu)
    action.setObjectName("copy_to_drafts")
    tip = "Pull the selected connection into a new draft (to change it offline, or push it to another server)"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.setEnabled(False)

    def copy() -> None:
        conn = connections.selected()
        if conn is None:
            return
        page.controller.sync.pull(conn)
        window.show_page(PageName.DRAFTS)

    def update() -> None:
        action.setEnabled(connections.selected() is not None and page.ctx.session is not None)

    action.triggered.connect(lambda _checked=False: copy())
    view.table.selectionModel().selectionChanged.connect(lambda *_: update())
    page.ctx.session_changed.connect(update)
    window.connection_menu.addSeparator()
    window.connection_menu.addAction(action)
    view.table.addAction(action)
    window.actions_by_name["copy_to_drafts"] = action
    return action
