"""Export and import of drafts: no secrets in the file, merge by name, a decision per clash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mmoauth_gui.core.drafts.exchange import Clash, copy_name
from mmoauth_gui.core.drafts.model import Origin
from mmoauth_gui.core.model import Connection
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.drafts_exchange import ExchangeFileError, export_connections, read_exchange_file
from mmoauth_gui.storage.paths import AppPaths, app_paths
from mmoauth_gui.storage.secrets import SecretKind, SecretStore

SECRET = "exported-secret-never-7731"


def _conn(name: str, **changes: object) -> Connection:
    base = Connection(
        name=name,
        client_id=f"{name.lower()}-client",
        oauth_token_url="https://auth.example.com/token",
        audiences=(f"https://{name.lower()}.example.com/*",),
    )
    return base.with_changes(**changes)


@pytest.fixture
def store(paths: AppPaths) -> DraftStore:
    return DraftStore(paths, SecretStore())


def _other_store(tmp_path: Path) -> DraftStore:
    return DraftStore(app_paths(tmp_path / "elsewhere"), SecretStore())


def test_round_trip_without_secrets(store: DraftStore, tmp_path: Path) -> None:
    a = store.new(_conn("Alpha"), note="first", server="prod", team="ops", client_secret=SECRET)
    pulled = store.save(
        store.new(_conn("Beta")).with_changes(
            origin=Origin("https://mm.example.com", "b" * 26, 77), snapshot=_conn("Beta", id="b" * 26, update_at=77)
        )
    )
    out = tmp_path / "drafts.json"
    assert store.export(out, [a, pulled]) == 2
    text = out.read_text()
    assert SECRET not in text
    document = json.loads(text)
    assert document["kind"] == "drafts-export" and document["schema"] == 1
    assert document["source"] == {"type": "drafts"}
    assert [e["secret_required"] for e in document["drafts"]] == [True, False]

    other = _other_store(tmp_path)
    profiles = {"prod": "https://mm.example.com"}  # saved on the importing machine: target and origin kept
    plan = other.plan_import(read_exchange_file(out, profiles))
    assert [e.name for e in plan.fresh] == ["Alpha", "Beta"] and plan.clashes == []
    report = other.apply_import(plan, "keep")
    assert [d.name for d in report.added] == ["Alpha", "Beta"]
    alpha, beta = other.list().drafts
    assert alpha.connection == a.connection and alpha.note == "first" and (alpha.server, alpha.team) == ("prod", "ops")
    assert alpha.id != a.id and report.to_json()["secret_needed"] == [alpha.id]
    assert beta.origin == pulled.origin and beta.snapshot == pulled.snapshot
    assert beta.status.value == "in_sync"

    # Importing the same file again changes nothing.
    again = other.plan_import(read_exchange_file(out, profiles))
    assert [e.name for e in again.unchanged] == ["Alpha", "Beta"] and not again.fresh and not again.clashes


@pytest.mark.parametrize("decision", ["keep", "replace", "rename"])
def test_each_clash_decision(store: DraftStore, tmp_path: Path, decision: str) -> None:
    mine = store.new(_conn("Alpha"), note="mine", client_secret=SECRET)
    theirs_store = _other_store(tmp_path)
    theirs_store.new(_conn("Alpha", client_id="their-client"), note="theirs")
    theirs_store.new(_conn("Gamma"))
    out = tmp_path / "theirs.json"
    theirs_store.export(out, theirs_store.list().drafts)

    plan = store.plan_import(read_exchange_file(out))
    [clash] = plan.clashes
    assert isinstance(clash, Clash) and clash.existing.id == mine.id and clash.fields == ["client_id"]
    assert "differs in: client_id" in clash.describe()
    report = store.apply_import(plan, {"Alpha": decision})  # type: ignore[dict-item]
    drafts = {d.name: d for d in store.list().drafts}
    assert set(drafts) >= {"Alpha", "Gamma"}
    if decision == "keep":
        assert drafts["Alpha"] == mine and report.kept == ["Alpha"]
    elif decision == "replace":
        replaced = drafts["Alpha"]
        assert replaced.id == mine.id and replaced.connection.client_id == "their-client" and replaced.note == "theirs"
        assert store.secret(replaced, SecretKind.CLIENT_SECRET) == SECRET  # the local secret stays
        assert [d.id for d in report.replaced] == [mine.id]
    else:
        assert drafts["Alpha"] == mine
        copy = drafts["Alpha (imported)"]
        assert copy.connection.client_id == "their-client" and [d.id for d in report.renamed] == [copy.id]


def test_decisions_by_callback_and_missing_decisions(store: DraftStore, tmp_path: Path) -> None:
    store.new(_conn("Alpha"))
    store.new(_conn("Beta"))
    src = _other_store(tmp_path)
    src.new(_conn("Alpha", client_id="x"))
    src.new(_conn("Beta", client_id="y"))
    out = tmp_path / "x.json"
    src.export(out, src.list().drafts)
    plan = store.plan_import(read_exchange_file(out))
    with pytest.raises(ValueError, match="no decision for the clash on “Beta”"):
        store.apply_import(plan, {"Alpha": "keep"})
    asked: list[str] = []

    def ask(clash: Clash) -> str:
        asked.append(clash.entry.name)
        return "rename"

    report = store.apply_import(store.plan_import(read_exchange_file(out)), ask)  # type: ignore[arg-type]
    assert asked == ["Alpha", "Beta"]
    assert sorted(d.name for d in report.renamed) == ["Alpha (imported)", "Beta (imported)"]


def test_a_renamed_copy_does_not_keep_the_origin(store: DraftStore, tmp_path: Path) -> None:
    origin = Origin("https://mm.example.com", "c" * 26, 5)
    store.save(store.new(_conn("Alpha")).with_changes(origin=origin, snapshot=_conn("Alpha", id="c" * 26)))
    src = _other_store(tmp_path)
    src.save(src.new(_conn("Alpha", client_id="z")).with_changes(origin=origin))
    out = tmp_path / "x.json"
    src.export(out, src.list().drafts)
    report = store.apply_import(store.plan_import(read_exchange_file(out)), "rename")
    [copy] = report.renamed
    assert copy.origin is None and copy.status.value == "new"


def test_duplicate_names_inside_the_file_are_added_renamed(store: DraftStore, tmp_path: Path) -> None:
    src = _other_store(tmp_path)
    src.new(_conn("Alpha"))
    src.new(_conn("Alpha", client_id="two"))
    out = tmp_path / "x.json"
    src.export(out, src.list().drafts)
    report = store.apply_import(store.plan_import(read_exchange_file(out)), "keep")
    assert [d.name for d in report.added] == ["Alpha"] and [d.name for d in report.renamed] == ["Alpha (imported)"]


def test_copy_names_stay_within_the_server_limit() -> None:
    long = "N" * 64
    name = copy_name(long, {long})
    assert len(name) == 64 and name.endswith(" (imported)")
    assert copy_name("A", {"A", "A (imported)"}) == "A (imported 2)"


def test_export_of_server_connections(tmp_path: Path, store: DraftStore) -> None:
    conns = [
        _conn("Zeta", id="z" * 26, update_at=9, creator_id="u1", client_secret=SECRET),
        _conn("Eta", id="e" * 26, update_at=8),
    ]
    out = tmp_path / "server.json"
    assert export_connections(out, conns, "https://mm.example.com/") == 2
    document = json.loads(out.read_text())
    assert SECRET not in out.read_text()
    assert document["source"] == {"type": "server", "server_url": "https://mm.example.com"}
    assert [e["name"] for e in document["drafts"]] == ["Eta", "Zeta"]
    assert all(e["secret_required"] for e in document["drafts"])
    profiles = {"prod": "https://mm.example.com"}
    report = store.apply_import(store.plan_import(read_exchange_file(out, profiles)), "keep")
    eta = report.added[0]
    assert eta.origin == Origin("https://mm.example.com", "e" * 26, 8) and eta.status.value == "in_sync"
    assert eta.needs_secret("https://new.example.com")  # moving to another server creates it there


def test_an_import_keeps_a_target_and_origin_only_where_a_saved_profile_names_them(
    store: DraftStore, tmp_path: Path
) -> None:
    """M1: a colleague's file aimed at another server must not choose where a push sends credentials."""
    theirs = _other_store(tmp_path)
    aimed = theirs.new(_conn("Billing v2"), note="from Alex", server="https://attacker.example", team="ops")
    theirs.save(aimed.with_changes(origin=Origin("https://attacker.example", "a" * 26, 5)))
    theirs.new(_conn("Named"), server="https://MM.example.com/api/v4")
    out = tmp_path / "theirs.json"
    theirs.export(out, theirs.list().drafts)

    entries = {e.name: e for e in read_exchange_file(out, {"prod": "https://mm.example.com"})}
    billing = entries["Billing v2"]
    assert (billing.server, billing.origin, billing.snapshot) == ("", None, None)
    assert (billing.note, billing.team, billing.connection.name) == ("from Alex", "ops", "Billing v2")
    assert entries["Named"].server == "prod"  # a URL a profile has becomes that profile
    assert all(e.server == "" and e.origin is None for e in read_exchange_file(out))  # no profiles: nothing kept


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nope", "not a readable JSON file"),
        ('{"kind": "draft", "schema": 1}', "is not a drafts export"),
        ('{"kind": "drafts-export", "schema": 5, "drafts": []}', "newer version"),
        ('{"kind": "drafts-export", "schema": 1}', "no list of drafts"),
        ('{"kind": "drafts-export", "schema": 1, "drafts": [{"connection": {}}]}', "draft 1 cannot be read"),
    ],
)
def test_unreadable_import_files_are_reported_and_left_alone(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "in.json"
    path.write_text(content)
    with pytest.raises(ExchangeFileError, match=message):
        read_exchange_file(path)
    assert path.read_text() == content
    with pytest.raises(ExchangeFileError, match="does not exist"):
        read_exchange_file(tmp_path / "missing.json")
