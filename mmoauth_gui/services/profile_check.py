"""“Test” for a server profile: reach it, sign in, read the version, the user, the teams, and the feature."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from mmoauth_gui.core.model import Team
from mmoauth_gui.core.plural import counted
from mmoauth_gui.core.status import Look
from mmoauth_gui.core.urls import canonical_server_url, is_loopback_url
from mmoauth_gui.services.mattermost.client import MattermostClient, ServerInfo, User
from mmoauth_gui.services.mattermost.errors import MattermostError, MfaRequired, NotAuthenticated
from mmoauth_gui.services.session import FeatureState, probe_feature, version_note

Line = tuple[Look, str]


@dataclass
class ProfileTestResult:
    ok: bool = False  # signed in and the feature is available
    signed_in: bool = False
    server: ServerInfo | None = None
    user: User | None = None
    teams: list[Team] = field(default_factory=list)
    feature: FeatureState | None = None
    connection_count: int | None = None
    error: MattermostError | None = None
    lines: list[Line] = field(default_factory=list)
    token: str = field(default="", repr=False)  # the session token after a password sign-in
    cleartext_refused: bool = False  # a password was not sent over http:// (ask, then test with allow_cleartext)
    url: str = ""  # the URL tested: the https one when the http:// one redirected there

    def text(self) -> str:
        return "\n".join(text for _kind, text in self.lines)


def cleartext(url: str) -> bool:
    """An ``http://`` URL beyond loopback: what it is sent travels in clear text."""
    return url.lower().startswith("http://") and not is_loopback_url(url)


def _error_line(exc: MattermostError, *, signing_in: bool) -> Line:
    if isinstance(exc, MfaRequired):
        return Look.REFUSED, (
            "This account needs a multi-factor authentication code: type the current code from your "
            "authenticator app in “MFA code” and test again."
        )
    if isinstance(exc, NotAuthenticated):
        if signing_in:
            return Look.REFUSED, (
                f"Sign-in refused (HTTP {exc.status}): the username or password is wrong, or the MFA code has "
                "expired. Check them and test again."
            )
        advice = exc.advice.removeprefix("The token was refused: ")  # said once, with its status
        return Look.REFUSED, f"The token was refused (HTTP {exc.status}): {advice}"
    kind = Look.UNREACHABLE if exc.status is None else Look.REFUSED
    return kind, exc.user_message


async def check_profile(
    http: httpx.AsyncClient,
    url: str,
    *,
    token: str = "",
    username: str = "",
    password: str = "",
    mfa_code: str = "",
    team_id: str = "",
    allow_cleartext: bool = False,
) -> ProfileTestResult:
    """Every step that succeeds adds a line; the first failure adds its specific message and stops.

    An ``http://`` URL is first probed without credentials, so a server that redirects to https is used
    over https; a password (and MFA code) is sent over ``http://`` beyond loopback only with
    ``allow_cleartext``.
    """
    out = ProfileTestResult()
    secure = await MattermostClient.secure_base_url(url, http)
    if secure != canonical_server_url(url):
        out.lines.append((Look.WARNING, f"{url} redirects to {secure}: tested over https. Save the https address."))
    url = secure
    if not token and cleartext(url) and not allow_cleartext:
        out.lines.append(
            (
                Look.REFUSED,
                f"{url} is not encrypted: the password and MFA code would travel in clear text, so they were not "
                "sent. Use the server's https:// address, or confirm sending them anyway.",
            )
        )
        out.cleartext_refused = True
        return out
    if cleartext(url):
        out.lines.append((Look.WARNING, f"{url} is not encrypted (http://): credentials travel in clear text."))
    if not token:
        try:
            token = await MattermostClient.login(url, username, password, mfa_code, http)
        except MattermostError as exc:
            out.error = exc
            out.lines.append(_error_line(exc, signing_in=True))
            return out
        out.token = token
    client = MattermostClient(url, token, http)
    out.url = client.base_url
    try:
        out.server = await client.ping()
    except MattermostError as exc:
        out.error = exc
        out.lines.append(_error_line(exc, signing_in=False))
        return out
    version = out.server.version or "unknown version"
    out.lines.append((Look.VALID, f"Reached Mattermost {version} at {client.base_url}."))
    note = version_note(out.server)
    if note:
        out.lines.append((Look.WARNING, note))
    try:
        out.user = await client.me()
        out.teams = await client.my_teams()
    except MattermostError as exc:
        out.error = exc
        out.lines.append(_error_line(exc, signing_in=False))
        return out
    out.signed_in = True
    role = "system admin" if out.user.is_system_admin else "not a system admin"
    out.lines.append((Look.VALID, f"Signed in as {out.user.label} ({role})."))
    if not out.teams:
        out.lines.append(
            (Look.WARNING, "This account belongs to no team: only a system admin can list connections then.")
        )
    chosen = next((t for t in out.teams if t.id == team_id), out.teams[0] if out.teams else None)
    out.feature, out.connection_count = await probe_feature(client, out.user, chosen.id if chosen else None)
    feature = out.feature
    if feature.available:
        count = (
            f" {counted(out.connection_count, 'connection')} on the server." if out.connection_count is not None else ""
        )
        if feature.can_manage:
            out.lines.append((Look.VALID, f"This account may manage outgoing OAuth connections.{count}"))
        else:
            out.lines.append((Look.WARNING, f"{feature.user_message}{count}"))
        out.ok = True
    else:
        out.lines.append((Look.REFUSED, f"Outgoing OAuth connections: {feature.label}. {feature.user_message}"))
    return out
