"""The preview's computation: who uses what, the server's answer beside it, warnings, what-if, exports."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from mmoauth_gui.core.audience import audience_matches
from mmoauth_gui.core.model import Command, Connection
from mmoauth_gui.core.preview.build import Preview, Status
from mmoauth_gui.core.preview.diff import ChangeKind
from mmoauth_gui.core.preview.report import EXPORT_FIELDS, WarningKind, preview_csv, preview_json, preview_warnings

H = "https://hooks.example.com"


def cmd(cid: str, url: str, team: str = "t1", **kw: str) -> Command:
    return Command(id=cid, team_id=team, trigger=kw.pop("trigger", cid), url=url, **kw)


def conn(cid: str, *audiences: str, name: str | None = None) -> Connection:
    return Connection(id=cid, name=name or f"Conn {cid}", audiences=tuple(audiences))


def by_id(preview: Preview) -> dict[str, tuple[tuple[str, ...], Status]]:
    return {r.command_id: (r.matches, r.status) for r in preview.rows()}


# -- prediction ---------------------------------------------------------------------------------------------


def test_exact_audience_matches_only_the_identical_url() -> None:
    p = Preview(
        [cmd("a", f"{H}/api"), cmd("b", f"{H}/api/"), cmd("c", f"{H}/api/x"), cmd("d", f"{H}/api?x=1")],
        [conn("k1", f"{H}/api")],
    )
    assert by_id(p) == {
        "a": (("k1",), Status.LINKED),
        "b": ((), Status.UNLINKED),
        "c": ((), Status.UNLINKED),
        "d": ((), Status.UNLINKED),
    }
    row = p.rows()[0]
    assert row.connection_id == "k1" and row.server_connection_id is None
    assert "“Conn k1”" in row.explanation and f"{H}/api " in row.explanation


def test_trailing_slash_is_not_normalised() -> None:
    p = Preview([cmd("a", f"{H}/api"), cmd("b", f"{H}/api/")], [conn("k1", f"{H}/api/")])
    assert by_id(p)["a"] == ((), Status.UNLINKED)
    assert by_id(p)["b"] == (("k1",), Status.LINKED)


def test_prefix_audience_and_query_strings() -> None:
    p = Preview(
        [cmd("a", f"{H}/api/x?team=1"), cmd("b", f"{H}/api"), cmd("c", f"{H}/cmd?x=1"), cmd("d", f"{H}/cmd")],
        [conn("k1", f"{H}/api/*"), conn("k2", f"{H}/cmd?x=1")],
    )
    assert by_id(p) == {
        "a": (("k1",), Status.LINKED),
        "b": ((), Status.UNLINKED),  # /api/* needs the slash
        "c": (("k2",), Status.LINKED),  # the full URL, query string included
        "d": ((), Status.UNLINKED),
    }


def test_sibling_paths_hooks_star_vs_hooks_slash_star() -> None:
    commands = [cmd("plain", f"{H}/hooks"), cmd("x", f"{H}/hooksX"), cmd("sub", f"{H}/hooks/1")]
    loose = Preview(commands, [conn("k1", f"{H}/hooks*")])
    assert {k: m for k, (m, _) in by_id(loose).items()} == {"plain": ("k1",), "x": ("k1",), "sub": ("k1",)}
    strict = Preview(commands, [conn("k1", f"{H}/hooks/*")])
    assert {k: m for k, (m, _) in by_id(strict).items()} == {"plain": (), "x": (), "sub": ("k1",)}
    exact = Preview(commands, [conn("k1", f"{H}/hooks")])
    assert {k: m for k, (m, _) in by_id(exact).items()} == {"plain": ("k1",), "x": (), "sub": ()}


def test_ambiguous_overlap_lists_every_match() -> None:
    p = Preview(
        [cmd("a", f"{H}/api/x"), cmd("b", f"{H}/api/y")],
        [conn("k2", f"{H}/*"), conn("k1", f"{H}/api/x"), conn("k3", "https://other.example.com/*")],
    )
    rows = {r.command_id: r for r in p.rows()}
    assert rows["a"].matches == ("k1", "k2") and rows["a"].status is Status.AMBIGUOUS
    assert rows["a"].connection_id is None
    assert "not public" in rows["a"].explanation
    assert rows["b"].matches == ("k2",)
    assert p.counts() == {Status.LINKED: 1, Status.UNLINKED: 0, Status.AMBIGUOUS: 1, Status.MISMATCH: 0}


def test_plugin_deleted_and_url_less_commands_are_ignored() -> None:
    p = Preview(
        [
            cmd("a", f"{H}/a"),
            cmd("plugin", f"{H}/a", plugin_id="com.example.plugin"),
            Command(id="gone", team_id="t1", trigger="gone", url=f"{H}/a", delete_at=5),
            cmd("blank", ""),
        ],
        [conn("k1", f"{H}/a")],
    )
    assert [r.command_id for r in p.rows()] == ["a"]
    assert p.used_by("k1") == 1


def test_work_is_per_distinct_url_and_rows_share_the_verdict() -> None:
    p = Preview([cmd(f"c{i}", f"{H}/same", team=f"t{i % 3}") for i in range(9)], [conn("k1", f"{H}/same")])
    assert p.urls() == [f"{H}/same"]
    verdicts = {id(r.verdict) for r in p.rows()}
    assert len(verdicts) == 1 and len(p.rows()) == 9
    assert p.used_by("k1") == 9 and p.usage_counts() == {"k1": 9}
    assert [r.command_id for r in p.filter_rows(team_id="t1")] == ["c1", "c4", "c7"]


# -- the server's answer -------------------------------------------------------------------------------------


def test_server_answer_agreeing_keeps_the_status() -> None:
    p = Preview(
        [cmd("a", f"{H}/a"), cmd("b", f"{H}/b")],
        [conn("k1", f"{H}/a")],
        {f"{H}/a": "k1", f"{H}/b": None},
    )
    rows = {r.command_id: r for r in p.rows()}
    assert rows["a"].status is Status.LINKED and rows["a"].server_connection_id == "k1"
    assert rows["b"].status is Status.UNLINKED and rows["b"].verdict.server_known
    assert "The server agrees" in rows["a"].explanation


def test_mismatch_when_the_server_answer_differs() -> None:
    p = Preview(
        [cmd("other", f"{H}/a"), cmd("none", f"{H}/b"), cmd("extra", f"{H}/c/"), cmd("unknown", f"{H}/d")],
        [conn("k1", f"{H}/a", f"{H}/b"), conn("k2", f"{H}/c")],
        {f"{H}/a": "k2", f"{H}/b": None, f"{H}/c/": "k2"},
    )
    rows = {r.command_id: r for r in p.rows()}
    assert rows["other"].status is Status.MISMATCH and rows["other"].connection_id == "k1"
    assert rows["other"].server_connection_id == "k2"
    assert "“Conn k1”" in rows["other"].explanation and "“Conn k2”" in rows["other"].explanation
    assert rows["none"].status is Status.MISMATCH and "answered no connection" in rows["none"].explanation
    assert rows["extra"].status is Status.MISMATCH and rows["extra"].matches == ()
    assert rows["unknown"].status is Status.UNLINKED and not rows["unknown"].verdict.server_known
    # "used by" counts the server's answer too: the server is the ground truth
    assert p.used_by("k2") == 2
    assert {r.command_id for r in p.commands_using("k2")} == {"other", "extra"}


def test_ambiguous_keeps_status_but_records_the_servers_pick() -> None:
    p = Preview(
        [cmd("a", f"{H}/a"), cmd("b", f"{H}/b")],
        [conn("k1", f"{H}/*"), conn("k2", f"{H}/a", f"{H}/b")],
        {f"{H}/a": "k2", f"{H}/b": "k9"},
    )
    rows = {r.command_id: r for r in p.rows()}
    assert rows["a"].status is Status.AMBIGUOUS and rows["a"].server_connection_id == "k2"
    assert "The server answered “Conn k2”" in rows["a"].explanation
    assert rows["b"].status is Status.MISMATCH
    assert "not in the list synced" in rows["b"].explanation


# -- warnings ------------------------------------------------------------------------------------------------


def test_warnings() -> None:
    p = Preview(
        [cmd("a", f"{H}/a"), cmd("b", "http://plain.example.com/cmd"), cmd("c", "http://plain.example.com/free")],
        [
            conn("k1", f"{H}/a", f"{H}/typo", name="Alpha"),
            conn("k2", f"{H}/*", name="Beta"),
            conn("k3", "http://plain.example.com/cmd", name="Gamma"),
            conn("k4", "https://nobody.example.com/*", name="Delta"),
        ],
    )
    warnings = preview_warnings(p)
    kinds = [(w.kind, w.connection_ids) for w in warnings]
    assert (WarningKind.UNUSED_AUDIENCE, ("k1",)) in kinds
    assert (WarningKind.UNUSED_AUDIENCE, ("k4",)) in kinds
    unused_auds = [w.audience for w in warnings if w.kind is WarningKind.UNUSED_AUDIENCE]
    assert unused_auds == [f"{H}/typo", "https://nobody.example.com/*"]
    overlap = [w for w in warnings if w.kind is WarningKind.AMBIGUOUS_OVERLAP]
    assert len(overlap) == 1 and overlap[0].connection_ids == ("k1", "k2") and overlap[0].command_ids == ("a",)
    assert "“Alpha”" in overlap[0].message and "/a" in overlap[0].message
    insecure = [w for w in warnings if w.kind is WarningKind.INSECURE_URL]
    assert [w.command_ids for w in insecure] == [("b",)]  # the unlinked http:// command gets no token
    assert [w.connection_ids for w in warnings if w.kind is WarningKind.UNUSED_CONNECTION] == [("k4",)]


# -- what-if ---------------------------------------------------------------------------------------------------


def base_preview() -> Preview:
    return Preview(
        [
            cmd("a", f"{H}/a"),
            cmd("b", f"{H}/b"),
            cmd("c", f"{H}/c"),
            cmd("d", f"{H}/api/d"),
            cmd("d2", f"{H}/api/d", team="t2"),
            cmd("e", f"{H}/api/e"),
        ],
        [conn("k1", f"{H}/a", f"{H}/b"), conn("k2", f"{H}/api/*"), conn("k3", f"{H}/api/e")],
    )


def test_what_if_add() -> None:
    p = base_preview()
    diff = p.what_if_add(Connection(name="New", audiences=(f"{H}/c", f"{H}/a", f"{H}/api/d")))
    assert [c.command.id for c in diff.gained] == ["c"]
    assert diff.gained[0].after == ("New",)
    assert [c.command.id for c in diff.newly_ambiguous] == ["a", "d", "d2"]
    assert not diff.lost and not diff.switched
    assert len(diff) == 4
    assert "1 command gains a token" in diff.summary() and "3 commands become ambiguous" in diff.summary()
    assert p.verdict(f"{H}/c").matches == ()  # the base preview is untouched


def test_what_if_edit_audiences() -> None:
    p = base_preview()
    diff = p.affected_by_audience_change(p.connections["k1"], [f"{H}/b", f"{H}/api/d", f"{H}/api/e"])
    assert [c.command.id for c in diff.lost] == ["a"]
    assert [c.command.id for c in diff.newly_ambiguous] == ["d", "d2"]
    assert diff.newly_ambiguous[0].after == ("k1", "k2")
    assert [(c.command.id, c.kind, c.after) for c in diff.of_kind(ChangeKind.AMBIGUITY_CHANGED)] == [
        ("e", ChangeKind.AMBIGUITY_CHANGED, ("k1", "k2", "k3"))
    ]
    lines = diff.lines(lambda team: {"t1": "Team One"}.get(team, team))
    assert lines[0].startswith(f"/a — Team One — {H}/a: would lose “Conn k1”'s token")


def test_what_if_edit_switches_and_resolves_ambiguity() -> None:
    p = Preview(
        [cmd("a", f"{H}/a"), cmd("x", f"{H}/x")],
        [conn("k1", f"{H}/a"), conn("k2", f"{H}/x"), conn("k3", f"{H}/x")],
    )
    moved = p.what_if({"k1": None, "k4": conn("k4", f"{H}/a"), "k3": conn("k3", f"{H}/y")})
    assert [(c.command.id, c.kind, c.before, c.after) for c in moved.commands] == [
        ("a", ChangeKind.SWITCHED, ("k1",), ("k4",)),
        ("x", ChangeKind.NO_LONGER_AMBIGUOUS, ("k2", "k3"), ("k2",)),
    ]


def test_what_if_delete() -> None:
    p = base_preview()
    diff = p.affected_by_delete("k2")
    assert [(c.command.id, c.kind) for c in diff.commands] == [
        ("d", ChangeKind.LOST),
        ("e", ChangeKind.NO_LONGER_AMBIGUOUS),
        ("d2", ChangeKind.LOST),
    ]
    assert diff.counts()[ChangeKind.LOST] == 2
    assert "would lose “Conn k2”'s token" in diff.describe(diff.lost[0])


def test_rename_only_changes_nothing() -> None:
    p = base_preview()
    diff = p.what_if_edit(p.connections["k1"].with_changes(name="Renamed", client_id="other"))
    assert not diff and diff.summary() == "No command would change."
    after = p.apply({"k1": p.connections["k1"].with_changes(name="Renamed")})
    assert "“Renamed”" in {r.command_id: r for r in after.rows()}["a"].explanation


def test_delete_names_commands_the_server_uses_though_the_prediction_differs() -> None:
    p = Preview(
        [cmd("a", f"{H}/a/"), cmd("b", f"{H}/b")],
        [conn("k1", f"{H}/a"), conn("k2", f"{H}/b")],
        {f"{H}/a/": "k1", f"{H}/b": "k2"},
    )
    diff = p.affected_by_delete("k1")
    assert [(c.command.id, c.kind) for c in diff.commands] == [("a", ChangeKind.SERVER_PICK)]
    assert "the server currently answers “Conn k1”" in diff.lines()[0]
    after = p.apply({"k1": None})
    assert not after.verdict(f"{H}/a/").server_known  # the server answered about the saved state
    assert after.verdict(f"{H}/b").server_connection_id == "k2"


def test_apply_matches_a_full_rebuild() -> None:
    p = base_preview()
    changes = {"k2": conn("k2", f"{H}/api/d"), "k9": conn("k9", f"{H}/*")}
    applied = p.apply(changes)
    rebuilt = Preview(p.commands, [*[c for k, c in p.connections.items() if k != "k2"], *changes.values()])
    assert by_id(applied) == by_id(rebuilt)
    assert applied.usage_counts() == rebuilt.usage_counts()
    assert [w.to_json() for w in preview_warnings(applied)] == [w.to_json() for w in preview_warnings(rebuilt)]


# -- property: incremental what-if equals a full recomputation ---------------------------------------------------

SEGMENTS = st.sampled_from(["", "/", "a", "b", "/a", "/b", "?q", "/a/"])
urls = st.builds(lambda a, b: "h://x" + a + b, SEGMENTS, SEGMENTS)
audience = st.builds(lambda u, star: u + ("*" if star else ""), urls, st.booleans())
keys = st.sampled_from(["k1", "k2", "k3", "k4", "k5"])
connections = st.dictionaries(keys, st.lists(audience, min_size=0, max_size=3), max_size=4)
change_sets = st.dictionaries(keys, st.none() | st.lists(audience, max_size=3), min_size=1, max_size=3)


def _conns(spec: dict[str, list[str]]) -> list[Connection]:
    return [Connection(id=k, name=k, audiences=tuple(a)) for k, a in spec.items()]


@settings(max_examples=400, deadline=None)
@given(connections, st.lists(urls, min_size=1, max_size=8), change_sets)
def test_incremental_what_if_equals_full_recomputation(
    spec: dict[str, list[str]], command_urls: list[str], change: dict[str, list[str] | None]
) -> None:
    commands = [Command(id=f"c{i}", team_id="t", trigger=f"c{i}", url=u) for i, u in enumerate(command_urls)]
    base = Preview(commands, _conns(spec))
    for r in base.rows():  # the build agrees with the plain reference rule
        assert list(r.matches) == sorted(k for k, a in spec.items() if any(audience_matches(x, r.url) for x in a))

    after_spec = {k: a for k, a in spec.items() if k not in change}
    after_spec.update({k: a for k, a in change.items() if a is not None})
    full = Preview(commands, _conns(after_spec))
    changes = {k: (None if a is None else Connection(id=k, name=k, audiences=tuple(a))) for k, a in change.items()}
    diff = base.what_if(changes)

    expected = {r.command_id: (b.matches, r.matches) for b, r in zip(base.rows(), full.rows(), strict=True)}
    expected = {cid: ba for cid, ba in expected.items() if ba[0] != ba[1]}
    assert {c.command.id: (c.before, c.after) for c in diff.commands} == expected
    assert by_id(base.apply(changes)) == by_id(full)
    assert base.apply(changes).usage_counts() == full.usage_counts()
    if len(changes) == 1:  # the single-connection path (a keystroke) agrees with the general one
        ((key, value),) = changes.items()
        other = {key: value, "__none__": None}
        assert {c.command.id: c.after for c in base.what_if(other).commands} == {
            cid: ba[1] for cid, ba in expected.items()
        }


# -- export --------------------------------------------------------------------------------------------------


def test_json_export_has_the_designed_fields() -> None:
    p = Preview([cmd("a", f"{H}/a", trigger="weather")], [conn("k1", f"{H}/a")], {f"{H}/a": "k1"})
    data = preview_json(p)
    row = data["rows"][0]
    for field in ("team_id", "command_id", "trigger", "url", "matches", "connection_id", "server_connection_id"):
        assert field in row
    assert row["status"] == "linked" and row["matches"] == ["k1"] and row["server_connection_id"] == "k1"
    assert data["connections"][0]["id"] == "k1" and data["connections"][0]["used_by"] == 1
    assert "client_secret" not in data["connections"][0]
    assert data["warnings"] == [] and data["counts"]["linked"] == 1


def test_csv_export_has_a_header_and_one_line_per_command() -> None:
    p = Preview([cmd("a", f"{H}/a?x=1,2"), cmd("b", f"{H}/b")], [conn("k1", f"{H}/*"), conn("k2", f"{H}/a?x=1,2")])
    table = list(csv.reader(io.StringIO(preview_csv(p))))
    assert tuple(table[0]) == EXPORT_FIELDS
    first = dict(zip(EXPORT_FIELDS, table[1], strict=True))
    assert first["url"] == f"{H}/a?x=1,2" and first["matches"] == "k1 k2" and first["status"] == "ambiguous"
    assert first["connection_id"] == "" and len(table) == 3
