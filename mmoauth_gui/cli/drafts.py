"""``mmoauth-gui drafts list|show|new|edit|validate|push|pull|export|import|delete``: the drafts workspace.

Drafts work offline. A draft is named by its id or its (unique) name. Secrets never come from the command
line: the client secret from ``MMOAUTH_CLIENT_SECRET`` or standard input (``--secret-from-stdin``, or
whenever standard input is not a terminal), the password (password grant) from ``MMOAUTH_PASSWORD`` or the
next line; they go to the OS keyring (or, without one, nowhere: ``secret not stored``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mmoauth_gui.cli.connection_flags import EDIT_FLAGS_TEXT, add_connection_flags, given_changes
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
    CommandError,
    Exit,
    add_json_flag,
    fail,
    print_json,
)
from mmoauth_gui.core.model import Connection, GrantType
from mmoauth_gui.core.rules import FIELD_LABELS, Problem, check_connection, has_errors
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.drafts_sync import (
    Conflict,
    ConflictError,
    DraftRulesError,
    DraftSync,
    PullResult,
    PushResult,
    Side,
    validate_draft,
)
from mmoauth_gui.storage.drafts import (
    CLASH_DECISIONS,
    Clash,
    ClashDecision,
    Draft,
    DraftError,
    DraftStore,
    ExchangeFileError,
    SecretState,
    read_exchange_file,
)
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.storage.secrets import SESSION_ONLY_MESSAGE, SecretKind, SecretStore

SECRET_STATE_TEXT = {
    SecretState.STORED: "stored in the system keyring",
    SecretState.SESSION: "secret not stored (no usable keyring): kept for this command only",
    SecretState.MISSING: "missing: needed to create the connection",
    SecretState.NOT_NEEDED: "none given (the server keeps its own)",
}


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
    listing.set_defaults(func=_list)

    show = actions.add_parser("show", parents=[json_only], help="one draft")
    show.add_argument("draft", metavar="ID|NAME")
    show.set_defaults(func=_show)

    new = actions.add_parser(
        "new",
        parents=[json_only],
        help="create a draft (it may be saved incomplete)",
        description=f"Create a draft. The client secret comes from {CLIENT_SECRET_ENV} or standard input "
        f"(--secret-from-stdin, or whenever standard input is not a terminal); the password from {PASSWORD_ENV} "
        "or the next line. Every rule problem is reported; the draft is saved anyway.",
    )
    _add_edit_flags(new)
    new.set_defaults(func=_new)

    edit = actions.add_parser(
        "edit",
        parents=[json_only],
        help="change a draft (only the fields given)",
        description="Change a draft: only the fields given change.",
    )
    edit.add_argument("draft", metavar="ID|NAME")
    _add_edit_flags(edit)
    edit.add_argument("--clear-secret", action="store_true", help="forget the draft's client secret and password")
    edit.set_defaults(func=_edit)

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
    validate.set_defaults(func=_validate)

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
    push.set_defaults(func=_push)

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
    pull.set_defaults(func=_pull)

    export = actions.add_parser(
        "export",
        parents=[json_only, server],
        help="write drafts (or, with --server/--profile, a server's connections) to a JSON file, without secrets",
    )
    export.add_argument("drafts", metavar="ID|NAME", nargs="*", help="the drafts to export (default: all)")
    export.add_argument("--out", metavar="FILE", required=True, help="the file to write")
    export.set_defaults(func=_export)

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
    imp.set_defaults(func=_import)

    delete = actions.add_parser("delete", parents=[json_only], help="delete a draft and its stored secrets")
    delete.add_argument("draft", metavar="ID|NAME")
    delete.set_defaults(func=_delete)


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


# ---- helpers --------------------------------------------------------------------------------------


def _store() -> DraftStore:
    return DraftStore(app_paths(), SecretStore())


def _find(store: DraftStore, ref: str) -> Draft:
    try:
        return store.find(ref)
    except DraftError as exc:
        fail(str(exc), Exit.USAGE)


def _report_set_aside(store: DraftStore) -> None:
    for problem in store.list().problems:
        print(f"warning: {problem}", file=sys.stderr)


def _stdin_line() -> str:
    if sys.stdin is None:
        return ""
    return sys.stdin.readline().rstrip("\r\n")


def _read_secrets(args: argparse.Namespace, grant_type: str) -> tuple[str | None, str | None]:
    """(client secret, password); None where none was given. Never from the command line."""
    from_stdin = bool(args.secret_from_stdin) or (sys.stdin is not None and not sys.stdin.isatty())
    secret: str | None = os.environ.get(CLIENT_SECRET_ENV) or None
    if secret is None and from_stdin:
        secret = _stdin_line() or None
    password: str | None = None
    if grant_type == GrantType.PASSWORD.value:
        password = os.environ.get(PASSWORD_ENV) or None
        if password is None and from_stdin:
            password = _stdin_line() or None
    return secret, password


def _operation_secrets(args: argparse.Namespace, store: DraftStore, draft: Draft, *, creating: bool) -> Draft:
    """Secrets given for this validate/push: ``--secret-from-stdin`` always; the environment variables only
    when the draft holds no secret and (for a push) the connection is to be created."""
    if args.secret_from_stdin:
        secret = _stdin_line() or None
        password = _stdin_line() or None if draft.connection.uses_password_grant else None
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


def _problems(store: DraftStore, draft: Draft) -> list[Problem]:
    """Every rule problem; the secret counts as missing only when a push would create the connection."""
    return check_connection(store.with_secrets(draft), require_secret=draft.needs_secret())


def _problem_lines(problems: Sequence[Problem]) -> list[str]:
    lines = []
    for p in problems:
        label = FIELD_LABELS.get(p.field, p.field)
        kind = "missing/invalid" if p.is_error else "warning"
        lines.append(f"  {kind}: {label}: {p.message}")
    return lines


def _draft_json(store: DraftStore, draft: Draft, problems: Sequence[Problem] | None = None) -> dict[str, Any]:
    out = draft.to_json()
    out["status"] = draft.status.value
    out["secret"] = store.secret_state(draft).value
    if problems is not None:
        out["problems"] = [p.as_dict() for p in problems]
        out["complete"] = not has_errors(problems)
    return out


def _saved_message(verb: str, store: DraftStore, draft: Draft, problems: Sequence[Problem]) -> None:
    print(f"{verb} draft “{draft.name or '(no name)'}” ({draft.id}), status {draft.status.label.lower()}.")
    state = store.secret_state(draft)
    if state is SecretState.SESSION:
        print(f"note: {SESSION_ONLY_MESSAGE}", file=sys.stderr)
    errors = [p for p in problems if p.is_error]
    if errors:
        print(f"It is incomplete; before it can be pushed ({len(errors)} to fix):")
    for line in _problem_lines(problems):
        print(line)


# ---- list / show ----------------------------------------------------------------------------------


def _list(args: argparse.Namespace) -> int:
    store = _store()
    drafts, problems = store.list()
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.json:
        print_json(
            {
                "drafts": [d.summary() for d in drafts],
                "set_aside": [
                    {
                        "file": str(p.path),
                        "kept_as": str(p.set_aside_as) if p.set_aside_as else None,
                        "reason": p.reason,
                    }
                    for p in problems
                ],
            }
        )
        return Exit.OK
    if not drafts:
        print("No drafts. Create one with `mmoauth-gui drafts new --name NAME ...`.")
        return Exit.OK
    header = ("ID", "NAME", "STATUS", "VALIDATION", "SECRET", "SERVER")
    rows = [
        (
            d.id,
            d.name or "(no name)",
            d.status.label.lower(),
            str(d.summary()["validation"]).replace("_", " "),
            "needed" if d.secret_needed else ("stored" if d.secret_stored else "-"),
            d.origin.server_url if d.origin else d.server,
        )
        for d in drafts
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(f"{cell:<{widths[i]}}" for i, cell in enumerate(row)).rstrip())
    return Exit.OK


def _show(args: argparse.Namespace) -> int:
    store = _store()
    draft = _find(store, args.draft)
    problems = _problems(store, draft)
    if args.json:
        print_json(_draft_json(store, draft, problems))
        return Exit.OK
    conn = draft.connection
    rows: list[tuple[str, str]] = [
        ("Draft", draft.id),
        ("Status", draft.status.label),
        ("Name", conn.name),
        ("Client ID", conn.client_id),
        ("Client Secret", SECRET_STATE_TEXT[store.secret_state(draft)]),
        ("OAuth Token URL", conn.oauth_token_url),
        ("Grant type", conn.grant_type),
    ]
    if conn.uses_password_grant:
        rows.append(("Username", conn.credentials_username))
    audiences = list(conn.audiences) or ["(none)"]
    rows.append(("Audience URLs", audiences[0]))
    rows += [("", a) for a in audiences[1:]]
    rows.append(("Note", draft.note))
    rows.append(("Target", " / ".join(x for x in (draft.server, draft.team) if x) or "(none)"))
    if draft.origin:
        rows.append(("Origin", f"{draft.origin.connection_id} on {draft.origin.server_url}"))
    result = draft.validation_result
    if result is not None:
        stale = "" if draft.validation_current else " (settings changed since)"
        rows.append(("Validation", f"{result.summary}{stale} [{result.checked_at}]"))
    rows.append(("Modified", draft.modified_at))
    width = max(len(label) for label, _ in rows) + 1
    for label, value in rows:
        print(f"{label + ':' if label else '':<{width}} {value}")
    if draft.conflict is not None:
        copy = draft.conflict.server_copy
        what = "was deleted on the server" if copy is None else f"changed on the server (update_at {copy.update_at})"
        print(f"\nConflict: the connection {what}. Resolve it with push --force, pull --take-theirs, or push --merge.")
    if problems:
        print("\nProblems:")
        for line in _problem_lines(problems):
            print(line)
    return Exit.OK


# ---- new / edit -----------------------------------------------------------------------------------


def _new(args: argparse.Namespace) -> int:
    changes = given_changes(args)
    grant = changes.get("grant_type", GrantType.CLIENT_CREDENTIALS.value)
    secret, password = _read_secrets(args, grant)
    store = _store()
    draft = store.new(
        Connection().with_changes(**changes),
        note=args.note or "",
        server=args.server or "",
        team=args.team or "",
        client_secret=secret or "",
        credentials_password=password or "",
    )
    problems = _problems(store, draft)
    if args.json:
        print_json(_draft_json(store, draft, problems))
    else:
        _saved_message("Saved", store, draft, problems)
    return Exit.OK


def _edit(args: argparse.Namespace) -> int:
    store = _store()
    draft = _find(store, args.draft)
    changes = given_changes(args)
    grant = changes.get("grant_type", draft.connection.grant_type)
    secret, password = _read_secrets(args, grant)
    if args.clear_secret and (secret or password):
        fail("Give a new secret or --clear-secret, not both.", Exit.USAGE)
    target = {k: getattr(args, k) for k in ("note", "server", "team") if getattr(args, k) is not None}
    if not changes and not target and secret is None and password is None and not args.clear_secret:
        fail(
            f"Nothing to change: give at least one of {EDIT_FLAGS_TEXT}, --note, --server, --team, a secret "
            f"({CLIENT_SECRET_ENV} or standard input), --clear-secret.",
            Exit.USAGE,
        )
    draft = store.save(draft.edit(**changes).with_changes(**target))
    if args.clear_secret:
        draft = store.set_secrets(draft, client_secret="", credentials_password="")
    elif secret is not None or password is not None:
        draft = store.set_secrets(draft, client_secret=secret, credentials_password=password)
    problems = _problems(store, draft)
    if args.json:
        print_json(_draft_json(store, draft, problems))
    else:
        _saved_message("Updated", store, draft, problems)
    return Exit.OK


# ---- validate -------------------------------------------------------------------------------------


def _validate(args: argparse.Namespace) -> int:
    store = _store()
    draft = _find(store, args.draft)
    draft = _operation_secrets(args, store, draft, creating=True)
    problems = check_connection(store.with_secrets(draft), require_secret=True)
    if args.ca_file and not Path(args.ca_file).is_file():
        fail(f"CA file {args.ca_file} does not exist or is not a file.", Exit.USAGE)
    draft, result = asyncio.run(_validate_async(store, draft, args.auth_method, args.ca_file or None))
    ok = result.ok and not has_errors(problems)
    if args.json:
        print_json(
            {
                "draft": draft.summary(),
                "ok": ok,
                "problems": [p.as_dict() for p in problems],
                "validation": result.to_json(),
            }
        )
    else:
        _print_validation(draft, problems, result)
    return Exit.OK if ok else Exit.CHECK_FAILED


async def _validate_async(
    store: DraftStore, draft: Draft, auth: str, ca_file: str | None
) -> tuple[Draft, ValidationResult]:
    from mmoauth_gui.services.http import make_http_client

    async with make_http_client(ca_file=ca_file) as http:
        return await validate_draft(http, store, draft, auth=auth)


def _print_validation(draft: Draft, problems: Sequence[Problem], result: ValidationResult) -> None:
    head = f"“{draft.name or '(no name)'}” ({draft.id})"
    if problems:
        print(f"Rules for {head}:")
        for line in _problem_lines(problems):
            print(line)
    if result.ok:
        print(f"OK      {head}: {result.summary}")
    elif result.category == "config":
        print(f"NOT SENT {head}: {result.hint}")
    else:
        parts = [f"FAILED  {head}: {result.summary}"]
        if result.error_description and result.error_description not in result.summary:
            parts.append(f"The endpoint said: {result.error_description}")
        rest = result.hint.split(". ", 1)[1] if ". " in result.hint else ""
        if rest:
            parts.append(rest)
        print(" ".join(parts))
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)


# ---- push / pull ----------------------------------------------------------------------------------


def _access_for(args: argparse.Namespace, draft: Draft | None) -> ServerAccess:
    """``--server``/``--profile`` as given, else the draft's target (a profile name or a URL) or origin."""
    if not args.server and not args.profile and draft is not None:
        target = draft.server or (draft.origin.server_url if draft.origin else "")
        if not target:
            fail(f"Draft “{draft.name}” has no target server: give --server URL or --profile NAME.", Exit.USAGE)
        from mmoauth_gui.storage.profiles import ProfileStore

        if ProfileStore(app_paths()).get(target) is not None:
            args.profile = target
        else:
            args.server = target
    if not args.team and draft is not None and draft.team:
        args.team = draft.team
    return resolve_server_access(args)


