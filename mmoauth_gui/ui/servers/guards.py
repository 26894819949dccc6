"""Where the profiles dialog's credentials may go: a stored one only to its own origin, a password to an
``http://`` server beyond loopback only after a question."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from mmoauth_gui.core.urls import same_origin, url_origin
from mmoauth_gui.ui.kit.confirm import ask_async


def stored_credential_problem(saved_url: str | None, url: str, *, by_token: bool, kept: bool) -> str:
    """Why a kept token or session (saved for ``saved_url``) cannot be used for ``url``; "" when it can."""
    if saved_url is None or not kept or same_origin(url, saved_url):
        return ""
    again = "Paste the token for the new address." if by_token else "Sign in again."
    return f"The stored token was saved for {url_origin(saved_url)}; it is not sent to another address. {again}"


async def send_in_cleartext(parent: QWidget, url: str) -> bool:
    """True when the admin chose to send the password and MFA code to ``url`` unencrypted anyway."""
    return await ask_async(
        parent,
        "Unencrypted server address",
        f"{url} does not use https: the password and MFA code would travel in clear text, readable on the "
        "network path.",
        "Send them anyway",
        informative="Use the server's https:// address if it has one.",
        destructive=True,
    )
