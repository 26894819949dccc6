"""``bulk_validation_speedup``: 100 desktop validations against a token endpoint answering after 100 ms,
one after another (as the backstage does) / the app's bulk validation (``services.bulk_validation``).

The endpoint runs in its own process (an asyncio server: every request waits concurrently, as on a real
authorization server), so neither side's work shares a GIL with the other.
"""

from __future__ import annotations

import asyncio
import time

from benchmarks.common import Measurement, median, token_endpoint
from mmoauth_gui.core.model import Connection
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.token.client import validate_locally
from mmoauth_gui.services.validation.bulk import DEFAULT_CONCURRENCY, bulk_local

FULL = (100, 100)  # validations, endpoint delay in ms
QUICK = (10, 20)
WIDER = 64  # the app's HTTP client allows 64 connections: what that concurrency would give


def connections(n: int, token_url: str) -> dict[str, Connection]:
    return {
        f"c{i:03d}": Connection(
            id=f"c{i:03d}",
            name=f"Bench {i}",
            client_id=f"bench-client-{i}",
            client_secret=f"bench-secret-{i}",
            oauth_token_url=token_url,
            audiences=(f"https://svc{i}.example.com/*",),
        )
        for i in range(n)
    }


BULK_RUNS = 3  # each on a fresh client (one warm-up request), as the app's first Validate all would meet it


async def _bulk_once(conns: dict[str, Connection], concurrency: int) -> tuple[float, list[bool]]:
    async with make_http_client() as http:
        await validate_locally(http, next(iter(conns.values())))  # warm-up: the first connection
        bulk = bulk_local(http, conns, concurrency=concurrency)
        t0 = time.perf_counter()
        results = await bulk.run()
        return time.perf_counter() - t0, [r.ok for r in results.values()]


async def _measure(n: int, token_url: str) -> tuple[float, list[float], float, int]:
    conns = connections(n, token_url)
    async with make_http_client() as http:
        await validate_locally(http, next(iter(conns.values())))  # warm-up: imports, first connection
        t0 = time.perf_counter()
        sequential = [await validate_locally(http, c) for c in conns.values()]
        one_by_one = time.perf_counter() - t0
    oks = [r.ok for r in sequential]
    apps = []
    for _ in range(BULK_RUNS):
        elapsed, ok = await _bulk_once(conns, DEFAULT_CONCURRENCY)
        apps.append(elapsed)
        oks += ok
    wider, ok = await _bulk_once(conns, WIDER)
    return one_by_one, apps, wider, oks.count(False) + ok.count(False)


def measure(quick: bool = False) -> Measurement:
    n, delay_ms = QUICK if quick else FULL
    with token_endpoint(delay_ms) as info:
        one_by_one, apps, wider, failed = asyncio.run(_measure(n, info["token_url"]))
    if failed:
        raise AssertionError(f"{failed} validations failed against the benchmark endpoint")
    floor = -(-n // DEFAULT_CONCURRENCY) * delay_ms / 1000
    app = median(apps)
    each = ", ".join(f"{a * 1000:.0f}" for a in apps)
    return Measurement(
        one_by_one / app,
        f"{n} validations, endpoint answering after {delay_ms} ms (asyncio server in its own process): one after "
        f"another {one_by_one * 1000:.0f} ms, bulk_local at the app's concurrency {DEFAULT_CONCURRENCY} "
        f"{app * 1000:.0f} ms, median of {len(apps)} fresh clients ({each}) "
        f"(at best ceil({n}/{DEFAULT_CONCURRENCY}) x {delay_ms} ms = {floor * 1000:.0f} ms, "
        f"so at most {one_by_one / floor:.1f}x); at concurrency {WIDER} {wider * 1000:.0f} ms = "
        f"{one_by_one / wider:.1f}x; every result ok",
    )
