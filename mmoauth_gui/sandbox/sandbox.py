"""``Sandbox``: a loopback Mattermost server (Outgoing OAuth Connections) plus a demo token endpoint.

with Sandbox(seed="demo") as sb:            # or Sandbox(...).start() ... sb.stop()
    sb.url, sb.admin_token, sb.user_token, sb.token_url, sb.demo_clients
    sb.feature = "off"; sb.latency_ms = 50   # changeable while it runs (audience_rule too)
    sb.state.add_connection(...)            # thread-safe helpers
    sb.wait_until_no_connections()          # every request a (killed) client sent has been handled
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from mmoauth_gui.sandbox.app import SandboxApp
from mmoauth_gui.sandbox.demo_clients import DemoClient, make_demo_clients, make_demo_user
from mmoauth_gui.sandbox.errors import ERROR_MODES, ErrorMode
from mmoauth_gui.sandbox.faults import Faults
from mmoauth_gui.sandbox.records import User
from mmoauth_gui.sandbox.seed import UNREACHABLE_TOKEN_URL, Placeholders, Seed, apply_seed, load_seed
from mmoauth_gui.sandbox.server import SandboxHTTPServer
from mmoauth_gui.sandbox.server_model import DEFAULT_AUDIENCE_RULE, RULE_LABELS, AudienceRule
from mmoauth_gui.sandbox.state import (
    DUPLICATE_AUDIENCES,
    FEATURES,
    LICENCES,
    DuplicateAudiences,
    Feature,
    State,
)
from mmoauth_gui.sandbox.token_endpoint import TokenEndpoint

MFA_CODE = "123456"  # the MFA user's fixed one-time code
ADMIN_USERNAME = "sysadmin"
TEAM_USERNAME = "integrator"
MFA_USERNAME = "mfa-admin"

SeedSource = str | Path | Mapping[str, Any]


class Sandbox:
    def __init__(
        self,
        seed: SeedSource = "demo",
        feature: str = "on",
        latency_ms: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        settings: Mapping[str, str] | None = None,
        audience_rule: str = DEFAULT_AUDIENCE_RULE.value,
        *,
        errors: str = "production",
        licence: str = "enterprise",
        duplicate_audiences: str = "reject",
    ) -> None:
        self._seed: Seed = load_seed(seed)  # a bad seed fails here, before anything listens
        self.state = State()
        self.state.settings = {**self._seed.settings, **(settings or {})}  # --setting wins over the seed
        self.feature = feature
        self.latency_ms = latency_ms
        self.faults = Faults()  # off; a soak sets ``sb.faults.rate`` (read on every request)
        self.audience_rule = audience_rule
        self.errors = errors
        self.licence = licence
        self.duplicate_audiences = duplicate_audiences
        self._host = host
        self._port = port
        self._clients = make_demo_clients()
        self._demo_user = make_demo_user()
        self._token_endpoint = TokenEndpoint(self._clients, self._demo_user, secrets.token_bytes(32))
        self.admin = self.state.add_user(ADMIN_USERNAME, secrets.token_urlsafe(12), system_admin=True)
        self.team_user = self.state.add_user(TEAM_USERNAME, secrets.token_urlsafe(12))
        self.mfa_user = self.state.add_user(
            MFA_USERNAME, secrets.token_urlsafe(12), system_admin=True, mfa_code=MFA_CODE
        )
        self.admin_token = self.state.issue_token(self.admin.id)
        self.user_token = self.state.issue_token(self.team_user.id)
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.url = ""

    # --- settings changeable while running ------------------------------------------------------
    @property
    def feature(self) -> str:
        return self.state.feature

    @feature.setter
    def feature(self, value: str) -> None:
        if value not in FEATURES:
            raise ValueError(f"feature must be one of {', '.join(FEATURES)}, not {value!r}")
        self.state.feature = cast(Feature, value)

    @property
    def errors(self) -> str:
        """production (no detailed_error), developer (with it) or hardened (5xx anonymous): Appendix A.4."""
        return self.state.errors

    @errors.setter
    def errors(self, value: str) -> None:
        self.state.errors = cast(ErrorMode, _one_of(value, ERROR_MODES, "errors"))

    @property
    def licence(self) -> str:
        """The licence's SKU short name, or none: only enterprise passes the public gate (§1)."""
        return self.state.license_sku

    @licence.setter
    def licence(self, value: str) -> None:
        self.state.license_sku = _one_of(value, LICENCES, "licence")

    @property
    def duplicate_audiences(self) -> str:
        return self.state.duplicate_audiences

    @duplicate_audiences.setter
    def duplicate_audiences(self, value: str) -> None:
        self.state.duplicate_audiences = cast(
            DuplicateAudiences, _one_of(value, DUPLICATE_AUDIENCES, "duplicate_audiences")
        )

    @property
    def latency_ms(self) -> int:
        return self.state.latency_ms

    @latency_ms.setter
    def latency_ms(self, value: int) -> None:
        if value < 0:
            raise ValueError("latency_ms must be 0 or more")
        self.state.latency_ms = int(value)

    @property
    def audience_rule(self) -> str:
        """Which of several matching connections the sandbox uses: ``oldest``, ``newest`` or ``longest``."""
        return self.state.audience_rule.value

    @audience_rule.setter
    def audience_rule(self, value: str) -> None:
        try:
            self.state.audience_rule = AudienceRule(value)
        except ValueError:
            rules = ", ".join(r.value for r in AudienceRule)
            raise ValueError(f"audience_rule must be one of {rules}, not {value!r}") from None

    @property
    def commands_enabled(self) -> bool:
        return self.state.commands_enabled

    @commands_enabled.setter
    def commands_enabled(self, value: bool) -> None:
        self.state.commands_enabled = bool(value)

    # --- what clients need ----------------------------------------------------------------------
    @property
    def token_url(self) -> str:
        return self._token_endpoint.token_url

    @property
    def issuer(self) -> str:
        return self._token_endpoint.issuer

    @property
    def demo_clients(self) -> list[dict[str, Any]]:
        """``[{"client_id", "client_secret", "grant_types", "scope", "description"}]`` of the demo endpoint."""
        return [c.info() for c in self._clients]

    def demo_client(self, client_id: str) -> DemoClient:
        for client in self._clients:
            if client.client_id == client_id:
                return client
        raise KeyError(f"no demo client {client_id!r}; known: {', '.join(c.client_id for c in self._clients)}")

    @property
    def demo_user(self) -> dict[str, str]:
        """The token endpoint's password-grant user: ``{"username", "password"}``."""
        return self._demo_user.info()

    @property
    def token_signing_key(self) -> bytes:
        """The HS256 key the demo endpoint signs access tokens with (to verify them in tests)."""
        return self._token_endpoint.signing_key

    @property
    def token_requests(self) -> list[dict[str, Any]]:
        """Requests the demo token endpoint has seen: client_id, auth_method, grant_type, status, error."""
        return self._token_endpoint.history

    @property
    def unreachable_token_url(self) -> str:
        return UNREACHABLE_TOKEN_URL

    @property
    def info(self) -> dict[str, Any]:
        """What ``mmoauth-gui sandbox`` prints as its first line."""
        return {
            "url": self.url,
            "token": self.admin_token,
            "user_token": self.user_token,
            "token_url": self.token_url,
            "issuer": self.issuer,
            "demo_clients": self.demo_clients,
            "demo_user": self.demo_user,
            "users": [
                self._user_info(self.admin, "system admin"),
                self._user_info(self.team_user, "team-only: manages slash commands in its integrator teams"),
                {**self._user_info(self.mfa_user, "system admin with MFA"), "mfa_code": MFA_CODE},
            ],
            "mfa_user": {"login_id": self.mfa_user.username, "password": self.mfa_user.password, "mfa_code": MFA_CODE},
            "teams": [{"id": t.id, "name": t.name, "display_name": t.display_name} for t in self.state.teams()],
            "feature": self.feature,
            "errors": self.errors,
            "licence": self.licence,
            "duplicate_audiences": self.duplicate_audiences,
            "latency_ms": self.latency_ms,
            "version": self.state.version_id,
            "audience_rule": self.audience_rule,
            "audience_rule_text": RULE_LABELS[self.state.audience_rule],
        }

    @staticmethod
    def _user_info(user: User, role: str) -> dict[str, Any]:
        return {"id": user.id, "username": user.username, "password": user.password, "role": role}

    # --- life cycle -----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> Sandbox:
        with self._lock:
            if self._server is not None:
                return self
            app = SandboxApp(self.state, self._token_endpoint)
            server = SandboxHTTPServer(self._host, self._port, app, self.faults)
            port = server.server_address[1]
            host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self._host, self._host)  # noqa: S104 - a URL to reach it
            self.url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
            self._token_endpoint.base_url = self.url
            self.state.integrations.site_url = self.url
            try:
                self._apply_seed()
            except BaseException:
                server.server_close()
                raise
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="mmoauth-sandbox", daemon=True
            )
            self._thread.start()
            return self

    def _apply_seed(self) -> None:
        values = Placeholders(
            url=self.url,
            token_url=self.token_url,
            secrets={c.client_id: c.client_secret for c in self._clients},
            demo_user_password=self._demo_user.password,
        )
        apply_seed(self._seed, self.state, values, admin_id=self.admin.id, team_user_id=self.team_user.id)
        self._seed = Seed((), ())  # applied once, even if the sandbox is started again

    def stop(self) -> None:
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.close_open_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def wait_until_no_connections(self, timeout: float = 30.0) -> bool:
        """Wait until no client connection is open or waits to be accepted, so every request already sent has
        been handled (clients must have closed their keep-alive connections); False after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while (server := self._server) is not None and server.has_connections():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Sandbox(url={self.url!r}, feature={self.feature!r}, running={self.running})"


def _one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    return value
