"""Render the main screens offscreen, against an in-process sandbox, as PNG files.

    python scripts/screenshots.py OUTDIR [--dark]

Writes: connections-list.png (mixed validation badges), demo-sandbox.png (Help › Demo sandbox: this run's demo
clients), add-connection-validated.png (a successful
validation with its decoded claims), edit-connection-refused.png (a refused validation and why),
server-profiles.png (a tested server profile), welcome.png (first run), config-plan.png (a file's plan),
preview-webhooks.png, try-success.png and try-refused.png (webhooks and the Try dialog), setup-successful.png,
setup-username-lost.png and save-refused-explained.png (the backstage mirror), health.png and
validation-integration-refuses.png (the Health page, a token the integration would refuse). Nothing is written
outside OUTDIR: the app's data folder is a temporary one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCRIPTS_DIR = Path(__file__).resolve().parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtGui import QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402


async def wait_for(check: Callable[[], object], what: str, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def save(widget: QWidget, out: Path, name: str) -> Path:
    await asyncio.sleep(0.1)  # let layouts and paints settle (never processEvents() inside a coroutine)
    path = out / name
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)
    return path


async def fit(dialog: Any) -> None:
    """Make a connection dialog tall enough to show its whole form (no scrolling in a picture)."""
    width = 1040 if getattr(dialog, "what_if", None) is None else 1560  # + the Slash commands what-if panel
    dialog.resize(width, 600)
    await asyncio.sleep(0.05)
    from PySide6.QtWidgets import QScrollArea

    scroll = dialog.findChild(QScrollArea)
    height = dialog.form.layout().totalMinimumSize().height() + 4
    for _ in range(4):  # the details grow with their text at the final width: add what still scrolls
        dialog.resize(width, height)
        await asyncio.sleep(0.05)
        overflow = scroll.verticalScrollBar().maximum()
        if overflow == 0:
            break
        height += overflow


def dark_palette() -> QPalette:
    """The app's own View › Theme › Dark."""
    from mmoauth_gui.ui.kit.theme import Theme, theme_palette

    return theme_palette(Theme.DARK)


async def render(out: Path, suffix: str) -> list[Path]:
    from mmoauth_gui.services.http import make_http_client
    from mmoauth_gui.storage.paths import app_paths
    from mmoauth_gui.ui.context import AppContext
    from mmoauth_gui.ui.main_window import MainWindow
    from mmoauth_gui.ui.runtime.settings import ui_settings
    from mmoauth_gui.ui.servers.dialog import ProfilesDialog

    written: list[Path] = []
    paths = app_paths()
    ctx = AppContext(paths, make_http_client(timeout=10.0))
    window = MainWindow(ctx, ui_settings(paths))
    window.resize(1280, 760)
    window.show()
    sandbox: Any = None
    try:
        await window.servers.start()
        await wait_for(lambda: window.connections_view.showing_state() == "welcome", "the welcome state")
        written.append(await save(window, out, f"welcome{suffix}.png"))

        window.servers.start_demo()
        controller = window.connections
        view = window.connections_view
        await wait_for(lambda: view.model.rowCount() == 8 and not controller.loading, "the demo connections")
        sandbox = ctx.demo_sandbox
        controller.validate_all()
        password_grant = sum(c.uses_password_grant for c in view.model.connections())  # checked one by one
        await wait_for(
            lambda: not controller.bulk_running() and view.model.badge_counts().get("unchecked", 0) <= password_grant,
            "validate all",
        )
        standup = next(c for c in view.model.connections() if c.name == "Standup Bot")
        controller.select(standup.id)
        await asyncio.sleep(0.2)
        written.append(await save(window, out, f"connections-list{suffix}.png"))
        credentials = window.show_demo_credentials()  # Help › Demo sandbox
        written.append(await save(credentials, out, f"demo-sandbox{suffix}.png"))
        credentials.close()

        dialog = controller.add()
        assert dialog is not None
        form = dialog.form
        client = sandbox.demo_clients[0]
        form.name.setText("Deploy commands")
        form.client_id.setText(client["client_id"])
        form.client_secret.edit.setText(client["client_secret"])
        form.token_url.setText(sandbox.token_url)
        form.audiences.setPlainText("https://ci.example.com/hooks/deploy\nhttps://ci.example.com/hooks/rollback")
        form.validate()
        await wait_for(lambda: form.validate_panel.state == "validated", "a successful validation")
        await fit(dialog)
        await asyncio.sleep(0.2)
        written.append(await save(dialog, out, f"add-connection-validated{suffix}.png"))
        dialog.form.cancelled.emit()
        await wait_for(lambda: controller.dialog is None, "the add dialog to close")

        controller.select(standup.id)
        dialog = controller.edit_selected()
        assert dialog is not None
        form = dialog.form
        form.validate()
        await wait_for(lambda: form.validate_panel.state == "failed", "a refused validation")
        await fit(dialog)
        await asyncio.sleep(0.2)
        written.append(await save(dialog, out, f"edit-connection-refused{suffix}.png"))
        dialog.form.cancelled.emit()
        await wait_for(lambda: controller.dialog is None, "the edit dialog to close")

        from mmoauth_gui.storage.profiles import Profile

        ctx.profiles.save(Profile(name="Production", url="https://mattermost.example.com", team_name="engineering"))
        profiles = ProfilesDialog(ctx, window)
        profiles.resize(1000, 640)
        profiles.show()
        await profiles.task
        profiles.name.setText("Staging")
        profiles.url.setText(sandbox.url)
        profiles.token.edit.setText(sandbox.admin_token)
        test = profiles.test()
        assert test is not None
        await test
        await asyncio.sleep(0.2)
        written.append(await save(profiles, out, f"server-profiles{suffix}.png"))
        profiles.done(0)  # drop what was typed without the "Discard changes?" question
        written += await drafts_screens(window, out, suffix)
        written += await preview_screens(window, out, suffix)
        written += await config_screens(window, out, suffix)
        written += await webhook_screens(window, sandbox, out, suffix)
        written += await backstage_screens(window, sandbox, out, suffix)
        written += await health_screens(window, sandbox, out, suffix)
    finally:
        window.close()
        await ctx.aclose()
    return written


