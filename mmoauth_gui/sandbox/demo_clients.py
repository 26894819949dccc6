"""The demo token endpoint's registered clients and password-grant user, with fresh secrets per run."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

CLIENT_CREDENTIALS = "client_credentials"
PASSWORD = "password"
DEMO_CLIENT_IDS = ("mattermost-commands", "reports-bot", "legacy-portal")


@dataclass(frozen=True)
class DemoClient:
    client_id: str
    client_secret: str = field(repr=False)
    grant_types: tuple[str, ...]
    scope: str
    description: str

    def info(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "grant_types": list(self.grant_types),
            "scope": self.scope,
            "description": self.description,
        }


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str = field(repr=False)

    def info(self) -> dict[str, str]:
        return {"username": self.username, "password": self.password}


def make_demo_clients() -> list[DemoClient]:
    """An ordinary client, one whose secret needs form-encoding, one refused the client credentials grant."""
    return [
        DemoClient(
            DEMO_CLIENT_IDS[0],
            secrets.token_urlsafe(24),
            (CLIENT_CREDENTIALS,),
            "commands.invoke",
            "ordinary client: client credentials grant, form or HTTP Basic authentication",
        ),
        DemoClient(
            DEMO_CLIENT_IDS[1],
            f"r3p+/o:r%t {secrets.token_hex(6)}",
            (CLIENT_CREDENTIALS,),
            "reports.read reports.write",
            "secret holds + / : % and a space: HTTP Basic must form-encode it before base64",
        ),
        DemoClient(
            DEMO_CLIENT_IDS[2],
            secrets.token_urlsafe(24),
            (PASSWORD,),
            "portal",
            "not allowed the client credentials grant (unauthorized_client); password grant only",
        ),
    ]


def make_demo_user() -> DemoUser:
    return DemoUser("svc-integration", secrets.token_urlsafe(12))
