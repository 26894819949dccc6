"""What every benchmark shares: the result type, child processes that print one JSON line first, medians."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
PYTHON = sys.executable
QUIET_QT = "qt.qpa.*=false"  # the offscreen platform's "does not support propagateSizeHints()" notices


@dataclass(frozen=True)
class Measurement:
    value: float
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"value": round(self.value, 3), "detail": self.detail}


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


PYCACHE = Path(tempfile.gettempdir()) / "mmoauth-bench-pycache"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: offscreen Qt, the repository importable, no proxies for loopback,
    and compiled bytecode kept (outside the repository) even where PYTHONDONTWRITEBYTECODE is set, as an
    installed app (pip, PyInstaller) has its .pyc files: without them every start compiles every module."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["QT_API"] = "pyside6"
    env.setdefault("QT_LOGGING_RULES", QUIET_QT)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


def read_json_line(proc: subprocess.Popen[str], timeout: float, what: str) -> dict[str, Any]:
    """The next line the child prints on stdout, parsed; fails if it does not come within ``timeout``."""
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    try:
        if not selector.select(timeout):
            raise RuntimeError(f"{what} printed nothing within {timeout:.0f} s")
    finally:
        selector.close()
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"{what} exited (code {proc.wait()}) before printing its JSON line")
    value = json.loads(line)
    if not isinstance(value, dict):
        raise RuntimeError(f"{what} printed {line!r}, not a JSON object")
    return value


def stop_process(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def niced(cmd: Sequence[str]) -> list[str]:
    """``cmd`` at a lower CPU priority. The servers stand in for other machines: where the measure is the
    app's responsiveness, they must not take this 2-core machine's CPU from it. (Where the measure is a
    throughput that includes the server's own work, they keep a normal priority.)"""
    nice = shutil.which("nice")
    return [nice, "-n", "19", *cmd] if nice else list(cmd)


@contextmanager
def server_process(
    cmd: Sequence[str], what: str, *, background: bool = False, timeout: float = 60.0
) -> Iterator[dict[str, Any]]:
    """Start ``cmd`` (a server printing one JSON line first), yield that line, stop the server afterwards.
    ``background``: at a lower CPU priority (see :func:`niced`)."""
    with tempfile.TemporaryFile(mode="w+") as errors:
        argv = niced(cmd) if background else list(cmd)
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors, text=True, env=child_env())
        try:
            try:
                info = read_json_line(proc, timeout, what)
            except (RuntimeError, json.JSONDecodeError) as exc:
                stop_process(proc)
                errors.seek(0)
                raise RuntimeError(f"{exc}; its stderr: {errors.read()[-2000:]}") from None
            yield info
        finally:
            stop_process(proc)


def token_endpoint(delay_ms: int, *, background: bool = False) -> Any:
    """A slow token endpoint in its own process (``benchmarks/token_endpoint.py``): yields its info."""
    return server_process(
        [PYTHON, str(BENCH_DIR / "token_endpoint.py"), "--delay-ms", str(delay_ms)],
        "the token endpoint",
        background=background,
    )


def sandbox(seed_file: Path, latency_ms: int = 0, *, background: bool = False) -> Any:
    """``mmoauth-gui sandbox`` in its own process, seeded from ``seed_file``: yields its first JSON line."""
    return server_process(
        [
            PYTHON,
            "-m",
            "mmoauth_gui",
            "sandbox",
            "--seed",
            str(seed_file),
            "--latency-ms",
            str(latency_ms),
            "--port",
            "0",
        ],
        "the sandbox",
        background=background,
    )


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started
