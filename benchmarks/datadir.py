"""A data folder as a user would have it: drafts, one server profile, and that server's cached preview."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.workloads import draft_connection, preview_workload, teams_of
from mmoauth_gui.core.preview.snapshot import SyncResult
from mmoauth_gui.core.urls import canonical_server_url
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.preview_cache import PreviewCache
from mmoauth_gui.storage.profiles import Profile, ProfileStore
from mmoauth_gui.storage.secrets import SecretStore

# Nothing listens there, and no token is stored for the profile: the app starts offline, on the cached preview.
SERVER_URL = "http://127.0.0.1:9"
PROFILE_NAME = "Benchmark server"


def prepare(root: Path, *, drafts: int, commands: int, connections: int) -> AppPaths:
    paths = AppPaths.under(root)
    secrets = SecretStore()
    store = DraftStore(paths, secrets)
    for i in range(drafts):
        store.new(draft_connection(i), note=f"benchmark draft {i}")
    cmds, conns = preview_workload(commands, connections)
    PreviewCache(paths).save(
        SyncResult(
            server_url=canonical_server_url(SERVER_URL),
            fetched_at=time.time() - 3600,
            teams=tuple(teams_of(cmds)),
            commands=tuple(cmds),
            connections=tuple(conns),
        )
    )
    ProfileStore(paths, secrets).save(Profile(name=PROFILE_NAME, url=SERVER_URL))
    return paths
