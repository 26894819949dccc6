"""Impact: what a change would do, counted per kind, commands and webhook callbacks apart, the first named."""

from __future__ import annotations

from mmoauth_gui.core.model import Command, Connection
from mmoauth_gui.core.preview.build import Preview
from mmoauth_gui.core.preview.diff import ChangeKind
from mmoauth_gui.core.preview.impact import Impact, named

H = "https://hooks.example.com"


def team(team_id: str) -> str:
    return {"eng": "Engineering"}.get(team_id, team_id)


def test_deleting_an_overlap_counts_no_longer_ambiguous_not_lost() -> None:
    commands = [Command(f"c{i}", "eng", f"cmd{i}", f"{H}/ci/{i}") for i in range(3)]
    commands.append(Command("solo", "eng", "solo", f"{H}/solo"))
    connections = [
        Connection(id="a", name="A", audiences=(f"{H}/ci/*", f"{H}/solo")),
        Connection(id="b", name="B", audiences=(f"{H}/ci/*",)),
    ]
    impact = Impact.from_diff(Preview(commands, connections).what_if_delete("a"), team)
    assert impact.count(ChangeKind.LOST) == 1 and impact.count(ChangeKind.NO_LONGER_AMBIGUOUS) == 3
    assert impact.sentences() == [
        "1 slash command would lose its token: /solo (Engineering).",
        "3 slash commands would no longer be ambiguous and keep a token: /cmd0 (Engineering), /cmd1 (Engineering)"
        " and /cmd2 (Engineering).",
    ]
    assert len(impact.lines) == 4


def test_a_wide_change_names_the_first_five_and_counts_the_rest() -> None:
    commands = [Command(f"c{i:02d}", "eng", f"cmd{i:02d}", f"{H}/x/{i}") for i in range(12)]
    conn = Connection(id="a", name="A", audiences=(f"{H}/x/*",))
    impact = Impact.from_diff(Preview(commands, [conn]).what_if_delete("a"))
    (sentence,) = impact.sentences()
    assert sentence == "12 slash commands would lose their token: /cmd00 (eng), /cmd01 (eng), /cmd02 (eng), " + (
        "/cmd03 (eng), /cmd04 (eng) and 7 more."
    )


def test_nothing_affected_is_falsy_and_named_joins_as_a_person_writes() -> None:
    assert not Impact.from_diff(Preview([], [Connection(id="a", name="A")]).what_if_delete("a"))
    assert not Impact.not_known("no preview")
    assert named(("/a",), 1) == "/a"
    assert named(("/a", "/b"), 2) == "/a and /b"
    assert named(("/a", "/b"), 3) == "/a, /b and 1 more"
