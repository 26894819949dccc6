"""``startup_ratio_vs_bare_qt`` and ``rss_overhead_mb``: the app against a bare PySide6 window, each in a fresh
process (``benchmarks/gui_child.py``), on a data folder prepared beforehand (drafts and a cached preview)."""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import BENCH_DIR, PYTHON, REPO, Measurement, child_env, median
from benchmarks.datadir import prepare

STARTUP_FULL = {"drafts": 500, "commands": 10_000, "connections": 1_000, "runs": 5}
STARTUP_QUICK = {"drafts": 20, "commands": 300, "connections": 30, "runs": 1}
RSS_FULL = {"drafts": 500, "commands": 10_000, "connections": 1_000, "runs": 2}
RSS_QUICK = {"drafts": 5, "commands": 300, "connections": 30, "runs": 1}
CHILD_LIMIT_S = 150


def run_child(mode: str, data_dir: Path | None, *extra: str) -> tuple[float, list[dict[str, Any]]]:
    """Start a GUI child; returns when it was started (``time.time()``) and the JSON lines it printed."""
    argv = [PYTHON, str(BENCH_DIR / "gui_child.py"), mode, *extra]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    started = time.time()
    out = subprocess.run(argv, capture_output=True, text=True, env=child_env(), timeout=CHILD_LIMIT_S)
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    errors = [line for line in lines if line.get("event") == "error"]
    if out.returncode != 0 or errors or not lines:
        why = errors[0].get("message") if errors else f"exit code {out.returncode}"
        raise RuntimeError(f"the {mode} window process failed ({why}): {out.stderr.strip()[-1500:]}")
    return started, lines


def _event(lines: list[dict[str, Any]], name: str) -> dict[str, Any]:
    for line in lines:
        if line.get("event") == name:
            return line
    raise RuntimeError(f"the window process never reported {name!r}: {lines}")


def startup(quick: bool = False) -> Measurement:
    size = STARTUP_QUICK if quick else STARTUP_FULL
    with tempfile.TemporaryDirectory(prefix="mmoauth-bench-") as tmp:
        data = Path(tmp) / "data"
        prepare(data, drafts=size["drafts"], commands=size["commands"], connections=size["connections"])
        for mode in ("bare", "app"):  # warm-up: the OS file cache, .pyc files; not counted
            run_child(mode, data if mode == "app" else None)
        bare: list[float] = []
        app: list[float] = []
        rows_after: list[float] = []
        for _ in range(size["runs"]):
            started, lines = run_child("bare", None)
            bare.append(_event(lines, "painted")["t"] - started)
            started, lines = run_child("app", data, "--rows", str(size["commands"]))
            app.append(_event(lines, "painted")["t"] - started)
            rows_after.append(_event(lines, "rows")["t"] - started)
    b, a = median(bare), median(app)
    return Measurement(
        a / b,
        f"process start to the main window's first paint (offscreen), fresh processes, medians of {size['runs']}: "
        f"app (mmoauth_gui.cli.main.main, {size['drafts']} drafts, a cached {size['commands']}-command preview, a "
        f"profile whose server is offline) {a * 1000:.0f} ms vs a bare PySide6 QMainWindow {b * 1000:.0f} ms; the "
        f"cached preview's {size['commands']} rows were on the Slash commands page {median(rows_after) * 1000:.0f} "
        "ms after process start",
    )


def rss_overhead(quick: bool = False) -> Measurement:
    size = RSS_QUICK if quick else RSS_FULL
    with tempfile.TemporaryDirectory(prefix="mmoauth-bench-") as tmp:
        data = Path(tmp) / "data"
        prepare(data, drafts=size["drafts"], commands=size["commands"], connections=size["connections"])
        bare: list[float] = []
        app: list[float] = []
        for _ in range(size["runs"]):
            _, lines = run_child("bare", None, "--rss")
            bare.append(_event(lines, "done")["rss_mb"])
            _, lines = run_child("app", data, "--rows", str(size["commands"]), "--rss")
            app.append(_event(lines, "rows")["rss_mb"])
    b, a = median(bare), median(app)
    return Measurement(
        a - b,
        f"peak RSS (ru_maxrss), fresh processes, medians of {size['runs']}: the app with its Slash commands page "
        f"showing {size['commands']} cached commands x {size['connections']} connections ({size['drafts']} drafts "
        f"in the data folder) {a:.1f} MB vs a bare PySide6 QMainWindow {b:.1f} MB",
    )


LAUNCH_RUNS_FULL = 5
LAUNCH_RUNS_QUICK = 1


def _timed(argv: list[str], data_dir: Path) -> float:
    started = time.perf_counter()
    out = subprocess.run(
        [*argv, "--data-dir", str(data_dir), "--selftest"],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=CHILD_LIMIT_S,
        cwd=REPO,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} --selftest failed: {(out.stdout + out.stderr).strip()[-1500:]}")
    return time.perf_counter() - started


def launch_warm(quick: bool = False) -> Measurement:
    """``scripts/launch.sh`` once the environment is set up, against the installed entry point, both running
    the self-test (window, demo sandbox, a validation) to the end."""
    app = REPO / ".venv" / "bin" / "mmoauth-gui"
    if not app.exists():
        raise RuntimeError(f"{app} is missing: run `bash scripts/launch.sh` once to set up the environment")
    runs = LAUNCH_RUNS_QUICK if quick else LAUNCH_RUNS_FULL
    script: list[float] = []
    direct: list[float] = []
    with tempfile.TemporaryDirectory(prefix="mmoauth-bench-") as tmp:
        _timed(["bash", "scripts/launch.sh"], Path(tmp) / "warm")  # warm-up: the OS file cache, the stamp
        for i in range(runs):
            script.append(_timed(["bash", "scripts/launch.sh"], Path(tmp) / f"s{i}"))
            direct.append(_timed([str(app)], Path(tmp) / f"d{i}"))
    s, d = median(script), median(direct)
    return Measurement(
        s / d,
        f"`bash scripts/launch.sh --selftest` with the environment already set up {s * 1000:.0f} ms vs "
        f"`.venv/bin/mmoauth-gui --selftest` {d * 1000:.0f} ms, medians of {runs} (fresh data folders)",
    )
