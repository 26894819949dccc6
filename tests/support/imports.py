"""What a module of the package imports, read from its source (the structure and sandbox-independence tests)."""

from __future__ import annotations

import ast
from pathlib import Path


def module_name(path: Path, package_root: Path) -> str:
    parts = path.relative_to(package_root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(
    path: Path, package_root: Path, *, at_load_only: bool = False, package: str | None = None
) -> set[str]:
    """Every module ``path`` names in an import (``from a import b`` yields ``a`` and ``a.b``), relative
    imports resolved. ``at_load_only``: only those run when the module is loaded — not inside functions
    nor under ``if TYPE_CHECKING:``. ``package``: the package relative imports start from, for a file
    outside ``package_root``."""
    if package is None:
        name = module_name(path, package_root)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    base_package = package
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def note(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = base_package.split(".")[: len(base_package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)

    def at_load(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            note(node)
            if isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                at_load(node.body)
                at_load(node.orelse)
            elif isinstance(node, ast.Try):
                at_load(node.body)

    if at_load_only:
        at_load(tree.body)
    else:
        for node in ast.walk(tree):
            note(node)
    return found
