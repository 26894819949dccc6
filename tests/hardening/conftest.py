"""Fixtures for the hardening tests (helpers in ``hardening_support``), and, for the one widget test here,
the fixtures of ``tests/ui`` (``loop``, ``ctx``, ``demo_ctx``) with its rule that any Qt warning fails.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from hardening_support import ExpiringToken, InProcessCli, LoopbackServers, MemoryKeyring

from mmoauth_gui.sandbox import Sandbox

HERE = Path(__file__).resolve().parent
UI_DIR = HERE.parent / "ui"
UI_TEST = HERE / "test_ui_expired_session.py"


def _load_ui_fixtures() -> Any:
    if str(UI_DIR) not in sys.path:
        sys.path.insert(0, str(UI_DIR))  # its conftest imports ui_helpers
    spec = importlib.util.spec_from_file_location("hardening_ui_conftest", UI_DIR / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ui = _load_ui_fixtures()
loop = _ui.loop
ctx = _ui.ctx
demo_ctx = _ui.demo_ctx


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.path)).resolve() == UI_TEST:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(_ui.OFFSCREEN_NOTICE))


@pytest.fixture
def loopback() -> Iterator[LoopbackServers]:
    servers = LoopbackServers()
    yield servers
    servers.close()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcessCli:
    return InProcessCli(monkeypatch, capsys)


@pytest.fixture
def expire_token(monkeypatch: pytest.MonkeyPatch) -> Callable[[Sandbox, str, int], ExpiringToken]:
    """``expire_token(sandbox, token, uses)``: the token stops working after ``uses`` accepted requests."""

    def arm(sandbox: Sandbox, token: str, uses: int) -> ExpiringToken:
        expiring = ExpiringToken(sandbox, token, uses)
        monkeypatch.setattr(sandbox.state, "user_for_token", expiring)
        return expiring

    return arm
