"""The server's ``OutgoingOAuthConnection.IsValid``: the first broken rule, in the server's order and words.

Ported from ``server/public/model/outgoing_oauth_connection.go`` and ``IsValidId`` in ``model/utils.go``
(docs/MATTERMOST.md Appendix B.1): lengths in runes (Python characters); ids as ``sandbox.ids`` checks them.
"""

from __future__ import annotations

from dataclasses import dataclass

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox.ids import is_valid_id, new_id
from mmoauth_gui.sandbox.server_model.go_url import is_valid_http_url

_WHERE = "OutgoingOAuthConnection.IsValid"
_PREFIX = "model.outgoing_oauth_connection.is_valid."
# en.json texts of each rule's id (docs/MATTERMOST.md Appendix B.1).
TEXTS = {
    "id.error": "Invalid id.",
    "create_at.error": "Create at must be a valid time.",
    "update_at.error": "Update at must be a valid time.",
    "creator_id.error": "Invalid creator id.",
    "name.error": "Invalid name.",
    "client_id.error": "Invalid client id.",
    "client_secret.error": "Invalid client secret.",
    "oauth_token_url.error": "Invalid oauth token url.",
    "grant_type.error": "Invalid grant type.",
    "password_credentials.error": "Invalid password credentials.",
    "audience.empty": "Audience must not be empty.",
    "audience.error": "Audience URL is invalid: {url}",
}


@dataclass(frozen=True)
class RuleBreak:
    """The AppError ``IsValid`` returns (status 400 inside the model)."""

    id: str
    message: str
    detail: str

    def __str__(self) -> str:
        """As Go's ``AppError.Error()`` prints it: where, message, detail."""
        return f"{_WHERE}: {self.message}, {self.detail}"


def _rule_break(key: str, conn: Connection, **params: str) -> RuleBreak:
    detail = "" if key == "id.error" else f"id={conn.id}"
    return RuleBreak(_PREFIX + key, TEXTS[key].format(**params), detail)


def first_invalid(conn: Connection) -> RuleBreak | None:
    """The first rule ``conn`` breaks, or ``None``.

    The server tells an absent password-grant credential (nil pointer) from an empty one, but both break
    the same rule with the same id, so an empty string stands for both here.
    """
    checks: list[tuple[bool, str]] = [
        (not is_valid_id(conn.id), "id.error"),
        (conn.create_at == 0, "create_at.error"),
        (conn.update_at == 0, "update_at.error"),
        (not is_valid_id(conn.creator_id), "creator_id.error"),
        (conn.name == "" or len(conn.name) > 64, "name.error"),
        (conn.client_id == "" or len(conn.client_id) > 255, "client_id.error"),
        (conn.client_secret == "" or len(conn.client_secret) > 255, "client_secret.error"),
        (not is_valid_http_url(conn.oauth_token_url) or len(conn.oauth_token_url) > 256, "oauth_token_url.error"),
        (conn.grant_type not in ("client_credentials", "password"), "grant_type.error"),
        (
            conn.grant_type == "password" and (conn.credentials_username == "" or conn.credentials_password == ""),
            "password_credentials.error",
        ),
        (len(conn.audiences) == 0, "audience.empty"),
    ]
    for broken, key in checks:
        if broken:
            return _rule_break(key, conn)
    for audience in conn.audiences:
        if not is_valid_http_url(audience):
            return _rule_break("audience.error", conn, url=audience)
    return None


AUDIENCES_COLUMN = 1024  # VARCHAR(1024) holding the audiences as JSON (docs/MATTERMOST.md §3: unverified)


def go_json_size(values: list[str] | tuple[str, ...]) -> int:
    """Characters of Go's ``json.Marshal`` of a string list: ``<>&`` and U+2028/9 become ``\\uXXXX``."""
    size = 2 + max(len(values) - 1, 0)
    for value in values:
        size += 2
        for ch in value:
            if ch in '"\\\n\r\t':
                size += 2
            elif ch < " " or ch in "<>&\u2028\u2029":
                size += 6
            else:
                size += 1
    return size


def store_refusal(conn: Connection) -> str | None:
    """The database error a valid connection still meets when stored: audiences longer than their column."""
    if go_json_size(conn.audiences) > AUDIENCES_COLUMN:
        return f'pq: value too long for type character varying({AUDIENCES_COLUMN}) (column "audiences")'
    return None


def refusal_on_create(conn: Connection) -> str | None:
    """Why the server would not store ``conn`` as new (its id, creator and times set as ``PreSave`` and the
    session set them): the broken rule's text or the database's error; ``None`` when it would."""
    saved = conn.with_changes(id=new_id(), creator_id=conn.creator_id or new_id(), create_at=1, update_at=1)
    broken = first_invalid(saved)
    return broken.message if broken is not None else store_refusal(saved)
