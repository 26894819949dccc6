"""Which system libraries Qt's xcb plugin lacks, and the packages and command that bring them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mmoauth_gui.ui.runtime.system_libs import (
    USUALLY_MISSING,
    absent_from,
    advice,
    missing_in_ldd,
    missing_libraries,
    packages_for,
    wants_xcb,
)

# ldd on libqxcb.so of PySide6 6.11 on a minimal Debian 12
LDD_MINIMAL = """\
\tlinux-vdso.so.1 (0x00007ffd6b5f3000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f2a1c000000)
\tlibxkbcommon-x11.so.0 => /lib/x86_64-linux-gnu/libxkbcommon-x11.so.0 (0x00007f2a1bff0000)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f2a1bfe0000)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-frobnicate.so.7 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2a1b800000)
"""


def test_ldd_not_found_lines_become_packages_and_one_apt_command() -> None:
    missing = missing_in_ldd(LDD_MINIMAL)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-frobnicate.so.7"]
    assert packages_for(missing) == ["libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-frobnicate.so.7"]
    text = advice(missing[:3])
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1\n" in text
    assert "libxcb-cursor.so.0" in text


def test_nothing_missing_when_ldd_finds_everything() -> None:
    assert missing_in_ldd(LDD_MINIMAL.replace("not found", "/lib/x.so (0x1)")) == []


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
        ({"XDG_SESSION_TYPE": "wayland"}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb", "XDG_SESSION_TYPE": "wayland"}, "linux", True),
        ({}, "darwin", False),
        ({}, "win32", False),
    ],
)
def test_only_an_xcb_start_is_checked(env: dict[str, str], platform: str, expected: bool) -> None:
    assert wants_xcb(env, platform) is expected


def test_the_quick_look_finds_libraries_in_any_listed_folder(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "libxcb-cursor.so.0").write_bytes(b"")
    (second / "libxcb-icccm.so.4").write_bytes(b"")
    wanted = ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert absent_from([first, second, tmp_path / "none"], wanted) == ["libxcb-keysyms.so.1"]
    assert "libxcb-cursor.so.0" in USUALLY_MISSING and "libxcb-keysyms.so.1" in USUALLY_MISSING


def test_offscreen_and_this_machine_need_nothing() -> None:
    assert missing_libraries({"QT_QPA_PLATFORM": "offscreen"}) == []
    assert missing_libraries({"QT_QPA_PLATFORM": "xcb"}, thorough=True) == []  # the test machine has them
