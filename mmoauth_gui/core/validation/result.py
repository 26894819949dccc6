"""The answer to “will a token come back with these settings?” — one shape for every kind of check.

Pure data: the desktop check (token client), the server check (``POST …/validate``) and bulk runs all
produce a ``ValidationResult``; ``to_json`` is the stable ``validate --json`` shape (README) and what
drafts store. The access token itself is held only in memory for a deliberate reveal and is never part
of ``to_json``, ``repr`` or equality.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from mmoauth_gui.core.validation.expectations import ExpectationCheck
from mmoauth_gui.core.validation.jwt_inspect import format_duration
from mmoauth_gui.core.validation.verification import Verification


class Category(StrEnum):
    OK = "ok"
    OAUTH_ERROR = "oauth_error"
    HTTP_ERROR = "http_error"
    INVALID_RESPONSE = "invalid_response"
    NETWORK = "network"
    TLS = "tls"
    TIMEOUT = "timeout"
    CONFIG = "config"


class Source(StrEnum):
    DESKTOP = "desktop"
    SERVER = "server"


CATEGORY_LABELS = {
    Category.OK: "Token obtained",
    Category.OAUTH_ERROR: "Refused by the token endpoint",
    Category.HTTP_ERROR: "HTTP error",
    Category.INVALID_RESPONSE: "Not a token response",
    Category.NETWORK: "Could not connect",
    Category.TLS: "Certificate not trusted",
    Category.TIMEOUT: "Timed out",
    Category.CONFIG: "Settings incomplete",
}

SCHEMA = 1
PREVIEW_CHARS = 6


def mask_token(token: str) -> str:
    """First characters and an ellipsis: enough to recognise a token, useless to replay it."""
    if len(token) <= PREVIEW_CHARS * 2:
        return "…"
    return token[:PREVIEW_CHARS] + "…"


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _opt_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _opt_dict(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None


def _str_list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass(frozen=True)
class ValidationResult:
    """One validation outcome. ``ok`` is True exactly when a token was obtained."""

    ok: bool
    category: str
    hint: str = ""
    http_status: int | None = None
    error: str | None = None  # RFC 6749 error code
    error_description: str | None = None
    error_uri: str | None = None
    auth_method: str | None = None  # client_secret_post | client_secret_basic (None: unknown, e.g. server-side)
    token_type: str | None = None
    expires_in: int | None = None
    scope: str | None = None
    claims: dict[str, Any] | None = None  # JWT access token claims, decoded for inspection, not verified
    jwt_header: dict[str, Any] | None = None
    jwt_dates: dict[str, str] = field(default_factory=dict)  # exp/iat/nbf → ISO 8601
    jwt_time_left_s: int | None = None
    jwt_note: str | None = None  # the "not verified" label, or why the JWT could not be read
    elapsed_ms: int = 0
    warnings: list[str] = field(default_factory=list)
    source: str = Source.DESKTOP.value
    detailed_error: str | None = None  # the Mattermost server's own explanation (server-side checks)
    checked_at: str = ""  # ISO 8601 UTC
    token_url: str = ""
    grant_type: str = ""
    redirect_location: str | None = None
    www_authenticate: str | None = None
    response_excerpt: str | None = None  # start of an unexpected body, secrets removed
    attempts: list[dict[str, Any]] = field(default_factory=list)  # each try of auth "auto"
    mattermost_compatible: bool | None = None  # would Mattermost's own (form) request work? None: unknown
    token_preview: str | None = None
    retry_after: str | None = None  # the endpoint's Retry-After with a 429
    verification: Verification | None = None  # the token checked as the integration would (services/token/verify)
    expectations: list[ExpectationCheck] = field(default_factory=list)
    access_token: str | None = field(default=None, repr=False, compare=False)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def failure(cls, category: Category | str, hint: str, **fields: Any) -> ValidationResult:
        return cls(ok=False, category=str(category), hint=hint, **fields)

    def with_changes(self, **changes: Any) -> ValidationResult:
        return replace(self, **changes)

    def adding_warnings(self, *warnings: str) -> ValidationResult:
        new = [w for w in dict.fromkeys(warnings) if w and w not in self.warnings]
        return replace(self, warnings=[*self.warnings, *new]) if new else self

    def without_token(self) -> ValidationResult:
        """The same result with the in-memory access token dropped (the preview stays)."""
        return replace(self, access_token=None)

    @property
    def integration_would_refuse(self) -> bool:
        """A failed signature or an unmet expectation: the integration would turn this token away."""
        return (self.verification is not None and self.verification.failed) or any(
            c.ok is False for c in self.expectations
        )

    @property
    def refusal_reason(self) -> str:
        """Why the integration would refuse the token, in one sentence ("" when it would not)."""
        if self.verification is not None and self.verification.failed:
            return "its signature does not check out."
        unmet = [c for c in self.expectations if c.ok is False]
        return (unmet[0].why or f"the {unmet[0].what} is not {unmet[0].expected}.") if unmet else ""

    # -- reading -------------------------------------------------------------------------------

    @property
    def label(self) -> str:
        try:
            return CATEGORY_LABELS[Category(self.category)]
        except ValueError:
            return self.category

    @property
    def summary(self) -> str:
        """One plain line for a badge or a tooltip."""
        where = "the server" if self.source == Source.SERVER.value else ""
        took = f" in {self.elapsed_ms} ms" if self.elapsed_ms else ""
        if self.ok:
            details = [
                d
                for d in (
                    self.token_type,
                    f"expires in {format_duration(self.expires_in)}" if self.expires_in else None,
                )
                if d
            ]
            extra = f" ({', '.join(details)})" if details else ""
            by = f" by {where}" if where else ""
            line = f"Token obtained{by}{extra}{took}."
            if self.mattermost_compatible is False:
                line += " Only with HTTP Basic: Mattermost's own request would fail."
            if self.integration_would_refuse:
                line += f" The integration would refuse it: {self.refusal_reason}"
            return line
        reason = self.error or (f"HTTP {self.http_status}" if self.http_status else "")
        head = f"{self.label}" + (f" ({reason})" if reason else "")
        first_sentence = self.hint.split(". ", 1)[0].rstrip(".") if self.hint else ""
        return f"Not validated — {head}: {first_sentence}." if first_sentence else f"Not validated — {head}."

    # -- JSON ----------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The stable ``--json`` shape. Never includes the access token."""
        return {
            "ok": self.ok,
            "category": self.category,
            "http_status": self.http_status,
            "error": self.error,
            "error_description": self.error_description,
            "error_uri": self.error_uri,
            "hint": self.hint,
            "auth_method": self.auth_method,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "scope": self.scope,
            "claims": self.claims,
            "jwt_header": self.jwt_header,
            "jwt_dates": dict(self.jwt_dates),
            "jwt_time_left_s": self.jwt_time_left_s,
            "jwt_note": self.jwt_note,
            "elapsed_ms": self.elapsed_ms,
            "warnings": list(self.warnings),
            "source": self.source,
            "detailed_error": self.detailed_error,
            "checked_at": self.checked_at,
            "token_url": self.token_url,
            "grant_type": self.grant_type,
            "redirect_location": self.redirect_location,
            "www_authenticate": self.www_authenticate,
            "response_excerpt": self.response_excerpt,
            "attempts": [dict(a) for a in self.attempts],
            "mattermost_compatible": self.mattermost_compatible,
            "token_preview": self.token_preview,
            "retry_after": self.retry_after,
            "verification": self.verification.to_json() if self.verification else None,
            "expectations": [c.to_json() for c in self.expectations],
            "summary": self.summary,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ValidationResult:
        """Read a stored result; unknown or mistyped fields fall back to empty values, never raise."""
        ok = data.get("ok") is True
        category = data.get("category")
        if not isinstance(category, str) or category not in {c.value for c in Category}:
            category = Category.OK.value if ok else Category.CONFIG.value
        mm = data.get("mattermost_compatible")
        elapsed = _opt_int(data.get("elapsed_ms"))
        dates = data.get("jwt_dates")
        attempts = data.get("attempts")
        checks = data.get("expectations")
        return cls(
            ok=ok,
            category=str(category),
            hint=_opt_str(data.get("hint")) or "",
            http_status=_opt_int(data.get("http_status")),
            error=_opt_str(data.get("error")),
            error_description=_opt_str(data.get("error_description")),
            error_uri=_opt_str(data.get("error_uri")),
            auth_method=_opt_str(data.get("auth_method")),
            token_type=_opt_str(data.get("token_type")),
            expires_in=_opt_int(data.get("expires_in")),
            scope=_opt_str(data.get("scope")),
            claims=_opt_dict(data.get("claims")),
            jwt_header=_opt_dict(data.get("jwt_header")),
            jwt_dates={k: v for k, v in dates.items() if isinstance(v, str)} if isinstance(dates, Mapping) else {},
            jwt_time_left_s=_opt_int(data.get("jwt_time_left_s")),
            jwt_note=_opt_str(data.get("jwt_note")),
            elapsed_ms=elapsed if elapsed is not None and elapsed >= 0 else 0,
            warnings=_str_list(data.get("warnings")),
            source=Source.SERVER.value if data.get("source") == Source.SERVER.value else Source.DESKTOP.value,
            detailed_error=_opt_str(data.get("detailed_error")),
            checked_at=_opt_str(data.get("checked_at")) or "",
            token_url=_opt_str(data.get("token_url")) or "",
            grant_type=_opt_str(data.get("grant_type")) or "",
            redirect_location=_opt_str(data.get("redirect_location")),
            www_authenticate=_opt_str(data.get("www_authenticate")),
            response_excerpt=_opt_str(data.get("response_excerpt")),
            attempts=[dict(a) for a in attempts if isinstance(a, Mapping)] if isinstance(attempts, list) else [],
            mattermost_compatible=mm if isinstance(mm, bool) else None,
            token_preview=_opt_str(data.get("token_preview")),
            retry_after=_opt_str(data.get("retry_after")),
            verification=Verification.from_json(data.get("verification")),
            expectations=[c for c in map(ExpectationCheck.from_json, checks) if c] if isinstance(checks, list) else [],
        )
