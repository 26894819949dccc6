"""``mmoauth-gui validate``: ask a token URL for a token the way Mattermost would, and explain the answer.

The client secret comes from ``MMOAUTH_CLIENT_SECRET`` or the first line of standard input, the password
(password grant) from ``MMOAUTH_PASSWORD`` or the next line; never from the command line. Exit 0 when a
token was obtained and the integration would accept it, 1 when not (no token, a failed signature, an unmet
``--expect-*``), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import ssl
import sys
import textwrap
from typing import Any

from mmoauth_gui.cli.connection_flags import read_client_secrets
from mmoauth_gui.cli.support import CLIENT_SECRET_ENV, PASSWORD_ENV, Exit, add_json_flag, fail, print_json
from mmoauth_gui.core.model import GrantType
from mmoauth_gui.core.validation import hints as hints
from mmoauth_gui.core.validation.expectations import Expectations
from mmoauth_gui.core.validation.jwt_inspect import format_duration
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.http import DEFAULT_TIMEOUT, make_http_client, ssl_context
from mmoauth_gui.services.token.client import AuthChoice, TokenRequest, request_token
from mmoauth_gui.services.token.discovery import HTTP_ENDPOINT_WARNING, DiscoveryResult, discover
from mmoauth_gui.services.token.verify import check_as_integration

WIDTH = 100
AUTH_WORDS = {
    hints.POST: "in the form body (client_secret_post), the way Mattermost asks",
    hints.BASIC: "in an HTTP Basic header (client_secret_basic), not the way Mattermost asks",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="ask a token URL for a token the way Mattermost does, and explain the answer",
        description="Request a token from an OAuth token URL exactly as Mattermost does (form POST with "
        "grant_type, client_id and client_secret) and explain the outcome. The client secret comes from "
        f"{CLIENT_SECRET_ENV} or standard input, the password from {PASSWORD_ENV} or the next line of it. "
        "A JWT access token is verified against its issuer's published keys and checked against the "
        "--expect-* options. Exit status: 0 token obtained and acceptable, 1 not obtained, signature failed or "
        "an expectation unmet, 2 usage error.",
    )
    parser.add_argument("--token-url", metavar="URL", help="the connection's OAuth Token URL")
    parser.add_argument("--client-id", metavar="ID", required=True, help="the connection's Client ID")
    parser.add_argument(
        "--auth-method",
        choices=[a.value for a in AuthChoice],
        default=AuthChoice.POST.value,
        help="post: credentials in the form body, as Mattermost sends them (default); basic: HTTP Basic; "
        "auto: Mattermost's way first, HTTP Basic if the client is refused",
    )
    parser.add_argument(
        "--grant-type", choices=[g.value for g in GrantType], default=GrantType.CLIENT_CREDENTIALS.value
    )
    parser.add_argument("--username", metavar="U", help="the account for the password grant")
    parser.add_argument("--ca-file", metavar="FILE", help="also trust the CA certificate(s) in this PEM file")
    parser.add_argument(
        "--issuer", metavar="URL", help="find the token URL (and what the server supports) by discovery"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"give up after S seconds in total (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--reveal-token", action="store_true", help="print the access token itself (it is masked otherwise)"
    )
    parser.add_argument(
        "--expect-audience", metavar="URL", default="", help="the audience the integration checks (aud claim)"
    )
    parser.add_argument(
        "--expect-scope", metavar="S", action="append", default=[], help="a scope the integration needs (repeatable)"
    )
    parser.add_argument("--expect-issuer", metavar="URL", default="", help="the issuer the integration trusts (iss)")
    add_json_flag(parser)
    parser.set_defaults(func=handle)


def _check_usage(args: argparse.Namespace) -> None:
    if not args.token_url and not args.issuer:
        fail("Give the token URL (--token-url URL) or an issuer to discover it from (--issuer URL).")
    if not args.timeout > 0:
        fail("--timeout must be a positive number of seconds.")
    if args.grant_type == GrantType.PASSWORD.value and not args.username:
        fail("The password grant needs --username (the password comes from MMOAUTH_PASSWORD or stdin).")
    if args.username and args.grant_type != GrantType.PASSWORD.value:
        fail("--username is only used with --grant-type password.")
    if args.ca_file:
        try:
            ssl_context(args.ca_file)
        except (OSError, ssl.SSLError) as exc:
            fail(f"Cannot use --ca-file {args.ca_file}: {getattr(exc, 'strerror', None) or exc}.")


def handle(args: argparse.Namespace) -> int:
    _check_usage(args)
    secret, password = read_client_secrets(args.grant_type)
    result, discovery = asyncio.run(_validate(args, secret, password))
    if args.json:
        body = result.to_json()
        if discovery is not None:
            body["discovery"] = discovery.to_json()
        if args.reveal_token and result.access_token:
            body["access_token"] = result.access_token
        print_json(body)
    else:
        sys.stdout.write(render(result, discovery, reveal=args.reveal_token))
    return Exit.OK if result.ok and not result.integration_would_refuse else Exit.CHECK_FAILED


async def _validate(
    args: argparse.Namespace, secret: str, password: str
) -> tuple[ValidationResult, DiscoveryResult | None]:
    async with make_http_client(ca_file=args.ca_file, timeout=args.timeout) as http:
        token_url = args.token_url or ""
        discovery = None
        extra: list[str] = []
        if args.issuer:
            discovery = await discover(http, args.issuer, grant_type=args.grant_type, timeout_s=args.timeout)
            if discovery.ok and discovery.token_endpoint:
                extra = [w for w in discovery.warnings if w != HTTP_ENDPOINT_WARNING]
                if not token_url:
                    token_url = discovery.token_endpoint
                elif token_url != discovery.token_endpoint:
                    extra.append(
                        f"The issuer's metadata names another token endpoint ({discovery.token_endpoint}) than "
                        "--token-url; the --token-url one was asked."
                    )
            elif not token_url:
                return discovery.as_validation_failure(), discovery
            else:
                extra.append(f"Discovery from {args.issuer} failed: {discovery.hint}")
        request = TokenRequest(
            token_url=token_url,
            client_id=args.client_id,
            client_secret=secret,
            grant_type=args.grant_type,
            username=args.username or "",
            password=password,
            auth=args.auth_method,
            timeout=args.timeout,
        )
        result = await request_token(http, request)
        expect = Expectations(args.expect_audience.strip(), tuple(args.expect_scope), args.expect_issuer.strip())
        result = await check_as_integration(http, result, expect, timeout_s=args.timeout)
        return result.adding_warnings(*extra), discovery


# ---- human output ---------------------------------------------------------------------------------


def _wrap(label: str, text: str) -> list[str]:
    prefix = f"  {label:<15}"
    return _fill(text, prefix, " " * len(prefix)) or [prefix]


def _fill(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False, break_long_words=False
    )


def _claim_value(name: str, value: Any, result: ValidationResult) -> str:
    date = result.jwt_dates.get(name)
    if date is None:
        return str(value)
    if name == "exp" and result.jwt_time_left_s is not None:
        left = result.jwt_time_left_s
        return f"{date} ({'expires in ' + format_duration(left) if left > 0 else 'expired'})"
    return date


VERIFICATION_WORDS = {
    "verified": "signature verified",
    "failed": "VERIFICATION FAILED",
    "not_verifiable": "cannot be verified",
    "not_jwt": "opaque token",
}


def _integration_lines(result: ValidationResult) -> list[str]:
    """The token as the integration will see it: the signature check and each expectation."""
    lines: list[str] = []
    if result.verification is not None:
        v = result.verification
        lines += _wrap("Signature:", f"{VERIFICATION_WORDS.get(v.status, v.status)} — {v.reason}")
    for c in result.expectations:
        mark = {True: "met", False: "NOT MET", None: "unknown"}[c.ok]
        text = f"{c.what} {c.expected}: {mark}" + (f" — {c.why}" if c.why else "")
        lines += _wrap("Expected:", text)
    if result.integration_would_refuse:
        lines += _wrap("Verdict:", "the integration would refuse this token.")
    return lines


def render(result: ValidationResult, discovery: DiscoveryResult | None = None, *, reveal: bool = False) -> str:
    """The result in plain words, for a terminal."""
    lines: list[str] = []
    if result.ok:
        lines.append(f"Token obtained in {result.elapsed_ms} ms.")
    else:
        lines.append(f"No token: {result.label.lower()}.")
    if discovery is not None and discovery.ok:
        lines += _wrap("Discovered:", f"token endpoint {discovery.token_endpoint} (from {discovery.metadata_url})")
    if result.token_url:
        lines += _wrap("Token URL:", result.token_url)
    if result.auth_method:
        lines += _wrap("Credentials:", AUTH_WORDS.get(result.auth_method, result.auth_method))
    if result.http_status is not None:
        lines += _wrap("HTTP status:", str(result.http_status))
    if result.error:
        described = f"{result.error} — {result.error_description}" if result.error_description else result.error
        lines += _wrap("OAuth error:", described)
    if result.error_uri:
        lines += _wrap("Error page:", result.error_uri)
    if result.www_authenticate:
        lines += _wrap("Challenge:", f"WWW-Authenticate: {result.www_authenticate}")
    if result.redirect_location:
        lines += _wrap("Redirects to:", result.redirect_location)
    if result.response_excerpt:
        lines += _wrap("Answer:", result.response_excerpt)
    if result.detailed_error:
        lines += _wrap("Detail:", result.detailed_error)
    if result.ok:
        facts = [result.token_type or "no token_type"]
        if result.expires_in is not None:
            facts.append(f"expires in {format_duration(result.expires_in)}")
        facts.append(f"scope: {result.scope!r}" if result.scope else "no scope")
        lines += _wrap("Token:", ", ".join(facts))
        if reveal and result.access_token:
            lines += _wrap("Access token:", result.access_token)
        elif result.token_preview:
            lines += _wrap("Access token:", f"{result.token_preview} (--reveal-token prints it in full)")
    lines += _wrap("What it means:", result.hint)
    if result.attempts and len(result.attempts) > 1:
        for attempt in result.attempts:
            outcome = "token" if attempt.get("ok") else attempt.get("error") or attempt.get("category")
            lines += _wrap("Tried:", f"{attempt.get('auth_method')}: {outcome}")
    if result.warnings:
        lines.append("  Warnings:")
        for warning in result.warnings:
            lines += _fill(warning, "    - ", "      ")
    lines += _integration_lines(result)
    if result.claims:
        verified = result.verification is not None and result.verification.status == "verified"
        lines.append(
            "  Access token claims (signature verified):"
            if verified
            else "  Access token claims (decoded for inspection only, the signature was NOT verified):"
        )
        for name, value in result.claims.items():
            lines += _fill(f"{name}: {_claim_value(name, value, result)}", "    ", "      ")
    elif result.jwt_note and result.ok:
        lines += _wrap("JWT:", result.jwt_note)
    return "\n".join(lines) + "\n"
