"""Shared test set-up: offscreen Qt before any QApplication, a private data dir per test, no real keyring."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_API", "pyside6")
os.environ.pop("MMOAUTH_SERVER_TOKEN", None)
os.environ.pop("MMOAUTH_CLIENT_SECRET", None)
os.environ.pop("MMOAUTH_PASSWORD", None)

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes under its own folder, never the user's real config or data."""
    root = tmp_path / "mmoauth-data"
    monkeypatch.setenv("MMOAUTH_DATA_DIR", str(root))
    return root


# --- sandbox fixtures (added by the sandbox helper) -------------------------------------------------
from collections.abc import Iterator  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from mmoauth_gui.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A running sandbox with the demo seed, stopped after the test."""
    from mmoauth_gui.sandbox import Sandbox

    with Sandbox(seed="demo") as sb:
        yield sb


@pytest.fixture
def empty_sandbox() -> Iterator[Sandbox]:
    """A running sandbox with no teams, commands or connections (users and tokens only)."""
    from mmoauth_gui.sandbox import Sandbox

    with Sandbox(seed="empty") as sb:
        yield sb
