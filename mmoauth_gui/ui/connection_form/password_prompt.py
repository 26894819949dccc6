"""Asks for a stored password-grant connection's password before the server validates it.

The server fills in only the stored client secret when it validates a saved connection, never the
password (docs/MATTERMOST.md Appendix C.2), so without the password typed again the check cannot pass.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from mmoauth_gui.core.model import Connection
from mmoauth_gui.ui.runtime.tasks import alive

TITLE = "Password needed to validate"
EXPLANATION = (
    "When Mattermost validates a saved connection it fills in the stored client secret, but not the password "
    "of the password grant. Type the password of “{username}” for “{name}”: it goes with this check only "
    "and is not saved."
)


class PasswordPrompt(QDialog):
    def __init__(self, conn: Connection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passwordPrompt")
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        text = QLabel(EXPLANATION.format(username=conn.credentials_username or "(no username)", name=conn.name))
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.buttons = QDialogButtonBox()
        self.validate_button = self.buttons.addButton("Validate", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.password.textChanged.connect(lambda t: self.validate_button.setEnabled(bool(t)))
        self.validate_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.password)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 34, self.sizeHint().height())


async def ask_password(parent: QWidget | None, conn: Connection) -> str | None:
    """The password typed for ``conn``, or None when the admin cancels. Opened with ``open()``, never ``exec()``."""
    future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
    prompt = PasswordPrompt(conn, parent)

    def finished(result: int) -> None:
        if not future.done():
            accepted = result == QDialog.DialogCode.Accepted and bool(prompt.password.text())
            future.set_result(prompt.password.text() if accepted else None)
        prompt.password.clear()
        prompt.deleteLater()

    prompt.finished.connect(finished)
    prompt.open()
    prompt.password.setFocus()
    try:
        return await future
    except asyncio.CancelledError:
        if alive(prompt) and prompt.isVisible():
            prompt.reject()
        raise
