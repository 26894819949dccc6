"""``drafts push|pull``: a draft to a server and back, never overwriting a server copy that changed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from mmoauth_gui.cli.drafts.render import print_conflict, problem_lines
from mmoauth_gui.cli.drafts.workspace import find_draft, open_store, operation_secrets
from mmoauth_gui.cli.server_access import (
    ServerAccess,
    connect,
    resolve_server_access,
    resolve_team_id,
    run,
)
from mmoauth_gui.cli.support import (
    CLIENT_SECRET_ENV,
    CommandError,
    Exit,
    fail,
    print_json,
)
from mmoauth_gui.core.drafts.model import Draft, DraftError
from mmoauth_gui.services.drafts_sync import (
    ConflictError,
    DraftRulesError,
    DraftSync,
    PullResult,
    PushResult,
    Side,
)
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.drafts_async import AsyncDraftStore
from mmoauth_gui.storage.paths import app_paths

# ---- push / pull ----------------------------------------------------------------------------------


def access_for(args: argparse.Namespace, draft: Draft | None, file_url: str = "") -> ServerAccess:
    """``--server``/``--profile`` as given, else the draft's target or origin when it names a saved profile.

    A URL read from a draft file (``file_url``, or the draft's own target) is never paired with
    ``MMOAUTH_SERVER_TOKEN`` on its own say-so: the admin confirms it with ``--server`` or saves a profile.
    The destination is printed (on standard error) before anything is sent.
    """
    if not args.server and not args.profile:
        target = file_url
        if draft is not None and not target:
            target = draft.server or (draft.origin.server_url if draft.origin else "")
            if not target:
                fail(f"Draft “{draft.name}” has no target server: give --server URL or --profile NAME.", Exit.USAGE)
        if target:
            from mmoauth_gui.storage.profiles import ProfileStore

            profiles = ProfileStore(app_paths())
            named = profiles.get(target) or next(iter(profiles.find_by_url(target)), None)
            if named is None:
                shown = target
                fail(
                    f"The draft names {shown} as its server, and no saved profile has that address. A URL read from "
                    f"a file does not decide where the server token and the client secret go: give --server {shown} "
                    "to send there, or save a profile for it and give --profile NAME.",
                    Exit.USAGE,
                )
            args.profile = named.name
    if not args.team and draft is not None and draft.team:
        args.team = draft.team
    access = resolve_server_access(args)
    via = f" (profile “{access.profile}”)" if access.profile else ""
    print(f"Destination: {access.url}{via}", file=sys.stderr)
    return access


def parse_merge(values: Sequence[str]) -> dict[str, Side]:
    choices: dict[str, Side] = {}
    for value in values:
        name, _, side = value.partition("=")
        name, side = name.strip(), side.strip()
        if side not in ("mine", "theirs") or not name:
            fail(f"--merge takes FIELD=mine or FIELD=theirs, not {value!r}.", Exit.USAGE)
        choices[name] = side  # type: ignore[assignment]
    return choices


def run_push(args: argparse.Namespace) -> int:
    store = open_store()
    draft = find_draft(store, args.draft)
    if args.force and args.merge:
        fail("Give --force (keep yours) or --merge, not both.", Exit.USAGE)
    choices = parse_merge(args.merge or [])
    access = access_for(args, draft)
    draft = operation_secrets(args, store, draft, creating=draft.needs_secret(access.url))
    return run_sync(_push_async(args, access, store, draft, choices), args)


async def _push_async(
    args: argparse.Namespace, access: ServerAccess, store: DraftStore, draft: Draft, choices: dict[str, Side]
) -> int:
    async with connect(access) as client:
        team_id = await resolve_team_id(client, access.team)
        sync = DraftSync(client, AsyncDraftStore(store), team_id)
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


def run_pull(args: argparse.Namespace) -> int:
    store = open_store()
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
        access = access_for(args, None, draft.origin.server_url)
    else:
        access = access_for(args, None)
    return run_sync(_pull_async(args, access, store, connection_id, draft), args)


async def _pull_async(
    args: argparse.Namespace, access: ServerAccess, store: DraftStore, connection_id: str, draft: Draft | None
) -> int:
    async with connect(access) as client:
        team_id = await resolve_team_id(client, access.team)
        sync = DraftSync(client, AsyncDraftStore(store), team_id)
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


def run_sync(coroutine: Any, args: argparse.Namespace) -> int:
    """Run a push/pull: conflicts and broken rules end with exit 1, named; server errors as usual."""
    try:
        return run(coroutine)
    except ConflictError as exc:
        print_conflict(exc.conflict, args)
        return Exit.CHECK_FAILED
    except DraftRulesError as exc:
        if args.json:
            print_json({"error": "rules", "problems": [p.as_dict() for p in exc.problems], "message": str(exc)})
        lines = [f"Draft “{exc.draft.name or exc.draft.id}” cannot be pushed: it breaks these rules:"]
        lines += problem_lines([p for p in exc.problems if p.is_error])
        if any(p.field == "client_secret" and p.is_error for p in exc.problems):
            lines.append(
                f"Give the client secret for this push with {CLIENT_SECRET_ENV} or --secret-from-stdin, or keep "
                f"it with `mmoauth-gui drafts edit {exc.draft.id} --secret-from-stdin` (kept only where a keyring "
                "exists)."
            )
        raise CommandError("\n".join(lines), Exit.CHECK_FAILED) from None
    except DraftError as exc:
        raise CommandError(str(exc), Exit.CHECK_FAILED) from None
