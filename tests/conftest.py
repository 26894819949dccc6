"""Shared test set-up: offscreen Qt before any QApplication, a private data dir per test, no real keyring.

Every test talks to loopback servers directly: a proxy from the machine's environment (``HTTP_PROXY``, …,
which the app's HTTP client honours) is removed for this process and every process a test starts.

The keyring is sealed before anything imports it: ``PYTHON_KEYRING_BACKEND`` names keyring's ``fail``
backend (no keyring: secrets kept for the session), for this process and every process a test starts, so a
keyring configured on the machine (``keyringrc.cfg``, another ``PYTHON_KEYRING_BACKEND``) is never read or
written. A test that wants a working keyring installs one (``memory_keyring``, ``file_keyring``).

Shared fixtures live in the ``tests/support`` plugins listed in ``pytest_plugins``.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_API", "pyside6")
os.environ.pop("MMOAUTH_SERVER_TOKEN", None)
os.environ.pop("MMOAUTH_CLIENT_SECRET", None)
os.environ.pop("MMOAUTH_PASSWORD", None)
for _name in [n for n in os.environ if n.lower() in ("http_proxy", "https_proxy", "all_proxy")]:
    del os.environ[_name]
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
for _name in [n for n in os.environ if n.startswith("KEYRING_PROPERTY_")]:
    del os.environ[_name]

from pathlib import Path  # noqa: E402

import keyring  # noqa: E402
import keyring.backends.fail  # noqa: E402
import pytest  # noqa: E402

keyring.set_keyring(keyring.backends.fail.Keyring())  # in case a plug-in loaded keyring before this file


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes under its own folder, never the user's real config or data."""
    root = tmp_path / "mmoauth-data"
    monkeypatch.setenv("MMOAUTH_DATA_DIR", str(root))
    return root


pytest_plugins = [
    "support.sandboxes",
    "support.keyrings",
    "support.qt_fixtures",
    "support.recorder",
    "support.ports",
]