def _parse_merge(values: Sequence[str]) -> dict[str, Side]:
    choices: dict[str, Side] = {}
    for value in values:
        name, _, side = value.partition("=")
        name, side = name.strip(), side.strip()
        if side not in ("mine", "theirs") or not name:
            fail(f"--merge takes FIELD=mine or FIELD=theirs, not {value!r}.", Exit.USAGE)
        choices[name] = side  # type: ignore[assignment]
    return choices


def _push(args: argparse.Namespace) -> int:
    store = _store()
    draft = _find(store, args.draft)
    if args.force and args.merge:
        fail("Give --force (keep yours) or --merge, not both.", Exit.USAGE)
    choices = _parse_merge(args.merge or [])
    access = _access_for(args, draft)
    draft = _operation_secrets(args, store, draft, creating=draft.needs_secret(access.url))
    return _run_sync(_push_async(args, access, store, draft, choices), args)


async def _push_async(
    args: argparse.Namespace, access: ServerAccess, store: DraftStore, draft: Draft, choices: dict[str, Side]
) -> int:
    async with connect(access) as client:
        team_id = await resolve_team_id(client, access.team)
        sync = DraftSync(client, store, team_id)
        if choices:
            try:
                outcome = await sync.merge(draft, choices)
            except ValueError as exc:
                fail(f"Cannot merge: {exc}.", Exit.USAGE)
            assert isinstance(outcome, PushResult)
            result = outcome
        else:
            result = await sync.push(draft, force=args.force)
    if args.json:
        print_json(result.to_json())
        return Exit.OK
    conn = result.connection
    if result.action == "unchanged":
        print(f"Draft “{draft.name}” ({draft.id}) is already in sync with {access.url}: nothing to push.")
        return Exit.OK
    secret = "with the draft's secret" if result.secret_sent else "the server's secret kept"
    print(f"{result.action.capitalize()} connection “{conn.name}” ({conn.id}) on {access.url} ({secret}).")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return Exit.OK


