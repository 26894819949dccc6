"""The Connection menu's connections-as-code actions: Compare with file…, Export as file…, Copy to another server…"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel

from mmoauth_gui.core.model import Connection
from mmoauth_gui.ui.connections.model import ConnectionRole
from mmoauth_gui.ui.pages import WindowHost

if TYPE_CHECKING:
    from mmoauth_gui.ui.config.controller import ConfigController

FILE_FILTER = "Connections file (*.yaml *.yml *.json);;All files (*)"


def selected_connections(window: WindowHost) -> list[Connection]:
    rows = window.connections_view.table.selectionModel().selectedRows()
    found = (row.data(ConnectionRole) for row in rows)
    return [c for c in found if isinstance(c, Connection)]


class ConfigActions:
    """Builds the three actions on ``window`` and opens their file dialogs and server chooser with ``open()``."""

    def __init__(self, window: WindowHost) -> None:
        self.window = window
        self.ctx = window.ctx
        self._controller: ConfigController | None = None
        menu = window.connection_menu
        self.compare_action = self._action(
            "compare_with_file", "Compare with &file…", "Plan a connections file against this server"
        )
        self.export_action = self._action(
            "export_as_file", "E&xport as file…", "Write this server's connections as a file (secrets as references)"
        )
        self.copy_action = self._action(
            "copy_to_server", "Copy to another &server…", "Plan and apply the selected connections on another server"
        )
        menu.addSeparator()
        for action in (self.compare_action, self.export_action, self.copy_action):
            menu.addAction(action)
        window.connections_view.table.addAction(self.copy_action)
        self.compare_action.triggered.connect(lambda _c=False: self.open_compare())
        self.export_action.triggered.connect(lambda _c=False: self.open_export())
        self.copy_action.triggered.connect(lambda _c=False: self.open_copy())
        self.file_dialog: QFileDialog | None = None
        self.chooser: QInputDialog | None = None
        window.connections_view.table.selectionModel().selectionChanged.connect(lambda *_: self.update())
        self.ctx.session_changed.connect(self.update)
        self.update()

    @property
    def controller(self) -> ConfigController:
        """Built when first used: it brings the file format (PyYAML) and the planner, which a start-up does not need."""
        if self._controller is None:
            from mmoauth_gui.ui.config.controller import ConfigController

            self._controller = ConfigController(self.ctx, self.window.connections_view)
        return self._controller

    def _action(self, name: str, text: str, tip: str) -> QAction:
        action = QAction(text, self.window.connection_menu)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        self.window.actions_by_name[name] = action
        return action

    def update(self) -> None:
        session = self.ctx.session is not None
        self.compare_action.setEnabled(session)
        self.export_action.setEnabled(session)
        self.copy_action.setEnabled(session and bool(selected_connections(self.window)))

    def _file_dialog(self, title: str, save: bool) -> QFileDialog:
        dialog = QFileDialog(
            self.window.connections_view, title, str(Path.home() / ("connections.yaml" if save else ""))
        )
        dialog.setObjectName("configFileDialog")
        dialog.setNameFilter(FILE_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
        if save:
            dialog.setDefaultSuffix("yaml")
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.file_dialog = dialog
        return dialog

    def open_compare(self) -> QFileDialog:
        dialog = self._file_dialog("Compare with file", False)
        dialog.fileSelected.connect(lambda path: self.controller.compare_with_file(Path(path)))
        dialog.open()
        return dialog

    def open_export(self) -> QFileDialog:
        dialog = self._file_dialog("Export connections as file", True)
        dialog.fileSelected.connect(lambda path: self.controller.export_to(Path(path)))
        dialog.open()
        return dialog

    def open_copy(self) -> QInputDialog | None:
        connections = selected_connections(self.window)
        session = self.ctx.session
        if not connections or session is None:
            return None
        others = [n for n in self.ctx.profiles.names() if n != session.profile.name]
        chooser = QInputDialog(self.window.connections_view)
        chooser.setObjectName("configCopyChooser")
        chooser.setWindowTitle("Copy to another server")
        if not others:
            chooser.setLabelText("No other server profile: add one in Servers… first.")
            chooser.setComboBoxItems(["—"])
            chooser.setOkButtonText("Close")
        else:
            names = ", ".join(f"“{c.name}”" for c in connections)
            chooser.setLabelText(f"Copy {names} to:")
            chooser.setComboBoxItems(others)
            chooser.setOkButtonText("Plan…")
            chooser.textValueSelected.connect(lambda name: self.controller.copy_to_server(connections, name))
        for label in chooser.findChildren(QLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)  # connection names are outside text
        chooser.finished.connect(lambda _r: chooser.deleteLater())
        self.chooser = chooser
        chooser.open()
        return chooser


def add_config_actions(window: WindowHost) -> ConfigActions:
    return ConfigActions(window)
