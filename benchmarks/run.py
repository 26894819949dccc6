"""Run the benchmarks: ratios measured within one run (this machine is noisy), each in a fresh process.

    python benchmarks/run.py [--json | --markdown] [--only NAME ...] [--quick]

Without ``--json``: a table with each value, its goal and whether it is met, then what each number is made
of. With ``--json``: one object, ``{name: {"value": number, "detail": "..."}}``. ``--quick`` uses small sizes
(a smoke test, not a measurement). The exit code is 0 whether goals are met or not (this reports, it does
not assert); 1 when a benchmark crashed (its value is then null and its detail says why).
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@dataclass(frozen=True)
class Benchmark:
    name: str
    function: str  # "module:function", called with quick=...
    goal: float
    higher_is_better: bool
    unit: str

    def met(self, value: float) -> bool:
        return value >= self.goal if self.higher_is_better else value <= self.goal

    @property
    def goal_text(self) -> str:
        return f"{'≥' if self.higher_is_better else '≤'} {self.goal:g}{self.unit}"


BENCHMARKS = {
    b.name: b
    for b in (
        Benchmark("bulk_validation_speedup", "benchmarks.bulk_validation:measure", 50, True, "x"),
        Benchmark("max_loop_stall_ms", "benchmarks.loop_stall:measure", 25, False, " ms"),
        Benchmark("preview_speedup_vs_naive", "benchmarks.preview_speed:preview_speedup", 100, True, "x"),
        Benchmark("live_preview_ms", "benchmarks.preview_speed:live_preview", 2, False, " ms"),
        Benchmark("startup_ratio_vs_bare_qt", "benchmarks.gui_runs:startup", 1.5, False, "x"),
        Benchmark("sync_speedup", "benchmarks.sync_speed:measure", 8, True, "x"),
        Benchmark("rss_overhead_mb", "benchmarks.gui_runs:rss_overhead", 60, False, " MB"),
        Benchmark("preview_table_load_ms", "benchmarks.preview_table:measure", 100, False, " ms"),
        Benchmark("preview_scaling_exponent", "benchmarks.preview_speed:scaling", 1.15, False, ""),
        Benchmark("leak_mb_per_100_validate_all", "benchmarks.leak:measure", 5, False, " MB"),
        Benchmark("launch_warm_ratio", "benchmarks.gui_runs:launch_warm", 1.2, False, "x"),
    )
}
CHILD_LIMIT_S = 900


def run_here(name: str, quick: bool) -> dict[str, Any]:
    """Run one benchmark in this process."""
    module_name, function_name = BENCHMARKS[name].function.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    measurement = function(quick=quick)
    return dict(measurement.to_json())


def run_in_child(name: str, quick: bool) -> dict[str, Any]:
    """Run one benchmark in a fresh process (no heap, threads or Qt state left over from another)."""
    from benchmarks.common import PYTHON, child_env

    argv = [PYTHON, str(Path(__file__).resolve()), "--child", name] + (["--quick"] if quick else [])
    try:
        out = subprocess.run(argv, capture_output=True, text=True, env=child_env(), timeout=CHILD_LIMIT_S)
    except subprocess.TimeoutExpired:
        return {"value": None, "detail": f"crashed: no result within {CHILD_LIMIT_S} s"}
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        tail = out.stderr.strip().splitlines()[-12:]
        return {"value": None, "detail": "crashed: " + (" | ".join(tail) or f"exit code {out.returncode}")}
    result = json.loads(lines[-1])
    return result if isinstance(result, dict) else {"value": None, "detail": f"crashed: printed {lines[-1]!r}"}


def table(results: dict[str, dict[str, Any]]) -> str:
    rows = [("benchmark", "value", "goal", "result")]
    for name, result in results.items():
        bench = BENCHMARKS[name]
        value = result["value"]
        if value is None:
            rows.append((name, "—", bench.goal_text, "CRASHED"))
        else:
            rows.append((name, f"{value:.3g}{bench.unit}", bench.goal_text, "pass" if bench.met(value) else "FAIL"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines += [f"{name}: {result['detail']}" for name, result in results.items()]
    return "\n".join(lines)


def markdown(results: dict[str, dict[str, Any]]) -> str:
    lines = ["| benchmark | value | goal | result |", "|---|---|---|---|"]
    for name, result in results.items():
        bench = BENCHMARKS[name]
        value = result["value"]
        shown = "—" if value is None else f"{value:.3g}{bench.unit}"
        verdict = "crashed" if value is None else ("pass" if bench.met(value) else "**fail**")
        lines.append(f"| `{name}` | {shown} | {bench.goal_text} | {verdict} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ratio benchmarks of mmoauth-gui (see docs/PERFORMANCE.md).")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=list(BENCHMARKS), help="run only these")
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that everything runs")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown (for the docs)")
    parser.add_argument("--in-process", action="store_true", help="run every benchmark in this process")
    parser.add_argument("--child", choices=list(BENCHMARKS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(run_here(args.child, args.quick)), flush=True)
        return 0

    names = args.only or list(BENCHMARKS)
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        print(f"running {name}…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        if args.in_process:
            try:
                results[name] = run_here(name, args.quick)
            except Exception as exc:  # report it with the others, then exit 1
                results[name] = {"value": None, "detail": f"crashed: {type(exc).__name__}: {exc}"}
        else:
            results[name] = run_in_child(name, args.quick)
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)

    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    elif args.markdown:
        print(markdown(results))
    else:
        print(table(results))
    return 1 if any(r["value"] is None for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
