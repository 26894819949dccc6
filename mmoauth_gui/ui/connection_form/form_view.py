"""The Add / Edit form's widgets and layout, in the backstage's order; ``ConnectionForm`` adds what they do."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.core.model import GrantType
from mmoauth_gui.ui.connection_form.expectation_fields import ExpectationFields
from mmoauth_gui.ui.connection_form.texts import (
    AUDIENCES_HELP,
    AUDIENCES_LABEL,
    CLIENT_ID_HELP,
    CLIENT_SECRET_HELP,
    GRANT_HELP,
    HELP_LINK_HTML,
    NAME_HELP,
    TOKEN_URL_HELP,
)
from mmoauth_gui.ui.connection_form.validate_panel import ValidatePanel
from mmoauth_gui.ui.kit.field_problems import FieldProblems
from mmoauth_gui.ui.kit.secret_field import SecretField


class ConnectionFormView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build()

    # -- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.name = QLineEdit()
        self.client_id = QLineEdit()
        self.client_secret = SecretField("Client Secret")
        self.token_url = QLineEdit()
        self.token_url.setPlaceholderText("https://auth.example.com/oauth2/token")
        self.validate_panel = ValidatePanel()
        self.audiences = QPlainTextEdit()
        self.audiences.setTabChangesFocus(True)
        self.audiences.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # one URL never looks like two
        self.audiences.setPlaceholderText("https://integrations.example.com/slash/weather\nhttps://hooks.example.com/*")
        lines = self.fontMetrics().lineSpacing()
        self.audiences.setMinimumHeight(lines * 4)
        self.audiences.setMaximumHeight(lines * 9)
        self.audiences.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText("Advanced")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setAccessibleName("Advanced settings")
        self.advanced_toggle.toggled.connect(self._show_advanced)
        self.grant = QComboBox()
        self.grant.addItem("Client credentials (as the Mattermost backstage)", GrantType.CLIENT_CREDENTIALS.value)
        self.grant.addItem("Password (resource owner credentials)", GrantType.PASSWORD.value)
        self.username = QLineEdit()
        self.password = SecretField("Password")

        self.problems: dict[str, FieldProblems] = {}
        self.labels: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(max(4, self.fontMetrics().height() // 4))
        self._grid = grid
        self._row = 0
        self._add_field("name", "Name", self.name, NAME_HELP)
        self._add_field("client_id", "Client ID", self.client_id, CLIENT_ID_HELP)
        self._add_field("client_secret", "Client Secret", self.client_secret, CLIENT_SECRET_HELP)
        self._add_field("oauth_token_url", "OAuth Token URL", self.token_url, TOKEN_URL_HELP)
        grid.addWidget(self.validate_panel, self._row, 1)
        self._row += 1
        self._add_field("audiences", AUDIENCES_LABEL, self.audiences, AUDIENCES_HELP)
        grid.addWidget(self.advanced_toggle, self._row, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
        self._row += 1
        self.advanced = QWidget()
        advanced_grid = QGridLayout(self.advanced)
        advanced_grid.setContentsMargins(0, 0, 0, 0)
        advanced_grid.setColumnStretch(1, 1)
        self._grid, outer_row, self._row = advanced_grid, self._row, 0
        self._add_field("grant_type", "Grant type", self.grant, GRANT_HELP)
        self._add_field("credentials_username", "Username", self.username)
        self._add_field("credentials_password", "Password", self.password)
        self.expect = ExpectationFields()
        for field, label, widget, help_text in self.expect.rows():
            self._add_field(field, label, widget, help_text)
        self._grid, self._row = grid, outer_row
        grid.addWidget(self.advanced, self._row, 0, 1, 2)
        self._row += 1
        self.advanced.hide()

        self.save_error = QLabel()
        self.save_error.setObjectName("saveError")
        self.save_error.setWordWrap(True)
        self.save_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_error.setAccessibleName("Save error")
        self.save_error.hide()
        self.notice = QLabel()
        self.notice.setObjectName("formNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.todo = QLabel()
        self.todo.setObjectName("saveBlockers")
        self.todo.setWordWrap(True)
        self.todo.setAccessibleName("What blocks saving")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel")
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.save_button.setAccessibleName("Save")
        buttons = QHBoxLayout()
        buttons.addWidget(self.todo, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        self.help_link = QLabel(HELP_LINK_HTML)
        self.help_link.setObjectName("helpLink")
        self.help_link.setTextFormat(Qt.TextFormat.RichText)  # the app's own text and link
        self.help_link.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.help_link.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.help_link.setAccessibleName("Get help with configuring outgoing OAuth connections")

        self.footer = QWidget()  # what saving says and its buttons: a dialog keeps it in view, outside its scrolling
        footer = QVBoxLayout(self.footer)
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addWidget(self.save_error)
        footer.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(self.footer)
        layout.addWidget(self.help_link)

        for a, b in (
            (self.name, self.client_id),
            (self.client_id, self.client_secret.edit),
            (self.client_secret.edit, self.client_secret.pencil),
            (self.client_secret.pencil, self.token_url),
            (self.token_url, self.validate_panel.button),
            (self.validate_panel.button, self.validate_panel.toggle),
            (self.validate_panel.toggle, self.audiences),
            (self.audiences, self.advanced_toggle),
            (self.advanced_toggle, self.grant),
            (self.grant, self.username),
            (self.username, self.password.edit),
            (self.password.edit, self.password.pencil),
            (self.password.pencil, self.expect.audience),
            (self.expect.audience, self.expect.scopes),
            (self.expect.scopes, self.expect.issuer),
            (self.expect.issuer, self.cancel_button),
            (self.cancel_button, self.save_button),
        ):
            self.setTabOrder(a, b)

    def _add_field(self, field: str, label: str, widget: QWidget, help_text: str = "") -> None:
        title = QLabel(label)
        title.setBuddy(widget)
        title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        title.setContentsMargins(0, max(2, self.fontMetrics().height() // 4), 0, 0)
        self.labels[field] = title
        widget.setAccessibleName(label)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(widget)
        problems = FieldProblems(field)
        self.problems[field] = problems
        column.addWidget(problems)
        if help_text:
            help_label = QLabel(help_text)
            help_label.setObjectName(f"help_{field}")
            help_label.setWordWrap(True)
            help_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # secondary text, light and dark
            column.addWidget(help_label)
            widget.setAccessibleDescription(help_text)
        self._grid.addWidget(title, self._row, 0)
        self._grid.addLayout(column, self._row, 1)
        self._row += 1

    def _show_advanced(self, on: bool) -> None:
        self.advanced.setVisible(on)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
