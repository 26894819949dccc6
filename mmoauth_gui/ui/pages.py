"""The window's pages and what they may ask of the window: a page is a tab built by its feature's
``page.create_page(ctx, window)``; the window calls its hooks when it is shown or the window closes."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from mmoauth_gui.ui.connections.controller import ConnectionsController
    from mmoauth_gui.ui.connections.view import ConnectionsView
    from mmoauth_gui.ui.context import AppContext
    from mmoauth_gui.ui.servers.controller import ServerController


class PageName(StrEnum):
    CONNECTIONS = "connections"
    PREVIEW = "preview"
    DRAFTS = "drafts"
    HEALTH = "health"


class PageHooks:
    """Mixed into a page widget: what the window tells it. Both do nothing unless the page overrides them."""

    def page_shown(self) -> None:
        """The page's tab was brought to the front."""

    def page_closing(self) -> None:
        """The window is closing: save the page's state, stop its tasks."""


class WindowHost(Protocol):
    """What a page may use of the main window."""

    ctx: AppContext
    settings: QSettings
    servers: ServerController
    connections: ConnectionsController
    connections_view: ConnectionsView
    connection_menu: QMenu
    actions_by_name: dict[str, QAction]

    def show_page(self, name: PageName) -> None: ...

    def open_profiles(self, name: str = "") -> None: ...
