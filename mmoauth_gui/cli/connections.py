"""``mmoauth-gui connections list|show|create|update|delete|validate``: the server's connections, headless.

Secrets never come from the command line: the client secret from ``MMOAUTH_CLIENT_SECRET`` or the first
line of standard input, the password (password grant) from ``MMOAUTH_PASSWORD`` or the next line.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from typing import Any

from mmoauth_gui.cli.connection_flags import (
    EDIT_FLAGS_TEXT,
    add_connection_flags,
    given_changes,
    read_client_secrets,
)
from mmoauth_gui.cli.impact import impact_of, report_impact
from mmoauth_gui.cli.server_access import (
    ServerAccess,
    add_server_arguments,
    connect,
    resolve_server_access,
    resolve_team_id,
    run,
)
from mmoauth_gui.cli.support import (
    CLIENT_SECRET_ENV,
    PASSWORD_ENV,
    Exit,
    add_json_flag,
    fail,
    print_json,
    read_secret,
)
from mmoauth_gui.core.clock import from_ms
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.rules import FIELD_LABELS, Problem, check_connection, has_errors, overlap_warnings
from mmoauth_gui.services.mattermost.client import MattermostClient

VALIDATE_CONCURRENCY = 4


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "connections",
        help="list, show, create, update, delete or validate the server's outgoing OAuth connections",
        description="Manage a Mattermost server's outgoing OAuth connections. The Mattermost token comes from "
        "MMOAUTH_SERVER_TOKEN or --profile; client secrets and passwords from the environment or stdin.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    add_server_arguments(common)
    add_json_flag(common)

    listing = actions.add_parser("list", parents=[common], help="every connection (all pages)")
    listing.set_defaults(func=_list)

    show = actions.add_parser("show", parents=[common], help="one connection")
    show.add_argument("id", metavar="ID")
    show.set_defaults(func=_show)

    create = actions.add_parser(
        "create",
        parents=[common],
        help="create a connection",
        description=f"Create a connection. The client secret comes from {CLIENT_SECRET_ENV} or the first line of "
        f"standard input; for the password grant the password from {PASSWORD_ENV} or the next line.",
    )
    add_connection_flags(create, required=True)
    create.add_argument(
        "--fix-credentials",
        action="store_true",
        help="password grant: if the read-back shows the server dropped the username, store it with an update",
    )
    create.set_defaults(func=_create)

    update = actions.add_parser(
        "update",
        parents=[common],
        help="change a stored connection (only the fields given)",
        description="Change a stored connection: only the fields given change. The stored client secret and "
        "password are kept unless --new-secret / --new-password is given.",
    )
    update.add_argument("id", metavar="ID")
    add_connection_flags(update, required=False, audience_note="; replaces the whole stored list")
    update.add_argument(
        "--new-secret",
        action="store_true",
        help=f"replace the client secret with one read from {CLIENT_SECRET_ENV} or standard input",
    )
    update.add_argument(
        "--new-password",
        action="store_true",
        help=f"replace the password (password grant) with one read from {PASSWORD_ENV} or standard input",
    )
    update.add_argument(
        "--dry-run",
        action="store_true",
        help="change nothing: print which commands and webhook callbacks would lose, switch, gain or become ambiguous",
    )
    update.set_defaults(func=_update)

    delete = actions.add_parser("delete", parents=[common], help="delete a connection")
    delete.add_argument("id", metavar="ID")
    delete.add_argument(
        "--dry-run",
        action="store_true",
        help="change nothing: print which commands and webhook callbacks would lose their token",
    )
    delete.set_defaults(func=_delete)

    validate = actions.add_parser(
        "validate",
        parents=[common],
        help="ask the server to get a token with stored connections (exit 1 when any is refused)",
        description="The server fills in a stored connection's client secret but never its password: for "
        f"password-grant connections the password comes from {PASSWORD_ENV} or standard input.",
    )
    validate.add_argument("ids", metavar="ID", nargs="*")
    validate.add_argument("--all", action="store_true", help="validate every connection on the server")
    validate.set_defaults(func=_validate)


# ---- list / show ----------------------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    access = resolve_server_access(args)
    return run(_list_async(args, access))


async def _list_async(args: argparse.Namespace, access: ServerAccess) -> int:
    async with connect(access) as client:
        team_id = await resolve_team_id(client, access.team)
        connections = await client.list_connections(team_id)
    connections.sort(key=lambda c: (c.name.casefold(), c.id))
    if args.json:
        print_json([c.public_dict() for c in connections])
        return Exit.OK
    print(format_table(connections))
    for warning in overlap_warnings(connections):
        owner = next((c for c in connections if c.id == warning.connection_id), None)
        label = f"“{owner.name}”" if owner else warning.connection_id
        print(f"warning: {label}: {warning.message}", file=sys.stderr)
    return Exit.OK


def _show(args: argparse.Namespace) -> int:
    access = resolve_server_access(args)
    return run(_show_async(args, access))


async def _show_async(args: argparse.Namespace, access: ServerAccess) -> int:
    async with connect(access) as client:
        team_id = await resolve_team_id(client, access.team)
        conn = await client.get_connection(args.id, team_id)
    _print_connection(conn, args.json)
    return Exit.OK


# ---- create / update ------------------------------------------------------------------------------


def _create(args: argparse.Namespace) -> int:
    secret, password = read_client_secrets(args.grant_type, required=False)
    conn = Connection(
        name=args.name or "",
        client_id=args.client_id or "",
        client_secret=secret,
        oauth_token_url=args.token_url or "",
        grant_type=args.grant_type,
        audiences=tuple(args.audience or ()),
        credentials_username=args.username or "",
        credentials_password=password,
    )
    _enforce_rules(check_connection(conn), "The connection")
    access = resolve_server_access(args)
    return run(_create_async(args, access, conn))


async def _create_async(args: argparse.Namespace, access: ServerAccess, conn: Connection) -> int:
    from mmoauth_gui.services.password_grant import restore_credentials, username_survived

    async with connect(access) as client:
        team_id = await resolve_team_id(client, access.team)
        created = await client.create_connection(conn, team_id)
        username = conn.credentials_username
        if conn.uses_password_grant and not await username_survived(client, created, username, team_id):
            print(
                f"warning: the server stored connection “{created.name}” without its username {username!r} (some "
                "servers leave the password-grant credentials out when creating); its token request will fail.",
                file=sys.stderr,
            )
            if args.fix_credentials:
                created = await restore_credentials(client, created, username, conn.credentials_password, team_id)
                print("warning: fixed: the username and password are now stored.", file=sys.stderr)
            else:
                print(
                    f"  fix: mmoauth-gui connections update {created.id} --username {username} --new-password "
                    f"(password from {PASSWORD_ENV}), or create with --fix-credentials",
                    file=sys.stderr,
                )
    if args.json:
        print_json(created.public_dict())
    else:
        print(f"Created connection “{created.name}” ({created.id}).")
    return Exit.OK


def _update(args: argparse.Namespace) -> int:
    changes = given_changes(args)
    if not changes and not args.new_secret and not args.new_password:
        fail(
            f"Nothing to change: give at least one of {EDIT_FLAGS_TEXT}, --new-secret, --new-password.",
            Exit.USAGE,
        )
    if os.environ.get(CLIENT_SECRET_ENV) and not args.new_secret:
        print(
            f"note: {CLIENT_SECRET_ENV} is set but --new-secret is not given: the stored secret is kept.",
            file=sys.stderr,
        )
    secret = read_secret(CLIENT_SECRET_ENV, "New client secret") if args.new_secret else ""
    password = read_secret(PASSWORD_ENV, "New password") if args.new_password else ""
    # The given values alone, checked before any request: a bad URL fails without touching the server.
    alone = Connection(client_secret=secret, credentials_password=password).with_changes(**changes)
    given_fields = set(changes)
    given_fields.update(f for f, v in (("client_secret", secret), ("credentials_password", password)) if v)
    _enforce_rules(
        [p for p in check_connection(alone, require_secret=False) if p.field in given_fields], "The new values"
    )
    access = resolve_server_access(args)
    return run(_update_async(args, access, changes, secret, password))


async def _update_async(
    args: argparse.Namespace, access: ServerAccess, changes: dict[str, Any], secret: str, password: str
) -> int:
    async with connect(access) as client:
        team_id = await resolve_team_id(client, access.team)
        stored = await client.get_connection(args.id, team_id)
        updated = stored.with_changes(**changes, client_secret=secret, credentials_password=password)
        problems = check_connection(updated, require_secret=False)
        if updated.uses_password_grant and not stored.uses_password_grant and not password:
            problems.append(
                Problem(
                    "credentials_password",
                    "Password is required when switching to the password grant: add --new-password.",
                )
            )
        _enforce_rules(problems, f"Connection “{stored.name}” after the change", warn_fields=set())
        if args.dry_run:
            result, diff = await impact_of(client, {stored.id: updated})
            return report_impact(result, diff, "update", updated.public_dict(), args.json)
        saved = await client.update_connection(updated, team_id)
    if args.json:
        print_json(saved.public_dict())
    else:
        changed = sorted(FIELD_LABELS[f] for f in changes if getattr(stored, f) != getattr(saved, f))
        if secret:
            changed.append("Client Secret")
        if password:
            changed.append("Password")
        what = ", ".join(changed) if changed else "nothing changed"
        print(f"Updated connection “{saved.name}” ({saved.id}): {what}.")
    return Exit.OK


def _enforce_rules(problems: Sequence[Problem], subject: str, warn_fields: set[str] | None = None) -> None:
    """Print warnings (only on ``warn_fields`` when given); end with exit 1 listing every error with its field."""
    errors = [p for p in problems if p.is_error]
    for warning in (p for p in problems if not p.is_error and (warn_fields is None or p.field in warn_fields)):
        print(f"warning: {FIELD_LABELS.get(warning.field, warning.field)}: {warning.message}", file=sys.stderr)
    if not has_errors(problems):
        return
    lines = [f"{subject} breaks {len(errors)} rule{'s' if len(errors) != 1 else ''}:"]
    for problem in errors:
        message = problem.message
        if problem.field == "client_secret" and "required" in message:
            message += f" Set {CLIENT_SECRET_ENV} or pipe it on standard input."
        elif problem.field == "credentials_password" and "required" in message and "--new-password" not in message:
            message += f" Set {PASSWORD_ENV} or pipe it on standard input (after the client secret)."
        lines.append(f"  {FIELD_LABELS.get(problem.field, problem.field)}: {message}")
    fail("\n".join(lines), Exit.CHECK_FAILED)


# ---- delete ---------------------------------------------------------------------------------------


def _delete(args: argparse.Namespace) -> int:
    access = resolve_server_access(args)
    return run(_delete_async(args, access))


async def _delete_async(args: argparse.Namespace, access: ServerAccess) -> int:
    async with connect(access) as client:
        team_id = await resolve_team_id(client, access.team)
        conn = await client.get_connection(args.id, team_id)
        if args.dry_run:
            result, diff = await impact_of(client, {conn.id: None})
            return report_impact(result, diff, "delete", conn.public_dict(), args.json)
        await client.delete_connection(conn.id)
    if args.json:
        print_json({"deleted": conn.public_dict()})
    else:
        print(f"Deleted connection “{conn.name}” ({conn.id}); audiences: {', '.join(conn.audiences) or 'none'}.")
    return Exit.OK


# ---- validate -------------------------------------------------------------------------------------


def _validate(args: argparse.Namespace) -> int:
    if args.all == bool(args.ids):
        fail("Give the ids of the connections to validate, or --all (not both).", Exit.USAGE)
    access = resolve_server_access(args)
    return run(_validate_async(args, access))


async def _validate_async(args: argparse.Namespace, access: ServerAccess) -> int:
    from mmoauth_gui.services.validation.server import validate_stored_on_server

    async with connect(access) as client:
        team_id = await resolve_team_id(client, access.team)
        connections = await _connections_to_validate(client, args, team_id)
        limit = asyncio.Semaphore(VALIDATE_CONCURRENCY)

        password = ""
        if any(c.uses_password_grant for c in connections):
            # The server fills in the stored client secret only, never the password (docs/MATTERMOST.md C.2).
            password = read_secret(PASSWORD_ENV, "Password for the password-grant connections", required=False)

        async def one(conn: Connection) -> Any:
            if conn.uses_password_grant and password:
                conn = conn.with_changes(credentials_password=password)
            async with limit:
                return await validate_stored_on_server(client, conn, team_id=team_id)

        results = await asyncio.gather(*(one(c) for c in connections))

    # The sign-in, the account's permission or the feature failed, not the connections: say so once.
    refused = next((r for r in results if r.http_status in (401, 403, 501)), None)
    if refused is not None:
        fail(refused.hint, Exit.UNAVAILABLE if refused.http_status == 501 else Exit.USAGE)
    rows = [
        {"connection_id": c.id, "connection_name": c.name, **result.to_json()}
        for c, result in zip(connections, results, strict=True)
    ]
    if args.json:
        print_json(rows)
    else:
        if not rows:
            print("No Outgoing OAuth Connections found.")
        for row in rows:
            print("\n".join(_validation_lines(row)))
    return Exit.OK if all(row.get("ok") for row in rows) else Exit.CHECK_FAILED


async def _connections_to_validate(
    client: MattermostClient, args: argparse.Namespace, team_id: str | None
) -> list[Connection]:
    if args.all:
        connections = await client.list_connections(team_id)
        return sorted(connections, key=lambda c: (c.name.casefold(), c.id))
    return [await client.get_connection(cid, team_id) for cid in dict.fromkeys(args.ids)]


def _validation_lines(row: dict[str, Any]) -> list[str]:
    head = f"“{row['connection_name']}” ({row['connection_id']})"
    if row.get("ok"):
        return [f"OK      {head}: {row.get('summary') or 'the server obtained a token.'}"]
    lines = [f"FAILED  {head}: {row.get('summary') or 'not validated.'}"]
    if row.get("detailed_error"):
        lines.append(f"        Server detail: {row['detailed_error']}")
    if row.get("hint"):
        lines.append(f"        {row['hint']}")
    return lines


# ---- output ---------------------------------------------------------------------------------------


def _when(ms: int) -> str:
    if not ms:
        return "unknown"
    return from_ms(ms).strftime("%Y-%m-%d %H:%M UTC")


def _print_connection(conn: Connection, as_json: bool) -> None:
    if as_json:
        print_json(conn.public_dict())
        return
    rows: list[tuple[str, str]] = [
        ("Name", conn.name),
        ("ID", conn.id),
        ("Client ID", conn.client_id or "(not returned by this server)"),
        ("Client Secret", "******** (never returned by the server)"),
        ("OAuth Token URL", conn.oauth_token_url),
        ("Grant type", conn.grant_type),
    ]
    if conn.uses_password_grant:
        rows.append(("Username", conn.credentials_username or "(not returned by this server)"))
    audiences = list(conn.audiences) or ["(none)"]
    rows.append(("Audience URLs", audiences[0]))
    rows += [("", a) for a in audiences[1:]]
    rows.append(("Created", f"{_when(conn.create_at)} by {conn.creator_id or 'unknown'}"))
    rows.append(("Updated", _when(conn.update_at)))
    width = max(len(label) for label, _ in rows) + 1
    for label, value in rows:
        print(f"{label + ':' if label else '':<{width}} {value}")


def format_table(connections: Sequence[Connection]) -> str:
    """A readable table of ``connections``, in the order given."""
    if not connections:
        return "No Outgoing OAuth Connections found."
    header = ("NAME", "ID", "CLIENT ID", "TOKEN URL", "AUDIENCES")
    rows = [
        (
            c.name,
            c.id,
            c.client_id,
            c.oauth_token_url,
            ", ".join(c.audiences) if len(c.audiences) <= 2 else f"{c.audiences[0]}, … (+{len(c.audiences) - 1})",
        )
        for c in connections
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [f"{cell:<{widths[i]}}" for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    count = len(connections)
    lines.append(f"\n{count} connection{'s' if count != 1 else ''}")
    return "\n".join(lines)
