"""``mmoauth-gui config export|plan|apply``: a server's outgoing OAuth connections as a reviewed file.

``plan`` exits 0 when the server matches the file, 4 when changes are pending, 1 when the file breaks a
rule or names an ambiguous connection, 2 when the file cannot be read (or usage), 3 when the server
cannot be reached. Secrets come only from the file's references (environment or keyring), or are asked
for on a terminal; they are sent, never printed, written or recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from mmoauth_gui.cli.server_access import add_server_arguments, connect, resolve_server_access, run
from mmoauth_gui.cli.support import Exit, fail, print_json
from mmoauth_gui.core.config.document import document_from_connections, render_document
from mmoauth_gui.core.config.parse import ParseResult, parse_config
from mmoauth_gui.core.config.plan import Action, Change, Plan
from mmoauth_gui.core.plural import counted
from mmoauth_gui.services.config_apply import (
    ApplyReport,
    NeededSecret,
    PlanOutdated,
    SecretField,
    StepState,
    apply_plan,
    make_plan,
    needed_secrets,
)
from mmoauth_gui.storage.atomic import write_atomic
from mmoauth_gui.storage.config_record import AppliedRecord
from mmoauth_gui.storage.config_secrets import resolve
from mmoauth_gui.storage.paths import app_paths

_CONTROL = {c: None for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}


def plain(text: object) -> str:
    """Outside text for the terminal: control characters (escape sequences) dropped."""
    return str(text).translate(_CONTROL)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "config",
        help="connections as code: export, plan and apply a declarative file",
        description="Keep a server's outgoing OAuth connections in a file (YAML or JSON, secrets as references) "
        "and plan / apply it. The Mattermost token comes from MMOAUTH_SERVER_TOKEN or --profile.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    add_server_arguments(common)

    export = actions.add_parser("export", parents=[common], help="write the server's connections as a file")
    export.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    export.set_defaults(func=_export)

    for name, helptext in (
        ("plan", "what applying FILE would change (exit 4: changes pending)"),
        ("apply", "apply FILE to the server: exactly what the plan shows"),
    ):
        sub = actions.add_parser(name, parents=[common], help=helptext)
        sub.add_argument("file", metavar="FILE")
        sub.add_argument("--prune", action="store_true", help="delete the server's connections the file omits")
        sub.add_argument("--json", action="store_true", help="print machine-readable JSON")
        if name == "apply":
            sub.add_argument("--yes", action="store_true", help="apply without asking (needed without a terminal)")
            sub.set_defaults(func=_apply)
        else:
            sub.set_defaults(func=_plan)


# ---- export -----------------------------------------------------------------------------------------


def _export(args: argparse.Namespace) -> int:
    access = resolve_server_access(args)

    async def go() -> int:
        async with connect(access) as client:
            connections = await client.list_connections()
        text = render_document(document_from_connections(connections))
        if args.out:
            try:
                write_atomic(Path(args.out), text, mode=0o644)
            except OSError as exc:
                fail(f"Cannot write {args.out}: {exc.strerror or exc}.", Exit.USAGE)
            print(f"Wrote {counted(len(connections), 'connection')} to {args.out}.", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return int(Exit.OK)

    return run(go())


# ---- reading the file -------------------------------------------------------------------------------


def read_file(path: str) -> ParseResult:
    """Parse ``path``; print every problem (file:line:column) and exit 2 (unreadable) or 1 (rules)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text.", Exit.USAGE)
    except OSError as exc:
        fail(f"Cannot read {path}: {exc.strerror or exc}.", Exit.USAGE)
    result = parse_config(text, path)
    for problem in result.problems:
        print(plain(problem), file=sys.stderr)
    if result.unreadable:
        fail(f"{path} could not be read as a connections file.", Exit.USAGE)
    if result.errors:
        fail(
            f"{path}: {counted(len(result.errors), 'error')}; nothing was compared with the server.", Exit.CHECK_FAILED
        )
    return result


async def _plan_for(args: argparse.Namespace, result: ParseResult, client: Any) -> Plan:
    assert result.document is not None
    return await make_plan(client, result.document, AppliedRecord(app_paths()), prune=args.prune)


# ---- plan ---------------------------------------------------------------------------------------------


def _plan(args: argparse.Namespace) -> int:
    result = read_file(args.file)
    access = resolve_server_access(args)

    async def go() -> int:
        async with connect(access) as client:
            plan = await _plan_for(args, result, client)
        if args.json:
            print_json(plan.to_json())
        else:
            print_plan(plan, access.url)
        if plan.problems:
            if args.json:
                for problem in plan.problems:
                    print(f"mmoauth-gui: {plain(problem.message)}", file=sys.stderr)
            return int(Exit.CHECK_FAILED)
        return int(Exit.OK if plan.empty else Exit.CHANGES_PENDING)

    return run(go())


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    return "—" if value is None else plain(value)


