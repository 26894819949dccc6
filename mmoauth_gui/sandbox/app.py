"""The sandbox application: routes, simulated latency, and AppError bodies for every failure."""

from __future__ import annotations

import logging
import time

from mmoauth_gui.sandbox.errors import AppError
from mmoauth_gui.sandbox.http_types import Request, Response
from mmoauth_gui.sandbox.integrations.demo_integration import DemoIntegration
from mmoauth_gui.sandbox.integrations.routes_execute import ExecuteRoutes
from mmoauth_gui.sandbox.integrations.routes_posts import PostRoutes
from mmoauth_gui.sandbox.integrations.routes_webhooks import WebhookRoutes
from mmoauth_gui.sandbox.router import Router
from mmoauth_gui.sandbox.routes.commands import CommandRoutes
from mmoauth_gui.sandbox.routes.connections import ConnectionRoutes
from mmoauth_gui.sandbox.routes.users import UserRoutes
from mmoauth_gui.sandbox.state import State
from mmoauth_gui.sandbox.system.routes_config import ConfigRoutes
from mmoauth_gui.sandbox.token_endpoint import TokenEndpoint

log = logging.getLogger(__name__)
API_PREFIX = "/api/v4/"


class SandboxApp:
    def __init__(self, state: State, token_endpoint: TokenEndpoint) -> None:
        self.state = state
        self.router = Router()
        for routes in (UserRoutes(state), ConnectionRoutes(state), CommandRoutes(state), ConfigRoutes(state)):
            routes.register(self.router)
        token_endpoint.register(self.router)
        for more in (WebhookRoutes(state), ExecuteRoutes(state), PostRoutes(state)):
            more.register(self.router)
        DemoIntegration(token_endpoint.signing_key).register(self.router)

    def __call__(self, request: Request) -> Response:
        is_api = request.path.startswith(API_PREFIX)
        latency = self.state.latency_ms
        if is_api and latency > 0:
            time.sleep(latency / 1000)
        try:
            response = self.router.dispatch(request)
        except AppError as exc:
            response = self.error_response(exc, request.request_id)
        except Exception:
            log.exception("sandbox route %s %s failed", request.method, request.path)
            response = self.error_response(
                AppError("api.context.500.app_error", 500, "see the sandbox log"), request.request_id
            )
        response.headers.append(("X-Request-Id", request.request_id))
        if is_api:
            response.headers.append(("X-Version-Id", self.state.version_id))
        return response

    def error_response(self, error: AppError, request_id: str) -> Response:
        """``error`` as the server writes it in the sandbox's error mode (docs/MATTERMOST.md, Appendix A.4)."""
        mode = self.state.errors
        return Response.json(error.status_line(mode), error.body(request_id, mode))
