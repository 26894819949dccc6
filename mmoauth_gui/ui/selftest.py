"""``mmoauth-gui --selftest``: the main window, offscreen, against an in-process demo sandbox.

It signs in to the sandbox the way ``--demo`` does, waits for the connections list, validates a demo
connection through the window (server side, as a click on Validate does) and from this computer, prints
one line per step and exits 0 when all passed, 1 otherwise. Useful to check a bundle on a machine
without a display.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable

DEMO_CONNECTION = "CI Hooks"
TIMEOUT_S = 60.0


def run_selftest(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_API", "pyside6")
    with tempfile.TemporaryDirectory(prefix="mmoauth-selftest-") as scratch:
        if not getattr(args, "data_dir", None):
            os.environ["MMOAUTH_DATA_DIR"] = scratch  # the user's own profiles and drafts stay untouched
        from PySide6.QtCore import qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        qInstallMessageHandler(_quiet_offscreen_notices)
        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        from mmoauth_gui.ui.kit import plain_text
        from mmoauth_gui.ui.runtime import event_loop

        plain_text.install(app)
        app.setQuitOnLastWindowClosed(False)
        try:
            passed = bool(event_loop.run(asyncio.wait_for(_selftest(), TIMEOUT_S)))
        except TimeoutError:
            print(f"FAIL  the self-test did not finish within {TIMEOUT_S:.0f} s")
            passed = False
    print("self-test passed" if passed else "self-test FAILED")
    return 0 if passed else 1


def _quiet_offscreen_notices(_kind: object, _context: object, message: str) -> None:
    if "propagateSizeHints" not in message:  # the offscreen platform's notice about window hints
        print(message, file=sys.stderr)


def _step(ok: bool, what: str) -> bool:
    print(f"{'ok  ' if ok else 'FAIL'}  {what}", flush=True)
    return ok


async def _until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def _jose_works() -> bool:
    """The bundled JOSE library signs and verifies with an RSA key (its crypto backend is in the bundle)."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048, private=True)
    try:
        token = jwt.encode({"alg": "RS256"}, {"iss": "selftest"}, key)
        return jwt.decode(token, key, algorithms=["RS256"]).claims == {"iss": "selftest"}
    except JoseError:
        return False


async def _selftest() -> bool:
    from mmoauth_gui.core.validation.expectations import Expectations
    from mmoauth_gui.core.validation.result import ValidationResult
    from mmoauth_gui.services.http import make_http_client
    from mmoauth_gui.services.token.client import validate_locally
    from mmoauth_gui.services.token.verify import check_as_integration
    from mmoauth_gui.storage.paths import app_paths
    from mmoauth_gui.ui.context import AppContext
    from mmoauth_gui.ui.main_window import MainWindow
    from mmoauth_gui.ui.runtime.settings import ui_settings

    paths = app_paths()
    ctx = AppContext(paths, make_http_client())
    window = MainWindow(ctx, ui_settings(paths))
    try:
        window.show()
        if not _step(window.isVisible(), "main window shown"):
            return False
        window.servers.start(demo=True)
        model = window.connections.model
        loaded = await _until(lambda: ctx.session is not None and model.rowCount() > 0, 30)
        if not _step(loaded, f"signed in to the demo sandbox, {model.rowCount()} connections listed"):
            return False
        conn = next((c for c in model.connections() if c.name == DEMO_CONNECTION), None)
        if not _step(conn is not None, f"demo connection “{DEMO_CONNECTION}” found") or conn is None:
            return False

        window.connections.select(conn.id)
        task = window.connections.validate_selected()
        if task is not None:
            await task
        server_badge = model.badge(conn)
        server_ok = _step(server_badge.kind == "valid", f"validated through the server: {server_badge.label}")

        sandbox = ctx.demo_sandbox
        secret = sandbox.demo_client(conn.client_id).client_secret if sandbox is not None else ""
        result: ValidationResult = await validate_locally(ctx.http, conn.with_changes(client_secret=secret))
        desktop_ok = _step(result.ok, f"validated from this computer: {result.summary}")
        result = await check_as_integration(ctx.http, result, Expectations())
        verification = result.verification.status if result.verification else "none"
        checked_ok = _step(verification == "not_verifiable", f"token checked as the integration will: {verification}")
        return server_ok and desktop_ok and checked_ok and _step(_jose_works(), "JWT signatures checked (RS256)")
    finally:
        window.close()
        await ctx.aclose()
