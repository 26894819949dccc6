"""What the integration expects of a token (audience, scopes, issuer), and whether a token meets it.

Mattermost sends no ``scope``, ``audience`` or ``resource`` with the token request (docs/MATTERMOST.md §5),
so the token carries whatever the identity provider gives by default; these checks say whether that is
what the integration will accept. An opaque token cannot show its audience or issuer: ``ok`` is then
``None`` (unknown), never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Expectations:
    audience: str = ""
    scopes: tuple[str, ...] = ()
    issuer: str = ""

    @property
    def empty(self) -> bool:
        return not (self.audience or self.scopes or self.issuer)

    def to_json(self) -> dict[str, Any]:
        return {"audience": self.audience, "scopes": list(self.scopes), "issuer": self.issuer}

    @classmethod
    def from_json(cls, data: Any) -> Expectations:
        if not isinstance(data, Mapping):
            return cls()
        scopes = data.get("scopes")
        audience, issuer = data.get("audience"), data.get("issuer")
        return cls(
            audience=audience.strip() if isinstance(audience, str) else "",
            scopes=tuple(s for s in scopes if isinstance(s, str) and s) if isinstance(scopes, list) else (),
            issuer=issuer.strip() if isinstance(issuer, str) else "",
        )


@dataclass(frozen=True)
class ExpectationCheck:
    what: str  # audience | scope | issuer
    expected: str
    actual: list[str] = field(default_factory=list)
    ok: bool | None = None  # None: the token does not show it
    why: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "expected": self.expected,
            "actual": list(self.actual),
            "ok": self.ok,
            "why": self.why,
        }

    @classmethod
    def from_json(cls, data: Any) -> ExpectationCheck | None:
        if not isinstance(data, Mapping) or not isinstance(data.get("what"), str):
            return None
        actual = data.get("actual")
        ok = data.get("ok")
        why = data.get("why")
        return cls(
            what=str(data["what"]),
            expected=str(data.get("expected", "")),
            actual=[a for a in actual if isinstance(a, str)] if isinstance(actual, list) else [],
            ok=ok if isinstance(ok, bool) else None,
            why=why if isinstance(why, str) else "",
        )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def token_scopes(claims: Mapping[str, Any] | None, response_scope: str | None) -> list[str] | None:
    """Every scope the token grants: the response's ``scope``, the ``scope``/``scp`` claims, Entra's ``roles``."""
    found: list[str] = []
    if response_scope:
        found += response_scope.split()
    shown = bool(response_scope)
    for name in ("scope", "scp", "roles"):
        if claims is not None and name in claims:
            shown = True
            for value in _strings(claims[name]):
                found += value.split()
    return list(dict.fromkeys(found)) if shown else None


def _near_miss(expected: str, actual: list[str]) -> str:
    for value in actual:
        if value.rstrip("/") == expected.rstrip("/"):
            return f" It differs only by a trailing slash ({value}); most libraries compare exactly."
        if value.lower() == expected.lower():
            return f" It differs only in letter case ({value}); most libraries compare exactly."
    return ""


def check(
    expectations: Expectations, claims: Mapping[str, Any] | None, response_scope: str | None
) -> list[ExpectationCheck]:
    """One check per expectation: the audience among ``aud``, each scope granted, ``iss`` equal."""
    out: list[ExpectationCheck] = []
    if expectations.audience:
        want = expectations.audience
        if claims is None:
            out.append(
                ExpectationCheck("audience", want, [], None, "The token is opaque: its audience cannot be read.")
            )
        else:
            auds = _strings(claims.get("aud"))
            met = want in auds
            why = (
                ""
                if met
                else (
                    f"The token is for {', '.join(auds)}, not {want}."
                    if auds
                    else "The token has no aud claim; an integration that checks its audience refuses it."
                )
                + ("" if met else _near_miss(want, auds))
            )
            out.append(ExpectationCheck("audience", want, auds, met, why))
    granted = token_scopes(claims, response_scope)
    for scope in expectations.scopes:
        if granted is None:
            why = "Neither the token response nor the token says which scopes it grants."
            out.append(ExpectationCheck("scope", scope, [], None, why))
            continue
        met = scope in granted
        why = "" if met else f"The token grants {', '.join(granted) or 'no scope'}, not {scope}."
        out.append(ExpectationCheck("scope", scope, granted, met, why))
    if expectations.issuer:
        want = expectations.issuer
        if claims is None:
            out.append(ExpectationCheck("issuer", want, [], None, "The token is opaque: its issuer cannot be read."))
        else:
            iss = _strings(claims.get("iss"))
            met = want in iss
            why = (
                ""
                if met
                else (f"The token was issued by {iss[0]}, not {want}." if iss else "The token has no iss claim.")
            )
            out.append(ExpectationCheck("issuer", want, iss, met, why + ("" if met else _near_miss(want, iss))))
    return out


def unmet(checks: list[ExpectationCheck]) -> list[ExpectationCheck]:
    return [c for c in checks if c.ok is False]
