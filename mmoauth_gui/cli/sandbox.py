"""``mmoauth-gui sandbox``: run the loopback Mattermost simulator until SIGINT/SIGTERM.

The first line on standard output is one JSON object (url, admin token, user token, token URL,
demo clients, users): scripts read it, then talk to the sandbox.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType

from mmoauth_gui.cli.support import Exit, fail
from mmoauth_gui.sandbox.errors import ERROR_MODES
from mmoauth_gui.sandbox.server_model import DEFAULT_AUDIENCE_RULE, AudienceRule
from mmoauth_gui.sandbox.state import DUPLICATE_AUDIENCES, LICENCES
from mmoauth_gui.sandbox.token_fetch import SettingError, parse_setting


def is_loopback_host(host: str) -> bool:
    """``localhost`` or a loopback address: the only --host the sandbox takes without --expose."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="run a local Mattermost simulator with a demo token endpoint",
        description=(
            "Serve a loopback Mattermost (9.11 Enterprise, Outgoing OAuth Connections) and a demo OAuth "
            "token endpoint. Prints one JSON line with the URL, tokens and demo clients, then serves until "
            "interrupted."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--expose",
        action="store_true",
        help="allow a --host beyond loopback: anyone who reaches it can use the printed admin token's powers, "
        "and its validate route makes requests from this machine",
    )
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a server setting, e.g. ServiceSettings.AllowedUntrustedInternalConnections='10.0.0.0/8 idp.internal' "
        "(overrides the seed's; repeat for more)",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    parser.add_argument(
        "--seed", default="demo", metavar="demo|empty|PATH", help="initial data: the demo set, nothing, or a JSON file"
    )
    parser.add_argument(
        "--feature",
        choices=("on", "off", "unlicensed"),
        default="on",
        help="off: the setting is disabled (501); unlicensed: no Enterprise licence (501)",
    )
    parser.add_argument(
        "--audience-rule",
        choices=[rule.value for rule in AudienceRule],
        default=DEFAULT_AUDIENCE_RULE.value,
        help="which connection answers a URL several connections match (the real server's choice is closed code): "
        "the oldest (default, the sandbox's own choice), the newest, or the one with the longest matching audience",
    )
    parser.add_argument(
        "--errors",
        choices=ERROR_MODES,
        default="production",
        help="what an error body keeps: production (no detailed_error, as a real server), developer (with it), "
        'hardened (every 5xx: id "", "Internal Server Error", status 500)',
    )
    parser.add_argument(
        "--duplicate-audiences",
        choices=DUPLICATE_AUDIENCES,
        default="reject",
        help="reject (current servers: an audience another connection has is refused) or allow (older servers)",
    )
    parser.add_argument(
        "--licence",
        choices=LICENCES,
        default="enterprise",
        help="the licence's SKU: only enterprise passes the server's gate (advanced, professional, none: 501)",
    )
    parser.add_argument("--latency-ms", type=int, default=0, metavar="N", help="delay every API response by N ms")
    parser.add_argument(
        "--faults",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="a share (0-1) of API requests meets a network fault: a reset, an answer lost after the change was "
        "made, a 503 page, a garbage body or a trickled one (for soak tests; default 0)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from mmoauth_gui.sandbox import Sandbox, SeedError
    from mmoauth_gui.sandbox.faults import Faults

    if args.latency_ms < 0:
        fail("--latency-ms must be 0 or more.", Exit.USAGE)
    if not 0 <= args.faults <= 1:
        fail("--faults is a share between 0 and 1, e.g. 0.1.", Exit.USAGE)
    if not 0 <= args.port <= 65535:
        fail("--port must be between 0 and 65535.", Exit.USAGE)
    if not is_loopback_host(args.host):
        if not args.expose:
            fail(
                f"--host {args.host} is beyond loopback: other machines could reach the sandbox, its admin token and "
                "its validate route. Add --expose if that is meant.",
                Exit.USAGE,
            )
        print(
            f"warning: the sandbox listens on {args.host}, beyond loopback; whoever reaches it can act as its admin "
            "and make it send requests from this machine.",
            file=sys.stderr,
        )
    settings: dict[str, str] = {}
    for text in args.setting:
        try:
            key, value = parse_setting(text)
        except SettingError as exc:
            fail(f"--setting: {exc}.", Exit.USAGE)
        settings[key] = value
    try:
        sandbox = Sandbox(
            seed=args.seed,
            feature=args.feature,
            latency_ms=args.latency_ms,
            host=args.host,
            port=args.port,
            settings=settings,
            audience_rule=args.audience_rule,
            errors=args.errors,
            licence=args.licence,
            duplicate_audiences=args.duplicate_audiences,
        )
    except SeedError as exc:
        fail(f"{exc}.", Exit.USAGE)
    sandbox.faults = Faults(rate=args.faults)
    try:
        sandbox.start()
    except OSError as exc:
        fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}. Pick another --port.", Exit.UNAVAILABLE)

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        sys.stdout.write(json.dumps(sandbox.info, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return int(Exit.OK)
