"""Which Mattermost server a CLI command talks to, with which token, and how its errors end the command.

The token comes from ``MMOAUTH_SERVER_TOKEN`` or a saved profile (``--profile NAME``), never from the
command line.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import ssl
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from mmoauth_gui.cli.support import SERVER_TOKEN_ENV, CommandError, Exit, fail
from mmoauth_gui.core.rules import url_problems
from mmoauth_gui.core.urls import canonical_server_url, is_loopback_url, same_origin, url_origin
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import REQUEST_DEADLINE, MattermostClient
from mmoauth_gui.services.mattermost.errors import (
    FeatureUnavailable,
    InvalidResponse,
    MattermostError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ServerError,
    Unreachable,
)

TEAM_ID_RE = re.compile(r"^[a-z0-9]{26}$")

NO_TOKEN_MESSAGE = (
    "No Mattermost token: set {env} to a personal access token (Profile > Security > Personal Access "
    "Tokens; a system admin must enable them) or session token, or use --profile NAME with a saved server "
    "profile whose token is stored."
)


@dataclass(frozen=True)
class ServerAccess:
    """Where and as whom: the server URL, its token (never shown), a CA file, and the team to act in."""

    url: str
    token: str = field(repr=False)
    ca_file: str = ""
    profile: str = ""
    team: str = ""
    timeout: float = REQUEST_DEADLINE


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("server")
    group.add_argument("--server", metavar="URL", help="the Mattermost server's address, e.g. https://chat.example.com")
    group.add_argument(
        "--profile",
        metavar="NAME",
        help=f"use a saved server profile: its URL, CA file, team and stored token (else {SERVER_TOKEN_ENV})",
    )
    group.add_argument(
        "--team",
        metavar="ID|NAME",
        help="act in this team (its id or name): lets team admins list with manage_slash_commands",
    )
    group.add_argument("--ca-file", metavar="FILE", help="trust this CA certificate (PEM) for the server's TLS")
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        default=REQUEST_DEADLINE,
        help=f"give up on a request the server has not answered whole within SECONDS (default {REQUEST_DEADLINE:g})",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("give a number of seconds above 0 and at most 3600")
    return value


def resolve_server_access(args: argparse.Namespace) -> ServerAccess:
    """URL, token, CA file and team from the flags, the environment and ``--profile``; exit 2 when missing."""
    url: str = getattr(args, "server", None) or ""
    ca_file: str = getattr(args, "ca_file", None) or ""
    team: str = getattr(args, "team", None) or ""
    profile_name: str = getattr(args, "profile", None) or ""
    token = os.environ.get(SERVER_TOKEN_ENV, "").strip()

    if profile_name:
        from mmoauth_gui.storage.paths import app_paths
        from mmoauth_gui.storage.profiles import ProfileStore
        from mmoauth_gui.storage.secrets import SecretStore

        store = ProfileStore(app_paths())
        profile = store.get(profile_name)
        if profile is None:
            known = ", ".join(store.names()) or "none saved yet"
            problem = f" ({store.problem})" if store.problem else ""
            fail(f"No server profile named “{profile_name}” (profiles: {known}){problem}.", Exit.USAGE)
        url = url or profile.url
        ca_file = ca_file or profile.ca_file
        team = team or profile.team_id or profile.team_name
        if same_origin(url, profile.url):
            token = SecretStore().get("server-token", profile.name) or token
        elif not token:
            fail(
                f"Server profile “{profile.name}” keeps its token for {url_origin(profile.url)}; it is not sent to "
                f"{url_origin(url) or url}. Set {SERVER_TOKEN_ENV} to a token for that server, or drop --server.",
                Exit.USAGE,
            )
        if not token:
            fail(
                f"Server profile “{profile.name}” has no stored token (without a usable keyring it is kept only "
                f"while the app runs): set {SERVER_TOKEN_ENV} to a personal access token.",
                Exit.USAGE,
            )

    if not url:
        fail("No server given: use --server URL (or --profile NAME).", Exit.USAGE)
    url = canonical_server_url(url)
    problems = url_problems(url, "The server URL")
    if problems:
        fail(" ".join(problems), Exit.USAGE)
    if not token:
        fail(NO_TOKEN_MESSAGE.format(env=SERVER_TOKEN_ENV), Exit.USAGE)
    if ca_file and not Path(ca_file).is_file():
        fail(f"CA file {ca_file} does not exist or is not a file.", Exit.USAGE)
    timeout = getattr(args, "timeout", None) or REQUEST_DEADLINE
    return ServerAccess(url=url, token=token, ca_file=ca_file, profile=profile_name, team=team, timeout=timeout)


def exit_code_for(error: MattermostError) -> Exit:
    """The README's exit codes: configuration problems are 2, an unusable server or feature 3, refusals 1."""
    if isinstance(error, NotAuthenticated | PermissionDenied | NotFound):
        return Exit.USAGE
    if isinstance(error, Unreachable | FeatureUnavailable | ServerError | InvalidResponse):
        return Exit.UNAVAILABLE
    return Exit.CHECK_FAILED


def fail_with(error: MattermostError) -> NoReturn:
    raise CommandError(error.user_message, exit_code_for(error))


def run(coroutine: Coroutine[Any, Any, int]) -> int:
    """Run a command's coroutine; a Mattermost error ends it with its message and exit code."""
    try:
        return asyncio.run(coroutine)
    except MattermostError as exc:
        fail_with(exc)


@asynccontextmanager
async def connect(access: ServerAccess) -> AsyncIterator[MattermostClient]:
    """A client for ``access`` over a fresh HTTP client, closed on exit."""
    try:
        http = make_http_client(ca_file=access.ca_file or None, timeout=min(access.timeout, 15.0))
    except (OSError, ssl.SSLError) as exc:
        fail(f"CA file {access.ca_file} could not be loaded as PEM certificates ({exc}).", Exit.USAGE)
    async with http:
        url = await MattermostClient.secure_base_url(access.url, http)
        if url != access.url:
            print(f"{access.url} redirects to {url}: using https.", file=sys.stderr)
        elif cleartext_warning(url):
            print(f"warning: {cleartext_warning(url)}", file=sys.stderr)
        yield MattermostClient(url, access.token, http, deadline_s=access.timeout)


def cleartext_warning(url: str) -> str:
    """What sending credentials to ``url`` risks, for an ``http://`` URL beyond loopback; "" otherwise."""
    if not url.lower().startswith("http://") or is_loopback_url(url):
        return ""
    return (
        f"{url} is not encrypted (http://): the Mattermost token travels in clear text, readable by anyone on "
        "the network path and by any proxy. Use the server's https:// address."
    )


async def resolve_team_id(client: MattermostClient, team: str) -> str | None:
    """The id for ``--team ID|NAME`` (None when no team was given); exit 2 when no such team is visible."""
    if not team:
        return None
    try:
        return (await client.team_by_name(team)).id
    except (NotFound, PermissionDenied) as exc:
        if TEAM_ID_RE.match(team):
            return team
        fail(
            f"No team named “{team}” is visible to this account ({exc.message or 'not found'}). "
            "Give the team's name as in its URL, or its id.",
            Exit.USAGE,
        )
