"""Start-up: the window's shell paints before the HTTP client, the stores and the pages exist; attach() adds them."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from support.ui_helpers import run

from mmoauth_gui.ui.app import FIRST_PAINT_WAIT_S, paint_first
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MENU_TITLES, PLACEHOLDERS, TAB_KEY, MainWindow
from mmoauth_gui.ui.preview.page import PreviewPage
from mmoauth_gui.ui.runtime.settings import ui_settings

REPO = Path(__file__).resolve().parents[2]
NO_PAINT = "no paint within"  # paint_first's debug line when it gave up waiting


def child_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_API="pyside6", MMOAUTH_DATA_DIR=str(data_dir))
    env["QT_LOGGING_RULES"] = "qt.qpa.*=false"
    return env


def test_the_shell_needs_neither_asyncio_nor_httpx_nor_keyring_nor_svg(tmp_path: Path) -> None:
    """What the first paint waits for: a fresh process builds and paints the shell without those imports."""
    script = textwrap.dedent(
        """
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from mmoauth_gui.storage.paths import app_paths
        from mmoauth_gui.ui.main_window import MainWindow
        from mmoauth_gui.ui.runtime.settings import ui_settings
        from mmoauth_gui.ui.kit import plain_text
        plain_text.install(app)
        window = MainWindow(None, ui_settings(app_paths()))
        window.show()
        window.grab()
        heavy = ("asyncio", "qasync", "logging.handlers", "httpx", "keyring", "PySide6.QtSvg", "mmoauth_gui.ui.context",
                 "mmoauth_gui.services.mattermost.client", "mmoauth_gui.ui.connections.view",
                 "mmoauth_gui.ui.kit.icons", "mmoauth_gui.ui.preview.page", "mmoauth_gui.ui.drafts.page")
        print(sorted(name for name in heavy if name in sys.modules))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=child_env(tmp_path), cwd=REPO
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_pages_leave_the_file_format_and_token_checks_until_used(tmp_path: Path) -> None:
    """PyYAML (connections as code) and joserfc (JWT checks) are imported when first used, not at start-up."""
    script = textwrap.dedent(
        """
        import asyncio, sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from mmoauth_gui.services.http import make_http_client
        from mmoauth_gui.storage.paths import app_paths
        from mmoauth_gui.ui.context import AppContext
        from mmoauth_gui.ui.main_window import MainWindow
        from mmoauth_gui.ui.runtime.settings import ui_settings

        async def main():
            paths = app_paths()
            window = MainWindow(AppContext(paths, make_http_client()), ui_settings(paths))
            window.show()
            window.grab()
            print(sorted(name for name in ("yaml", "joserfc") if name in sys.modules))
            window.config_actions.controller  # the first use
            print(sorted(name for name in ("yaml", "joserfc") if name in sys.modules))

        asyncio.run(main())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=child_env(tmp_path), cwd=REPO
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["[]", "['yaml']"]


def test_shell_first_then_attach_builds_the_pages(
    qtbot: Any, ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    window = MainWindow(None, ui_settings(ctx.paths))
    qtbot.addWidget(window)
    window.show()
    # The app gives the first paint 0.5 s; a busy machine may need longer, which is not what is tested here.
    with caplog.at_level(logging.DEBUG, logger="mmoauth_gui.ui.app"):
        assert paint_first(window, limit_s=30.0)
    assert NO_PAINT not in caplog.text  # it painted, it did not time out

    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["&Connections", "S&lash commands", "&Drafts", "H&ealth"]
    assert window.page("connections").accessibleName() == PLACEHOLDERS["connections"] == "Starting…"
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert tuple(menus) == MENU_TITLES == ("&File", "&Connection", "&View", "&Help")
    assert all(menu.isEmpty() for menu in menus.values()) and not window.actions_by_name
    window.open_profiles()  # nothing to open before attach(), and no error
    assert ctx.affected_commands_provider is None

    window.attach(ctx)
    assert window.page("connections") is window.connections_view
    assert window.tabs.currentWidget() is window.connections_view
    assert isinstance(window.page("preview"), PreviewPage)
    assert ctx.affected_commands_provider is not None  # Delete and audience confirmations, before any tab show
    assert ctx.preview_state is window.page("preview").preview_state
    assert {"servers", "demo", "quit", "show_drafts", "about", "show_commands", "copy_to_drafts"} <= set(
        window.actions_by_name
    )
    assert tuple(a.text() for a in window.menuBar().actions()) == MENU_TITLES
    connection_menu = [a.text() for a in menus["&Connection"].actions() if not a.isSeparator()]
    assert connection_menu[0] == window.connections_view.add_action.text()
    assert window.connections_view.validate_all_action.text() in connection_menu
    assert not window.windowIcon().isNull()
    with pytest.raises(RuntimeError, match="already attached"):
        window.attach(ctx)
    run(qtbot, window.servers.start())
    assert window.connections_view.showing_state() == "welcome"


def test_a_saved_plugin_tab_comes_back_when_its_page_is_built(qtbot: Any, ctx: AppContext) -> None:
    settings = ui_settings(ctx.paths)
    settings.setValue(TAB_KEY, "preview")
    window = MainWindow(None, settings)
    qtbot.addWidget(window)
    assert window.tabs.currentIndex() == 1  # the placeholder, until attach()
    window.attach(ctx)
    assert window.tabs.currentWidget() is window.page("preview")
    assert isinstance(window.page("preview"), PreviewPage)


def test_closing_the_shell_before_attach(qtbot: Any, ctx: AppContext) -> None:
    window = MainWindow(None, ui_settings(ctx.paths))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.closed):
        window.close()


def test_first_paint_gives_up_on_a_window_that_never_shows(
    qtbot: Any, ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    hidden = QWidget()
    qtbot.addWidget(hidden)
    with caplog.at_level(logging.DEBUG, logger="mmoauth_gui.ui.app"):
        assert not paint_first(hidden)
    assert f"{NO_PAINT} {FIRST_PAINT_WAIT_S:.1f} s; going on" in caplog.text


def test_the_app_starts_signs_in_to_the_demo_and_quits_on_sigterm(tmp_path: Path) -> None:
    """The real entry point (shell, first paint, then the context and pages), ended as a desktop session would."""
    log_file = None
    proc = subprocess.Popen(
        [sys.executable, "-m", "mmoauth_gui", "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(tmp_path),
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            logs = list(tmp_path.rglob("*.log"))
            if logs and "GUI started (demo=True" in logs[0].read_text(errors="replace"):
                log_file = logs[0]
                break
            time.sleep(0.1)
        assert log_file is not None, "the app did not log that it started"
        time.sleep(0.5)  # let the demo sign-in run a little
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and "Traceback" not in log_file.read_text(errors="replace")
