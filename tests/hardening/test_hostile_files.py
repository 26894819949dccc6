"""What the app writes and exports, safe from the files' readers: CSV cells that would run as formulas are
neutralised, and every folder is 0700 and every file 0600 — drafts, profiles, the log and ui.ini included
(issue 17: M3 and the file-permission finding).
"""

from __future__ import annotations

import csv
import io
import logging
import os
import stat
from pathlib import Path

import pytest
from hardening_support import InProcessCli

from mmoauth_gui.logs import setup_logging
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.paths import app_paths

FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_preview_csv_cells_never_start_a_formula(cli: InProcessCli, empty_sandbox: Sandbox) -> None:
    sb = empty_sandbox
    team = sb.state.add_team("formulas", "=cmd|' /C calc'!A0")
    for i, text in enumerate(FORMULAS):
        sb.state.add_command(team.id, f"t{i}", f"https://hooks.example.com/{i}", display_name=text)
    sb.state.add_command(team.id, "=trigger", "https://hooks.example.com/t")
    result = cli("preview", "--server", sb.url, "--csv", env={"MMOAUTH_SERVER_TOKEN": sb.admin_token})
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out)))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells and not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert "'=trigger" in cells


def _modes(root: Path) -> dict[Path, int]:
    return {p: stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_every_folder_is_0700_and_every_file_0600(
    cli: InProcessCli, empty_sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o022)
    try:
        root = tmp_path / "data"
        monkeypatch.setenv("MMOAUTH_DATA_DIR", str(root))
        paths = app_paths()
        made = cli(
            "drafts", "new", "--name", "Billing", "--client-id", "billing", "--token-url", empty_sandbox.token_url,
            "--audience", "https://billing.example.com/*",
        )  # fmt: skip
        assert made.code == 0, made.err
        handler = setup_logging(paths.log_file)
        logging.getLogger("mmoauth_gui.test").warning("a line")
        handler.doRollover()
        logging.getLogger("mmoauth_gui.test").warning("another line")

        from mmoauth_gui.ui.runtime.settings import ui_settings

        settings = ui_settings(paths)
        settings.setValue("window/last", "x")
        settings.sync()
        del settings
        logging.getLogger("mmoauth_gui").removeHandler(handler)
        handler.close()
    finally:
        os.umask(old)
    modes = _modes(root)
    files = {p.relative_to(root).as_posix() for p in modes if p.is_file()}
    assert {"config/ui.ini", "logs/mmoauth-gui.log", "logs/mmoauth-gui.log.1"} <= files
    assert any(name.startswith("data/drafts/") for name in files)
    wrong = {p: oct(m) for p, m in modes.items() if m != (0o700 if p.is_dir() else 0o600)}
    assert wrong == {}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_folders_left_open_by_an_older_version_are_tightened(tmp_path: Path) -> None:
    from mmoauth_gui.storage.atomic import write_atomic

    folder = tmp_path / "state"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    write_atomic(folder / "validations.json", "{}")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "validations.json").stat().st_mode) == 0o600
