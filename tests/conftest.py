"""Shared test set-up: offscreen Qt before any QApplication, a private data dir per test, no real keyring.

Shared fixtures live in the ``tests/support`` plugins listed in ``pytest_plugins``.
"""

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


pytest_plugins = ["support.sandboxes", "support.keyrings", "support.qt_fixtures", "support.recorder"]
