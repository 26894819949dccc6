"""The shape docs/ARCHITECTURE.md promises, held: small modules, small folders, one direction of dependency,
no import cycles, and a sandbox that judges connections with its own rules rather than the product's."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from support.imports import imported_names, module_name

PACKAGE = Path(__file__).resolve().parents[2] / "mmoauth_gui"
MAX_LINES = 600
MAX_MODULES_PER_FOLDER = 20
MAX_UI_TOP_MODULES = 12
# what each layer may import from the others (ui → services → core; storage beside services)
FORBIDDEN = {
    "core": ("mmoauth_gui.ui", "mmoauth_gui.services", "mmoauth_gui.storage", "mmoauth_gui.cli", "PySide6", "httpx"),
    "services": ("mmoauth_gui.ui", "mmoauth_gui.cli", "PySide6"),
    "storage": ("mmoauth_gui.ui", "mmoauth_gui.services", "mmoauth_gui.cli", "PySide6"),
    "sandbox": ("mmoauth_gui.ui", "mmoauth_gui.cli", "PySide6"),
}


def modules() -> dict[str, Path]:
    return {module_name(path, PACKAGE): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_at_load(path: Path) -> set[str]:
    return imported_names(path, PACKAGE, at_load_only=True)


def test_no_module_is_over_the_line_limit() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_folder_holds_too_many_modules_and_ui_keeps_a_small_top() -> None:
    crowded = {
        str(folder.relative_to(PACKAGE.parent)): n
        for folder in [PACKAGE, *[d for d in PACKAGE.rglob("*") if d.is_dir() and d.name != "__pycache__"]]
        if (n := len(list(folder.glob("*.py")))) > MAX_MODULES_PER_FOLDER
    }
    assert crowded == {}
    assert len(list((PACKAGE / "ui").glob("*.py"))) <= MAX_UI_TOP_MODULES


def test_layers_depend_in_one_direction() -> None:
    wrong = []
    for name, path in modules().items():
        layer = name.split(".")[1] if "." in name else ""
        for imported in imports_at_load(path):
            if any(imported == f or imported.startswith(f + ".") for f in FORBIDDEN.get(layer, ())):
                wrong.append(f"{name} imports {imported}")
    assert wrong == []


def test_there_is_no_import_cycle() -> None:
    known = modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        graph[name] = {i for i in imports_at_load(path) if i in known and i != name}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            walk(start, [start])

    # a package's __init__ importing its own modules, which import the package, is how Python packages work
    def package_and_member(a: str, b: str) -> bool:
        return a.startswith(b + ".") or b.startswith(a + ".")

    real = [c for c in cycles if not any(package_and_member(a, b) for a, b in zip(c, c[1:], strict=False))]
    assert real == []
