"""A process killed in the middle of saving leaves the old or the new draft, never a broken one."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from mmoauth_gui.core.model import Connection
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.storage.secrets import SecretStore

WRITER = textwrap.dedent(
    """
    import sys
    from mmoauth_gui.storage.drafts import DraftStore
    from mmoauth_gui.storage.paths import app_paths
    from mmoauth_gui.storage.secrets import SecretStore

    store = DraftStore(app_paths(sys.argv[1]), SecretStore())
    draft = store.get(sys.argv[2])
    n = 0
    while True:
        n += 1
        # A big note makes each write long enough to be cut in the middle.
        store.save(draft.with_changes(note=f"version {n} " + "x" * 400_000))
        if n == 1:
            print("saving", flush=True)
    """
)


def test_sigkill_mid_save_never_leaves_a_broken_draft(tmp_path: Path) -> None:
    root = tmp_path / "data"
    store = DraftStore(app_paths(root), SecretStore())
    draft = store.new(Connection(name="Survivor", client_id="c"), note="version 0")
    rng = random.Random(6)
    seen_versions: set[str] = set()
    interrupted = 0  # kills that landed inside a save (they leave a temporary file behind)
    drafts_dir = root / "data" / "drafts"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    rounds = 0
    while rounds < 5 or (interrupted == 0 and rounds < 30):
        rounds += 1
        before = set(os.listdir(drafts_dir))
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(root), draft.id], stdout=subprocess.PIPE, env=env, text=True
        )
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "saving"
            time.sleep(rng.uniform(0.02, 0.25))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL
        interrupted += any(n.endswith(".tmp") for n in set(os.listdir(drafts_dir)) - before)

        listing = store.list()
        assert listing.problems == []
        [survivor] = listing.drafts
        assert survivor.id == draft.id and survivor.name == "Survivor"
        version = survivor.note.split(" ", 2)[1]
        assert survivor.note == f"version {version} " + "x" * 400_000
        seen_versions.add(version)
    # Writes really happened between the kills, and some kills really cut a save in the middle.
    assert len(seen_versions) > 1 and interrupted > 0
    # Only the draft itself and possibly interrupted temporary files: nothing else appeared.
    names = {p.name for p in drafts_dir.iterdir()}
    assert f"{draft.id}.json" in names
    assert all(n == f"{draft.id}.json" or (n.startswith(f".{draft.id}.json.") and n.endswith(".tmp")) for n in names)