def _pull(args: argparse.Namespace) -> int:
    store = _store()
    draft: Draft | None = None
    connection_id = args.connection
    try:
        draft = store.find(args.connection)
    except DraftError:
        draft = None
    if draft is not None:
        if draft.origin is None:
            fail(f"Draft “{draft.name}” was never pulled or pushed: push it first.", Exit.USAGE)
        connection_id = draft.origin.connection_id
        if not args.server and not args.profile:
            args.server = draft.origin.server_url
    access = _access_for(args, None)
    return _run_sync(_pull_async(args, access, store, connection_id, draft), args)


async def _pull_async(
    args: argparse.Namespace, access: ServerAccess, store: DraftStore, connection_id: str, draft: Draft | None
) -> int:
    async with connect(access) as client:
        team_id = await resolve_team_id(client, access.team)
        sync = DraftSync(client, store, team_id)
        result = await sync.pull(connection_id, draft=draft)
        if result.action == "conflict" and args.take_theirs:
            taken = await sync.take_theirs(result.draft)
            payload = {"action": "took_theirs", "draft": taken.summary(), "conflict": None}
            if args.json:
                print_json(payload)
            else:
                print(f"Took the server's copy: draft “{taken.name}” ({taken.id}) is in sync.")
            return Exit.OK
        if result.action == "kept_local" and args.take_theirs:
            taken = await sync.take_theirs(result.draft)
            result = PullResult(taken, "updated")
    if result.conflict is not None:
        raise ConflictError(result.conflict)
    if args.json:
        print_json(result.to_json())
        return Exit.OK
    d = result.draft
    messages = {
        "created": f"Pulled connection {connection_id} into new draft “{d.name}” ({d.id}).",
        "updated": f"Refreshed draft “{d.name}” ({d.id}) from the server.",
        "unchanged": f"Draft “{d.name}” ({d.id}) is already in sync.",
        "kept_local": f"The server copy has not changed; draft “{d.name}” ({d.id}) keeps its local edits "
        "(--take-theirs drops them).",
    }
    print(messages[result.action])
    return Exit.OK


