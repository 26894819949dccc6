"""Connected to the demo sandbox, the Add form offers its clients, whose secrets are new on every run."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPushButton
from support.ui_helpers import run

from mmoauth_gui.core.model import GrantType
from mmoauth_gui.ui.connection_form.demo_fill import DEMO_FILL_BUTTON
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow


def test_use_a_demo_client_fills_credentials_that_validate(qtbot: Any, ctx: AppContext, window: MainWindow) -> None:
    run(qtbot, window.servers.start_demo())
    qtbot.waitUntil(lambda: window.connections_view.model.rowCount() == 8)
    dialog = window.connections.add()
    assert dialog is not None and dialog.demo_fill is not None
    form = dialog.form
    button = next(b for b in dialog.findChildren(QPushButton) if b.text() == DEMO_FILL_BUTTON)
    menu = button.menu()
    assert menu is not None
    sandbox = ctx.demo_sandbox
    assert sandbox is not None
    assert [a.text().split(" — ")[0] for a in menu.actions()] == [c["client_id"] for c in sandbox.demo_clients]
    menu.actions()[0].trigger()
    assert form.client_id.text() == sandbox.demo_clients[0]["client_id"]
    assert form.client_secret.value() == sandbox.demo_clients[0]["client_secret"]
    assert form.token_url.text() == sandbox.token_url
    qtbot.keyClicks(form.name, "Demo")  # the backstage validates only a named connection
    form.validate()
    qtbot.waitUntil(lambda: form.validate_panel.state == "validated")

    menu.actions()[2].trigger()  # the password-grant-only client brings the demo user along
    assert form.grant.currentData() == GrantType.PASSWORD.value and form.advanced.isVisible()
    assert form.username.text() == sandbox.demo_user["username"]
    assert form.validate_panel.state == "dirty"  # credentials changed: to be validated again
    dialog.done(0)


def test_no_demo_fill_on_a_real_server(qtbot: Any, page: Any) -> None:
    dialog = page.add()  # the page's sandbox is reached as a server, not as the app's own demo
    assert dialog is not None and dialog.demo_fill is None
    dialog.done(0)
