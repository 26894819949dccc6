"""The "Use a demo client" fill-in of the Add form, shown only while the window is connected to the demo sandbox.

The demo token endpoint's secrets are made afresh on every run, so without this a connection added in the demo
could only ever validate as refused.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from mmoauth_gui.core.model import GrantType
from mmoauth_gui.ui.connection_form.form import ConnectionForm

DEMO_FILL_TEXT = "Connected to the demo sandbox: its token endpoint knows these clients."
DEMO_FILL_BUTTON = "Use a demo client"


def demo_clients_of(ctx: Any) -> tuple[list[dict[str, Any]], dict[str, str], str]:
    """The running demo sandbox's clients, password-grant user and token URL, when the window is connected to it."""
    session = ctx.session
    sandbox = ctx.demo_sandbox
    if session is None or not session.demo or sandbox is None or not sandbox.running:
        return [], {}, ""
    return sandbox.demo_clients, sandbox.demo_user, sandbox.token_url


def demo_fill_bar(ctx: Any, form: ConnectionForm) -> QWidget | None:
    """A line above the form with the "Use a demo client" menu, or None away from the demo."""
    clients, user, token_url = demo_clients_of(ctx)
    if not clients:
        return None
    bar = QWidget()
    bar.setObjectName("demoFill")
    layout = QHBoxLayout(bar)
    layout.addWidget(QLabel(DEMO_FILL_TEXT), 1)
    button = QPushButton(DEMO_FILL_BUTTON)
    button.setObjectName("useDemoClient")
    button.setAutoDefault(False)
    menu = QMenu(button)
    for client in clients:
        action = QAction(f"{client['client_id']} — {client['description']}", menu)
        action.setObjectName(f"demoClient_{client['client_id']}")
        action.triggered.connect(lambda _checked=False, c=client: fill_with_demo_client(form, c, user, token_url))
        menu.addAction(action)
    button.setMenu(menu)
    layout.addWidget(button)
    return bar


def fill_with_demo_client(form: ConnectionForm, client: dict[str, Any], user: dict[str, str], token_url: str) -> None:
    """Type the demo client's credentials into the form (the password grant's user too, for a client that needs it)."""
    form.client_id.setText(client["client_id"])
    form.client_secret.set_value(client["client_secret"])
    form.token_url.setText(token_url)
    password_only = GrantType.CLIENT_CREDENTIALS.value not in client["grant_types"]
    grant = GrantType.PASSWORD.value if password_only else GrantType.CLIENT_CREDENTIALS.value
    form.grant.setCurrentIndex(max(0, form.grant.findData(grant)))
    if password_only:
        form.advanced_toggle.setChecked(True)
        form.username.setText(user.get("username", ""))
        form.password.set_value(user.get("password", ""))
