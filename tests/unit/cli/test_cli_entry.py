"""The one entry point: no sub-command opens the GUI without importing the commands; --selftest works."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mmoauth_gui import __version__
from mmoauth_gui.cli.main import _needs_commands, build_parser, main


@pytest.mark.parametrize(
    ("argv", "needed"),
    [
        ([], False),
        (["--demo"], False),
        (["--data-dir", "drafts"], False),
        (["--data-dir", "x", "drafts", "list"], True),
        (["--help"], True),
        (["connections", "list"], True),
    ],
)
def test_commands_imported_only_when_named(argv: list[str], needed: bool) -> None:
    assert _needs_commands(argv) is needed


def test_gui_parser_knows_the_global_options() -> None:
    args = build_parser(with_commands=False).parse_args(["--data-dir", "d", "--demo"])
    assert (args.command, args.data_dir, args.demo, args.selftest) == (None, "d", True, False)


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["bogus"])
    assert info.value.code == 2 and "invalid choice: 'bogus'" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"mmoauth-gui {__version__}"


def test_selftest_opens_the_window_and_validates_a_demo_connection(tmp_path: object) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", "--selftest"], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "validated through the server: Valid" in done.stdout
    assert "validated from this computer: Token obtained" in done.stdout
    assert done.stdout.strip().endswith("self-test passed")
    assert "propagateSizeHints" not in done.stderr
