"""``mmoauth-gui preview``: which slash commands carry which connection's token (README: the command line).

Syncs the server (teams, commands, connections; then the server's answer per distinct URL unless
``--no-server-check``), caches the result for ``--offline``, and prints a table, ``--json`` or ``--csv``.
``--with-drafts`` shows the preview as if the local drafts for this server were saved.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection, Iterable
from typing import Any

from mmoauth_gui.cli.server_access import (
    add_server_arguments,
    connect,
    resolve_server_access,
    resolve_team_id,
    run,
)
from mmoauth_gui.cli.support import Exit, fail, print_json
from mmoauth_gui.cli.terminal import raw_stderr, safe_text
from mmoauth_gui.core.model import Connection, IntegrationKind
from mmoauth_gui.core.plural import counted
from mmoauth_gui.core.preview.build import Preview, PreviewRow, Status
from mmoauth_gui.core.preview.report import preview_csv, preview_document, preview_warnings, sync_problems
from mmoauth_gui.core.preview.snapshot import SyncResult
from mmoauth_gui.core.urls import canonical_server_url
from mmoauth_gui.services.preview_fetch import DEFAULT_CONCURRENCY, SyncProgress, check_server_answers, sync
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.storage.preview_cache import PreviewCache

DRAFT_KEY_PREFIX = "draft:"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "preview",
        help="which slash commands carry which connection's token",
        description="Predict, for every custom slash command, the outgoing OAuth connection whose token it will "
        "carry, beside the server's own answer. The token comes from MMOAUTH_SERVER_TOKEN or --profile.",
    )
    add_server_arguments(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print rows[], connections[] and warnings[] as JSON")
    output.add_argument("--csv", action="store_true", help="print one CSV line per command after a header")
    parser.add_argument("--with-drafts", action="store_true", help="as if this server's local drafts were saved")
    parser.add_argument(
        "--kind",
        choices=[k.value for k in IntegrationKind],
        help="only slash commands, or only outgoing webhook callbacks (default: both)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a command is ambiguous or mismatched")
    parser.add_argument(
        "--no-server-check", action="store_true", help="do not ask the server per URL (one request per URL)"
    )
    parser.add_argument("--offline", action="store_true", help="use the last sync cached for this server")
    parser.add_argument(
        "--concurrency", type=int, default=DEFAULT_CONCURRENCY, metavar="N", help="requests in flight at once"
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    if args.concurrency < 1:
        fail("--concurrency must be at least 1.", Exit.USAGE)
    if args.offline:
        result, team_id = _cached(args)
    else:
        result, team_id = run_result(args)
    if result.unavailable:
        fail(result.unavailable, Exit.UNAVAILABLE)

    preview = result.preview()
    applied: list[dict[str, str]] = []
    if args.with_drafts:
        changes, applied = local_draft_changes(result.server_url, getattr(args, "profile", None) or "")
        preview = preview.apply(changes)
    kind = IntegrationKind(args.kind) if args.kind else None
    rows = [r for r in preview.rows() if (team_id is None or r.team_id == team_id) and (kind is None or r.kind is kind)]

    if args.json:
        print_json(
            preview_document(result, preview, rows, team_id=team_id, offline=args.offline, drafts_applied=applied)
        )
    elif args.csv:
        sys.stdout.write(preview_csv(preview, rows, result))
        _report_problems(result, team_id)
    else:
        _print_table(result, preview, rows, team_id, applied, args.offline)
    if args.strict:
        bad = [r for r in rows if r.status in (Status.AMBIGUOUS, Status.MISMATCH)]
        if bad:
            print(f"mmoauth-gui: {counted(len(bad), 'command')} ambiguous or mismatched (--strict).", file=sys.stderr)
            return int(Exit.CHECK_FAILED)
    return int(Exit.OK)


def run_result(args: argparse.Namespace) -> tuple[SyncResult, str | None]:
    access = resolve_server_access(args)
    holder: list[tuple[SyncResult, str | None]] = []

    async def go() -> int:
        async with connect(access) as client:
            team_id = await resolve_team_id(client, access.team)
            result = await sync(client, concurrency=args.concurrency, progress=_progress_printer())
            if not args.no_server_check and not result.unavailable:
                commands = result.integrations(team_id)
                answers, error = await check_server_answers(
                    client, commands, concurrency=args.concurrency, progress=_progress_printer()
                )
                result = result.with_server_answers(answers, error)
        _clear_progress()
        PreviewCache().save(result)
        holder.append((result, team_id))
        return 0

    run(go())
    return holder[0]


def _cached(args: argparse.Namespace) -> tuple[SyncResult, str | None]:
    url: str = args.server or ""
    if not url and args.profile:
        from mmoauth_gui.storage.profiles import ProfileStore

        profile = ProfileStore(app_paths()).get(args.profile)
        if profile is None:
            fail(f"No server profile named “{args.profile}”.", Exit.USAGE)
        url = profile.url
    if not url:
        fail("No server given: use --server URL (or --profile NAME).", Exit.USAGE)
    url = canonical_server_url(url)
    loaded = PreviewCache().load(url)
    if loaded.result is None:
        reason = loaded.problem or f"Nothing is cached for {url} yet."
        fail(f"{reason} Run the preview once without --offline while the server is reachable.", Exit.UNAVAILABLE)
    result = loaded.result
    team_id = None
    if args.team:
        team = next((t for t in result.teams if args.team in (t.id, t.name)), None)
        if team is None:
            known = ", ".join(t.name for t in result.teams) or "none"
            fail(f"No team “{args.team}” in the cached preview (teams: {known}).", Exit.USAGE)
        team_id = team.id
    return result, team_id


DraftChanges = tuple[dict[str, Connection | None], list[dict[str, str]]]


def local_draft_changes(server_url: str, profile: str = "") -> DraftChanges:
    """This server's drafts as a change set: an edit under its connection's id, a new one as ``draft:<id>``.

    Drafts pulled from or pushed to another server, or aimed at one, are left out.
    """
    from mmoauth_gui.storage.drafts import DraftStore
    from mmoauth_gui.storage.secrets import SecretStore

    listed = DraftStore(app_paths(), SecretStore()).list()
    for problem in listed.problems:
        print(f"mmoauth-gui: {problem}", file=sys.stderr)
    return drafts_as_changes(listed.drafts, server_url, [profile] if profile else [])


def drafts_as_changes(drafts: Iterable[Any], server_url: str, aliases: Collection[str] = ()) -> DraftChanges:
    """``drafts`` (``storage.drafts.Draft``) that concern ``server_url`` as a preview change set."""
    url = canonical_server_url(server_url)
    changes: dict[str, Connection | None] = {}
    applied: list[dict[str, str]] = []
    for draft in drafts:
        if draft.origin is not None:
            if not draft.origin.is_on(url):
                continue
            key = draft.origin.connection_id
        else:
            target = draft.server.strip()
            if target and target not in aliases and canonical_server_url(target) != url:
                continue
            key = DRAFT_KEY_PREFIX + draft.id
        changes[key] = draft.to_connection()
        applied.append({"draft_id": draft.id, "name": draft.name, "key": key})
    return changes, applied


def _progress_printer() -> Any:
    if not sys.stderr.isatty():
        return None

    def show(p: SyncProgress) -> None:
        raw_stderr().write(f"\r\x1b[KSyncing {p.done}/{p.total}: {safe_text(p.what)}")
        raw_stderr().flush()

    return show


def _clear_progress() -> None:
    if sys.stderr.isatty():
        raw_stderr().write("\r\x1b[K")


def _report_problems(result: SyncResult, team_id: str | None) -> None:
    for problem in sync_problems(result, team_id):
        print(f"mmoauth-gui: {problem['message']}", file=sys.stderr)


STATUS_MARK = {
    Status.LINKED: "linked",
    Status.UNLINKED: "unlinked",
    Status.AMBIGUOUS: "AMBIGUOUS",
    Status.MISMATCH: "MISMATCH",
}


def _print_table(
    result: SyncResult,
    preview: Preview,
    rows: list[PreviewRow],
    team_id: str | None,
    applied: list[dict[str, str]],
    offline: bool,
) -> None:
    source = f"cached {result.age_text()}" if offline else "just synced"
    hooks = sum(1 for r in rows if r.kind is IntegrationKind.WEBHOOK)
    what = counted(len(rows) - hooks, "command")
    if hooks:
        what += ", " + counted(hooks, "webhook callback")
    print(f"{result.server_url} — {what}, {source}")
    if applied:
        print("As if these drafts were saved: " + ", ".join(f"“{d['name']}”" for d in applied))
    print()

    def names(keys: Iterable[str]) -> str:
        return ", ".join(preview.name_of(k) for k in keys) or "—"

    table = [("TEAM", "COMMAND / WEBHOOK", "STATUS", "CONNECTION", "SERVER SAYS", "URL")]
    for row in rows:
        server = "—" if not row.verdict.server_known else (preview.name_of(row.server_connection_id) or "none")
        team = result.team_label(row.team_id)
        table.append((team, row_label(row), STATUS_MARK[row.status], names(row.matches), server, row.url))
    widths = [min(40, max(len(r[i]) for r in table)) for i in range(5)]
    for line in table:
        cells = [cell[:w].ljust(w) for cell, w in zip(line[:5], widths, strict=True)]
        print("  ".join([*cells, line[5]]).rstrip())
    counts = preview.counts(rows)
    print()
    print(", ".join(f"{n} {s.value}" for s, n in counts.items()))
    if not result.server_checked:
        print("The server was not asked per URL (--no-server-check): statuses are predictions.")
    notes = [p["message"] for p in sync_problems(result, team_id)]
    notes += [w.message for w in preview_warnings(preview, rows)]
    if notes:
        print()
        print("Warnings:")
        for note in notes:
            print(f"  - {note}")
    for row in rows:
        if row.status is Status.MISMATCH:
            print(f"  - {row_label(row)}: {row.explanation}")


def row_label(row: PreviewRow) -> str:
    """``/deploy`` for a command; ``webhook Deploy notifier (callback 2)`` for a webhook callback."""
    return row.label if row.kind is IntegrationKind.COMMAND else f"webhook {row.label}"
