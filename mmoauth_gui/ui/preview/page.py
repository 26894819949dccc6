"""The Slash commands tab: which slash commands carry which connection's token (see ``ui/pages.py``).

It also fills what other parts of the window ask of the preview: ``ctx.preview_state`` (the what-if panel of
the connection dialog reads it), ``ctx.affected_commands_provider`` (the Delete and audience-change
confirmations), the "Used by" column of the connections list and Connection › Show slash commands.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.pages import PageHooks, PageName, WindowHost
from mmoauth_gui.ui.preview.controller import PreviewController
from mmoauth_gui.ui.preview.refresh import PreviewSync
from mmoauth_gui.ui.preview.row_menu import install_row_menu
from mmoauth_gui.ui.preview.state import PreviewState
from mmoauth_gui.ui.preview.view import PreviewView


class PreviewPage(PreviewView, PageHooks):
    """The view, plus the hooks the main window calls and the parts tests and other pages reach."""

    def __init__(self, ctx: AppContext, window: WindowHost | None = None, *, auto_sync: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.window_ = window
        self.settings = window.settings if window is not None else None
        self.preview_state = PreviewState(ctx.paths, self)
        self.syncer = PreviewSync(ctx, self.preview_state, auto_sync=auto_sync)
        self.controller = PreviewController(
            ctx,
            self,
            self.preview_state,
            self.syncer,
            settings=self.settings,
            add_server=(lambda: window.open_profiles("")) if window is not None else None,
            start_demo=window.servers.start_demo if window is not None else None,
            connections_model=window.connections_view.model if window is not None else None,
        )
        if self.settings is not None:
            self.restore(self.settings)

    def show_connection(self, key: str) -> None:
        """Bring this tab to the front, showing only the commands of connection ``key``."""
        self.controller.show_connection(key)
        if self.window_ is not None:
            self.window_.show_page(PageName.PREVIEW)

    def page_shown(self) -> None:
        self.controller.refresh_age()

    def page_closing(self) -> None:
        if self.settings is not None:
            self.save(self.settings)
        self.controller.close()


def install_show_commands(window: WindowHost, page: PreviewPage) -> QAction:
    """Connection › Show slash commands: the selected connection's commands, one click away."""
    controller = window.connections
    view = window.connections_view
    action = QAction("Show slash &commands", window.connection_menu)
    action.setObjectName("show_commands")
    action.setToolTip("Show the slash commands that carry the selected connection's token")
    action.setStatusTip(action.toolTip())
    action.setEnabled(False)

    def show() -> None:
        conn = controller.selected()
        if conn is not None:
            page.show_connection(conn.id)

    action.triggered.connect(show)

    def update(*_args: Any) -> None:
        action.setEnabled(controller.selected() is not None)

    view.table.selectionModel().selectionChanged.connect(update)
    view.table.addAction(action)
    window.connection_menu.addSeparator()
    window.connection_menu.addAction(action)
    window.actions_by_name["show_commands"] = action
    return action


def create_page(ctx: AppContext, window: WindowHost) -> QWidget:
    page = PreviewPage(ctx, window)
    ctx.preview_state = page.preview_state
    ctx.affected_commands_provider = page.syncer.affected_commands

    state, provider = page.preview_state, ctx.affected_commands_provider

    def forget(*_args: Any) -> None:
        if ctx.preview_state is state:
            ctx.preview_state = None
        if ctx.affected_commands_provider is provider:
            ctx.affected_commands_provider = None

    page.destroyed.connect(forget)
    install_show_commands(window, page)
    install_row_menu(window, page.preview_state, page.table)
    return page
