"""One entry point: no sub-command opens the GUI; sub-commands are the headless face (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mmoauth_gui import __version__
from mmoauth_gui.cli.support import CommandError, Exit
from mmoauth_gui.storage.paths import DATA_DIR_ENV


def _needs_commands(argv: Sequence[str]) -> bool:
    """True when the arguments name a sub-command or ask for help: only then are the commands imported."""
    skip_value = False
    for arg in argv:
        if skip_value:
            skip_value = False
        elif arg == "--data-dir":
            skip_value = True
        elif arg in ("-h", "--help") or not arg.startswith("-"):
            return True
    return False


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mmoauth-gui",
        description="Manage Mattermost Outgoing OAuth Connections. With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"mmoauth-gui {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", help=f"keep every file the app writes under DIR (or ${DATA_DIR_ENV})"
    )
    parser.add_argument("--demo", action="store_true", help="open the app against an in-process demo sandbox")
    parser.add_argument(
        "--selftest", action="store_true", help="open the main window offscreen against a sandbox, validate, exit 0/1"
    )
    if not with_commands:  # opening the GUI: importing every command would only slow the first window
        parser.set_defaults(command=None)
        return parser
    from mmoauth_gui.cli import config, connections, doctor, preview, sandbox, tryit, validate
    from mmoauth_gui.cli.drafts import parser as drafts

    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in (
        sandbox.register,
        connections.register,
        validate.register,
        preview.register,
        drafts.register,
        config.register,
        tryit.register,
        doctor.register,
    ):
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(with_commands=_needs_commands(arguments))
    args = parser.parse_args(arguments)
    if args.data_dir:
        import os

        os.environ[DATA_DIR_ENV] = args.data_dir
    if args.selftest:
        from mmoauth_gui.ui.selftest import run_selftest

        return run_selftest(args)
    if args.command is None:
        from mmoauth_gui.ui.app import run_gui

        return run_gui(args)
    from mmoauth_gui.cli.terminal import guarded_output

    with guarded_output():
        try:
            code = args.func(args)
        except CommandError as exc:
            print(f"mmoauth-gui: {exc}", file=sys.stderr)
            return int(exc.code)
        except KeyboardInterrupt:
            return 130
    return int(code if code is not None else Exit.OK)


if __name__ == "__main__":
    sys.exit(main())
