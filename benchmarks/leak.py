"""``leak_mb_per_100_validate_all``: how much the window's memory grows per 100 rounds of Validate all.

Same set-up as ``max_loop_stall_ms`` (main window offscreen, the app's event loop, a sandbox and a slow token
endpoint in processes of their own): after a few warm-up rounds, the resident memory (``/proc/self/statm``, after a
garbage collection) is read before and after the measured rounds; the growth is scaled to 100 rounds.
"""

from __future__ import annotations

import asyncio
import gc
import os
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import Measurement, sandbox, token_endpoint, write_json
from benchmarks.loop_stall import connected_window, run_in_qt
from benchmarks.workloads import validation_seed

FULL = {"connections": 100, "delay_ms": 20, "warm": 5, "rounds": 20}
QUICK = {"connections": 10, "delay_ms": 5, "warm": 1, "rounds": 2}


def resident_mb() -> float:
    gc.collect()
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def _scenario_for(warm: int) -> Any:
    async def scenario(paths: Any, info: dict[str, Any], n: int, rounds: int) -> dict[str, float]:
        async with connected_window(paths, info, n) as controller:
            before = 0.0
            for i in range(warm + rounds):
                if i == warm:
                    await asyncio.sleep(0.2)
                    before = resident_mb()
                task = controller.validate_all()
                if task is None:
                    raise RuntimeError("Validate all did not start")
                await task
            await asyncio.sleep(0.2)
            return {"before": before, "after": resident_mb()}

    return scenario


def measure(quick: bool = False) -> Measurement:
    from mmoauth_gui.storage.paths import app_paths

    size = QUICK if quick else FULL
    n = size["connections"]
    with tempfile.TemporaryDirectory(prefix="mmoauth-bench-") as tmp:
        with token_endpoint(size["delay_ms"], background=True) as endpoint:
            seed = write_json(Path(tmp) / "seed.json", validation_seed(n, endpoint["token_url"]))
            with sandbox(seed, background=True) as info:
                out = run_in_qt(app_paths(Path(tmp) / "data"), info, n, size["rounds"], _scenario_for(size["warm"]))
    growth = out["after"] - out["before"]
    return Measurement(
        growth / size["rounds"] * 100,
        f"resident memory of the window process around {size['rounds']} rounds of Connections > Validate all "
        f"({n} connections, token endpoint answering after {size['delay_ms']} ms) after {size['warm']} warm-up "
        f"rounds: {out['before']:.1f} MB before, {out['after']:.1f} MB after ({growth:+.1f} MB), scaled to 100 rounds",
    )
