"""The "Setup Successful" page the backstage shows after an Add (docs/MATTERMOST.md Appendix F.2).

The labels and the help sentence are the product's UI text, mirrored on purpose. The values are the
server's answer to the create; the secret and the password are never shown (the server does not
return them) and nothing is copied to the clipboard unless a Copy button is clicked.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.status import Look
from mmoauth_gui.ui.connection_form.texts import HELP_LINK_URL
from mmoauth_gui.ui.kit.style import status_css

TITLE = "Setup Successful"
DONE_HELP_HTML = (
    "Your Outgoing OAuth 2.0 Connection is set up. When a request is sent to one of the following Audience URLs, "
    "the Client ID and Client Secret will now be used to retrieve a token from the Token URL, before sending the "
    f'integration request (details at <a href="{HELP_LINK_URL}">Outgoing OAuth 2.0 Connections</a>).'
)
MASK = "********"
USERNAME_LOST = (
    "The server's copy of this connection has no username. Mattermost's open store leaves the password-grant "
    "username and password out when it creates a connection (an update writes them), and this server did not "
    "put them back: it cannot get a token for this connection yet. Set them again to send the username and "
    "password you typed as an update."
)
RESTORE_TEXT = "Set the username and password again"
RESTORED = "The server now has the username; the password went with it."
STILL_BLANK = (
    "The update was accepted, but the server still returns no username. Some servers (early 9.x) never "
    "return it: validate the connection to be sure it works."
)


def _row(label: str, value_html: str) -> str:
    return f"<b>{escape(label)}</b>: {value_html}"


class SetupSuccessful(QWidget):
    done = Signal()
    restore_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupSuccessful")
        self.title = QLabel(TITLE)
        self.title.setObjectName("setupTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.help = self._rich(DONE_HELP_HTML)
        self.help.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.client_id = self._rich()
        self.client_secret = self._rich(_row("Client Secret", MASK))
        self.username = self._rich()
        self.username.setWordWrap(False)  # short, and the Copy button sits right after it
        self.copy_username = QPushButton("Copy Username")
        self.copy_username.setAccessibleName("Copy Username")
        self.copy_username.clicked.connect(self._copy_username)
        self.password = self._rich(_row("Password", MASK))
        self.token_url = self._rich()
        self.audiences = self._rich()
        self.warning = QLabel()
        self.warning.setObjectName("usernameWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.hide()
        self.restore_button = QPushButton(RESTORE_TEXT)
        self.restore_button.setAccessibleName(RESTORE_TEXT)
        self.restore_button.clicked.connect(self.restore_requested)
        self.restore_button.hide()
        self.done_button = QPushButton("Done")
        self.done_button.setObjectName("doneButton")
        self.done_button.setAccessibleName("Done")
        self.done_button.setDefault(True)
        self.done_button.clicked.connect(self.done)
        self._username = ""

        username_row = QHBoxLayout()
        username_row.addWidget(self.username)
        username_row.addWidget(self.copy_username)
        username_row.addStretch(1)
        restore_row = QHBoxLayout()
        restore_row.addWidget(self.restore_button)
        restore_row.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.help)
        for widget in (self.client_id, self.client_secret):
            layout.addWidget(widget)
        layout.addLayout(username_row)
        for widget in (self.password, self.token_url, self.audiences, self.warning):
            layout.addWidget(widget)
        layout.addLayout(restore_row)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def _rich(self, html: str = "") -> QLabel:
        label = QLabel(html)
        label.setTextFormat(Qt.TextFormat.RichText)  # the app's markup; every value escaped
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        return label

    def show_connection(self, conn: Connection) -> None:
        """``conn`` as the server returned it after the create."""
        self._username = conn.credentials_username
        self.client_id.setText(_row("Client ID", escape(conn.client_id)))
        self.username.setText(_row("Username", escape(conn.credentials_username) or "<i>none returned</i>"))
        self.token_url.setText(_row("Token URL", f"<code>{escape(conn.oauth_token_url)}</code>"))
        self.audiences.setText(_row("Audience URL(s)", f"<code>{escape(', '.join(conn.audiences))}</code>"))
        password_grant = conn.uses_password_grant
        for widget in (self.username, self.copy_username, self.password):
            widget.setVisible(password_grant)
        self.copy_username.setEnabled(bool(conn.credentials_username))
        self.warning.hide()
        self.restore_button.hide()
        self.done_button.setFocus()

    def show_username_lost(self) -> None:
        self._say(USERNAME_LOST, Look.WARNING)
        self.restore_button.show()
        self.restore_button.setEnabled(True)

    def show_restored(self, conn: Connection) -> None:
        self.show_connection(conn)
        self._say(
            RESTORED if conn.credentials_username else STILL_BLANK,
            Look.VALID if conn.credentials_username else Look.WARNING,
        )

    def show_problem(self, text: str) -> None:
        self._say(text, Look.ERROR)
        self.restore_button.setEnabled(True)

    def _say(self, text: str, look: Look) -> None:
        self.warning.setText(text)
        self.warning.setStyleSheet(status_css(look, self))
        self.warning.show()

    def _copy_username(self) -> None:
        QGuiApplication.clipboard().setText(self._username)
