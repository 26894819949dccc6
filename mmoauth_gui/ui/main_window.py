"""The main window: server bar, tabs (Connections, Slash commands, Drafts), menus, status bar.

Each page is built by its feature's ``page.create_page(ctx, window)`` (``ui/pages.py`` says what a page may
ask of the window); ``window.set_page`` puts any widget in a tab.

The window is built in two steps so that the app can paint it before it pays for the rest: the shell
(``MainWindow(None, settings)``: the menu titles, server bar, tabs, status bar) needs neither the HTTP client
nor the stores, nor their imports; ``attach(ctx)`` then adds the Connections page, the controllers, the menus'
actions and the plug-in pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox, QTabWidget, QToolBar, QVBoxLayout, QWidget

from mmoauth_gui import __version__
from mmoauth_gui.storage.paths import private_dir
from mmoauth_gui.ui.kit.theme import THEME_LABELS, Theme, apply_theme, choose_theme, saved_theme
from mmoauth_gui.ui.pages import PageHooks, PageName
from mmoauth_gui.ui.runtime.signin import ConnectStatus
from mmoauth_gui.ui.servers.bar import ServerBar
from mmoauth_gui.ui.servers.status import SessionStatus

if TYPE_CHECKING:
    from mmoauth_gui.ui.connections.controller import ConnectionsController
    from mmoauth_gui.ui.connections.view import ConnectionsView
    from mmoauth_gui.ui.context import AppContext
    from mmoauth_gui.ui.servers.controller import ServerController

log = logging.getLogger(__name__)

PAGE_TITLES = {
    PageName.CONNECTIONS: "&Connections",
    PageName.PREVIEW: "S&lash commands",
    PageName.DRAFTS: "&Drafts",
    PageName.HEALTH: "H&ealth",
}
PLACEHOLDERS = {
    PageName.CONNECTIONS: "Starting…",
    PageName.PREVIEW: "Which slash commands will carry which connection's token will be shown here.",
    PageName.DRAFTS: "Connections drafted offline, to validate and push to a server later, will be shown here.",
    PageName.HEALTH: "The server's settings, outgoing rules and its own logged failures will be checked here.",
}
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
TAB_KEY = "window/tab"
MENU_TITLES = ("&File", "&Connection", "&View", "&Help")
LOG_FOLDER_NOT_OPENED = "No file manager could open the log folder. It is here:"


def placeholder_page(text: str) -> QWidget:
    page = QWidget()
    label = QLabel(text)
    label.setObjectName("placeholder")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout = QVBoxLayout(page)
    layout.addWidget(label)
    page.setAccessibleName(text)
    return page


def first_run_size(window: QWidget, room: QSize | None = None) -> QSize:
    """Room for the connection list's identifying columns, within ``room`` (the screen's free area; a 1366×768
    laptop included)."""
    em, line = window.fontMetrics().horizontalAdvance("M"), window.fontMetrics().height()
    screen = window.screen()
    if room is None and screen is not None:
        room = screen.availableGeometry().size()
    size = QSize(em * 124, line * 46)
    return size if room is None else size.boundedTo(QSize(room.width() * 94 // 100, room.height() * 90 // 100))


class MainWindow(QMainWindow):
    closed = Signal()
    # set by attach()
    ctx: AppContext
    servers: ServerController
    connections: ConnectionsController
    connections_view: ConnectionsView

    def __init__(self, ctx: AppContext | None, settings: QSettings, *, with_pages: bool = True) -> None:
        """The whole window; with ``ctx=None`` only its shell, until ``attach(ctx)``."""
        super().__init__()
        self.settings = settings
        self._attached = False
        self.setWindowTitle("Mattermost Outgoing OAuth Connections")
        self.setObjectName("mainWindow")

        self.server_bar = ServerBar()
        toolbar = QToolBar("Server")
        toolbar.setObjectName("serverToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.server_bar)
        self.addToolBar(toolbar)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("pages")
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Pages")
        self.setCentralWidget(self.tabs)
        self._pages: dict[PageName, QWidget] = {}
        for name, text in PLACEHOLDERS.items():
            self.set_page(name, placeholder_page(text))
        self.tabs.currentChanged.connect(self._page_shown)

        self.session_status = SessionStatus()
        self.statusBar().addPermanentWidget(self.session_status)
        self.statusBar().messageChanged.connect(lambda text: self.session_status.set_compact(bool(text)))
        self.statusBar().setSizeGripEnabled(True)

        self.actions_by_name: dict[str, QAction] = {}
        self._menus = {title: self.menuBar().addMenu(title) for title in MENU_TITLES}
        self.connection_menu = self._menus["&Connection"]
        apply_theme(saved_theme(settings))
        self._restore()
        self._profiles_dialog: QWidget | None = None
        if ctx is not None:
            self.attach(ctx, with_pages=with_pages)

    def attach(self, ctx: AppContext, *, with_pages: bool = True) -> None:
        """Build what works on ``ctx``: the Connections page and its controller, the server controller, then
        the other pages (``with_pages=False`` leaves them to the caller, as tests do)."""
        from mmoauth_gui.ui.connections.controller import ConnectionsController
        from mmoauth_gui.ui.connections.view import ConnectionsView
        from mmoauth_gui.ui.kit.icons import app_icon
        from mmoauth_gui.ui.servers.controller import ServerController

        if self._attached:
            raise RuntimeError("the main window is already attached to a context")
        self._attached = True
        self.ctx = ctx
        self.setWindowIcon(app_icon())
        self.server_bar.size_to_contents()
        self.connections_view = ConnectionsView()
        self.connections_view.restore(self.settings)
        self.set_page(PageName.CONNECTIONS, self.connections_view)
        self.servers = ServerController(ctx, self.server_bar, self.settings, self)
        self.servers.profiles_requested.connect(self.open_profiles)
        self.connections = ConnectionsController(ctx, self.connections_view, self.settings)
        self.connections.profiles_requested.connect(self.open_profiles)
        self.connections.demo_requested.connect(self.servers.start_demo)
        self.connections.reconnect_requested.connect(self.servers.reconnect)
        ctx.session_changed.connect(self._show_session)
        ctx.connect_state_changed.connect(self._show_session)
        ctx.status_message.connect(self.show_status)
        self._fill_menus()
        if with_pages:
            self.load_pages()

    # -- pages -----------------------------------------------------------------------------------

    def set_page(self, name: PageName, widget: QWidget) -> None:
        """Put ``widget`` in the tab ``name`` (connections, preview, drafts), replacing what was there."""
        name = PageName(name)
        order = list(PAGE_TITLES)
        old = self._pages.get(name)
        widget.setObjectName(widget.objectName() or f"{name}Page")
        if old is not None:
            index = self.tabs.indexOf(old)
            current = self.tabs.currentIndex() == index
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, PAGE_TITLES[name])
            if current:
                self.tabs.setCurrentIndex(index)
            old.deleteLater()
        else:
            index = sum(1 for other in order[: order.index(name)] if other in self._pages)
            self.tabs.insertTab(index, widget, PAGE_TITLES[name])
        self._pages[name] = widget

    def page(self, name: PageName) -> QWidget:
        return self._pages[PageName(name)]

    def show_page(self, name: PageName) -> None:
        self.tabs.setCurrentWidget(self._pages[PageName(name)])

    def load_pages(self) -> None:
        """The Slash commands, Drafts and Health pages (imported here: the first paint does not wait for them)."""
        from mmoauth_gui.ui.drafts.page import create_page as create_drafts_page
        from mmoauth_gui.ui.health.page import create_page as create_health_page
        from mmoauth_gui.ui.preview.page import create_page as create_preview_page

        self.set_page(PageName.PREVIEW, create_preview_page(self.ctx, self))
        self.set_page(PageName.DRAFTS, create_drafts_page(self.ctx, self))
        self.set_page(PageName.HEALTH, create_health_page(self.ctx, self))
        from mmoauth_gui.ui.config.actions import add_config_actions

        self.config_actions = add_config_actions(self)

    def _page_shown(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, PageHooks):
            widget.page_shown()

    # -- menus -----------------------------------------------------------------------------------

    def _action(
        self,
        name: str,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.actions_by_name[name] = action
        return action

    def _fill_menus(self) -> None:
        file_menu, connection_menu, view_menu, help_menu = (self._menus[title] for title in MENU_TITLES)
        file_menu.addAction(
            self._action(
                "servers",
                "&Servers…",
                lambda: self.open_profiles(self.servers.current_profile_name()),
                "Ctrl+,",
                "Add, edit, test or remove Mattermost servers",
            )
        )
        file_menu.addAction(
            self._action(
                "demo",
                "Try the &demo sandbox",
                self.servers.start_demo,
                None,
                "Connect to a simulated server with demo data, inside the app",
            )
        )
        file_menu.addAction(self._action("reconnect", "&Reconnect", self.servers.reconnect, "Ctrl+R"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("open_logs", "Open the &log folder", self._open_logs))
        file_menu.addSeparator()
        file_menu.addAction(self._action("quit", "&Quit", self.close, QKeySequence.StandardKey.Quit))

        view = self.connections_view
        self._add_page_action(connection_menu, view.add_action, PageName.CONNECTIONS)
        connection_menu.addAction(view.edit_action)
        connection_menu.addAction(view.duplicate_action)
        connection_menu.addAction(view.delete_action)
        connection_menu.addSeparator()
        connection_menu.addAction(view.validate_action)
        connection_menu.addAction(view.validate_all_action)
        connection_menu.addSeparator()
        self._add_page_action(connection_menu, view.find_action, PageName.CONNECTIONS)
        connection_menu.addAction(view.refresh_action)

        for i, name in enumerate(PAGE_TITLES):
            view_menu.addAction(self._action(f"show_{name}", PAGE_TITLES[name], self._shower(name), f"Ctrl+{i + 1}"))
        view_menu.addSeparator()
        self._add_theme_menu(view_menu.addMenu("&Theme"))

        demo = self._action(
            "demo_credentials",
            "&Demo sandbox…",
            self.show_demo_credentials,
            None,
            "The demo sandbox's clients and secrets (new on every run)",
        )
        help_menu.addAction(demo)
        help_menu.addAction(self._action("about", "&About", self._about))
        self._show_demo_action()
        self.ctx.session_changed.connect(self._show_demo_action)

    def _add_theme_menu(self, menu: QMenu) -> None:
        menu.setObjectName("themeMenu")
        group = QActionGroup(self)
        current = saved_theme(self.settings)
        for theme, text in THEME_LABELS.items():
            action = self._action(f"theme_{theme}", text, self._theme_chooser(theme))
            action.setCheckable(True)
            action.setChecked(theme == current)
            group.addAction(action)
            menu.addAction(action)

    def _theme_chooser(self, theme: Theme) -> Callable[[], None]:
        return lambda: choose_theme(self.settings, theme)

    def _show_demo_action(self) -> None:
        sandbox = self.ctx.demo_sandbox
        self.actions_by_name["demo_credentials"].setEnabled(sandbox is not None and sandbox.running)

    def show_demo_credentials(self) -> QWidget:
        from mmoauth_gui.ui.servers.demo_credentials import DemoCredentialsDialog

        dialog = DemoCredentialsDialog(self.ctx.demo_sandbox, self)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def _shower(self, name: PageName) -> Callable[[], None]:
        return lambda: self.show_page(name)

    def _add_page_action(self, menu: QMenu, action: QAction, page: PageName) -> None:
        """A window-wide shortcut that first brings its page to the front."""
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(action)
        action.triggered.connect(lambda _checked=False: self.show_page(page))
        menu.addAction(action)

    # -- session ---------------------------------------------------------------------------------

    def _show_session(self) -> None:
        state = self.ctx.connect_state
        self.session_status.show_session(
            self.ctx.session, state.message if state.status == ConnectStatus.CONNECTING else ""
        )
        session = self.ctx.session
        title = "Mattermost Outgoing OAuth Connections"
        if session is not None:
            title = f"{session.profile.name} — {title}"
        self.setWindowTitle(title)

    def show_status(self, text: str) -> None:
        """A message for a few seconds, shortened in the middle to the room the permanent fields leave (the whole
        text in the tooltip)."""
        bar = self.statusBar()
        self.session_status.set_compact(True)  # back in full when the message goes (messageChanged)
        metrics = bar.fontMetrics()
        room = bar.width() - self.session_status.sizeHint().width() - metrics.horizontalAdvance("M") * 3
        bar.setToolTip(text)
        bar.showMessage(metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, max(room, 0)), 8000)

    def open_profiles(self, name: str = "") -> None:
        from mmoauth_gui.ui.runtime.tasks import alive  # asyncio: not before the first paint
        from mmoauth_gui.ui.servers.dialog import ProfilesDialog

        if not self._attached:
            return
        current = self._profiles_dialog
        if current is not None and alive(current) and current.isVisible():
            current.raise_()
            return
        dialog = ProfilesDialog(self.ctx, self, select=name)
        dialog.connect_requested.connect(self.servers.use_profile)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self._profiles_dialog = dialog
        dialog.open()

    def _open_logs(self) -> None:
        folder = str(self.ctx.paths.logs)
        private_dir(self.ctx.paths.logs)
        if QDesktopServices.openUrl(QUrl.fromLocalFile(folder)):
            self.show_status(f"Opened the log folder: {folder}")
            return
        QGuiApplication.clipboard().setText(folder)
        box = QMessageBox(QMessageBox.Icon.Information, "Log folder", LOG_FOLDER_NOT_OPENED, parent=self)
        box.setInformativeText(f"{folder}\n\nThe path is on the clipboard.")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.finished.connect(lambda _r: box.deleteLater())
        box.open()

    def _about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("About mmoauth-gui")
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.setText(f"mmoauth-gui {__version__}")
        box.setInformativeText(
            "Draft, validate and manage Mattermost Outgoing OAuth Connections, and see which slash "
            f"commands use which connection.\n\nFiles: {self.ctx.paths.config.parent}\nLog: {self.ctx.paths.log_file}"
        )
        box.finished.connect(lambda _r: box.deleteLater())
        box.open()

    # -- geometry --------------------------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.settings.value(GEOMETRY_KEY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(first_run_size(self))
        state = self.settings.value(STATE_KEY)
        if state is not None:
            self.restoreState(state)
        tab = self.settings.value(TAB_KEY)
        if isinstance(tab, str) and tab in self._pages:
            self.show_page(PageName(tab))

    def save_state(self) -> None:
        self.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.settings.setValue(STATE_KEY, self.saveState())
        current = self.tabs.currentWidget()
        name = next((n for n, w in self._pages.items() if w is current), PageName.CONNECTIONS)
        self.settings.setValue(TAB_KEY, name)
        if self._attached:
            self.connections_view.save(self.settings)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_state()
        for widget in self._pages.values():
            if isinstance(widget, PageHooks):
                widget.page_closing()
        if self._attached:
            self.connections.close()
        super().closeEvent(event)
        self.closed.emit()
