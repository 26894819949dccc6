from __future__ import annotations

import json

from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.validations import ValidationStore, server_key

TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.access-token-body"


def _ok(checked_at: str = "2024-05-01T10:00:00.000Z") -> ValidationResult:
    return ValidationResult(
        ok=True,
        category="ok",
        token_type="Bearer",
        expires_in=300,
        access_token=TOKEN,
        token_preview="eyJhbG…",
        checked_at=checked_at,
    )


def test_results_are_kept_per_key_without_the_token(paths: AppPaths) -> None:
    store = ValidationStore(paths)
    assert store.all() == {}
    key = server_key("https://mm.example.com/", "conn1")
    assert key == "https://mm.example.com|conn1"
    stored = store.put(key, _ok())
    assert stored.checked_at == "2024-05-01T10:00:00.000Z"
    refused = ValidationResult.failure(
        "oauth_error", "Check the client secret.", error="invalid_client", http_status=401
    )
    store.put("draft-abc", refused)

    again = ValidationStore(paths)
    got = again.get(key)
    assert got is not None and got.result.ok and got.result.access_token is None
    assert got.result.token_type == "Bearer" and got.result.expires_in == 300
    other = again.get("draft-abc")
    assert other is not None and other.result.error == "invalid_client" and other.checked_at  # stamped
    assert TOKEN not in paths.validations_file.read_text()
    document = json.loads(paths.validations_file.read_text())
    assert document["kind"] == "validations" and document["schema"] == 1

    again.remove(key)
    assert set(ValidationStore(paths).all()) == {"draft-abc"}
    again.put_many({"a": _ok(), "b": _ok()})
    assert set(ValidationStore(paths).all()) == {"a", "b", "draft-abc"}


def test_a_corrupt_file_is_set_aside(paths: AppPaths) -> None:
    paths.state.mkdir(parents=True)
    paths.validations_file.write_text("not json")
    store = ValidationStore(paths)
    assert store.all() == {}
    assert store.problem is not None and store.problem.set_aside_as is not None
    assert store.problem.set_aside_as.read_text() == "not json"
    store.put("k", _ok())
    assert set(store.all()) == {"k"}
