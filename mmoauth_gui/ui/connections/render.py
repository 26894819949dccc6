"""The details pane of the Connections page, as HTML: every dynamic part escaped."""

from __future__ import annotations

from html import escape

from mmoauth_gui.core.model import Connection
from mmoauth_gui.storage.validations import StoredValidation
from mmoauth_gui.ui.kit.badge import Badge, created_text

NO_SELECTION_HTML = (
    "<p>Select a connection to see all its audience URLs and why its last validation came out as it did.</p>"
)


def details_html(conn: Connection, badge: Badge, stored: StoredValidation | None, color: str) -> str:
    rows = [
        ("Client ID", escape(conn.client_id) or "<i>not returned by this server</i>"),
        ("Client Secret", "********"),
        ("Token URL", escape(conn.oauth_token_url)),
        ("Audience URLs", "<br>".join(escape(a) for a in conn.audiences)),
    ]
    if conn.uses_password_grant:
        rows.append(("Grant type", f"password (user {escape(conn.credentials_username)})"))
    if conn.create_at:
        rows.append(("Created", escape(created_text(conn.create_at))))
    table = "".join(
        f'<tr><td valign="top" style="padding-right:12px"><b>{k}</b></td><td>{v}</td></tr>' for k, v in rows
    )
    validation = f'<span style="color:{color}"><b>{escape(badge.text())}</b></span>'
    if stored is not None:
        result = stored.result
        where = "checked by the server" if result.source == "server" else "checked from this computer"
        reason = result.error or (f"HTTP {result.http_status}" if result.http_status and not result.ok else "")
        validation += f" — {where}: {escape(result.label)}{f' ({escape(reason)})' if reason else ''}"
        if result.error_description:
            validation += f": “{escape(result.error_description)}”"
        if result.hint:
            validation += f"<br>{escape(result.hint)}"
        if result.detailed_error:
            validation += f"<br><i>Server detail:</i> <code>{escape(result.detailed_error)}</code>"
    else:
        validation += " — select Validate (Ctrl+Return) to ask the server for a token with it."
    return (
        f"<p style='margin-bottom:4px'><b>{escape(conn.name)}</b></p><table>{table}</table>"
        f"<p style='margin-top:6px'><b>Last validation:</b> {validation}</p>"
    )
