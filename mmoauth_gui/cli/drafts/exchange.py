"""``drafts export|import``: drafts files (never a secret), and a server's connections as drafts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mmoauth_gui.cli.drafts.render import clash_json
from mmoauth_gui.cli.drafts.workspace import find_draft, open_store, report_set_aside
from mmoauth_gui.cli.server_access import (
    ServerAccess,
    connect,
    resolve_server_access,
    resolve_team_id,
    run,
)
from mmoauth_gui.cli.support import (
    Exit,
    fail,
    print_json,
)
from mmoauth_gui.core.drafts.exchange import Clash, ClashDecision
from mmoauth_gui.services.drafts_sync import (
    DraftSync,
)
from mmoauth_gui.storage.drafts_async import AsyncDraftStore
from mmoauth_gui.storage.drafts_exchange import ExchangeFileError, profile_urls, read_exchange_file
from mmoauth_gui.storage.paths import app_paths

# ---- export / import ------------------------------------------------------------------------------


def run_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.server or args.profile:
        if args.drafts:
            fail("Give drafts to export, or --server/--profile to export a server's connections, not both.")
        access = resolve_server_access(args)
        return run(_export_server(args, access, out))
    store = open_store()
    report_set_aside(store)
    drafts = [find_draft(store, ref) for ref in args.drafts] if args.drafts else store.list().drafts
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
            count = await DraftSync(client, AsyncDraftStore(open_store()), team_id).export_server(out)
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


def run_import(args: argparse.Namespace) -> int:
    store = open_store()
    try:
        entries = read_exchange_file(Path(args.file), profile_urls(app_paths()))
    except ExchangeFileError as exc:
        fail(str(exc), Exit.USAGE)
    plan = store.plan_import(entries)
    decide: ClashDecision | dict[str, ClashDecision]
    if args.on_clash:
        decide = args.on_clash
    elif not plan.clashes:
        decide = "keep"
    elif sys.stdin is not None and sys.stdin.isatty() and not args.json:
        decide = {clash.entry.name: ask_clash(clash) for clash in plan.clashes}
    else:
        many = len(plan.clashes) != 1
        lines = [
            f"{len(plan.clashes)} draft name{'s' if many else ''} exist{'' if many else 's'} already with other "
            "content; nothing was imported. Choose with --on-clash keep|replace|rename:"
        ]
        lines += [f"  {clash.describe()}" for clash in plan.clashes]
        if args.json:
            print_json({"error": "clashes", "clashes": [clash_json(c) for c in plan.clashes]})
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


def ask_clash(clash: Clash) -> ClashDecision:
    print(clash.describe())
    while True:
        answer = input("  keep yours [k], replace with the file's [r], or keep both, renaming the file's [b]? ")
        choice = {"k": "keep", "r": "replace", "b": "rename"}.get(answer.strip().lower()[:1])
        if choice is not None:
            return choice  # type: ignore[return-value]
