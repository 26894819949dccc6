"""The benchmarks still run (tiny sizes): every name is reported with a number, and the pure ones agree with
the reference matcher. No timing is asserted here; docs/PERFORMANCE.md holds the measured values."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import preview_speed, run  # noqa: E402
from benchmarks.common import child_env  # noqa: E402
from benchmarks.workloads import preview_workload  # noqa: E402
from mmoauth_gui.core.preview.build import Preview  # noqa: E402

EXPECTED = {
    "bulk_validation_speedup",
    "max_loop_stall_ms",
    "preview_speedup_vs_naive",
    "live_preview_ms",
    "startup_ratio_vs_bare_qt",
    "sync_speedup",
    "rss_overhead_mb",
    "preview_table_load_ms",
    "preview_scaling_exponent",
    "leak_mb_per_100_validate_all",
    "launch_warm_ratio",
}


def test_the_workload_previews_like_the_nested_loop() -> None:
    commands, connections = preview_workload(200, 20)
    expected = preview_speed.naive(commands, connections)
    rows = Preview(commands, connections).rows()
    assert len(rows) == 200
    assert all(list(r.matches) == sorted(expected[r.command_id]) for r in rows)
    assert any(len(r.matches) > 1 for r in rows) and any(not r.matches for r in rows)


def test_keystrokes_type_an_audience_then_widen_a_wildcard() -> None:
    _, connections = preview_workload(50, 9)
    states = preview_speed.keystrokes(connections[1])
    typed = connections[1].audiences[1]
    assert states[0].audiences[1] == typed[:1]
    assert states[len(typed) - 1].audiences == connections[1].audiences
    assert states[-1].audiences[1] == "*"


def test_pure_benchmarks_report_a_number_and_what_it_is_made_of() -> None:
    pure = (preview_speed.preview_speedup, preview_speed.live_preview, preview_speed.scaling)
    for measurement in (bench(quick=True) for bench in pure):
        assert math.isfinite(measurement.value) and measurement.value > 0
        assert "commands" in measurement.detail


def test_goals_read_in_the_right_direction() -> None:
    assert run.BENCHMARKS["sync_speedup"].met(8.0) and not run.BENCHMARKS["sync_speedup"].met(7.9)
    assert run.BENCHMARKS["live_preview_ms"].met(2) and not run.BENCHMARKS["live_preview_ms"].met(2.1)
    text = run.table(
        {"rss_overhead_mb": {"value": 90.0, "detail": "d"}, "sync_speedup": {"value": None, "detail": "x"}}
    )
    assert "FAIL" in text and "CRASHED" in text and "≤ 60 MB" in text


def test_run_quick_json_reports_every_benchmark() -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--json"],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    results = json.loads(out.stdout)
    assert set(results) == EXPECTED
    for name, result in results.items():
        assert set(result) == {"value", "detail"}, name
        assert isinstance(result["value"], int | float) and math.isfinite(result["value"]), (name, result)
        assert result["detail"], name