def _run_sync(coroutine: Any, args: argparse.Namespace) -> int:
    """Run a push/pull: conflicts and broken rules end with exit 1, named; server errors as usual."""
    try:
        return run(coroutine)
    except ConflictError as exc:
        _print_conflict(exc.conflict, args)
        return Exit.CHECK_FAILED
    except DraftRulesError as exc:
        if args.json:
            print_json({"error": "rules", "problems": [p.as_dict() for p in exc.problems], "message": str(exc)})
        lines = [f"Draft “{exc.draft.name or exc.draft.id}” cannot be pushed: it breaks these rules:"]
        lines += _problem_lines([p for p in exc.problems if p.is_error])
        if any(p.field == "client_secret" and p.is_error for p in exc.problems):
            lines.append(
                f"Give the client secret for this push with {CLIENT_SECRET_ENV} or --secret-from-stdin, or keep "
                f"it with `mmoauth-gui drafts edit {exc.draft.id} --secret-from-stdin` (kept only where a keyring "
                "exists)."
            )
        raise CommandError("\n".join(lines), Exit.CHECK_FAILED) from None
    except DraftError as exc:
        raise CommandError(str(exc), Exit.CHECK_FAILED) from None


def _print_conflict(conflict: Conflict, args: argparse.Namespace) -> None:
    ref = conflict.draft_id
    how = (
        f"Keep yours: `mmoauth-gui drafts push {ref} --force`; take the server's: "
        f"`mmoauth-gui drafts pull {ref} --take-theirs`; merge: "
        f"`mmoauth-gui drafts push {ref} --merge FIELD=mine|theirs`."
    )
    if args.json:
        print_json({"error": "conflict", "conflict": conflict.to_json(), "resolve": how})
    print(f"mmoauth-gui: {conflict.message}", file=sys.stderr)
    for diff in conflict.differences:
        print(
            f"  {FIELD_LABELS.get(diff.field, diff.field)}: yours {diff.mine!r}, server {diff.theirs!r} "
            f"(changed by: {diff.changed_by})",
            file=sys.stderr,
        )
    print(how, file=sys.stderr)


