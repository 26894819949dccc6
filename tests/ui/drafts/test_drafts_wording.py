"""What the Drafts page says about where secrets go and where the window stands."""

from __future__ import annotations

from typing import Any

from drafts_support import make_page

from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.controller import SECRETS_IN_KEYRING, SECRETS_THIS_SESSION
from mmoauth_gui.ui.runtime.signin import ConnectState, ConnectStatus


def test_without_a_keyring_the_page_does_not_promise_one(qtbot: Any, ctx: AppContext) -> None:
    page = make_page(qtbot, ctx)  # the tests' default: no usable keyring
    assert page.showing_state() == "empty"
    assert SECRETS_THIS_SESSION in page.state.body.text() and SECRETS_IN_KEYRING not in page.state.body.text()


def test_with_a_keyring_it_says_so(qtbot: Any, ctx: AppContext, memory_keyring: Any) -> None:
    page = make_page(qtbot, ctx)
    assert SECRETS_IN_KEYRING in page.state.body.text()


def test_still_connecting_is_not_offline(qtbot: Any, ctx: AppContext) -> None:
    page = make_page(qtbot, ctx)
    assert page.subtitle.text().endswith("push and pull need a server.")
    ctx.set_connect_state(ConnectState(ConnectStatus.CONNECTING, "Staging", "Connecting to https://mm.example.com…"))
    assert "Connecting to Staging…" in page.subtitle.text() and "Offline" not in page.subtitle.text()
    ctx.set_connect_state(ConnectState(ConnectStatus.FAILED, "Staging", "refused"))
    assert "Offline" in page.subtitle.text()