async def drafts_screens(window: Any, out: Path, suffix: str) -> list[Path]:
    """drafts.png and drafts-conflict.png, rendered by scripts/screenshots_drafts.py (the drafts helper's)."""
    sys.path.insert(0, str(SCRIPTS_DIR))
    from screenshots_drafts import shoot_drafts

    return await shoot_drafts(window, out, suffix)


async def preview_screens(window: Any, out: Path, suffix: str) -> list[Path]:
    """preview.png and what-if.png, rendered by scripts/screenshots_preview.py (the preview helper's)."""
    sys.path.insert(0, str(SCRIPTS_DIR))
    from screenshots_preview import shoot_preview

    return await shoot_preview(window, out, suffix)


async def config_screens(window: Any, out: Path, suffix: str) -> list[Path]:
    """config-plan.png, rendered by scripts/screenshots_config.py (the connections-as-code helper's)."""
    sys.path.insert(0, str(SCRIPTS_DIR))
    from screenshots_config import shoot_config

    return await shoot_config(window, out, suffix)


async def webhook_screens(window: Any, sandbox: Any, out: Path, suffix: str) -> list[Path]:
    """preview-webhooks.png, try-success.png and try-refused.png, by scripts/screenshots_webhooks.py."""
    sys.path.insert(0, str(SCRIPTS_DIR))
    from screenshots_webhooks import shoot_webhooks

    return await shoot_webhooks(window, sandbox, out, suffix)


async def backstage_screens(window: Any, sandbox: Any, out: Path, suffix: str) -> list[Path]:
    """setup-successful.png, setup-username-lost.png, save-refused-explained.png: scripts/screenshots_backstage.py."""
    sys.path.insert(0, str(SCRIPTS_DIR))
    from screenshots_backstage import shoot_backstage

    return await shoot_backstage(window, sandbox, out, suffix)


async def health_screens(window: Any, sandbox: Any, out: Path, suffix: str) -> list[Path]:
    """health.png and validation-integration-refuses.png, by scripts/screenshots_health.py."""
    sys.path.insert(0, str(SCRIPTS_DIR))
    from screenshots_health import shoot_health

    return await shoot_health(window, sandbox, out, suffix, fit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--dark", action="store_true", help="also render with a dark palette (files end in -dark)")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mmoauth-shots-") as data:
        os.environ["MMOAUTH_DATA_DIR"] = data
        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        app.setApplicationName("mmoauth-gui")
        app.setQuitOnLastWindowClosed(False)
        from mmoauth_gui.ui.kit.icons import app_icon
        from mmoauth_gui.ui.runtime import event_loop

        app.setWindowIcon(app_icon())
        variants = [("", None)] + ([("-dark", dark_palette())] if args.dark else [])
        for suffix, palette in variants:
            if palette is not None:
                app.setStyle("Fusion")
                app.setPalette(palette)
            os.environ["MMOAUTH_DATA_DIR"] = tempfile.mkdtemp(dir=data)
            event_loop.run(render(args.outdir, suffix))
    return 0


if __name__ == "__main__":
    sys.exit(main())
