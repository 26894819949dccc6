"""A demo integration on the sandbox server: it checks the access token it receives and answers like a
slash-command handler, so the demo shows the whole chain (connection → token → integration).

Any path under ``/demo-integration/`` is served (the demo seed points commands and webhook callbacks at
``…/ok/…`` and ``…/refused/…``, which connections with a good and a wrong secret cover). A valid, unexpired
access token signed by the demo token endpoint gets 200 and an ephemeral response; anything else gets 401.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

from mmoauth_gui.sandbox.http_types import Request, Response
from mmoauth_gui.sandbox.jwt_sign import verify_hs256
from mmoauth_gui.sandbox.router import Router

PREFIX = "/demo-integration"


class DemoIntegration:
    def __init__(self, signing_key: bytes) -> None:
        self._key = signing_key

    def register(self, router: Router) -> None:
        for depth in ("{a}", "{a}/{b}", "{a}/{b}/{c}"):
            router.add("POST", f"{PREFIX}/{depth}", self.handle)
            router.add("GET", f"{PREFIX}/{depth}", self.handle)

    def _fields(self, request: Request) -> dict[str, Any]:
        if request.method == "GET":
            return {k: v[0] for k, v in request.query.items() if v}
        if "json" in request.header("Content-Type"):
            try:
                value = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                return {}
            return value if isinstance(value, dict) else {}
        parsed = urllib.parse.parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def handle(self, request: Request) -> Response:
        fields = self._fields(request)
        scheme, _, value = request.header("Authorization").partition(" ")
        claims = verify_hs256(value.strip(), self._key) if scheme.lower() == "bearer" and value.strip() else None
        if claims is None or not isinstance(claims.get("exp"), int) or claims["exp"] < time.time():
            why = "a command token instead" if scheme == "Token" else "no valid access token"
            return Response.json(
                401,
                {
                    "response_type": "ephemeral",
                    "text": f"Refused: the demo integration received {why}; it accepts only an OAuth access "
                    "token from the demo token endpoint.",
                },
            )
        who = fields.get("user_name") or "there"
        said = fields.get("text") or ""
        text = (
            f"Hello {who}: token accepted (client {claims.get('client_id', '?')}, scope {claims.get('scope', '')})."
            + (f" You sent: {said}" if said else "")
        )
        return Response.json(200, {"response_type": "ephemeral", "text": text})
