"""The sandbox's own model of the server's rules: URL parsing, ``IsValid`` and audience matching.

Written from docs/MATTERMOST.md and the Go sources it names, apart from the product's ``core.rules``,
``core.audience`` and ``core.preview``, so a test can hold the product's predictions against it.
"""

from mmoauth_gui.sandbox.server_model.audience_rule import (
    DEFAULT_AUDIENCE_RULE,
    RULE_LABELS,
    AudienceRule,
    audience_covers,
    pick_connection,
)
from mmoauth_gui.sandbox.server_model.go_url import GoUrlError, is_valid_http_url, parse_request_uri
from mmoauth_gui.sandbox.server_model.is_valid import RuleBreak, first_invalid, refusal_on_create, store_refusal

__all__ = [
    "DEFAULT_AUDIENCE_RULE",
    "RULE_LABELS",
    "AudienceRule",
    "GoUrlError",
    "RuleBreak",
    "audience_covers",
    "first_invalid",
    "is_valid_http_url",
    "parse_request_uri",
    "pick_connection",
    "refusal_on_create",
    "store_refusal",
]
