"""A request as the routes see it and the response they give back: no sockets, easy to test."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JSON_TYPE = "application/json"  # exactly: the official JS client parses only this value (docs/MATTERMOST.md §1)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]  # keys lowercased
    body: bytes
    request_id: str
    params: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str) -> str:
        """The first value of query parameter ``name`` (Go's ``url.Values.Get``), or ``""``."""
        values = self.query.get(name)
        return values[0] if values else ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, status: int, value: Any, headers: list[tuple[str, str]] | None = None) -> Response:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status, data, [("Content-Type", JSON_TYPE), *(headers or [])])


def status_ok() -> Response:
    """Mattermost's ``ReturnStatusOK``."""
    return Response.json(200, {"status": "OK"})
