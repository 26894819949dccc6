"""What the servers dialog holds as typed: what is still missing to test or save it, and whether any of it
would be lost by closing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.servers.guards import stored_credential_problem


@dataclass(frozen=True)
class ProfileInput:
    name: str
    url: str
    by_token: bool
    token_kept: bool
    token: str
    username: str
    password: str
    ca_file: str


def missing(typed: ProfileInput, current: Profile | None, *, for_test: bool = False) -> str:
    """What to fill in before testing (``for_test``) or saving; "" when nothing is missing."""
    if not for_test and not typed.name:
        return "Give the profile a name (e.g. Production)."
    url = typed.url
    if not url:
        return "Enter the server URL, e.g. https://mattermost.example.com."
    if not (url.startswith("http://") or url.startswith("https://")):
        return "The server URL must start with https:// (or http:// for a local test server)."
    kept = typed.token_kept if typed.by_token else not typed.password
    saved = current.url if current is not None else None
    if moved := stored_credential_problem(saved, url, by_token=typed.by_token, kept=kept):
        return moved
    if typed.by_token:
        if not typed.token_kept and not typed.token:
            return "Paste a personal access token."
    elif not typed.username or not typed.password:
        keeps_session = (
            not for_test
            and current is not None
            and current.auth == "password"
            and not typed.password
            and typed.username
        )
        if not keeps_session:
            return "Enter the username and password to sign in."
    if typed.ca_file and not Path(typed.ca_file).is_file():
        return f"The CA file {typed.ca_file} does not exist."
    return ""


def unsaved(typed: ProfileInput, current: Profile | None) -> bool:
    """True when closing now would lose something typed: a new server's fields, or a change to a saved one."""
    if typed.password or (typed.by_token and not typed.token_kept and typed.token):
        return True
    if current is None:
        return any((typed.name, typed.url, typed.username, typed.ca_file))
    auth = "token" if typed.by_token else "password"
    username = "" if typed.by_token else typed.username
    return (typed.name, typed.url, auth, username, typed.ca_file) != (
        current.name,
        current.url,
        current.auth,
        current.username,
        current.ca_file,
    )
