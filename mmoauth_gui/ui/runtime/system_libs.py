"""Before Qt starts on Linux: the system libraries its xcb platform plugin needs, and the packages that hold them.

Without them Qt only says it "could not load the xcb platform plugin" and aborts. No Qt here: this runs
before the QApplication, from ``ui.app`` and from ``scripts/launch.sh`` (``python -m`` this module).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Mapping
from pathlib import Path

# soname -> the Debian / Ubuntu package that ships it
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}
# what a minimal system most often lacks: checked by a look at the library folders, no subprocess
USUALLY_MISSING = tuple(name for name in DEBIAN_PACKAGES if name.startswith(("libxcb-", "libxkbcommon")))
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)


def missing_in_ldd(output: str) -> list[str]:
    """The sonames ``ldd`` reports as "not found", in its order, once each."""
    return list(dict.fromkeys(_NOT_FOUND.findall(output)))


def packages_for(sonames: Iterable[str]) -> list[str]:
    """The Debian / Ubuntu packages holding ``sonames`` (an unknown soname is named as it is)."""
    return list(dict.fromkeys(DEBIAN_PACKAGES.get(name, name) for name in sonames))


def advice(sonames: list[str]) -> str:
    packages = packages_for(sonames)
    return (
        "The desktop window cannot open: Qt's xcb platform plugin needs system libraries that are not "
        f"installed ({', '.join(sonames)}).\n"
        f"On Debian or Ubuntu install them with:\n\n    sudo apt-get install {' '.join(packages)}\n\n"
        "On other distributions install the packages that provide these files. The command line "
        "(mmoauth-gui --help) works without them."
    )


def wants_xcb(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will load the xcb plugin: Linux, no other platform asked for, not a Wayland session."""
    if not platform.startswith("linux"):
        return False
    asked = env.get("QT_QPA_PLATFORM", "")
    if asked:
        return asked.split(";")[0].startswith("xcb")
    return env.get("XDG_SESSION_TYPE", "") != "wayland" and not env.get("WAYLAND_DISPLAY")


def library_dirs(env: Mapping[str, str]) -> list[Path]:
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    dirs = [p for p in env.get("LD_LIBRARY_PATH", "").split(os.pathsep) if p]
    for root in ("/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib"):
        if multiarch:
            dirs.append(f"{root}/{multiarch}")
        dirs.append(root)
    return [Path(d) for d in dirs]


def absent_from(dirs: Iterable[Path], sonames: Iterable[str]) -> list[str]:
    folders = [d for d in dirs if d.is_dir()]
    return [name for name in sonames if not any((d / name).exists() for d in folders)]


def xcb_plugin() -> Path | None:
    try:
        import PySide6  # noqa: PLC0415 -- only to find the plugin file, Qt itself is not loaded

        plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    except ImportError:
        return None
    return plugin if plugin.is_file() else None


def missing_libraries(env: Mapping[str, str] | None = None, *, thorough: bool = False) -> list[str]:
    """The sonames the xcb plugin lacks; ``[]`` when xcb is not used or nothing is missing.

    The quick look (library folders) may miss a library installed elsewhere, so ``ldd`` has the last word;
    ``thorough`` asks ``ldd`` in every case.
    """
    env = os.environ if env is None else env
    plugin = xcb_plugin()
    if plugin is None or not wants_xcb(env):
        return []
    if not thorough and not absent_from(library_dirs(env), USUALLY_MISSING):
        return []
    try:
        done = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return missing_in_ldd(done.stdout)


def main() -> int:
    missing = missing_libraries(thorough=True)
    if missing:
        print(advice(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
