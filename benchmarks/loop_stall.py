"""``max_loop_stall_ms``: the longest the Qt event loop goes without processing events while the main
window's "Validate all" runs (the connections controller's bulk validation, through the server).

Everything runs as in the app: a QApplication, the app's event loop (``ui.runtime.event_loop``), an
``AppContext`` with the app's HTTP client and the ``MainWindow`` shown (offscreen). The server is a sandbox
in its own process whose connections all point at a token endpoint answering after 100 ms (a third
process), so that neither server's work shares a GIL with the window; both run at a lower CPU priority, as
the remote machines they stand in for would not take this machine's CPU from the window. A precise 5 ms
``QTimer`` records when the loop gets to run; the result is the largest gap between two ticks that
overlaps the bulk run (the median over a few runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Measurement, median, sandbox, token_endpoint, write_json
from benchmarks.workloads import validation_seed

FULL = (100, 100)  # connections, endpoint delay in ms
QUICK = (10, 20)
TICK_MS = 5
RUNS = 5


async def wait_until(condition: Callable[[], bool], limit_s: float, what: str) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {limit_s:.0f} s")
        await asyncio.sleep(0.02)


class Ticker:
    """A precise timer on the Qt loop recording, at each tick, the time and the GUI thread's scheduler counters
    (time on a CPU, time waiting for one): a long gap with little time on the CPU is the machine's load, not
    the app's work."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[tuple[float, float, float]] = []
        self._schedstat = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def _sched(self) -> tuple[float, float]:
        try:
            on_cpu, waiting, _ = self._schedstat.read_text().split()
        except (OSError, ValueError):
            return 0.0, 0.0
        return int(on_cpu) / 1e9, int(waiting) / 1e9

    def _tick(self) -> None:
        self.ticks.append((time.perf_counter(), *self._sched()))

    def largest_gap(self, start: float, end: float) -> tuple[float, float, float]:
        """(gap, time on a CPU, time waiting for a CPU) of the longest tick interval overlapping [start, end]."""
        best = (0.0, 0.0, 0.0)
        for a, b in zip(self.ticks, self.ticks[1:], strict=False):
            if b[0] >= start and a[0] <= end and b[0] - a[0] > best[0]:
                best = (b[0] - a[0], b[1] - a[1], b[2] - a[2])
        return best

    def busiest(self, start: float, end: float) -> float:
        """The most time the GUI thread spent on a CPU between two ticks, over [start, end]: the app's own
        longest piece of work, whatever the machine's load."""
        return max(
            (b[1] - a[1] for a, b in zip(self.ticks, self.ticks[1:], strict=False) if b[0] >= start and a[0] <= end),
            default=0.0,
        )

    def count(self, start: float, end: float) -> int:
        return sum(1 for t in self.ticks if start <= t[0] <= end)


@contextlib.asynccontextmanager
async def connected_window(paths: Any, info: dict[str, Any], n: int) -> AsyncIterator[Any]:
    """The main window shown and signed in to the sandbox, its ``n`` connections listed and the preview's
    first sync over; yields its connections controller."""
    from mmoauth_gui.services.http import make_http_client
    from mmoauth_gui.storage.profiles import Profile
    from mmoauth_gui.ui.context import AppContext
    from mmoauth_gui.ui.main_window import MainWindow
    from mmoauth_gui.ui.runtime.settings import ui_settings

    ctx = AppContext(paths, make_http_client())
    window = MainWindow(ctx, ui_settings(paths))
    window.show()
    try:
        await ctx.connect_to(Profile(name="Benchmark sandbox", url=info["url"]), info["token"], demo=True)
        controller = window.connections
        await wait_until(
            lambda: controller.model.rowCount() == n and not controller.loading, 60, f"listing the {n} connections"
        )
        syncer = getattr(window.page("preview"), "syncer", None)
        if syncer is not None:  # the preview page syncs once on connecting: let it finish first
            await wait_until(lambda: not syncer.running, 60, "the preview's first sync")
        yield controller
    finally:
        window.close()
        await ctx.aclose()


