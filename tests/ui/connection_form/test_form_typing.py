"""What the Add form says about values as they are typed: long audience URLs, stray spaces."""

from __future__ import annotations

from typing import Any

from mmoauth_gui.ui.connections.controller import ConnectionsController


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
