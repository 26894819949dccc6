"""Who is calling: the session token from the request, as Mattermost's ``ParseAuthTokenFromRequest`` finds it."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from mmoauth_gui.sandbox.errors import session_expired
from mmoauth_gui.sandbox.http_types import Request
from mmoauth_gui.sandbox.records import User
from mmoauth_gui.sandbox.state import State


def request_token(request: Request) -> str:
    """``Authorization: Bearer <t>`` (scheme in any case) or ``Token <t>``, else the ``MMAUTHTOKEN`` cookie."""
    header = request.header("Authorization").strip()
    scheme, _, value = header.partition(" ")
    if scheme.lower() in ("bearer", "token") and value.strip():
        return value.strip()
    raw_cookie = request.header("Cookie")
    if raw_cookie:
        try:
            cookie: SimpleCookie = SimpleCookie(raw_cookie)
        except CookieError:
            return ""
        morsel = cookie.get("MMAUTHTOKEN")
        if morsel is not None:
            return morsel.value
    return ""


def require_user(request: Request, state: State) -> User:
    """The caller, or 401 ``api.context.session_expired.app_error`` (missing, unknown or revoked token)."""
    token = request_token(request)
    if not token:
        raise session_expired("UserRequired")
    user = state.user_for_token(token)
    if user is None:
        raise session_expired("the session token is invalid or has been revoked")
    return user
