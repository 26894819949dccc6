"""Whether a JWT access token would pass the checks an integration makes: signature, issuer, dates.

Pure data and the date rules; fetching the issuer's keys and checking the signature is
``services/token/verify.py``. ``status`` is one of ``VerificationStatus``; ``reason`` says why in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mmoauth_gui.core.validation.jwt_inspect import format_duration

CLOCK_LEEWAY_S = 60  # what most JWT libraries allow for clocks that disagree
ASYMMETRIC_ALGS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "ES256K",
    "EdDSA",
    "Ed25519",
    "Ed448",
)
HMAC_REASON = (
    "The token is signed with a shared secret ({alg}): it cannot be verified without the shared key, which "
    "only the issuer and the integration hold. Nothing here can say whether the signature is good."
)


class VerificationStatus(StrEnum):
    VERIFIED = "verified"
    FAILED = "failed"
    NOT_VERIFIABLE = "not_verifiable"
    NOT_JWT = "not_jwt"


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a token as the integration would."""

    status: str
    reason: str = ""
    key_id: str | None = None
    issuer: str | None = None  # the issuer whose published keys were used
    algorithm: str | None = None
    jwks_uri: str | None = None
    clock_skew_s: int | None = None  # this computer's clock minus the token's iat (positive: we are ahead)

    @property
    def failed(self) -> bool:
        return self.status == VerificationStatus.FAILED.value

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "key_id": self.key_id,
            "issuer": self.issuer,
            "reason": self.reason,
            "algorithm": self.algorithm,
            "jwks_uri": self.jwks_uri,
            "clock_skew_s": self.clock_skew_s,
        }

    @classmethod
    def from_json(cls, data: Any) -> Verification | None:
        if not isinstance(data, Mapping) or data.get("status") not in {s.value for s in VerificationStatus}:
            return None
        skew = data.get("clock_skew_s")

        def text(name: str) -> str | None:
            value = data.get(name)
            return value if isinstance(value, str) else None

        return cls(
            status=str(data["status"]),
            reason=text("reason") or "",
            key_id=text("key_id"),
            issuer=text("issuer"),
            algorithm=text("algorithm"),
            jwks_uri=text("jwks_uri"),
            clock_skew_s=skew if isinstance(skew, int) and not isinstance(skew, bool) else None,
        )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def clock_skew(claims: Mapping[str, Any], now: float) -> int | None:
    """This computer's clock minus the token's ``iat``: the issuer's clock as seen from here."""
    iat = _number(claims.get("iat"))
    return None if iat is None else int(now - iat)


def date_problems(claims: Mapping[str, Any], now: float, *, leeway: int = CLOCK_LEEWAY_S) -> list[str]:
    """Why ``exp``/``nbf`` would make an integration refuse the token now (RFC 7519 §4.1.4, §4.1.5)."""
    out: list[str] = []
    exp = _number(claims.get("exp"))
    if "exp" in claims and exp is None:
        out.append("The exp claim is not a number: an integration refuses the token.")
    elif exp is not None and exp <= now - leeway:
        out.append(f"The token expired {format_duration(int(now - exp))} ago (exp), by this computer's clock.")
    nbf = _number(claims.get("nbf"))
    if "nbf" in claims and nbf is None:
        out.append("The nbf claim is not a number: an integration refuses the token.")
    elif nbf is not None and nbf > now + leeway:
        out.append(
            f"The token is not valid for another {format_duration(int(nbf - now))} (nbf), by this computer's "
            "clock: the issuer's clock is ahead, or this one is behind."
        )
    return out


def skew_note(skew: int | None, *, leeway: int = CLOCK_LEEWAY_S) -> str:
    """The clock difference in words, when it is worth saying."""
    if skew is None:
        return ""
    if skew < -leeway:
        return (
            f"The token was issued {format_duration(-skew)} in this computer's future (iat): one of the two "
            "clocks is wrong; an integration on a machine with this clock may refuse the token."
        )
    if skew > 300:
        return f"The token's iat is {format_duration(skew)} old although it was just issued: a clock is off."
    return ""
