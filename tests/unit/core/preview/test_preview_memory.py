"""What keeps a 10,000-command preview small: repeated values read back once, one text per explanation."""

from __future__ import annotations

import json

from mmoauth_gui.core.model import Command, Connection
from mmoauth_gui.core.preview.build import Preview
from mmoauth_gui.core.preview.snapshot import SyncResult

H = "https://hooks.example.com"


def test_cached_commands_share_their_repeated_values_and_read_back_equal() -> None:
    commands = tuple(
        Command(f"c{i}", f"t{i % 2}", f"cmd{i}", f"{H}/{'shared' if i < 3 else i}", creator_id="u" * 26)
        for i in range(6)
    )
    result = SyncResult(server_url=H, fetched_at=1.0, commands=commands)
    document = json.loads(json.dumps(result.to_json()))

    back = SyncResult.from_json(document)

    assert back.commands == commands
    first, *others = back.commands
    assert all(c.creator_id is first.creator_id for c in others)
    assert back.commands[2].team_id is first.team_id and back.commands[2].url is first.url
    assert len({id(c.url) for c in back.commands}) == 4  # "shared" once, then one per distinct URL


def test_rows_of_urls_matched_alike_share_one_explanation_and_keep_their_order() -> None:
    commands = [Command(f"c{i}", "t1", f"cmd{i}", f"{H}/{i % 4}") for i in range(8)]
    preview = Preview(commands, [Connection(id="k1", name="Hooks", audiences=(f"{H}/*",))])

    rows = preview.rows()

    assert len({r.explanation for r in rows}) == 1 and len({id(r.explanation) for r in rows}) == 1
    assert "“Hooks”" in rows[0].explanation
    assert [c.id for c in preview.commands_at(f"{H}/1")] == ["c1", "c5"]
    assert preview.used_by("k1") == 8
