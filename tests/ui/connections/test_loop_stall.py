"""The Qt event loop keeps running while Validate all runs with the main window up: a blocking call on the GUI
thread (per result, or anywhere on the way) shows as a gap between the ticks of a precise timer.

The limit is the time the GUI thread was *not waiting for a CPU* across the longest gap (``/proc`` scheduler
counters): time the machine's load took from the window is not held against the app, time it spent working
or blocked (a sleep, a keyring call, a file write on the GUI thread) is. Measured at 7-90 ms with three busy
loops on 2 cores; a 0.6 s blocking call per result (planted once in ``_bulk_progress``) measured 0.6-3 s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from support.ui_helpers import run

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.runtime.settings import ui_settings

REPO = Path(__file__).resolve().parents[3]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.loop_stall import Ticker  # noqa: E402

STALL_LIMIT_S = 0.35
RUNS = 3


def test_validate_all_never_stalls_the_window(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> None:
    window = MainWindow(ctx, ui_settings(ctx.paths))
    qtbot.addWidget(window)
    window.show()
    run(qtbot, ctx.connect_to(Profile(name="Demo sandbox", url=sandbox.url), sandbox.admin_token, demo=True))
    controller = window.connections
    qtbot.waitUntil(lambda: controller.model.rowCount() == 8 and not controller.loading)
    syncer = getattr(window.page("preview"), "syncer", None)
    if syncer is not None:  # the preview page syncs once on connecting: not what is measured here
        qtbot.waitUntil(lambda: not syncer.running)

    checkable = sum(1 for c in controller.model.connections() if not c.uses_password_grant)
    ticker = Ticker()
    ticker.timer.start()
    stalls: list[float] = []
    try:
        for _ in range(RUNS):
            qtbot.waitUntil(lambda: len(ticker.ticks) >= 2)
            start = ticker.ticks[-1][0]
            with qtbot.waitSignal(controller.bulk_finished) as finished:
                assert controller.validate_all() is not None
            end = time.perf_counter()
            qtbot.waitUntil(lambda end=end: ticker.ticks[-1][0] > end)  # the last gap closes
            gap, _on_cpu, waiting = ticker.largest_gap(start, end)
            stalls.append(gap - waiting)
            # every connection got a result (password-grant ones are left for a check with their password)
            assert len(finished.args[0]) == checkable
    finally:
        ticker.timer.stop()
    print(f"longest loop stall per run, machine load taken out: {[f'{s * 1000:.0f} ms' for s in stalls]}")
    assert max(stalls) < STALL_LIMIT_S, f"the Qt loop stalled {max(stalls) * 1000:.0f} ms during Validate all"
