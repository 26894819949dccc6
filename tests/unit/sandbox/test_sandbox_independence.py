"""The sandbox judges the product, so it must not be built from the product's rules, matcher or preview.

Reads the import statements of every sandbox module (type-only ones included) and follows each import of
the product's own modules, so an indirect path through a helper is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import mmoauth_gui

PACKAGE_ROOT = Path(mmoauth_gui.__file__).parent
FORBIDDEN = ("mmoauth_gui.core.rules", "mmoauth_gui.core.audience", "mmoauth_gui.core.preview")


def module_file(name: str) -> Path | None:
    relative = Path(*name.split(".")[1:])
    for candidate in (PACKAGE_ROOT / relative.with_suffix(".py"), PACKAGE_ROOT / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, package: str = "") -> set[str]:
    """Every ``mmoauth_gui`` module ``path`` names in an import (``from a import b`` yields ``a`` and ``a.b``)."""
    if not package:
        package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] == "mmoauth_gui"}


def reachable_from_sandbox() -> dict[str, str]:
    """Each product module the sandbox reaches, with the module that first imported it."""
    start = sorted((PACKAGE_ROOT / "sandbox").rglob("*.py"))
    seen: dict[str, str] = {module_name(p): "" for p in start}
    todo = list(start)
    while todo:
        path = todo.pop()
        for name in imports_of(path):
            target = module_file(name)
            if target is None or name in seen:
                continue
            seen[name] = module_name(path)
            todo.append(target)
    return seen


def test_the_sandbox_reaches_none_of_the_product_rules_matcher_or_preview() -> None:
    reached = reachable_from_sandbox()
    offending = {
        name: via for name, via in reached.items() if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert offending == {}, f"imported by the sandbox (module: importer): {offending}"
    assert "mmoauth_gui.sandbox.server_model.audience_rule" in reached


def test_the_check_sees_absolute_relative_and_type_only_imports(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from typing import TYPE_CHECKING\n"
        "from mmoauth_gui.core import rules\n"
        "from ..core.audience import AudienceIndex\n"
        "if TYPE_CHECKING:\n"
        "    import mmoauth_gui.core.preview.build\n"
    )
    found = imports_of(planted, package="mmoauth_gui.sandbox")
    assert {"mmoauth_gui.core.rules", "mmoauth_gui.core.audience", "mmoauth_gui.core.preview.build"} <= found