# ---- export / import ------------------------------------------------------------------------------


def _export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.server or args.profile:
        if args.drafts:
            fail("Give drafts to export, or --server/--profile to export a server's connections, not both.")
        access = resolve_server_access(args)
        return run(_export_server(args, access, out))
    store = _store()
    _report_set_aside(store)
    drafts = [_find(store, ref) for ref in args.drafts] if args.drafts else store.list().drafts
    try:
        count = store.export(out, drafts)
    except OSError as exc:
        fail(f"Could not write {out}: {exc.strerror or exc}.", Exit.USAGE)
    needing = [d for d in drafts if store.secret_required(d)]
    if args.json:
        print_json({"file": str(out), "count": count, "secret_required": [d.id for d in needing]})
    else:
        print(f"Exported {count} draft{'s' if count != 1 else ''} to {out} (no secrets).")
        if needing:
            print(f"{len(needing)} will need their secret again after import: {', '.join(d.name for d in needing)}.")
    return Exit.OK


async def _export_server(args: argparse.Namespace, access: ServerAccess, out: Path) -> int:
    async with connect(access) as client:
        team_id = await resolve_team_id(client, access.team)
        try:
            count = await DraftSync(client, _store(), team_id).export_server(out)
        except OSError as exc:
            fail(f"Could not write {out}: {exc.strerror or exc}.", Exit.USAGE)
    if args.json:
        print_json({"file": str(out), "count": count, "server": access.url})
    else:
        print(
            f"Exported {count} connection{'s' if count != 1 else ''} of {access.url} to {out} as drafts. The server "
            "never returns secrets: each will need its secret to be created elsewhere."
        )
    return Exit.OK


