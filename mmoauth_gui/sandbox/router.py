"""Method + path-pattern routing, like gorilla/mux: a known path with the wrong method is a 405."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mmoauth_gui.sandbox.errors import AppError
from mmoauth_gui.sandbox.http_types import Request, Response

Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(self, method: str, path: str, handler: Handler) -> None:
        """``path`` may hold ``{name}`` segments (letters, digits, ``_``, ``-``, ``.``)."""
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[A-Za-z0-9_.-]+)", path)
        self._routes.append(Route(method, re.compile(f"^{regex}$"), handler))

    def dispatch(self, request: Request) -> Response:
        path_known = False
        for route in self._routes:
            match = route.pattern.match(request.path)
            if match is None:
                continue
            path_known = True
            if route.method == request.method:
                request.params = match.groupdict()
                return route.handler(request)
        if path_known:
            raise AppError("api.context.405.app_error", 405)
        raise AppError("api.context.404.app_error", 404, f"path={request.path}")
