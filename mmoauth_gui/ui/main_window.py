"""The main window: server bar, tabs (Connections, Slash commands, Drafts), menus, status bar.

Other pages plug in by module (see the ``mmoauth_gui.ui`` docstring): ``mmoauth_gui.ui.preview_page`` and
``mmoauth_gui.ui.drafts_page`` with ``create_page(ctx, window) -> QWidget``, or ``window.set_page``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QToolBar, QVBoxLayout, QWidget

from mmoauth_gui import __version__
from mmoauth_gui.ui.connections_controller import ConnectionsController
from mmoauth_gui.ui.connections_view import ConnectionsView
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.icons import app_icon
from mmoauth_gui.ui.server_bar import ServerBar
from mmoauth_gui.ui.server_controller import ServerController
from mmoauth_gui.ui.session_status import SessionStatus
from mmoauth_gui.ui.tasks import alive

log = logging.getLogger(__name__)

PAGE_TITLES = {"connections": "&Connections", "preview": "S&lash commands", "drafts": "&Drafts"}
PAGE_MODULES = {"preview": "mmoauth_gui.ui.preview_page", "drafts": "mmoauth_gui.ui.drafts_page"}
PLACEHOLDERS = {
    "preview": "Which slash commands will carry which connection's token will be shown here.",
    "drafts": "Connections drafted offline, to validate and push to a server later, will be shown here.",
}
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
TAB_KEY = "window/tab"


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


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, ctx: AppContext, settings: QSettings, *, load_plugins: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.settings = settings
        self.setWindowTitle("Mattermost Outgoing OAuth Connections")
        self.setWindowIcon(app_icon())
        self.setObjectName("mainWindow")

        self.server_bar = ServerBar()
        toolbar = QToolBar("Server")
        toolbar.setObjectName("serverToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.server_bar)
        self.addToolBar(toolbar)
        self.servers = ServerController(ctx, self.server_bar, settings, self)
        self.servers.profiles_requested.connect(self.open_profiles)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("pages")
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Pages")
        self.setCentralWidget(self.tabs)
        self._pages: dict[str, QWidget] = {}
        self.connections_view = ConnectionsView()
        self.connections = ConnectionsController(ctx, self.connections_view, settings)
        self.connections.profiles_requested.connect(self.open_profiles)
        self.connections.demo_requested.connect(self.servers.start_demo)
        self.connections.reconnect_requested.connect(self.servers.reconnect)
        self.set_page("connections", self.connections_view)
        for name, text in PLACEHOLDERS.items():
            self.set_page(name, placeholder_page(text))
        self.tabs.currentChanged.connect(self._page_shown)

        self.session_status = SessionStatus()
        self.statusBar().addPermanentWidget(self.session_status)
        self.statusBar().setSizeGripEnabled(True)
        ctx.session_changed.connect(self._show_session)
        ctx.connect_state_changed.connect(self._show_session)
        ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))

        self.actions_by_name: dict[str, QAction] = {}
        self._build_menus()
        if load_plugins:
            self._load_plugin_pages()
        self._restore()
        self._profiles_dialog: QWidget | None = None

    # -- pages -----------------------------------------------------------------------------------

    def set_page(self, name: str, widget: QWidget) -> None:
        """Put ``widget`` in the tab ``name`` (connections, preview, drafts), replacing what was there."""
        if name not in PAGE_TITLES:
            raise ValueError(f"unknown page {name!r}; expected one of {', '.join(PAGE_TITLES)}")
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

    def page(self, name: str) -> QWidget:
        return self._pages[name]

    def show_page(self, name: str) -> None:
        self.tabs.setCurrentWidget(self._pages[name])

    def _load_plugin_pages(self) -> None:
        for name, module_name in PAGE_MODULES.items():
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue
                raise
            self.set_page(name, module.create_page(self.ctx, self))

    def _page_shown(self, index: int) -> None:
        hook = getattr(self.tabs.widget(index), "page_shown", None)
        if callable(hook):
            hook()

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

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(
            self._action(
                "servers",
                "&Servers…",
                lambda: self.open_profiles(""),
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
        menu = bar.addMenu("&Connection")
        self._add_page_action(menu, view.add_action, "connections")
        menu.addAction(view.edit_action)
        menu.addAction(view.duplicate_action)
        menu.addAction(view.delete_action)
        menu.addSeparator()
        menu.addAction(view.validate_action)
        menu.addAction(view.validate_all_action)
        menu.addSeparator()
        self._add_page_action(menu, view.find_action, "connections")
        menu.addAction(view.refresh_action)

        view_menu = bar.addMenu("&View")
        for i, name in enumerate(PAGE_TITLES):
            view_menu.addAction(self._action(f"show_{name}", PAGE_TITLES[name], self._shower(name), f"Ctrl+{i + 1}"))

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("about", "&About", self._about))

    def _shower(self, name: str) -> Callable[[], None]:
        return lambda: self.show_page(name)

    def _add_page_action(self, menu: object, action: QAction, page: str) -> None:
        """A window-wide shortcut that first brings its page to the front."""
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(action)
        action.triggered.connect(lambda _checked=False: self.show_page(page))
        menu.addAction(action)  # type: ignore[attr-defined]

    # -- session ---------------------------------------------------------------------------------

    def _show_session(self) -> None:
        state = self.ctx.connect_state
        self.session_status.show_session(self.ctx.session, state.message if state.status == "connecting" else "")
        session = self.ctx.session
        title = "Mattermost Outgoing OAuth Connections"
        if session is not None:
            title = f"{session.profile.name} — {title}"
        self.setWindowTitle(title)

    def open_profiles(self, name: str = "") -> None:
        from mmoauth_gui.ui.profiles_dialog import ProfilesDialog

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
        self.ctx.paths.logs.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.paths.logs)))

    def _about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("About mmoauth-gui")
        box.setIconPixmap(app_icon().pixmap(64, 64))
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
            self.resize(self.fontMetrics().horizontalAdvance("M") * 90, self.fontMetrics().height() * 40)
        state = self.settings.value(STATE_KEY)
        if state is not None:
            self.restoreState(state)
        tab = self.settings.value(TAB_KEY)
        if isinstance(tab, str) and tab in self._pages:
            self.show_page(tab)
        self.connections_view.restore(self.settings)

    def save_state(self) -> None:
        self.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.settings.setValue(STATE_KEY, self.saveState())
        current = self.tabs.currentWidget()
        name = next((n for n, w in self._pages.items() if w is current), "connections")
        self.settings.setValue(TAB_KEY, name)
        self.connections_view.save(self.settings)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_state()
        for widget in self._pages.values():
            hook = getattr(widget, "page_closing", None)
            if callable(hook):
                hook()
        self.connections.close()
        super().closeEvent(event)
        self.closed.emit()
