"""Hostile names (HTML, a file:// link, an image) from a server, a profile and a draft, through every screen:
each renders as text — no label, message box or pane draws the markup or offers the link (issue 17, M2).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QTextBrowser, QWidget
from support.ui_helpers import run

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.kit.plain_text import tooltip_text
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.runtime.settings import ui_settings

LINK = '<a href="file:///etc/passwd">Evil</a>'
HOSTILE = f'{LINK}<img src="x.png"><b>B</b>'  # 54 characters: within the name limit
MARKERS = ("<a href", "<img", "<b>")


@pytest.fixture
def hostile_sandbox() -> Iterator[Sandbox]:
    seed = {
        "settings": {"ServiceSettings.AllowedUntrustedInternalConnections": "127.0.0.0/8"},
        "teams": [
            {
                "name": "evil",
                "display_name": HOSTILE,
                "commands": [{"trigger": "evil", "url": "https://evil.example.com/hook", "display_name": HOSTILE}],
            }
        ],
        "connections": [
            {
                "name": HOSTILE,
                "client_id": "evil",
                "client_secret": "s",
                "oauth_token_url": "{token_url}",
                "audiences": ["https://evil.example.com/*"],
            }
        ],
    }
    with Sandbox(seed=seed) as sb:
        yield sb


def _widgets() -> list[QWidget]:
    out: list[QWidget] = []
    for top in QApplication.topLevelWidgets():
        if top.isVisible():
            out.append(top)
            out += [w for w in top.findChildren(QWidget) if w.isVisible()]
    return out


def drawn_as_html() -> list[str]:
    """Every visible label whose hostile text Qt would render as HTML, and every pane that drew the markup."""
    bad = []
    for widget in _widgets():
        if isinstance(widget, QLabel):
            text = widget.text()
            if any(m in text for m in MARKERS) and widget.textFormat() != Qt.TextFormat.PlainText:
                bad.append(f"{type(widget.window()).__name__}: label {text[:60]!r} ({widget.textFormat()})")
            if widget.openExternalLinks():
                bad.append(f"{type(widget.window()).__name__}: label {text[:40]!r} opens external links")
        elif isinstance(widget, QTextBrowser):
            if "Evil" in widget.toPlainText() and LINK not in widget.toPlainText():
                bad.append(f"{type(widget.window()).__name__}: pane drew the markup: {widget.toPlainText()[:80]!r}")
    return bad


def shown_text() -> str:
    return "\n".join(
        w.text() if isinstance(w, QLabel) else w.toPlainText()
        for w in _widgets()
        if isinstance(w, QLabel | QTextBrowser)
    )


def test_hostile_names_render_as_text_on_every_screen(qtbot: Any, ctx: AppContext, hostile_sandbox: Sandbox) -> None:
    sb = hostile_sandbox
    window = MainWindow(None, ui_settings(ctx.paths))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    window.attach(ctx)
    run(qtbot, ctx.connect_to(Profile(name="<b>prof</b>", url=sb.url), sb.admin_token))
    view = window.connections_view
    controller = view.controller if hasattr(view, "controller") else None
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: "Evil" in view.details.toPlainText())
    assert LINK in view.details.toPlainText()  # the name shown with its markup as text
    seen = [drawn_as_html()]

    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(50)  # let each page lay out and polish its labels
        seen.append(drawn_as_html())
    window.tabs.setCurrentIndex(0)

    # The delete confirmation quotes the name.
    del controller
    view.delete_action.trigger()
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()))
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert "Evil" in shown_text()
    seen.append(drawn_as_html())
    box.reject()

    assert [problem for page in seen for problem in page] == []


def test_tooltips_show_markup_as_text() -> None:
    import html

    assert tooltip_text(HOSTILE) == f"<qt>{html.escape(HOSTILE)}</qt>"
    assert tooltip_text("plain name") == "plain name"


def test_labels_shown_before_the_guard_is_installed_become_plain_text(
    qtbot: Any, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app installs the guard after the shell's first paint: what was already on screen is made plain too."""
    from mmoauth_gui.ui.kit import plain_text

    installed = plain_text.install(qapp)
    qapp.removeEventFilter(installed)  # as in a fresh app, where nothing installed it yet
    monkeypatch.setattr(plain_text, "_guard", None)
    guard = None
    try:
        early, rich = QLabel(HOSTILE), QLabel("<b>the app's own markup</b>")
        rich.setTextFormat(Qt.TextFormat.RichText)
        for label in (early, rich):
            qtbot.addWidget(label)
            label.show()
        assert early.textFormat() == Qt.TextFormat.AutoText  # nothing guarded it when it was polished

        guard = plain_text.install(qapp)
        assert early.textFormat() == Qt.TextFormat.PlainText and not early.openExternalLinks()
        assert rich.textFormat() == Qt.TextFormat.RichText
        assert plain_text.install(qapp) is guard  # once
    finally:
        if guard is not None:
            qapp.removeEventFilter(guard)
        qapp.installEventFilter(installed)
