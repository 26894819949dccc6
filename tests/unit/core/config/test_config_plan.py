"""The plan as pure data: matching, field changes, secret versions, safe order and routing impact."""

from __future__ import annotations

from mmoauth_gui.core.config.document import ConfigDocument, document_from_connections
from mmoauth_gui.core.config.plan import Action, build_plan
from mmoauth_gui.core.model import Command, Connection


def conn(cid: str, name: str, *audiences: str) -> Connection:
    return Connection(id=cid, name=name, client_id="c", oauth_token_url="https://idp/t", audiences=audiences)


CMDS = [
    Command(id="c1", team_id="t", trigger="deploy", url="https://a.example.com/hook"),
    Command(id="c2", team_id="t", trigger="pay", url="https://b.example.com/x"),
]
SERVER = [conn("id-a", "A", "https://a.example.com/*"), conn("id-b", "B", "https://b.example.com/x")]


def test_the_server_as_exported_plans_nothing() -> None:
    plan = build_plan(document_from_connections(SERVER), SERVER, CMDS)
    assert plan.empty and plan.problems == () and plan.unmanaged == ()


def test_a_route_moving_to_a_new_connection_creates_before_it_deletes_and_both_show_the_switch() -> None:
    new = [conn("", "A2", "https://a.example.com/*"), SERVER[1]]
    plan = build_plan(document_from_connections(new), SERVER, CMDS, prune=True)
    assert [(c.action, c.name) for c in plan.changes] == [(Action.CREATE, "A2"), (Action.DELETE, "A")]
    create, delete = plan.changes
    assert create.secret and not delete.secret
    for change in (create, delete):
        (moved,) = change.impact.switched
        assert (moved.label, moved.before, moved.after) == ("deploy", ("A",), ("A2",))
        assert not change.impact.lost and not change.impact.gained


def test_an_overlap_is_reported_as_ambiguous_for_the_change_that_makes_it() -> None:
    widened = [SERVER[0], conn("id-b", "B", "https://b.example.com/x", "https://a.example.com/hook")]
    plan = build_plan(document_from_connections(widened), SERVER, CMDS)
    (change,) = plan.changes
    assert [f.field for f in change.fields] == ["audiences"]
    (item,) = change.impact.ambiguous
    assert (item.label, item.before, item.after) == ("deploy", ("A",), ("A", "B"))
    assert change.to_json()["impact"]["ambiguous"][0]["to"] == ["A", "B"]


def test_secret_versions_against_the_record() -> None:
    doc = document_from_connections(SERVER)
    bumped = ConfigDocument(
        (doc.entries[0].__class__(**{**doc.entries[0].__dict__, "secret_version": 2}), doc.entries[1])
    )
    plan = build_plan(bumped, SERVER, CMDS)
    (change,) = plan.changes
    assert (change.action, change.name, change.fields, change.secret) == (Action.UPDATE, "A", (), True)
    assert change.impact.to_json() == {"lost": [], "switched": [], "gained": [], "ambiguous": []}
    assert build_plan(bumped, SERVER, CMDS, {"id-a": 2}).empty
    lowered = build_plan(doc, SERVER, CMDS, {"id-a": 3})
    assert lowered.empty and "lower than the 3" in lowered.notes[0]


def test_a_name_the_server_holds_twice_is_a_problem_an_id_resolves() -> None:
    twins = [*SERVER, conn("id-a2", "A", "https://other.example.com/*")]
    plan = build_plan(document_from_connections(SERVER), twins, CMDS)
    (problem,) = plan.problems
    assert "id-a, id-a2" in problem.message and "add id:" in problem.message
    assert plan.unmanaged == ()  # both twins are the file's business, not unmanaged
    with_ids = build_plan(document_from_connections(twins), twins, CMDS)
    assert with_ids.empty and with_ids.problems == ()


def test_an_id_the_server_lacks_is_a_problem() -> None:
    doc = document_from_connections([*SERVER, conn("id-z", "Z", "https://z/*"), conn("id-y", "Z", "https://y/*")])
    plan = build_plan(doc, SERVER, CMDS)
    assert sorted(p.message.split(":")[0] for p in plan.problems) == ["“Z”", "“Z”"]
    assert all("no connection with id" in p.message for p in plan.problems)