async def _scenario(paths: Any, info: dict[str, Any], n: int, runs: int) -> list[dict[str, Any]]:
    async with connected_window(paths, info, n) as controller:
        ticker = Ticker()
        ticker.timer.start()
        await asyncio.sleep(0.3)
        idle = ticker.largest_gap(ticker.ticks[0][0] if ticker.ticks else 0.0, time.perf_counter())[0]
        out = []
        for _ in range(runs):
            start = time.perf_counter()
            task = controller.validate_all()
            if task is None:
                raise RuntimeError("Validate all did not start")
            await task
            end = time.perf_counter()
            await asyncio.sleep(0.1)
            results = dict(controller.bulk.results) if controller.bulk is not None else {}
            gap, on_cpu, waiting = ticker.largest_gap(start, end)
            out.append(
                {
                    "gap": gap,
                    "on_cpu": on_cpu,
                    "waiting": waiting,
                    "idle_gap": idle,
                    "run_s": end - start,
                    "busiest": ticker.busiest(start, end),
                    "ticks": ticker.count(start, end),
                    "ok": sum(1 for r in results.values() if r.ok),
                }
            )
        ticker.timer.stop()
        return out


def _quiet_offscreen_notice() -> None:
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(mode: Any, context: Any, message: str) -> None:
        if "propagateSizeHints" not in message and previous is not None:
            previous(mode, context, message)
        elif "propagateSizeHints" not in message:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)


Scenario = Callable[[Any, dict[str, Any], int, int], Any]


def run_in_qt(paths: Any, info: dict[str, Any], n: int, runs: int, scenario: Scenario | None = None) -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_API", "pyside6")
    from PySide6.QtWidgets import QApplication

    from mmoauth_gui.ui.runtime.event_loop import AppEventLoop

    _quiet_offscreen_notice()
    app = QApplication.instance() or QApplication(["mmoauth-gui-benchmark"])
    app.setQuitOnLastWindowClosed(False)  # as the app does: closing the window must not stop the loop
    loop = AppEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete((scenario or _scenario)(paths, info, n, runs))
    finally:
        loop.close()
        asyncio.set_event_loop(None)


def measure(quick: bool = False) -> Measurement:
    from mmoauth_gui.services.validation.bulk import DEFAULT_CONCURRENCY
    from mmoauth_gui.storage.paths import app_paths

    n, delay_ms = QUICK if quick else FULL
    runs = 1 if quick else RUNS
    with tempfile.TemporaryDirectory(prefix="mmoauth-bench-") as tmp:
        with token_endpoint(delay_ms, background=True) as endpoint:
            seed = write_json(Path(tmp) / "seed.json", validation_seed(n, endpoint["token_url"]))
            with sandbox(seed, background=True) as info:
                out = run_in_qt(app_paths(Path(tmp) / "data"), info, n, runs)
    bad = [r["ok"] for r in out if r["ok"] != n]
    if bad:
        raise AssertionError(f"a Validate all run got {bad[0]} of {n} connections valid (expected all)")
    value = median([r["gap"] for r in out])
    each = "; ".join(
        f"{r['gap'] * 1000:.1f} ms (GUI thread on a CPU {r['on_cpu'] * 1000:.1f} ms of it, waiting for a CPU "
        f"{r['waiting'] * 1000:.1f} ms; run {r['run_s'] * 1000:.0f} ms, {r['ticks']} ticks)"
        for r in out
    )
    busiest = max(r["busiest"] for r in out)
    return Measurement(
        value * 1000,
        f"main window shown (offscreen, the app's event loop); Connections > Validate all of {n} connections "
        "(concurrency "
        f"{DEFAULT_CONCURRENCY}) through a sandbox process whose token URL answers after {delay_ms} ms; median "
        f"over {len(out)} runs of the largest gap between {TICK_MS} ms timer ticks: {each}; idle before: "
        f"{out[0]['idle_gap'] * 1000:.1f} ms; the GUI thread's longest work between two ticks (its own share, "
        f"whatever the machine's load): {busiest * 1000:.1f} ms",
    )