def _import(args: argparse.Namespace) -> int:
    store = _store()
    try:
        entries = read_exchange_file(Path(args.file))
    except ExchangeFileError as exc:
        fail(str(exc), Exit.USAGE)
    plan = store.plan_import(entries)
    decide: ClashDecision | dict[str, ClashDecision]
    if args.on_clash:
        decide = args.on_clash
    elif not plan.clashes:
        decide = "keep"
    elif sys.stdin is not None and sys.stdin.isatty() and not args.json:
        decide = {clash.entry.name: _ask(clash) for clash in plan.clashes}
    else:
        many = len(plan.clashes) != 1
        lines = [
            f"{len(plan.clashes)} draft name{'s' if many else ''} exist{'' if many else 's'} already with other "
            "content; nothing was imported. Choose with --on-clash keep|replace|rename:"
        ]
        lines += [f"  {clash.describe()}" for clash in plan.clashes]
        if args.json:
            print_json({"error": "clashes", "clashes": [_clash_json(c) for c in plan.clashes]})
        fail("\n".join(lines), Exit.USAGE)
    report = store.apply_import(plan, decide)
    if args.json:
        print_json(report.to_json())
        return Exit.OK
    print(
        f"Imported from {args.file}: {len(report.added)} added, {len(report.replaced)} replaced, "
        f"{len(report.renamed)} added under a new name, {len(report.kept)} kept as they were, "
        f"{len(report.unchanged)} already identical."
    )
    for d in report.renamed:
        print(f"  added as “{d.name}” ({d.id})")
    if report.secret_needed:
        names = ", ".join(f"“{d.name}” ({d.id})" for d in report.secret_needed)
        print(f"Secrets are never exported: give them with `drafts edit ID` for {names}.")
    return Exit.OK


def _clash_json(clash: Clash) -> dict[str, Any]:
    return {"name": clash.entry.name, "draft_id": clash.existing.id, "fields": clash.fields}


def _ask(clash: Clash) -> ClashDecision:
    print(clash.describe())
    while True:
        answer = input("  keep yours [k], replace with the file's [r], or keep both, renaming the file's [b]? ")
        choice = {"k": "keep", "r": "replace", "b": "rename"}.get(answer.strip().lower()[:1])
        if choice is not None:
            return choice  # type: ignore[return-value]


# ---- delete ---------------------------------------------------------------------------------------


def _delete(args: argparse.Namespace) -> int:
    store = _store()
    draft = _find(store, args.draft)
    store.delete(draft.id)
    if args.json:
        print_json({"deleted": draft.summary()})
    else:
        print(f"Deleted draft “{draft.name or '(no name)'}” ({draft.id}) and its stored secrets.")
    return Exit.OK
