"""Fixtures for the storage tests: the app's paths under the per-test data dir, files holding a text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mmoauth_gui.storage.paths import AppPaths, app_paths


@pytest.fixture
def paths(data_dir: Path) -> AppPaths:
    return app_paths()


@pytest.fixture
def files_containing() -> Callable[[Path, str], list[Path]]:
    """``(root, needle)`` → every file under ``root`` whose bytes contain ``needle``."""

    def scan(root: Path, needle: str) -> list[Path]:
        data = needle.encode()
        return [p for p in root.rglob("*") if p.is_file() and data in p.read_bytes()]

    return scan
