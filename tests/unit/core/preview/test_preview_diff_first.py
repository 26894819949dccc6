"""PreviewDiff.first(kind, n): the first changes of a kind, as ``of_kind`` orders them, without sorting them all."""

from __future__ import annotations

import pytest

from mmoauth_gui.core.model import Command, Connection
from mmoauth_gui.core.preview.build import Preview
from mmoauth_gui.core.preview.diff import ChangeKind

H = "https://hooks.example.com"


def workload() -> tuple[Preview, list[Connection]]:
    commands = [
        Command(f"c{i:03d}", f"t{i % 3}", f"cmd{(i * 7) % 50:02d}", f"{H}/{['a', 'b', 'c', 'd'][i % 4]}/{i % 23}")
        for i in range(150)
    ]
    connections = [
        Connection(id="ka", name="A", audiences=(f"{H}/a/*",)),
        Connection(id="kb", name="B", audiences=(f"{H}/b/*", f"{H}/a/1")),
        Connection(id="kc", name="C", audiences=(f"{H}/c/3",)),
    ]
    return Preview(commands, connections), connections


def diffs(preview: Preview, connections: list[Connection]) -> list[object]:
    a, b, c = connections
    return [
        preview.what_if_edit(a.with_changes(audiences=(f"{H}/*",))),  # gains, ambiguities
        preview.what_if_edit(b.with_changes(audiences=(f"{H}/c/*",))),  # lost, switched, gained
        preview.what_if_delete("ka"),
        preview.what_if_add(Connection(name="D", audiences=(f"{H}/d/*", f"{H}/c/3")), key="kd"),
        preview.what_if({}),
    ]


@pytest.mark.parametrize("n", [0, 1, 5, 30, 1000])
def test_first_is_the_head_of_of_kind(n: int) -> None:
    preview, connections = workload()
    for diff in diffs(preview, connections):
        fresh = [(kind, diff.first(kind, n)) for kind in ChangeKind]  # before anything sorted them all
        for kind, first in fresh:
            assert first == diff.of_kind(kind)[:n]
            assert diff.first(kind, n) == first  # and once ``commands`` exists
        assert sum(len(diff.first(k, 10**6)) for k in ChangeKind) == len(diff) == sum(diff.counts().values())


def test_a_wide_change_lists_the_first_commands_of_each_kind() -> None:
    preview, connections = workload()
    diff = preview.what_if_edit(connections[0].with_changes(audiences=(f"{H}/*",)))
    gained = diff.first(ChangeKind.GAINED, 3)
    assert len(gained) == 3 and diff.counts()[ChangeKind.GAINED] > 3
    order = [(c.command.team_id, c.command.trigger, c.command.id) for c in gained]
    assert order == sorted(order)
    assert all(c.kind is ChangeKind.GAINED and c.after == ("ka",) for c in gained)
