"""What every drafts action starts from: the store, a draft found by id or name, secrets from the environment
or standard input."""

from __future__ import annotations

import argparse
import os
import sys

from mmoauth_gui.cli.support import (
    CLIENT_SECRET_ENV,
    PASSWORD_ENV,
    Exit,
    fail,
)
from mmoauth_gui.core.drafts.model import Draft, DraftError
from mmoauth_gui.core.model import GrantType
from mmoauth_gui.core.rules import Problem, check_connection
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.storage.secrets import SecretKind, SecretStore

# ---- helpers --------------------------------------------------------------------------------------


def open_store() -> DraftStore:
    return DraftStore(app_paths(), SecretStore())


def find_draft(store: DraftStore, ref: str) -> Draft:
    try:
        return store.find(ref)
    except DraftError as exc:
        fail(str(exc), Exit.USAGE)


def report_set_aside(store: DraftStore) -> None:
    for problem in store.list().problems:
        print(f"warning: {problem}", file=sys.stderr)


def stdin_line() -> str:
    if sys.stdin is None:
        return ""
    return sys.stdin.readline().rstrip("\r\n")


def read_secrets(args: argparse.Namespace, grant_type: str) -> tuple[str | None, str | None]:
    """(client secret, password); None where none was given. Never from the command line."""
    from_stdin = bool(args.secret_from_stdin) or (sys.stdin is not None and not sys.stdin.isatty())
    secret: str | None = os.environ.get(CLIENT_SECRET_ENV) or None
    if secret is None and from_stdin:
        secret = stdin_line() or None
    password: str | None = None
    if grant_type == GrantType.PASSWORD.value:
        password = os.environ.get(PASSWORD_ENV) or None
        if password is None and from_stdin:
            password = stdin_line() or None
    return secret, password


def operation_secrets(args: argparse.Namespace, store: DraftStore, draft: Draft, *, creating: bool) -> Draft:
    """Secrets given for this validate/push: ``--secret-from-stdin`` always; the environment variables only
    when the draft holds no secret and (for a push) the connection is to be created."""
    if args.secret_from_stdin:
        secret = stdin_line() or None
        password = stdin_line() or None if draft.connection.uses_password_grant else None
    elif creating and not store.secret(draft, SecretKind.CLIENT_SECRET):
        secret = os.environ.get(CLIENT_SECRET_ENV) or None
        password = os.environ.get(PASSWORD_ENV) or None if draft.connection.uses_password_grant else None
    else:
        if os.environ.get(CLIENT_SECRET_ENV) and store.secret(draft, SecretKind.CLIENT_SECRET):
            print(
                f"note: {CLIENT_SECRET_ENV} is set but the draft holds its own secret: that one is used.",
                file=sys.stderr,
            )
        return draft
    if secret is None and password is None:
        return draft
    return store.set_secrets(draft, client_secret=secret, credentials_password=password)


def draft_problems(store: DraftStore, draft: Draft) -> list[Problem]:
    """Every rule problem; the secret counts as missing only when a push would create the connection."""
    return check_connection(store.with_secrets(draft), require_secret=draft.needs_secret())
