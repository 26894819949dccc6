"""Push goes to the session's server, or to the saved server profile a draft is meant for — also offline."""

from __future__ import annotations

from typing import Any

from drafts_support import by_name, make_page, open_draft, wait_action
from support.ui_helpers import answer, message_box, run

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.model import TARGET
from mmoauth_gui.ui.drafts.push_pull import PUSH_WHERE_TITLE


def ledger(sandbox: Sandbox) -> Connection:
    return Connection(
        name="Ledger",
        client_id=sandbox.demo_clients[0]["client_id"],
        oauth_token_url=sandbox.token_url,
        audiences=("https://ledger.example.com/*",),
    )


def names_on(sandbox: Sandbox) -> list[str]:
    return [c.name for c in sandbox.state.connections()]


def test_offline_a_draft_is_pushed_to_its_saved_target(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> None:
    ctx.profiles.save(Profile(name="Staging", url=sandbox.url))
    run(qtbot, ctx.store_server_token("Staging", sandbox.admin_token))
    ctx.profiles.save(Profile(name="Production", url="https://mattermost.invalid"))
    page = make_page(qtbot, ctx)
    secret = sandbox.demo_clients[0]["client_secret"]
    run(qtbot, page.controller.io.create(connection=ledger(sandbox), server="Staging", client_secret=secret))
    open_draft(qtbot, page, "Ledger")
    wait_action(qtbot, page, "push", page.controller.sync.push_selected)
    assert ctx.session is None  # the window stays offline
    assert next(c for c in sandbox.state.connections() if c.name == "Ledger").client_secret == secret
    assert page.message.text().startswith("Created “Ledger” on Staging")

    other = ledger(sandbox).with_changes(name="Ledger for production")
    run(qtbot, page.controller.io.create(connection=other, server="Production"))
    open_draft(qtbot, page, "Ledger for production")
    wait_action(qtbot, page, "push_cancelled", page.controller.sync.push_selected)
    assert "meant for Production, whose token is not stored here" in page.message.text()


def test_connected_elsewhere_the_push_asks_where(
    qtbot: Any, demo_ctx: AppContext, sandbox: Sandbox, empty_sandbox: Sandbox
) -> None:
    demo_ctx.profiles.save(Profile(name="Staging", url=empty_sandbox.url))
    run(qtbot, demo_ctx.store_server_token("Staging", empty_sandbox.admin_token))
    page = make_page(qtbot, demo_ctx)
    secret = sandbox.demo_clients[0]["client_secret"]
    run(qtbot, page.controller.io.create(connection=ledger(sandbox), server="Staging", client_secret=secret))
    open_draft(qtbot, page, "Ledger")

    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "push"):
        page.controller.sync.push_selected()
        qtbot.waitUntil(lambda: message_box(title=PUSH_WHERE_TITLE) is not None)
        box = message_box(title=PUSH_WHERE_TITLE)
        assert box is not None and "meant for Staging, but you are connected to Demo sandbox" in box.text()
        answer(qtbot, PUSH_WHERE_TITLE, "Push to Staging")
    assert "Ledger" in names_on(empty_sandbox) and "Ledger" not in names_on(sandbox)

    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "push_cancelled"):
        page.controller.sync.push_selected()
        answer(qtbot, PUSH_WHERE_TITLE, "Cancel")
    assert "Ledger" not in names_on(sandbox)


def test_two_profiles_of_one_server_each_keep_their_drafts(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> None:
    for name in ("Staging (admin)", "Staging (bot)"):
        ctx.profiles.save(Profile(name=name, url=sandbox.url))
        run(qtbot, ctx.store_server_token(name, sandbox.admin_token))
    page = make_page(qtbot, ctx)
    secret = sandbox.demo_clients[0]["client_secret"]
    run(qtbot, page.controller.io.create(connection=ledger(sandbox), server="Staging (admin)", client_secret=secret))
    open_draft(qtbot, page, "Ledger")
    wait_action(qtbot, page, "push", page.controller.sync.push_selected)
    assert page.message.text().startswith("Created “Ledger” on Staging (admin)")
    pushed = by_name(page, "Ledger")
    assert pushed.origin is not None  # now remembered by its server's URL, which both profiles share
    model = page.controller.model
    qtbot.waitUntil(lambda: model.index(0, TARGET).data() == "Staging (admin)")
