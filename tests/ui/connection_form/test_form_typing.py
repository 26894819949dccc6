"""What the Add form says about values as they are typed: long audience URLs, stray spaces."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from support.ui_helpers import answer, select

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.connection_form.form import SAVE_ANYWAY_TITLE, SAVE_REFUSED_TEXT
from mmoauth_gui.ui.connections.controller import ConnectionsController

LEFT = Qt.MouseButton.LeftButton


def test_a_long_audience_url_stays_on_one_line(qtbot: Any, page: ConnectionsController) -> None:
    dialog = page.add()
    assert dialog is not None
    form = dialog.form
    long_url = "https://integrations.example.com/" + "very-long-path-segment/" * 12 + "slash"
    qtbot.keyClicks(form.audiences, long_url)
    block = form.audiences.document().firstBlock()
    assert block.layout().lineCount() == 1
    assert form.audiences.horizontalScrollBar().maximum() > 0  # scrolled sideways instead
    dialog.done(0)


def test_a_client_id_of_spaces_is_warned_about_but_not_blocked(qtbot: Any, page: ConnectionsController) -> None:
    dialog = page.add()
    assert dialog is not None
    form = dialog.form
    qtbot.keyClicks(form.name, "Spaces")
    qtbot.keyClicks(form.client_id, "   ")
    qtbot.keyClicks(form.client_secret.edit, "secret ")
    qtbot.keyClicks(form.token_url, "https://auth.example.com/token")
    qtbot.keyClicks(form.audiences, "https://spaces.example.com/hook")
    client_id = " ".join(form.problems["client_id"].messages())
    assert form.problems["client_id"].isVisible() and "only spaces" in client_id
    assert "ends with a space" in " ".join(form.problems["client_secret"].messages())
    assert form.save_button.isEnabled()  # the server stores it: a warning, not a blocker
    dialog.done(0)


def test_saving_a_refused_connection_says_it_was_refused(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox
) -> None:
    dialog = page.add()
    assert dialog is not None
    form = dialog.form
    qtbot.keyClicks(form.name, "Refused")
    qtbot.keyClicks(form.client_id, sandbox.demo_clients[0]["client_id"])
    qtbot.keyClicks(form.client_secret.edit, "wrong-secret")
    qtbot.keyClicks(form.token_url, sandbox.token_url)
    qtbot.keyClicks(form.audiences, "https://refused.example.com/hook")
    form.validate()
    qtbot.waitUntil(lambda: form.validate_panel.state == "failed")
    form.save()
    box = answer(qtbot, SAVE_ANYWAY_TITLE, "Cancel")
    assert box.text() == SAVE_REFUSED_TEXT and "not been validated" not in box.text()
    dialog.done(0)


def test_a_refusal_is_said_once_and_save_stays_in_view(qtbot: Any, page: ConnectionsController) -> None:
    select(page, "Standup Bot")  # stored with a secret the token endpoint refuses
    dialog = page.edit_selected()
    assert dialog is not None
    dialog.resize(1000, 560)  # the dialog's own size: the details are taller than the room left
    panel = dialog.form.validate_panel
    qtbot.mouseClick(panel.button, LEFT)
    qtbot.waitUntil(lambda: panel.state == "failed")
    assert "server logs" not in panel.status.text()
    assert panel.details.isVisible() and not panel.reason.isVisible()  # the details say why, once
    qtbot.mouseClick(panel.toggle, LEFT)
    assert not panel.details.isVisible() and panel.reason.isVisible()  # folded: their one-line summary
    assert "does not say why" in panel.reason.text()  # a production server keeps the token endpoint's answer
    qtbot.mouseClick(panel.toggle, LEFT)
    for button in (dialog.form.save_button, dialog.form.cancel_button):
        top = button.mapTo(dialog, button.rect().topLeft()).y()
        assert button.isVisible() and 0 <= top and top + button.height() <= dialog.height()
    dialog.done(0)
