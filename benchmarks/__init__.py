"""Ratio benchmarks of mmoauth-gui (docs/PERFORMANCE.md: ratios within one run, this machine is noisy).

Run ``python benchmarks/run.py`` (a table) or ``python benchmarks/run.py --json``; docs/PERFORMANCE.md has the
latest results and what each number means.
"""
