"""``mmoauth-gui try command|webhook``: one integration end to end (README: the command line).

From this computer (the default) the request is the one Mattermost would build, with a token fetched for the
connection the server names for the URL; the client secret comes from ``MMOAUTH_CLIENT_SECRET`` or standard
input. ``--through-server`` really runs it on the server (``--channel`` names where; ``--yes`` confirms).
Exit 0 when the integration answered 2xx with the OAuth token (or answered at all when no connection covers
its URL); 1 when the token failed, the request was not sent or the integration refused; 2 usage; 3 unreachable.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mmoauth_gui.cli.server_access import add_server_arguments, connect, resolve_server_access, run
from mmoauth_gui.cli.support import CLIENT_SECRET_ENV, PASSWORD_ENV, Exit, fail, print_json, read_secret
from mmoauth_gui.core.model import IntegrationKind
from mmoauth_gui.core.tryit import TryResult
from mmoauth_gui.services.tryit import (
    Target,
    TryError,
    prepare_command,
    prepare_webhook,
    run_through_server,
    send_from_here,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "try",
        help="send one slash command or webhook callback as Mattermost would, and show what came back",
        description="Try a slash command or an outgoing webhook callback end to end: the connection the server "
        "names for its URL, the token, the request exactly as Mattermost sends it (secrets redacted) and the "
        f"integration's answer. The client secret comes from {CLIENT_SECRET_ENV} or standard input.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    common = argparse.ArgumentParser(add_help=False)
    add_server_arguments(common)
    common.add_argument("--text", default="", help="the text after the trigger (a command's text, a post's words)")
    common.add_argument(
        "--through-server",
        action="store_true",
        help="really run it on the server (a command through /commands/execute, a webhook by posting a message)",
    )
    common.add_argument("--channel", metavar="NAME", help="the channel to run it in (with --through-server)")
    common.add_argument("--yes", action="store_true", help="confirm --through-server (it posts in the channel)")
    common.add_argument("--json", action="store_true", help="print the result as JSON (secrets redacted)")

    command = kinds.add_parser("command", parents=[common], help="a custom slash command of a team")
    command.add_argument("--trigger", required=True, metavar="TRIGGER", help="the command's trigger, e.g. deploy")
    command.set_defaults(func=handle)

    webhook = kinds.add_parser("webhook", parents=[common], help="an outgoing webhook's callback URL")
    webhook.add_argument("hook_id", metavar="WEBHOOK_ID")
    webhook.add_argument("--callback", type=int, default=1, metavar="N", help="which callback URL (1 = the first)")
    webhook.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    kind = IntegrationKind(args.kind)
    if kind is IntegrationKind.COMMAND and not args.team:
        fail("try command needs --team ID|NAME (a trigger is unique only within a team).", Exit.USAGE)
    if args.through_server and not args.channel:
        fail("--through-server needs --channel NAME: the channel it runs in.", Exit.USAGE)
    if args.channel and not args.through_server:
        fail("--channel is used only with --through-server.", Exit.USAGE)
    if kind is IntegrationKind.WEBHOOK and args.callback < 1:
        fail("--callback counts from 1.", Exit.USAGE)
    access = resolve_server_access(args)
    return run(_go(args, kind, access))


async def _go(args: argparse.Namespace, kind: IntegrationKind, access: Any) -> int:
    async with connect(access) as client:
        try:
            if kind is IntegrationKind.COMMAND:
                target = await prepare_command(client, args.team, args.trigger)
            else:
                target = await prepare_webhook(client, args.hook_id, args.callback - 1)
        except TryError as exc:
            fail(str(exc), Exit.USAGE)
        if args.through_server:
            if not args.yes:
                return _would(target, args)
            try:
                result = await run_through_server(client, target, args.channel, text=args.text)
            except TryError as exc:
                fail(str(exc), Exit.USAGE)
        else:
            secret = password = ""
            if target.connection is not None:
                secret = read_secret(CLIENT_SECRET_ENV, f"Client secret of “{target.connection.name}”")
                if target.connection.uses_password_grant:
                    password = read_secret(PASSWORD_ENV, f"Password of {target.connection.credentials_username}")
            result = await send_from_here(
                client.http,
                client,
                target,
                text=args.text,
                client_secret=secret,
                password=password,
            )
    if args.json:
        print_json(result.to_json())
    else:
        print_result(result)
    return int(result.exit_code)


def _would(target: Target, args: argparse.Namespace) -> int:
    if target.kind is IntegrationKind.COMMAND:
        what = f"run {target.label}{' ' + args.text if args.text else ''} in ~{args.channel} through /commands/execute"
    else:
        word = target.hook.trigger_words[0] if target.hook and target.hook.trigger_words else ""
        what = f"post “{(word + ' ' + args.text).strip() or 'test'}” in ~{args.channel}, which fires {target.label}"
    print(
        f"Would {what} on {target.team.label} (a real message others may see). Add --yes to do it.",
        file=sys.stderr,
    )
    return int(Exit.USAGE)


def plain(text: str) -> str:
    """Outside text for a terminal: control characters (escape sequences) shown as \\xNN, never obeyed."""
    return "".join(
        ch if ch in "\n\t" or (ch >= " " and not 0x7F <= ord(ch) <= 0x9F) else f"\\x{ord(ch):02x}" for ch in text
    )


def print_result(result: TryResult) -> None:
    data = json.loads(plain(json.dumps(result.to_json(), ensure_ascii=False)))
    print(result.headline())
    token = data["token"]
    if token is None:
        print("Connection: none covers this URL — sent without OAuth.")
    else:
        print(f"Connection: “{token['connection_name']}” ({token['connection_id']})")
        print(f"Token: {'obtained' if token['ok'] else 'FAILED'} ({token['category']}) {token['explanation']}".rstrip())
    request = data["request"]
    if request:
        print(f"Request: {request['method']} {request['url']}")
        for name, value in request["headers"].items():
            print(f"  {name}: {value}")
        fields = request.get("form") or request.get("json") or {}
        for name, value in fields.items():
            print(f"  {name} = {json.dumps(value) if not isinstance(value, str) else value}")
        if request.get("test_values"):
            print(f"  (test values on this computer: {', '.join(request['test_values'])})")
    print(f"Sent: {'yes' if data['sent'] else 'no'}")
    response = data["response"]
    if response:
        print(f"Answer: HTTP {response['status']} {response['reason']}".rstrip())
        body = response["body"]
        if body:
            print(f"  {body[:2000]}")
        parsed = response.get("command_response")
        if parsed:
            print(f"  response_type: {parsed.get('response_type')}; text: {parsed.get('text')}")
            for attachment in parsed.get("attachments") or []:
                print(f"  attachment: {attachment}")
    if data["error"]:
        print(f"Error: {data['error']}")
    for note in data["notes"]:
        print(f"note: {note}")
    for line in data["server_log"]:
        print(f"server log: {line}")
