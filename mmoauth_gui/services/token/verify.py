"""Check an access token the way the integration will: its signature against the issuer's published keys
(discovery → ``jwks_uri``), its issuer, its dates; then the admin's expectations and the provider hints.

The signature is checked by ``joserfc``; nothing here does cryptography by hand. Every fetch is bounded in
size and time. Fetching the keys from this computer says nothing about whether the integration can.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from mmoauth_gui.core.validation import providers
from mmoauth_gui.core.validation.expectations import Expectations, check
from mmoauth_gui.core.validation.jwt_inspect import inspect_jwt
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.core.validation.verification import (
    ASYMMETRIC_ALGS,
    HMAC_REASON,
    Verification,
    VerificationStatus,
    clock_skew,
    date_problems,
    skew_note,
)
from mmoauth_gui.services.token.discovery import RedirectRefused, discover, fetch_capped

VERIFY_TIMEOUT_S = 15.0
OPAQUE = (
    "The access token is opaque (not a JWT): only its issuer can say what it grants (token introspection), "
    "and the integration must ask it too."
)


def _status(status: VerificationStatus, reason: str, **fields: Any) -> Verification:
    return Verification(status=status.value, reason=reason, **fields)


async def _keys(http: httpx.AsyncClient, jwks_uri: str, timeout_s: float) -> KeySet | str:
    """The issuer's key set, or why it could not be read."""
    try:
        status, body, _ = await fetch_capped(http, jwks_uri, timeout_s)
    except (RedirectRefused, httpx.HTTPError) as exc:
        return f"its key set at {jwks_uri} could not be fetched ({type(exc).__name__}: {exc})"
    if status != 200 or body is None:
        return f"its key set at {jwks_uri} answered HTTP {status}" + (" with too large a body" if body is None else "")
    try:
        data = json.loads(body)
        return KeySet.import_key_set(data)
    except (ValueError, RecursionError, TypeError, KeyError, JoseError) as exc:
        return f"its key set at {jwks_uri} is not a readable JWK set ({exc})"


async def verify_token(
    http: httpx.AsyncClient,
    token: str,
    *,
    issuer: str = "",
    now: float | None = None,
    timeout_s: float = VERIFY_TIMEOUT_S,
) -> Verification:
    """Verify ``token`` with the keys ``issuer`` publishes (default: the token's own ``iss``)."""
    inspection = inspect_jwt(token)
    if inspection is None:
        return _status(VerificationStatus.NOT_JWT, OPAQUE)
    if not inspection.readable:
        return _status(VerificationStatus.NOT_VERIFIABLE, inspection.reason)
    header, claims = inspection.header, inspection.claims
    alg = header.get("alg") if isinstance(header.get("alg"), str) else ""
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    token_iss = claims.get("iss") if isinstance(claims.get("iss"), str) else ""
    fields: dict[str, Any] = {"key_id": kid, "algorithm": alg or None}
    if not alg or alg.lower() == "none":
        return _status(
            VerificationStatus.FAILED, "The token is unsigned (alg none): an integration refuses it.", **fields
        )
    if alg.upper().startswith("HS"):
        return _status(VerificationStatus.NOT_VERIFIABLE, HMAC_REASON.format(alg=alg), **fields)
    if alg not in ASYMMETRIC_ALGS:
        why = f"The signing algorithm {alg} is not one this app checks."
        return _status(VerificationStatus.NOT_VERIFIABLE, why, **fields)
    key_issuer = issuer or token_iss
    fields["issuer"] = key_issuer or None
    if not key_issuer:
        why = "The token names no issuer (iss) and none was given, so there are no published keys to check it with."
        return _status(VerificationStatus.NOT_VERIFIABLE, why, **fields)
    moment = time.time() if now is None else now
    try:
        async with asyncio.timeout(timeout_s):
            found = await discover(http, key_issuer, timeout_s=timeout_s)
            if not found.ok:
                why = f"The metadata of {key_issuer} could not be read from this computer: {found.hint}"
                return _status(VerificationStatus.NOT_VERIFIABLE, why, **fields)
            if not found.jwks_uri:
                why = (
                    f"The metadata of {key_issuer} ({found.metadata_url}) publishes no jwks_uri: no keys to check with."
                )
                return _status(VerificationStatus.NOT_VERIFIABLE, why, **fields)
            fields["jwks_uri"] = found.jwks_uri
            keys = await _keys(http, found.jwks_uri, timeout_s)
    except TimeoutError:
        why = f"The issuer {key_issuer} did not publish its keys within {timeout_s:g} s."
        return _status(VerificationStatus.NOT_VERIFIABLE, why, **fields)
    if isinstance(keys, str):
        return _status(VerificationStatus.NOT_VERIFIABLE, f"The issuer {key_issuer} was found, but {keys}.", **fields)
    try:
        jwt.decode(token, keys, algorithms=[alg])
    except InvalidKeyIdError:
        why = (
            f"None of the keys {key_issuer} publishes has the token's key id {kid!r}: the token was not signed by "
            "this issuer (or its keys were rotated). An integration that trusts this issuer refuses it."
        )
        return _status(VerificationStatus.FAILED, why, **fields)
    except BadSignatureError:
        why = f"The signature does not match the keys {key_issuer} publishes: an integration that trusts it refuses it."
        return _status(VerificationStatus.FAILED, why, **fields)
    except (JoseError, ValueError) as exc:
        return _status(VerificationStatus.FAILED, f"The signature could not be checked: {exc}.", **fields)
    skew = clock_skew(claims, moment)
    fields["clock_skew_s"] = skew
    problems = date_problems(claims, moment)
    if token_iss != key_issuer:
        problems.append(f"The token's issuer is {token_iss or 'missing'}, not {key_issuer} whose keys signed it.")
    stated = found.metadata_issuer
    if stated and token_iss and stated != token_iss:
        problems.append(f"The issuer's metadata names itself {stated}, the token says {token_iss}.")
    if problems:
        reason = "The signature is good, but: " + " ".join(problems)
        return _status(VerificationStatus.FAILED, reason, **fields)
    reason = f"Signed with key {kid or '(no key id)'} that {key_issuer} publishes; issuer and dates hold."
    note = skew_note(skew)
    return _status(VerificationStatus.VERIFIED, f"{reason} {note}".strip(), **fields)


async def check_as_integration(
    http: httpx.AsyncClient,
    result: ValidationResult,
    expectations: Expectations,
    *,
    issuer: str = "",
    timeout_s: float = VERIFY_TIMEOUT_S,
) -> ValidationResult:
    """``result`` with its token verified, the expectations checked and the provider hints added."""
    verification = None
    checks = []
    if result.ok and result.access_token:
        verification = await verify_token(
            http, result.access_token, issuer=issuer or expectations.issuer, timeout_s=timeout_s
        )
        checks = check(expectations, result.claims, result.scope)
    claims_iss = result.claims.get("iss") if result.claims else None
    extra = providers.hints_for(
        token_url=result.token_url,
        issuer=claims_iss if isinstance(claims_iss, str) else issuer,
        error=result.error,
        error_description=result.error_description,
        http_status=result.http_status,
        retry_after=result.retry_after,
        checks=checks,
    )
    return result.with_changes(verification=verification, expectations=checks).adding_warnings(*extra)