def print_plan(plan: Plan, server_url: str, out: Any = None) -> None:
    out = out or sys.stdout
    marks = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-"}
    print(f"Plan for {server_url}:", file=out)
    for change in plan.changes:
        ident = f" ({change.id})" if change.id else ""
        print(f"  {marks[change.action]} {change.action.value} “{plain(change.name)}”{ident}", file=out)
        for f in change.fields:
            if change.action is Action.CREATE:
                print(f"      {f.field}: {_value(f.after)}", file=out)
            else:
                print(f"      {f.field}: {_value(f.before)} → {_value(f.after)}", file=out)
        if change.secret and change.entry is not None and change.entry.client_secret is not None:
            why = (
                "new connection" if change.action is Action.CREATE else f"secret_version {change.entry.secret_version}"
            )
            print(f"      secret: will be sent ({why}; from {plain(change.entry.client_secret.describe())})", file=out)
        for kind, items in change.impact.by_kind().items():
            for item in items:
                print(f"      impact {kind.value}: {plain(item.describe())}", file=out)
    for problem in plan.problems:
        print(f"  ! {plain(problem.message)}", file=out)
    if plan.unmanaged:
        print("Not in the file (kept; --prune would delete them):", file=out)
        for conn in plan.unmanaged:
            print(f"  · “{plain(conn.name)}” ({conn.id})", file=out)
    for note in plan.notes:
        print(f"Note: {plain(note)}", file=out)
    counts = {a: sum(1 for c in plan.changes if c.action is a) for a in Action}
    if plan.empty and not plan.problems:
        print("No changes: the server matches the file.", file=out)
    else:
        print(
            f"{counts[Action.CREATE]} to create, {counts[Action.UPDATE]} to update, {counts[Action.DELETE]} to delete.",
            file=out,
        )


# ---- apply --------------------------------------------------------------------------------------------


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()


def _apply(args: argparse.Namespace) -> int:
    if not args.yes and not _interactive():
        fail("config apply changes the server: give --yes (there is no terminal to ask).", Exit.USAGE)
    result = read_file(args.file)
    access = resolve_server_access(args)
    record = AppliedRecord(app_paths())

    async def go() -> int:
        async with connect(access) as client:
            plan = await _plan_for(args, result, client)
            if plan.problems:
                if args.json:
                    print_json({"plan": plan.to_json(), "result": None})
                else:
                    print_plan(plan, access.url, sys.stderr)
                fail("The plan has problems: nothing was applied.", Exit.CHECK_FAILED)
            if plan.empty:
                if args.json:
                    print_json({"plan": plan.to_json(), "result": ApplyReport().to_json()})
                else:
                    print("No changes: the server matches the file.")
                return int(Exit.OK)
            if not args.json:
                print_plan(plan, access.url)
            if not args.yes:
                answer = await asyncio.to_thread(
                    input, f"Apply {counted(len(plan.changes), 'change')} to {access.url}? [y/N] "
                )
                if answer.strip().lower() not in ("y", "yes"):
                    print("Nothing applied.", file=sys.stderr)
                    return int(Exit.CHECK_FAILED)
            secrets = await asyncio.to_thread(_secret_values, needed_secrets(plan))
            try:
                report = await apply_plan(client, plan, secrets, record, progress=_progress)
            except PlanOutdated as exc:
                fail(str(exc), Exit.CHECK_FAILED)
        if args.json:
            print_json({"plan": plan.to_json(), "result": report.to_json()})
        else:
            print_report(report)
        return int(Exit.OK if report.ok else Exit.CHECK_FAILED)

    return run(go())


def _secret_values(needed: list[NeededSecret]) -> dict[tuple[str, SecretField], str]:
    """Resolve every secret the plan sends before the first step; ask on a terminal for a missing one."""
    values: dict[tuple[str, SecretField], str] = {}
    missing: list[str] = []
    for item in needed:
        value = resolve(item.ref)
        if value is None and _interactive():
            import getpass

            what = "client secret" if item.field is SecretField.CLIENT_SECRET else "password"
            value = getpass.getpass(f"{what} of “{plain(item.change.name)}” ({item.ref.describe()} is not set): ")
        if not value:
            missing.append(f"{item.ref.describe()} ({item.field.value} of “{plain(item.change.name)}”)")
            continue
        values[(item.change.key, item.field)] = value
    if missing:
        fail("Secrets not set, nothing was applied: " + "; ".join(missing) + ".", Exit.USAGE)
    return values


def _progress(done: int, total: int, change: Change) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[K[{done + 1}/{total}] {change.action.value} {plain(change.name)}")
        sys.stderr.flush()


def print_report(report: ApplyReport) -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K")
    words = {StepState.APPLIED: "applied", StepState.FAILED: "FAILED", StepState.NOT_APPLIED: "not applied"}
    for step in report.steps:
        line = f"  {words[step.state]}: {step.change.action.value} “{plain(step.change.name)}”"
        if step.connection_id:
            line += f" ({step.connection_id})"
        if step.message:
            line += f" — {plain(step.message)}"
        print(line)
    applied = len(report.of(StepState.APPLIED))
    if report.ok:
        print(f"Applied {counted(applied, 'change')}.")
    elif report.cancelled:
        print(f"Cancelled after {applied} of {counted(len(report.steps), 'change')}.")
    else:
        print(f"Stopped at the first failure: {applied} of {counted(len(report.steps), 'change')} applied.")
