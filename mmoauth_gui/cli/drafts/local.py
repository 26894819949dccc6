"""``drafts list|show|new|edit|delete``: the workspace on this computer, no server involved."""

from __future__ import annotations

import argparse
import sys

from mmoauth_gui.cli.connection_flags import EDIT_FLAGS_TEXT, given_changes
from mmoauth_gui.cli.drafts.render import SECRET_STATE_TEXT, draft_json, problem_lines, saved_message
from mmoauth_gui.cli.drafts.workspace import draft_problems, find_draft, open_store, read_secrets
from mmoauth_gui.cli.support import (
    CLIENT_SECRET_ENV,
    Exit,
    fail,
    print_json,
)
from mmoauth_gui.core.model import Connection, GrantType

# ---- list / show ----------------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    store = open_store()
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
            d.status.label.lower() + (" (push interrupted)" if d.interrupted_push else ""),
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


def run_show(args: argparse.Namespace) -> int:
    store = open_store()
    draft = find_draft(store, args.draft)
    problems = draft_problems(store, draft)
    if args.json:
        print_json(draft_json(store, draft, problems))
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
    if draft.interrupted_push:
        print(
            f"\nInterrupted push: an earlier push to {draft.interrupted_push} ended before its answer was "
            "recorded; the next push there links this draft to the connection it created, if it did, "
            "instead of creating a second one."
        )
    if problems:
        print("\nProblems:")
        for line in problem_lines(problems):
            print(line)
    return Exit.OK


# ---- new / edit -----------------------------------------------------------------------------------


def run_new(args: argparse.Namespace) -> int:
    changes = given_changes(args)
    grant = changes.get("grant_type", GrantType.CLIENT_CREDENTIALS.value)
    secret, password = read_secrets(args, grant)
    store = open_store()
    draft = store.new(
        Connection().with_changes(**changes),
        note=args.note or "",
        server=args.server or "",
        team=args.team or "",
        client_secret=secret or "",
        credentials_password=password or "",
    )
    problems = draft_problems(store, draft)
    if args.json:
        print_json(draft_json(store, draft, problems))
    else:
        saved_message("Saved", store, draft, problems)
    return Exit.OK


def run_edit(args: argparse.Namespace) -> int:
    store = open_store()
    draft = find_draft(store, args.draft)
    changes = given_changes(args)
    grant = changes.get("grant_type", draft.connection.grant_type)
    secret, password = read_secrets(args, grant)
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
    problems = draft_problems(store, draft)
    if args.json:
        print_json(draft_json(store, draft, problems))
    else:
        saved_message("Updated", store, draft, problems)
    return Exit.OK


# ---- delete ---------------------------------------------------------------------------------------


def run_delete(args: argparse.Namespace) -> int:
    store = open_store()
    draft = find_draft(store, args.draft)
    store.delete(draft.id)
    if args.json:
        print_json({"deleted": draft.summary()})
    else:
        print(f"Deleted draft “{draft.name or '(no name)'}” ({draft.id}) and its stored secrets.")
    return Exit.OK
