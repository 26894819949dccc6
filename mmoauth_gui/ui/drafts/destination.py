"""Where a push goes: the current session's server, or the saved server profile a draft is meant for.

A draft names its target by profile name or URL, and remembers the server it was pulled from or pushed to.
When that is a saved profile with a stored token, the draft can be pushed there without switching the
window's session (or with no session at all).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from mmoauth_gui.core.drafts.model import Draft, meant_profile
from mmoauth_gui.core.urls import canonical_server_url
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.context import AppContext


@dataclass(frozen=True)
class Destination:
    name: str  # the profile name, for messages
    url: str  # normalised server URL
    client: MattermostClient
    team_id: str | None
    is_session: bool = False


def session_destination(ctx: AppContext) -> Destination | None:
    session = ctx.session
    if session is None:
        return None
    url = canonical_server_url(session.profile.url)
    return Destination(session.profile.name, url, session.client, session.team_id, True)


async def target_profile(ctx: AppContext, draft: Draft) -> Profile | None:
    """The saved profile the draft is meant for: the one of its origin's server, else its target (name or URL)."""

    def find() -> Profile | None:
        name = meant_profile(draft, {p.name: p.url for p in ctx.profiles.load()})
        if name is not None:
            return ctx.profiles.get(name)
        if draft.origin is not None:
            found = ctx.profiles.find_by_url(draft.origin.server_url)
            return found[0] if found else None
        target = draft.server.strip()
        if not target:
            return None
        profile = ctx.profiles.get(target)
        if profile is not None:
            return profile
        found = ctx.profiles.find_by_url(target)
        return found[0] if found else None

    return await asyncio.to_thread(find)


async def profile_destination(ctx: AppContext, profile: Profile) -> Destination | None:
    """A client for ``profile`` with its stored token; None when no token is stored for it."""
    token = await ctx.server_token(profile.name)
    if not token:
        return None
    client = MattermostClient(profile.url, token, ctx.http_for_profile(profile))
    return Destination(profile.name, canonical_server_url(profile.url), client, profile.team_id or None)


async def destination_for_server(ctx: AppContext, server_url: str) -> Destination | None:
    """The session when it is on ``server_url``, else a saved profile of that server with a stored token."""
    url = canonical_server_url(server_url)
    session = session_destination(ctx)
    if session is not None and session.url == url:
        return session
    profiles = await asyncio.to_thread(ctx.profiles.find_by_url, url)
    for profile in profiles:
        destination = await profile_destination(ctx, profile)
        if destination is not None:
            return destination
    return None
