"""``preview_table_load_ms``: the Slash commands table showing 10,000 rows — the model reset, the proxy's sort and
the first paint of the view, on the GUI thread (offscreen)."""

from __future__ import annotations

import os
import time

from benchmarks.common import Measurement, median
from benchmarks.workloads import preview_workload

FULL = {"commands": 10_000, "connections": 1_000, "runs": 5}
QUICK = {"commands": 300, "connections": 30, "runs": 1}


def measure(quick: bool = False) -> Measurement:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from mmoauth_gui.core.preview.build import Preview
    from mmoauth_gui.ui.preview.view import PreviewView

    size = QUICK if quick else FULL
    app = QApplication.instance() or QApplication(["mmoauth-gui-benchmark"])
    commands, connections = preview_workload(size["commands"], size["connections"])
    preview = Preview(commands, connections)
    rows = preview.rows()
    view = PreviewView()
    view.resize(1200, 700)
    view.show()
    app.processEvents()
    times: list[float] = []
    for _ in range(size["runs"] + 1):
        view.model.set_preview(None)
        app.processEvents()
        t0 = time.perf_counter()
        view.model.set_preview(preview, rows)
        view.table.grab()  # the first paint of the sorted rows
        times.append(time.perf_counter() - t0)
    shown = view.proxy.rowCount()
    if shown != len(rows):
        raise AssertionError(f"the table shows {shown} rows, not {len(rows)}")
    first = view.proxy.index(0, 1).data()
    view.close()
    value = median(times[1:])
    return Measurement(
        value * 1000,
        f"{len(rows)} preview rows ({size['connections']} connections) into the Slash commands table: model reset, "
        f"the proxy's sort by team and command, and the first paint (offscreen), median of {size['runs']} "
        f"after a warm-up ({', '.join(f'{t * 1000:.0f}' for t in times[1:])} ms); first row {first}",
    )
