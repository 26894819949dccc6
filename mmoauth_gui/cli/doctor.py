"""``mmoauth-gui doctor``: server preflight and the server's own recent failures (README: the command line).

``--json`` prints ``{checks: [{id, status: ok|warn|fail|unknown, subject, message, hint}], recent_failures:
[{time, level, connection_id?, command_id?, webhook_id?, message}]}``. Exit 0 with no failed check, 1 with
one, 2 for a usage error, 3 when the server cannot be reached.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from mmoauth_gui.cli.server_access import add_server_arguments, connect, resolve_server_access, run
from mmoauth_gui.cli.support import Exit, add_json_flag, print_json
from mmoauth_gui.core.diagnosis.checks import Check, CheckStatus
from mmoauth_gui.core.diagnosis.server_log import Failure, FailureFeed, group
from mmoauth_gui.services.diagnosis.failures import refresh
from mmoauth_gui.services.diagnosis.preflight import Preflight, run_preflight
from mmoauth_gui.services.mattermost.errors import MattermostError, PermissionDenied

WIDTH = 100
MAX_SHOWN_FAILURES = 100
MARKS = {CheckStatus.OK: "ok", CheckStatus.WARN: "WARN", CheckStatus.FAIL: "FAIL", CheckStatus.UNKNOWN: "?"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check a server for what makes connections fail there, and show its recent failures",
        description="Read what the signed-in account may read (client configuration and licence for everyone, "
        "the full configuration and the server log for system admins) and check the version, the licence, the "
        "feature and integration switches, developer and hardened mode, every token, command and webhook URL "
        "(resolved from this computer) against AllowedUntrustedInternalConnections, http:// URLs and the token "
        "endpoints' latency against the server's timeout; then list the server's own recent failures. "
        "Exit status: 0 no check failed, 1 a check failed, 2 usage error, 3 server unreachable.",
    )
    add_server_arguments(parser)
    parser.add_argument(
        "--no-latency", action="store_true", help="do not time the token endpoints (no request to them at all)"
    )
    add_json_flag(parser)
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    access = resolve_server_access(args)
    return run(_doctor(access, args))


async def _doctor(access: Any, args: argparse.Namespace) -> int:
    async with connect(access) as client:
        preflight = await run_preflight(client, measure_latency=not args.no_latency)
        feed = FailureFeed()
        try:
            await refresh(client, feed, preflight.attribution)
        except PermissionDenied:
            preflight.checks.append(
                Check(
                    "access.logs",
                    CheckStatus.UNKNOWN,
                    "GET /api/v4/logs",
                    "The server log could not be read: it needs a system admin (get_logs).",
                    "Run doctor as a system admin to see the server's own failures.",
                )
            )
        except MattermostError as exc:
            preflight.checks.append(
                Check("access.logs", CheckStatus.UNKNOWN, "GET /api/v4/logs", f"Not read: {exc.user_message}")
            )
    failures = feed.failures[:MAX_SHOWN_FAILURES]
    if args.json:
        print_json(
            {"checks": [c.to_json() for c in preflight.checks], "recent_failures": [f.to_json() for f in failures]}
        )
    else:
        sys.stdout.write(render(preflight, failures))
    return Exit.CHECK_FAILED if any(c.status is CheckStatus.FAIL for c in preflight.checks) else Exit.OK


def _fill(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False)


def _group_title(what: str, key: str, preflight: Preflight) -> str:
    if what == "connection":
        name = next((c.name for c in preflight.connections if c.id == key), "")
        return f"Connection {name} ({key})" if name else f"Connection {key}"
    if what == "webhook":
        return f"Webhook {preflight.webhook_names.get(key, key)} ({key})"
    return f"Command {key}" if what == "command" else f"Other: {key}"


def render(preflight: Preflight, failures: list[Failure]) -> str:
    lines: list[str] = ["Server checks:"]
    for c in preflight.checks:
        lines += _fill(f"{c.subject}: {c.message}", f"  [{MARKS[c.status]:>4}] ", " " * 9)
        if c.hint:
            lines += _fill(c.hint, " " * 9 + "→ ", " " * 11)
    failed = sum(c.status is CheckStatus.FAIL for c in preflight.checks)
    warned = sum(c.status is CheckStatus.WARN for c in preflight.checks)
    lines.append(f"{failed} failed, {warned} warnings, {len(preflight.checks)} checks.")
    if failures:
        lines.append("")
        lines.append(f"The server's own recent failures ({len(failures)}, newest first):")
        for g in group(failures):
            lines.append(f"  {_group_title(g.what, g.key, preflight)}: {len(g.failures)}")
            for f in g.failures[:5]:
                lines += _fill(f"{f.time} {f.level}: {f.text}", "    ", "      ")
    return "\n".join(lines) + "\n"
