"""What every sub-command shares: exit codes, secrets from the environment or stdin, JSON output."""

from __future__ import annotations

import argparse
import os
import sys
from enum import IntEnum
from typing import Any, NoReturn

SERVER_TOKEN_ENV = "MMOAUTH_SERVER_TOKEN"
CLIENT_SECRET_ENV = "MMOAUTH_CLIENT_SECRET"
PASSWORD_ENV = "MMOAUTH_PASSWORD"


class Exit(IntEnum):
    OK = 0
    CHECK_FAILED = 1  # token refused, rule broken, conflict
    USAGE = 2  # usage or configuration error
    UNAVAILABLE = 3  # server unreachable or feature unavailable
    CHANGES_PENDING = 4  # config plan: the server differs from the file


class CommandError(Exception):
    """Ends a sub-command with ``message`` on stderr and exit ``code``."""

    def __init__(self, message: str, code: Exit = Exit.USAGE) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: Exit = Exit.USAGE) -> NoReturn:
    raise CommandError(message, code)


def print_json(value: Any) -> None:
    from mmoauth_gui.cli.terminal import write_json

    write_json(value)


def read_secret(env_var: str, what: str, *, required: bool = True) -> str:
    """A secret from ``env_var``, else the first line of standard input; never from the command line."""
    value = os.environ.get(env_var)
    if value:
        return value
    if sys.stdin is not None and not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if line:
            return line
    elif sys.stdin is not None and sys.stdin.isatty():
        import getpass

        value = getpass.getpass(f"{what}: ")
        if value:
            return value
    if required:
        fail(f"No {what.lower()} given: set {env_var} or pipe it on standard input.", Exit.USAGE)
    return ""


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
