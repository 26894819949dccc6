"""Documents the parsers read, fuzzed two ways: anything of roughly the right shape, and a valid document with
a field or two changed (so the deeper checks, not only the first one, meet odd values).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from fuzz_support import json_values, numbers, objects_with, texts, weighted
from hypothesis import strategies as st

from mmoauth_gui.core.drafts.exchange import ExchangeEntry
from mmoauth_gui.core.drafts.model import Draft, Origin
from mmoauth_gui.core.model import Command, Connection, Team
from mmoauth_gui.core.preview.snapshot import COMMAND_FIELDS, SyncResult
from mmoauth_gui.core.validation.result import ValidationResult

CONNECTION_KEYS = tuple(f.name for f in fields(Connection))
RESULT_KEYS = tuple(ValidationResult(ok=True, category="ok").to_json())

VALID_CONNECTION = Connection(
    name="Weather",
    client_id="weather-bot",
    oauth_token_url="https://idp.example.com/oauth2/token",
    audiences=("https://weather.example.com/slash", "https://weather.example.com/hooks/*"),
    id="c" * 26,
    create_at=1700000000000,
    update_at=1700000000001,
)
VALID_RESULT = ValidationResult(
    ok=False,
    category="oauth_error",
    hint="Refused.",
    error="invalid_client",
    http_status=400,
    warnings=["w"],
    attempts=[{"auth_method": "client_secret_post"}],
)
VALID_DRAFT = Draft(
    id="0123456789ab",
    connection=VALID_CONNECTION,
    note="n",
    server="https://chat.example.com",
    origin=Origin("https://chat.example.com", "c" * 26, 1700000000001),
    snapshot=VALID_CONNECTION,
    validation=VALID_RESULT.to_json(),
    created_at="2030-01-01T00:00:00.000Z",
).to_json()
VALID_ENTRY = ExchangeEntry.from_connection(VALID_CONNECTION, "https://chat.example.com").to_json()
VALID_SYNC = SyncResult(
    server_url="https://chat.example.com",
    fetched_at=1700000000.5,
    teams=(Team("t" * 26, "eng", "Engineering"),),
    commands=(Command("m" * 26, "t" * 26, "weather", "https://weather.example.com/slash"),),
    connections=(VALID_CONNECTION,),
    server_answers={"https://weather.example.com/slash": "c" * 26},
    server_checked=True,
    team_errors={"x": "y"},
).to_json()
VALID_PROFILE = {"name": "Chat", "url": "https://chat.example.com", "auth": "token", "team_name": "eng"}


def near(base: dict[str, Any], values: st.SearchStrategy[Any] = json_values) -> st.SearchStrategy[dict[str, Any]]:
    """``base`` with up to two fields given other values, and perhaps one dropped."""
    keys = sorted(base)
    changed = st.dictionaries(st.sampled_from(keys), values, min_size=1, max_size=2)
    dropped = weighted((3, st.just([])), (1, st.lists(st.sampled_from(keys), min_size=1, max_size=1)))
    varied = st.builds(lambda c, d: {k: v for k, v in {**base, **c}.items() if k not in d}, changed, dropped)
    return weighted((1, st.just(dict(base))), (3, varied))


audiences = st.lists(
    st.one_of(texts, st.sampled_from(["https://a.example.com/x", "https://a.example.com/*"])), max_size=4
)
connections_json = st.one_of(
    objects_with(CONNECTION_KEYS, json_values | audiences),
    near(VALID_CONNECTION.public_dict(), json_values | audiences),
)
results_json = st.one_of(objects_with(RESULT_KEYS), near(VALID_RESULT.to_json()))


def command_rows() -> st.SearchStrategy[list[Any]]:
    typed = [st.integers() if name == "delete_at" else texts for name in COMMAND_FIELDS]
    return st.one_of(st.tuples(*typed).map(list), st.lists(json_values, max_size=len(COMMAND_FIELDS) + 1))


_sync_values = st.one_of(
    texts,
    numbers,
    json_values,
    st.lists(st.one_of(st.lists(texts, min_size=3, max_size=3), json_values), max_size=3),
    st.permutations(COMMAND_FIELDS),
    st.lists(command_rows(), max_size=3),
    st.lists(connections_json, max_size=3),
    st.dictionaries(texts, st.none() | texts | json_values, max_size=3),
)
sync_json = weighted((1, objects_with(VALID_SYNC, _sync_values)), (3, near(VALID_SYNC, _sync_values)))

_draft_values = st.one_of(
    json_values,
    connections_json,
    results_json,
    st.sampled_from(["0123456789ab", "abc", "UPPER", "-x"]),
    objects_with(["server", "team"]),
    objects_with(["server_url", "connection_id", "update_at"], texts | numbers),
    objects_with(["server_copy", "deleted_on_server", "detected_at"], connections_json | json_values),
)
draft_json = weighted((1, objects_with(VALID_DRAFT, _draft_values)), (3, near(VALID_DRAFT, _draft_values)))

_entry_values = st.one_of(
    json_values,
    connections_json,
    objects_with(["server", "team"]),
    objects_with(["server_url", "connection_id", "update_at"], texts | numbers),
)
entry_json = weighted((1, objects_with(VALID_ENTRY, _entry_values)), (3, near(VALID_ENTRY, _entry_values)))

_profile_values = texts | json_values | st.sampled_from(["token", "password", "https://chat.example.com"])
profile_json = weighted((1, objects_with(VALID_PROFILE, _profile_values)), (3, near(VALID_PROFILE, _profile_values)))

VALID_SEED_TEAM = {
    "name": "eng",
    "display_name": "Engineering",
    "user_role": "integrator",
    "commands": [{"trigger": "weather", "url": "{url}/hooks/weather", "method": "P", "creator": "user"}],
}
VALID_SEED_CONNECTION = {
    "name": "Weather",
    "client_id": "mattermost-commands",
    "client_secret": "{secret:mattermost-commands}",
    "oauth_token_url": "{token_url}",
    "audiences": ["{url}/hooks/*"],
}
_seed_values = st.one_of(
    texts,
    json_values,
    st.sampled_from(
        [
            "eng",
            "admin",
            "integrator",
            "member",
            "none",
            "P",
            "G",
            "user",
            "{url}/x",
            "{token_url}",
            "{secret:mattermost-commands}",
            "{secret:nope}",
            "{unreachable_token_url}",
            "password",
        ]
    ),
    st.lists(texts, max_size=2),
    st.lists(near(VALID_SEED_TEAM["commands"][0], texts | json_values), max_size=2),
)
seed_team = weighted((3, near(VALID_SEED_TEAM, _seed_values)), (1, objects_with(VALID_SEED_TEAM, _seed_values)))
seed_connection = weighted(
    (3, near(VALID_SEED_CONNECTION, _seed_values)), (1, objects_with(VALID_SEED_CONNECTION, _seed_values))
)
seeds = st.one_of(
    st.fixed_dictionaries(
        {"teams": st.lists(seed_team, max_size=3), "connections": st.lists(seed_connection, max_size=3)}
    ),
    objects_with(["teams", "connections"], st.lists(seed_team | seed_connection, max_size=3) | json_values),
)
