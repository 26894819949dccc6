"""What a sandbox starts with: ``demo``, ``empty``, a JSON file or a dict, checked before anything is served.

File format::

    {"teams": [{"name", "display_name"?, "user_role"?: "admin"|"integrator"|"member"|"none",
                "channels"?: ["town-square", "off-topic", ...],
                "commands": [{"trigger", "url", "method"?: "P"|"G", "display_name"?, "description"?,
                              "creator"?: "admin"|"user"}],
                "outgoing_webhooks": [{"display_name", "trigger_words"?: [...], "trigger_when"?: 0|1,
                                       "callback_urls": [...], "content_type"?, "channel"?: NAME,
                                       "creator"?: "admin"|"user"}]}],
     "connections": [{"name", "client_id", "client_secret", "oauth_token_url", "audiences": [...],
                      "grant_type"?, "credentials_username"?, "credentials_password"?}],
     "settings"?: {"ServiceSettings.AllowedUntrustedInternalConnections": "localhost 127.0.0.0/8 ::1/128"}}

``user_role`` is the team-only user's role in that team (default: integrator in the first team, member
elsewhere). String values may hold placeholders filled at start: ``{url}`` (the sandbox),
``{token_url}`` (its demo token endpoint), ``{unreachable_token_url}`` (a port nothing listens on),
``{secret:CLIENT_ID}`` (a demo client's secret), ``{demo_user_password}`` (the password-grant user's).
``settings`` are server settings (``sandbox/token_fetch.py`` lists those read); without them a seed file gets a
real server's defaults, so a token URL on loopback is refused by validate unless the seed allows loopback.
The built-in ``demo`` and ``empty`` seeds allow it: their token endpoint is the sandbox's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox.demo_clients import DEMO_CLIENT_IDS
from mmoauth_gui.sandbox.integrations.store import DEFAULT_CHANNELS
from mmoauth_gui.sandbox.permissions import TEAM_ROLES, TeamRole
from mmoauth_gui.sandbox.server_model import is_valid_http_url, refusal_on_create
from mmoauth_gui.sandbox.server_model.untrusted import ALLOWED_UNTRUSTED_INTERNAL
from mmoauth_gui.sandbox.state import State
from mmoauth_gui.sandbox.token_fetch import LOOPBACK_ALLOWED, SettingError, check_setting_key

DEMO_SEED_FILE = "demo_seed.json"
UNREACHABLE_TOKEN_URL = "https://127.0.0.1:1/oauth2/token"
_TEAM_KEYS = {"name", "display_name", "user_role", "commands", "channels", "outgoing_webhooks"}
_HOOK_KEYS = {"display_name", "trigger_words", "trigger_when", "callback_urls", "content_type", "channel", "creator"}
_CHANNEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_COMMAND_KEYS = {"trigger", "url", "method", "display_name", "description", "creator"}
_CONNECTION_KEYS = {
    "name",
    "client_id",
    "client_secret",
    "oauth_token_url",
    "audiences",
    "grant_type",
    "credentials_username",
    "credentials_password",
}
_TEAM_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
_PLACEHOLDER = re.compile(r"\{(url|token_url|unreachable_token_url|demo_user_password|secret:[^{}]+)\}")


class SeedError(ValueError):
    """The seed cannot be used; the message says where and why."""


@dataclass(frozen=True)
class SeedCommand:
    trigger: str
    url: str
    method: str
    display_name: str
    description: str
    creator: str  # "admin" | "user"


@dataclass(frozen=True)
class SeedWebhook:
    display_name: str
    trigger_words: tuple[str, ...]
    trigger_when: int
    callback_urls: tuple[str, ...]
    content_type: str
    channel: str  # a channel name of the team, or "" (team-wide, trigger words required)
    creator: str  # "admin" | "user"


@dataclass(frozen=True)
class SeedTeam:
    name: str
    display_name: str
    user_role: str  # one of TEAM_ROLES, or "none"
    commands: tuple[SeedCommand, ...]
    channels: tuple[str, ...] = DEFAULT_CHANNELS
    webhooks: tuple[SeedWebhook, ...] = ()


@dataclass(frozen=True)
class Seed:
    teams: tuple[SeedTeam, ...]
    connections: tuple[Mapping[str, Any], ...]  # placeholders still in the strings
    settings: Mapping[str, str] = field(default_factory=dict)  # server settings, "Section.Key": value


@dataclass(frozen=True)
class Placeholders:
    url: str
    token_url: str
    secrets: Mapping[str, str]
    demo_user_password: str
    unreachable_token_url: str = UNREACHABLE_TOKEN_URL

    def fill(self, text: str) -> str:
        def one(match: re.Match[str]) -> str:
            key = match.group(1)
            if key.startswith("secret:"):
                client_id = key.removeprefix("secret:")
                if client_id not in self.secrets:
                    known = ", ".join(self.secrets)
                    raise SeedError(f"the placeholder {{{key}}} names no demo client (known: {known})")
                return self.secrets[client_id]
            return str(getattr(self, key))

        return _PLACEHOLDER.sub(one, text)


def load_seed(seed: str | Path | Mapping[str, Any]) -> Seed:
    """``"demo"``, ``"empty"``, a path to a JSON file, or the parsed mapping itself."""
    where = "seed"
    if isinstance(seed, Mapping):
        data: Any = seed
    elif seed == "empty":
        data = {"settings": {ALLOWED_UNTRUSTED_INTERNAL: LOOPBACK_ALLOWED}}
    elif seed == "demo":
        data = json.loads(resources.files("mmoauth_gui.sandbox").joinpath(DEMO_SEED_FILE).read_text("utf-8"))
    elif not isinstance(seed, str | Path):
        raise SeedError(f"seed must be 'demo', 'empty', a path or a mapping, not {type(seed).__name__}")
    else:
        path = Path(seed)
        where = f"seed file {path}"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SeedError(f"cannot read {where}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise SeedError(f"{where} is not UTF-8 text") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SeedError(f"{where} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
        except RecursionError:
            raise SeedError(f"{where} is not valid JSON: nested too deeply") from None
    return _parse(data, where)


def _object(value: Any, where: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SeedError(f"{where} must be a JSON object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        keys = "key" if len(unknown) == 1 else "keys"
        raise SeedError(f"{where} has unknown {keys} {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
    return value


def _text(obj: Mapping[str, Any], key: str, where: str, *, required: bool = True, default: str = "") -> str:
    value = obj.get(key, None)
    if value is None:
        if required:
            raise SeedError(f"{where}.{key} is required")
        return default
    if not isinstance(value, str) or (required and not value):
        raise SeedError(f"{where}.{key} must be a non-empty string")
    return value


def _list(obj: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise SeedError(f"{where}.{key} must be a JSON array")
    return value


def _parse(data: Any, where: str) -> Seed:
    root = _object(data, where, {"teams", "connections", "settings"})
    teams: list[SeedTeam] = []
    names: set[str] = set()
    for i, raw in enumerate(_list(root, "teams", where)):
        team = _parse_team(raw, f"{where}: teams[{i}]", first=i == 0)
        if team.name in names:
            raise SeedError(f"{where}: teams[{i}].name {team.name!r} is used by another team")
        names.add(team.name)
        teams.append(team)
    connections = []
    for i, raw in enumerate(_list(root, "connections", where)):
        connections.append(_parse_connection(raw, f"{where}: connections[{i}]"))
    return Seed(tuple(teams), tuple(connections), _parse_settings(root.get("settings", {}), f"{where}: settings"))


def _parse_settings(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise SeedError(f'{where} must be a JSON object of "Section.Key": "value"')
    settings: dict[str, str] = {}
    for key, value in raw.items():
        try:
            check_setting_key(key)
        except SettingError as exc:
            raise SeedError(f"{where}: {exc}") from None
        if not isinstance(value, str):
            raise SeedError(f"{where}: {key} must be a string")
        settings[key] = value
    return settings


def _parse_team(raw: Any, where: str, *, first: bool) -> SeedTeam:
    obj = _object(raw, where, _TEAM_KEYS)
    name = _text(obj, "name", where)
    if not _TEAM_NAME.match(name):
        raise SeedError(f"{where}.name {name!r} must be 2-64 lowercase letters, digits, '-' or '_'")
    role = _text(obj, "user_role", where, required=False, default="integrator" if first else "member")
    if role not in (*TEAM_ROLES, "none"):
        raise SeedError(f"{where}.user_role must be one of {', '.join((*TEAM_ROLES, 'none'))}, not {role!r}")
    commands = []
    triggers: set[str] = set()
    for j, raw_cmd in enumerate(_list(obj, "commands", where)):
        cmd = _parse_command(raw_cmd, f"{where}.commands[{j}]")
        if cmd.trigger in triggers:
            raise SeedError(f"{where}.commands[{j}].trigger {cmd.trigger!r} is used twice in this team")
        triggers.add(cmd.trigger)
        commands.append(cmd)
    display = _text(obj, "display_name", where, required=False, default=name)
    channels = tuple(_list(obj, "channels", where)) if "channels" in obj else DEFAULT_CHANNELS
    for j, channel in enumerate(channels):
        if not isinstance(channel, str) or not _CHANNEL_NAME.match(channel):
            raise SeedError(f"{where}.channels[{j}] must be a channel name: lowercase letters, digits, '-' or '_'")
    if len(set(channels)) != len(channels):
        raise SeedError(f"{where}.channels names a channel twice")
    hooks = tuple(
        _parse_webhook(raw_hook, f"{where}.outgoing_webhooks[{j}]", channels)
        for j, raw_hook in enumerate(_list(obj, "outgoing_webhooks", where))
    )
    return SeedTeam(name, display, role, tuple(commands), channels, hooks)


def _parse_webhook(raw: Any, where: str, channels: tuple[str, ...]) -> SeedWebhook:
    obj = _object(raw, where, _HOOK_KEYS)
    words = _list(obj, "trigger_words", where)
    if not all(isinstance(w, str) and w and not any(ch.isspace() for ch in w) for w in words):
        raise SeedError(f"{where}.trigger_words must hold words without spaces")
    when = obj.get("trigger_when", 0)
    if when not in (0, 1) or isinstance(when, bool):
        raise SeedError(f"{where}.trigger_when must be 0 (first word is a trigger word) or 1 (starts with one)")
    urls = _list(obj, "callback_urls", where)
    if not urls:
        raise SeedError(f"{where}.callback_urls must name at least one URL")
    for k, url in enumerate(urls):
        if not isinstance(url, str):
            raise SeedError(f"{where}.callback_urls[{k}] must be a string")
        if not is_valid_http_url(_dummy_fill(url)):
            raise SeedError(f"{where}.callback_urls[{k}]: {_NOT_A_SERVER_URL}")
    channel = _text(obj, "channel", where, required=False)
    if channel and channel not in channels:
        raise SeedError(f"{where}.channel {channel!r} is not one of the team's channels ({', '.join(channels)})")
    if not channel and not words:
        raise SeedError(f"{where} needs a channel or trigger words (the server requires one of them)")
    creator = _text(obj, "creator", where, required=False, default="admin")
    if creator not in ("admin", "user"):
        raise SeedError(f'{where}.creator must be "admin" or "user" (the team-only user), not {creator!r}')
    return SeedWebhook(
        _text(obj, "display_name", where),
        tuple(words),
        int(when),
        tuple(urls),
        _text(obj, "content_type", where, required=False, default="application/x-www-form-urlencoded"),
        channel,
        creator,
    )


def _parse_command(raw: Any, where: str) -> SeedCommand:
    obj = _object(raw, where, _COMMAND_KEYS)
    trigger = _text(obj, "trigger", where)
    if trigger.startswith("/") or any(ch.isspace() for ch in trigger) or len(trigger) > 128:
        raise SeedError(f"{where}.trigger {trigger!r} must be 1-128 characters, no leading '/', no spaces")
    url = _text(obj, "url", where)
    if not is_valid_http_url(_dummy_fill(url)) or len(url) > 1024:
        raise SeedError(f"{where}.url: {_NOT_A_SERVER_URL}, of at most 1024 characters")
    method = _text(obj, "method", where, required=False, default="P")
    if method not in ("P", "G"):
        raise SeedError(f'{where}.method must be "P" (POST) or "G" (GET), not {method!r}')
    creator = _text(obj, "creator", where, required=False, default="admin")
    if creator not in ("admin", "user"):
        raise SeedError(f'{where}.creator must be "admin" or "user" (the team-only user), not {creator!r}')
    return SeedCommand(
        trigger,
        url,
        method,
        _text(obj, "display_name", where, required=False),
        _text(obj, "description", where, required=False),
        creator,
    )


_NOT_A_SERVER_URL = "not a URL the server accepts (lowercase http:// or https://, a host, Go's URL syntax)"


def _dummy_fill(text: str) -> str:
    return _PLACEHOLDER.sub(lambda m: "http://127.0.0.1:1/x" if "url" in m.group(1) else "placeholder", text)


def _parse_connection(raw: Any, where: str) -> Mapping[str, Any]:
    obj = _object(raw, where, _CONNECTION_KEYS)
    for key in ("name", "client_id", "client_secret", "oauth_token_url"):
        _text(obj, key, where)
    for key in ("grant_type", "credentials_username", "credentials_password"):
        _text(obj, key, where, required=False)
    audiences = _list(obj, "audiences", where)
    if not all(isinstance(a, str) for a in audiences):
        raise SeedError(f"{where}.audiences must hold only strings")
    for value in [*(v for v in obj.values() if isinstance(v, str)), *audiences]:
        for match in _PLACEHOLDER.finditer(value):
            client_id = match.group(1).removeprefix("secret:")
            if match.group(1).startswith("secret:") and client_id not in DEMO_CLIENT_IDS:
                raise SeedError(
                    f"{where}: {{{match.group(1)}}} names no demo client (known: {', '.join(DEMO_CLIENT_IDS)})"
                )
    conn = connection_from_seed(obj, fill=_dummy_fill)
    refusal = refusal_on_create(conn)
    if refusal is not None:
        raise SeedError(f"{where} ({obj['name']}): {refusal}")
    return obj


def connection_from_seed(obj: Mapping[str, Any], fill: Callable[[str], str]) -> Connection:
    """The seed entry as a ``Connection``, each string passed through ``fill`` (placeholders)."""
    return Connection(
        name=fill(obj["name"]),
        client_id=fill(obj["client_id"]),
        client_secret=fill(obj["client_secret"]),
        oauth_token_url=fill(obj["oauth_token_url"]),
        grant_type=fill(obj.get("grant_type") or "client_credentials"),
        audiences=tuple(fill(a) for a in obj.get("audiences", [])),
        credentials_username=fill(obj.get("credentials_username") or ""),
        credentials_password=fill(obj.get("credentials_password") or ""),
    )


def apply_seed(seed: Seed, state: State, values: Placeholders, *, admin_id: str, team_user_id: str) -> None:
    """Create the seed's teams, commands and connections (in file order, so ids follow it)."""
    for team_seed in seed.teams:
        team = state.add_team(team_seed.name, values.fill(team_seed.display_name))
        if team_seed.user_role != "none":
            state.set_team_role(team_user_id, team.id, cast(TeamRole, team_seed.user_role))
        for cmd in team_seed.commands:
            state.add_command(
                team.id,
                cmd.trigger,
                values.fill(cmd.url),
                cmd.method,
                creator_id=team_user_id if cmd.creator == "user" else admin_id,
                display_name=cmd.display_name,
                description=cmd.description,
            )
        store = state.integrations
        channel_ids = {name: store.add_channel(team.id, name).id for name in team_seed.channels}
        for hook in team_seed.webhooks:
            store.add_hook(
                team.id,
                creator_id=team_user_id if hook.creator == "user" else admin_id,
                display_name=hook.display_name,
                callback_urls=tuple(values.fill(u) for u in hook.callback_urls),
                trigger_words=hook.trigger_words,
                trigger_when=hook.trigger_when,
                channel_id=channel_ids.get(hook.channel, ""),
                content_type=hook.content_type,
            )
    for raw in seed.connections:
        state.insert_connection(connection_from_seed(raw, fill=values.fill), admin_id)
