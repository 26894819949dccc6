"""HS256 JWTs for the demo token endpoint's access tokens (RFC 7519, RFC 9068 header ``typ: at+jwt``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_hs256(claims: dict[str, Any], key: bytes, *, typ: str = "at+jwt", kid: str = "sandbox") -> str:
    header = {"alg": "HS256", "typ": typ, "kid": kid}
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":")).encode("utf-8")) for part in (header, claims)
    )
    signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def verify_hs256(token: str, key: bytes) -> dict[str, Any] | None:
    """The claims when ``token`` carries a valid signature by ``key``, else ``None``."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    expected = hmac.new(key, f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256).digest()
    if not hmac.compare_digest(b64url(expected), parts[2]):
        return None
    padded = parts[1] + "=" * (-len(parts[1]) % 4)
    claims = json.loads(base64.urlsafe_b64decode(padded))
    return claims if isinstance(claims, dict) else None
