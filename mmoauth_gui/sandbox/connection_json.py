"""Reading a connection from a request body the way Go's ``encoding/json`` fills the server's struct."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox.server_model import first_invalid, store_refusal

_STRINGS = (
    "id",
    "creator_id",
    "name",
    "client_id",
    "client_secret",
    "credentials_username",
    "credentials_password",
    "oauth_token_url",
    "grant_type",
)
_INTS = ("create_at", "update_at")
_GO_TYPES = {"audiences": "model.StringArray", "create_at": "int64", "update_at": "int64"}


class BodyError(ValueError):
    """The body is not a connection Go could decode; the message reads like Go's decoder error."""


@dataclass(frozen=True)
class DecodedConnection:
    connection: Connection
    present: frozenset[str]  # keys given with a non-null value (the server's pointer fields care)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _type_error(key: str, value: Any) -> BodyError:
    go_type = _GO_TYPES.get(key, "string")
    return BodyError(
        f"json: cannot unmarshal {_json_kind(value)} into Go struct field "
        f"OutgoingOAuthConnection.{key} of type {go_type}"
    )


def decode_connection(body: bytes) -> DecodedConnection:
    if not body.strip():
        raise BodyError("EOF")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BodyError(f"invalid character at offset {getattr(exc, 'pos', 0)}: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise BodyError(
            f"json: cannot unmarshal {_json_kind(data)} into Go value of type model.OutgoingOAuthConnection"
        )
    values: dict[str, Any] = {}
    present: set[str] = set()
    for key in _STRINGS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _type_error(key, value)
        values[key] = value
        present.add(key)
    for key in _INTS:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_error(key, value)
        values[key] = value
        present.add(key)
    audiences = data.get("audiences")
    if audiences is not None:
        if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
            raise _type_error("audiences", audiences)
        values["audiences"] = tuple(audiences)
        present.add("audiences")
    return DecodedConnection(Connection(**values), frozenset(present))


def patch(current: Connection, update: DecodedConnection) -> Connection:
    """The server's ``Patch``: only non-empty fields replace stored ones; credentials when given at all."""
    new = update.connection
    changes: dict[str, Any] = {}
    for key in ("name", "client_id", "client_secret", "oauth_token_url", "grant_type"):
        if getattr(new, key):
            changes[key] = getattr(new, key)
    if new.audiences:
        changes["audiences"] = new.audiences
    for key in ("credentials_username", "credentials_password"):
        if key in update.present:
            changes[key] = getattr(new, key)
    return current.with_changes(**changes)


def first_rule_error(conn: Connection) -> str | None:
    """Why the server refuses to store ``conn``: the first broken ``IsValid`` rule, else a database limit."""
    broken = first_invalid(conn)
    return str(broken) if broken is not None else store_refusal(conn)
