"""Help › Demo sandbox: the demo token endpoint's clients and user, whose secrets are made afresh on every run."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

DEMO_CREDENTIALS_TITLE = "Demo sandbox"
DEMO_CREDENTIALS_INTRO = (
    "The demo sandbox runs inside the app until it closes. Its token endpoint knows the clients below; their "
    "secrets are new on every run. In the Add form, “Use a demo client” types them for you."
)
NO_DEMO_TEXT = "The demo sandbox is not running: File › Try the demo sandbox starts it."


def _value(text: str, name: str) -> QLineEdit:
    field = QLineEdit(text)
    field.setReadOnly(True)
    field.setObjectName(name)
    field.setAccessibleName(name)
    field.setCursorPosition(0)
    return field


class DemoCredentialsDialog(QDialog):
    def __init__(self, sandbox: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoCredentials")
        self.setWindowTitle(DEMO_CREDENTIALS_TITLE)
        layout = QVBoxLayout(self)
        running = sandbox is not None and sandbox.running
        intro = QLabel(DEMO_CREDENTIALS_INTRO if running else NO_DEMO_TEXT)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if running:
            server = QFormLayout()
            server.addRow("Server URL", _value(sandbox.url, "Server URL"))
            server.addRow("OAuth Token URL", _value(sandbox.token_url, "OAuth Token URL"))
            layout.addLayout(server)
            for client in sandbox.demo_clients:
                layout.addWidget(self._client_box(client, sandbox.demo_user))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()  # not a value, selected on opening
        self.resize(self.fontMetrics().horizontalAdvance("M") * 52, self.sizeHint().height())

    def _client_box(self, client: dict[str, Any], user: dict[str, str]) -> QGroupBox:
        client_id = client["client_id"]
        box = QGroupBox(client_id)
        form = QFormLayout(box)
        about = QLabel(client["description"])
        about.setWordWrap(True)
        form.addRow(about)
        form.addRow("Client ID", _value(client_id, f"{client_id} client ID"))
        form.addRow("Client Secret", _value(client["client_secret"], f"{client_id} client secret"))
        if "client_credentials" not in client["grant_types"]:
            form.addRow("Username", _value(user["username"], f"{client_id} username"))
            form.addRow("Password", _value(user["password"], f"{client_id} password"))
        return box
