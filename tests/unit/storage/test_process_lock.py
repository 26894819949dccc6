"""Two processes of the app writing the same file at once lose nothing, and a lock held too long is named."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mmoauth_gui.storage.config_record import AppliedRecord
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.process_lock import ProcessLock, ProcessLockTimeout
from mmoauth_gui.storage.profiles import ProfileStore
from mmoauth_gui.storage.validations import ValidationStore

WRITES = 150

WRITER = textwrap.dedent(
    """
    import sys
    from mmoauth_gui.core.validation.result import ValidationResult
    from mmoauth_gui.storage.config_record import AppliedRecord
    from mmoauth_gui.storage.paths import AppPaths
    from mmoauth_gui.storage.profiles import Profile, ProfileStore
    from mmoauth_gui.storage.validations import ValidationStore

    paths = AppPaths.under(sys.argv[1])
    me, count = sys.argv[2], int(sys.argv[3])
    validations, profiles, record = ValidationStore(paths), ProfileStore(paths), AppliedRecord(paths)
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(count):
        validations.put(f"{me}-{i}", ValidationResult.failure("unreachable", "down"))
        if i % 5 == 0:
            profiles.save(Profile(name=f"{me}-{i}", url=f"https://{me}-{i}.example.com"))
            record.record("https://mm.example.com", f"{me}-{i}", "x", 2)
    """
)


def test_two_processes_writing_at_once_keep_every_entry(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), name, str(WRITES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in ("gui", "cli")
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        writer.communicate(timeout=120)
        assert writer.returncode == 0

    paths = AppPaths.under(tmp_path)
    kept = ValidationStore(paths).all()
    expected = {f"{who}-{i}" for who in ("gui", "cli") for i in range(WRITES)}
    assert set(kept) == expected
    profile_names = set(ProfileStore(paths).names())
    assert profile_names == {f"{who}-{i}" for who in ("gui", "cli") for i in range(0, WRITES, 5)}
    assert set(AppliedRecord(paths).versions("https://mm.example.com")) == profile_names


def test_a_lock_held_by_another_holder_times_out_with_the_file_named(tmp_path: Path) -> None:
    target = tmp_path / "validations.json"
    with ProcessLock(target):
        with pytest.raises(ProcessLockTimeout) as caught:
            with ProcessLock(target, wait=0.05):
                pass
    assert "validations.json" in str(caught.value) and "another mmoauth-gui process" in str(caught.value)
    with ProcessLock(target, wait=0.05):
        pass


def test_a_killed_holder_does_not_leave_the_lock_held(tmp_path: Path) -> None:
    target = tmp_path / "profiles.json"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from mmoauth_gui.storage.process_lock import ProcessLock\n"
            "with ProcessLock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)",
            str(target),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(ProcessLockTimeout):
        with ProcessLock(target, wait=0.05):
            pass
    holder.kill()
    holder.communicate(timeout=10)
    with ProcessLock(target, wait=5):
        pass
