"""PySide6's per-import "does this module use PySide?" check gives the same answers without filling linecache."""

from __future__ import annotations

import linecache
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from mmoauth_gui.ui.runtime import pyside_sources


def module_at(path: Path) -> ModuleType:
    module = ModuleType(path.stem)
    module.__file__ = str(path)
    return module


def refuse(module: ModuleType) -> bool:
    raise AssertionError(f"the fallback was asked about {module.__name__}")


def test_a_py_file_is_searched_as_bytes(tmp_path: Path) -> None:
    uses = tmp_path / "uses_qt.py"
    uses.write_text("# café\nfrom PySide6.QtCore import QObject\n", encoding="utf-8")
    plain = tmp_path / "plain.py"
    plain.write_text("VALUE = 'pyside6 in lower case is not the name'\n", encoding="utf-8")

    assert pyside_sources.source_mentions_pyside(module_at(uses), refuse) is True
    assert pyside_sources.source_mentions_pyside(module_at(plain), refuse) is False
    assert str(uses) not in linecache.cache and str(plain) not in linecache.cache


def test_anything_but_a_readable_py_file_is_asked_the_original_way(tmp_path: Path) -> None:
    asked: list[str] = []

    def original(module: ModuleType) -> bool:
        asked.append(module.__name__)
        return True

    assert pyside_sources.source_mentions_pyside(ModuleType("no_file"), original) is True
    assert pyside_sources.source_mentions_pyside(module_at(tmp_path / "compiled.pyc"), original) is True
    assert pyside_sources.source_mentions_pyside(module_at(tmp_path / "missing.py"), original) is True
    assert asked == ["no_file", "compiled", "missing"]


@pytest.fixture
def import_dir(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        for name in ("mmoauth_probe_qt", "mmoauth_probe_plain"):
            sys.modules.pop(name, None)


@pytest.fixture
def feature() -> Iterator[Any]:
    """PySide's feature module, its check put back as it was after the test (no hook left installed)."""
    module: Any = sys.modules["shibokensupport.feature"]
    before = module._mod_uses_pyside
    try:
        yield module
    finally:
        module._mod_uses_pyside = before
        for name in ("mmoauth_probe_qt", "mmoauth_probe_plain"):
            module.pyside_feature_dict.pop(name, None)


def test_modules_imported_after_install_are_classified_without_keeping_their_source(
    qapp: QApplication, import_dir: Path, feature: Any
) -> None:
    linecache.getlines(__file__)  # as PySide6's own check did for the modules imported before it
    assert pyside_sources.install()
    assert __file__ not in linecache.cache  # what it read is let go
    assert pyside_sources.install()  # a second call changes nothing
    (import_dir / "mmoauth_probe_qt.py").write_text("from PySide6 import QtCore\n", encoding="utf-8")
    (import_dir / "mmoauth_probe_plain.py").write_text("ANSWER = 42\n", encoding="utf-8")

    __import__("mmoauth_probe_qt")  # through builtins.__import__, which PySide6 replaced
    __import__("mmoauth_probe_plain")

    assert feature.pyside_feature_dict["mmoauth_probe_qt"] == 0  # uses PySide: features may apply
    assert feature.pyside_feature_dict["mmoauth_probe_plain"] == -1  # ignored by PySide's features
    assert not any(name.endswith(("mmoauth_probe_qt.py", "mmoauth_probe_plain.py")) for name in linecache.cache)
