"""The ``drafts`` sub-command's arguments: one parser per action, each pointing at its handler."""

from __future__ import annotations

import argparse
from typing import Any

from mmoauth_gui.cli.connection_flags import add_connection_flags
from mmoauth_gui.cli.drafts.check import run_validate
from mmoauth_gui.cli.drafts.exchange import run_export, run_import
from mmoauth_gui.cli.drafts.local import run_delete, run_edit, run_list, run_new, run_show
from mmoauth_gui.cli.drafts.sync import run_pull, run_push
from mmoauth_gui.cli.server_access import (
    add_server_arguments,
)
from mmoauth_gui.cli.support import (
    CLIENT_SECRET_ENV,
    PASSWORD_ENV,
    add_json_flag,
)
from mmoauth_gui.core.drafts.exchange import CLASH_DECISIONS


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "drafts",
        help="prepare connections offline, validate them, push them to a server, pull them back",
        description="Drafts are connections kept on this computer. They work without a server; push creates "
        "or updates them on one, pull makes drafts from a server's connections.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    json_only = argparse.ArgumentParser(add_help=False)
    add_json_flag(json_only)
    server = argparse.ArgumentParser(add_help=False)
    add_server_arguments(server)

    listing = actions.add_parser("list", parents=[json_only], help="every draft with its status")
    listing.set_defaults(func=run_list)

    show = actions.add_parser("show", parents=[json_only], help="one draft")
    show.add_argument("draft", metavar="ID|NAME")
    show.set_defaults(func=run_show)

    new = actions.add_parser(
        "new",
        parents=[json_only],
        help="create a draft (it may be saved incomplete)",
        description=f"Create a draft. The client secret comes from {CLIENT_SECRET_ENV} or standard input "
        f"(--secret-from-stdin, or whenever standard input is not a terminal); the password from {PASSWORD_ENV} "
        "or the next line. Every rule problem is reported; the draft is saved anyway.",
    )
    _add_edit_flags(new)
    new.set_defaults(func=run_new)

    edit = actions.add_parser(
        "edit",
        parents=[json_only],
        help="change a draft (only the fields given)",
        description="Change a draft: only the fields given change.",
    )
    edit.add_argument("draft", metavar="ID|NAME")
    _add_edit_flags(edit)
    edit.add_argument("--clear-secret", action="store_true", help="forget the draft's client secret and password")
    edit.set_defaults(func=run_edit)

    validate = actions.add_parser(
        "validate",
        parents=[json_only],
        help="check the rules and ask the token URL for a token from this computer (exit 1 on any problem)",
    )
    validate.add_argument("draft", metavar="ID|NAME")
    validate.add_argument(
        "--auth-method",
        choices=["post", "basic", "auto"],
        default="post",
        help="post: as Mattermost does (default); basic: HTTP Basic; auto: post, then basic",
    )
    validate.add_argument("--ca-file", metavar="FILE", help="trust this CA certificate (PEM) for the token URL")
    _add_operation_secret_flag(validate, "when the draft holds no secret (no keyring: a new session holds none)")
    validate.set_defaults(func=run_validate)

    push = actions.add_parser(
        "push",
        parents=[json_only, server],
        help="create or update the draft's connection on a server (exit 1 on a conflict)",
        description="Create the connection (a new draft) or update it (a pulled or pushed one, patch semantics: "
        "the secret is sent only when the draft holds one). If the server copy changed since the draft was "
        "pulled or pushed, nothing is written and the conflict is shown (exit 1). --server/--profile default "
        "to the draft's target server.",
    )
    push.add_argument("draft", metavar="ID|NAME")
    push.add_argument("--force", action="store_true", help="keep yours: write the draft over the server's changes")
    push.add_argument(
        "--merge",
        action="append",
        metavar="FIELD=mine|theirs",
        help="resolve a conflict field by field against the server copy, then push (repeatable; fields changed "
        "on one side only follow that side)",
    )
    _add_operation_secret_flag(
        push,
        f"to create the connection when the draft holds none ({CLIENT_SECRET_ENV} is used only then); "
        "given with this flag it is also sent on an update, replacing the server's",
    )
    push.set_defaults(func=run_push)

    pull = actions.add_parser(
        "pull",
        parents=[json_only, server],
        help="make a draft from a server connection, or refresh the draft made from it",
        description="Make a draft from a server connection (by its id), or refresh a pulled draft (by its id or "
        "name: then --server defaults to where it came from). Local edits are never dropped: a server change "
        "over local edits is a conflict (exit 1) unless --take-theirs.",
    )
    pull.add_argument("connection", metavar="CONNECTION_ID|DRAFT")
    pull.add_argument("--take-theirs", action="store_true", help="take the server's copy over local edits")
    pull.set_defaults(func=run_pull)

    export = actions.add_parser(
        "export",
        parents=[json_only, server],
        help="write drafts (or, with --server/--profile, a server's connections) to a JSON file, without secrets",
    )
    export.add_argument("drafts", metavar="ID|NAME", nargs="*", help="the drafts to export (default: all)")
    export.add_argument("--out", metavar="FILE", required=True, help="the file to write")
    export.set_defaults(func=run_export)

    imp = actions.add_parser(
        "import",
        parents=[json_only],
        help="add the drafts of an export file, merging by name",
        description="Add the drafts of an export file. A draft whose name exists already with other content is "
        "a clash: --on-clash decides for all of them (keep: yours stay; replace: take the file's; rename: add "
        "the file's under a new name); without it you are asked, or, with no terminal, nothing is imported.",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--on-clash", choices=CLASH_DECISIONS, help="what to do when a name is taken")
    imp.set_defaults(func=run_import)

    delete = actions.add_parser("delete", parents=[json_only], help="delete a draft and its stored secrets")
    delete.add_argument("draft", metavar="ID|NAME")
    delete.set_defaults(func=run_delete)


def _add_edit_flags(parser: argparse.ArgumentParser) -> None:
    add_connection_flags(parser, required=False, audience_note="; replaces the draft's list")
    parser.add_argument("--note", help="a note kept with the draft")
    parser.add_argument("--server", metavar="PROFILE|URL", help="the server the draft is meant for")
    parser.add_argument("--team", metavar="ID|NAME", help="the team the draft is meant for")
    parser.add_argument(
        "--secret-from-stdin",
        action="store_true",
        help=f"read the client secret from standard input (also done when it is not a terminal) "
        f"unless {CLIENT_SECRET_ENV} is set",
    )


def _add_operation_secret_flag(parser: argparse.ArgumentParser, when: str) -> None:
    parser.add_argument(
        "--secret-from-stdin",
        action="store_true",
        help=f"read the client secret (then, for the password grant, the password) from standard input, {when}",
    )
