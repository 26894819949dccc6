"""The sandbox judges the product, so it must not be built from the product's rules, matcher or preview.

Reads the import statements of every sandbox module (type-only ones included) and follows each import of
the product's own modules, so an indirect path through a helper is caught too.
"""

from __future__ import annotations

from pathlib import Path

from support.imports import imported_names, module_name

import mmoauth_gui

PACKAGE_ROOT = Path(mmoauth_gui.__file__).parent
FORBIDDEN = ("mmoauth_gui.core.rules", "mmoauth_gui.core.audience", "mmoauth_gui.core.preview")


def module_file(name: str) -> Path | None:
    relative = Path(*name.split(".")[1:])
    for candidate in (PACKAGE_ROOT / relative.with_suffix(".py"), PACKAGE_ROOT / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imports_of(path: Path, package: str | None = None) -> set[str]:
    """Every ``mmoauth_gui`` module ``path`` names in an import, type-only and in-function ones included."""
    found = imported_names(path, PACKAGE_ROOT, package=package)
    return {name for name in found if name.split(".")[0] == "mmoauth_gui"}


def reachable_from_sandbox() -> dict[str, str]:
    """Each product module the sandbox reaches, with the module that first imported it."""
    start = sorted((PACKAGE_ROOT / "sandbox").rglob("*.py"))
    seen: dict[str, str] = {module_name(p, PACKAGE_ROOT): "" for p in start}
    todo = list(start)
    while todo:
        path = todo.pop()
        for name in imports_of(path):
            target = module_file(name)
            if target is None or name in seen:
                continue
            seen[name] = module_name(path, PACKAGE_ROOT)
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
