"""A loopback Mattermost simulator for Outgoing OAuth Connections, plus a demo OAuth token endpoint."""

from mmoauth_gui.sandbox.sandbox import MFA_CODE, Sandbox
from mmoauth_gui.sandbox.seed import SeedError
from mmoauth_gui.sandbox.state import RuleError, State

__all__ = ["MFA_CODE", "RuleError", "Sandbox", "SeedError", "State"]
