"""A writer killed (SIGKILL) at any point leaves every file readable, with no half-written entry visible."""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from support.killing import run_and_kill

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.storage.config_record import AppliedRecord
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.profiles import Profile, ProfileStore
from mmoauth_gui.storage.secrets import SecretStore
from mmoauth_gui.storage.validations import ValidationStore

KILLS = 200

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL of a forked writer is POSIX")


def _write_forever(paths: AppPaths, round_: int) -> None:
    drafts = DraftStore(paths, SecretStore())
    validations, profiles, record = ValidationStore(paths), ProfileStore(paths), AppliedRecord(paths)
    draft = drafts.new(Connection(name=f"Round {round_}", client_id="c", oauth_token_url="https://idp.example.com/t"))
    i = 0
    while True:
        i += 1
        connection = replace(draft.connection, name=f"Round {round_}.{i}", audiences=(f"https://a{i}.example.com",))
        draft = drafts.save(replace(draft, connection=connection))
        validations.put(f"k{round_}-{i % 7}", ValidationResult.failure("unreachable", "down " * (i % 50)))
        profiles.save(Profile(name=f"p{i % 11}", url=f"https://mm{i}.example.com"))
        record.record("https://mm.example.com", f"c{i % 13}", "x" * (i % 40), i)


def _kill_after(delay: float, paths: AppPaths, round_: int) -> None:
    killed = run_and_kill(lambda: _write_forever(paths, round_), delay)
    assert killed, "the writer stopped before it was killed (it failed)"


def test_every_file_reads_after_hundreds_of_kills_mid_write(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    rng = random.Random(20261202)
    for round_ in range(KILLS):
        _kill_after(rng.uniform(0.002, 0.03), paths, round_)

        listing = DraftStore(paths, SecretStore()).list()
        assert listing.problems == [], [str(p) for p in listing.problems]
        assert all(d.connection.name.startswith("Round ") for d in listing.drafts)
        validations = ValidationStore(paths)
        validations.all()
        assert validations.problem is None
        profiles = ProfileStore(paths)
        profiles.load()
        assert profiles.problem is None and profiles.entry_problems == []
        record = AppliedRecord(paths)
        record.versions("https://mm.example.com")
        assert record.problem is None
    assert not list(tmp_path.rglob("*.corrupt-*")), "nothing was ever set aside"
    leftovers = [p.name for p in tmp_path.rglob("*.tmp")]
    assert all(name.startswith(".") for name in leftovers), "a temporary file is only ever hidden"
