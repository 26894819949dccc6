"""Fixtures for the hardening tests (helpers in ``hardening_support``); the one widget test here fails on any
Qt warning, as the tests under ``tests/ui`` do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hardening_support import ExpiringToken, InProcessCli, LoopbackServers
from support.qt_fixtures import fail_on_qt_warnings

from mmoauth_gui.sandbox import Sandbox

UI_TEST = str(Path(__file__).resolve().parent / "test_ui_expired_session.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    fail_on_qt_warnings(items, UI_TEST)


@pytest.fixture
def loopback() -> Iterator[LoopbackServers]:
    servers = LoopbackServers()
    yield servers
    servers.close()


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
