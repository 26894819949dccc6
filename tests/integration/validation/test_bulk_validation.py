"""Bulk validation: bounded concurrency, progress as each finishes, cancellation, one result per item."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from validation_support import FAULT_SECRET, FaultServer, check

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.token.client import TokenRequest
from mmoauth_gui.services.validation.bulk import DEFAULT_CONCURRENCY, BulkValidation, bulk_local


def connections(server: FaultServer, count: int, delay_ms: int) -> dict[str, Connection]:
    return {
        f"c{i:03}": Connection(
            name=f"conn {i}",
            client_id=f"client-{i}",
            client_secret=FAULT_SECRET,
            oauth_token_url=f"{server.url}/token-delay/{delay_ms}",
            audiences=("https://x.example.com/",),
        )
        for i in range(count)
    }


def test_100_validations_take_a_small_multiple_of_one(faults: FaultServer) -> None:
    started = time.perf_counter()
    single = check(TokenRequest(f"{faults.url}/token-delay/100", "one", FAULT_SECRET))
    one_request = time.perf_counter() - started
    assert single.ok

    progress: list[tuple[int, int, str, bool]] = []
    lag: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = loop.time()
            lag.append(now - last - 0.01)
            last = now

    async def go() -> tuple[dict[str, ValidationResult], float]:
        async with make_http_client() as http:
            bulk = bulk_local(
                http,
                connections(faults, 100, 100),
                on_progress=lambda done, total, key, result: progress.append((done, total, key, result.ok)),
            )
            stop = asyncio.Event()
            tick = asyncio.create_task(ticker(stop))
            t0 = time.perf_counter()
            results = await bulk.run()
            elapsed = time.perf_counter() - t0
            stop.set()
            await tick
            return results, elapsed

    results, elapsed = asyncio.run(go())

    assert len(results) == 100 and all(r.ok for r in results.values())
    assert list(results) == sorted(results)  # input order
    assert elapsed < 20 * one_request, (elapsed, one_request)
    assert elapsed < 100 * 0.1 / 3  # far from one after the other
    assert [p[0] for p in progress] == list(range(1, 101)) and {p[1] for p in progress} == {100}
    assert sorted(p[2] for p in progress) == sorted(results)
    assert DEFAULT_CONCURRENCY // 2 <= faults.max_in_flight <= DEFAULT_CONCURRENCY  # bounded, and used
    assert max(lag) < 0.5  # the event loop kept turning


def test_concurrency_is_settable(faults: FaultServer) -> None:
    async def go() -> None:
        async with make_http_client() as http:
            await bulk_local(http, connections(faults, 12, 50), concurrency=3).run()

    asyncio.run(go())
    assert 2 <= faults.max_in_flight <= 3


def test_cancel_keeps_finished_results_and_stops_the_rest(faults: FaultServer) -> None:
    async def go() -> tuple[BulkValidation[str], float, int, int]:
        async with make_http_client() as http:
            eight_done = asyncio.Event()

            def progress(done: int, total: int, key: str, result: ValidationResult) -> None:
                if done >= 8:
                    eight_done.set()

            bulk = bulk_local(http, connections(faults, 40, 200), concurrency=4, on_progress=progress)
            task = asyncio.create_task(bulk.run())
            await eight_done.wait()
            t0 = time.perf_counter()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            cancel_seconds = time.perf_counter() - t0
            done_at_cancel, sent_at_cancel = bulk.done, len(faults.requests)
            await asyncio.sleep(0.5)
            assert bulk.done == done_at_cancel and len(faults.requests) == sent_at_cancel  # nothing more
            return bulk, cancel_seconds, done_at_cancel, sent_at_cancel

    bulk, cancel_seconds, done, sent = asyncio.run(go())

    assert cancel_seconds < 0.5
    assert 8 <= done < 40 and sent <= done + 4
    assert all(r.ok for r in bulk.results.values())
    assert len(bulk.unfinished) == 40 - done and not bulk.running
    assert set(bulk.unfinished).isdisjoint(bulk.results)


def test_every_item_gets_one_result_even_when_a_job_breaks() -> None:
    async def fine() -> ValidationResult:
        return ValidationResult(ok=True, category="ok")

    async def broken() -> ValidationResult:
        raise RuntimeError("bug")

    seen: list[Any] = []

    def explode(*args: Any) -> None:
        seen.append(args[2])
        raise ValueError("a faulty progress callback does not stop the batch")

    bulk = BulkValidation([("a", fine), ("b", broken), ("c", fine)], concurrency=2, on_progress=explode)
    results = asyncio.run(bulk.run())

    assert list(results) == ["a", "b", "c"] and sorted(seen) == ["a", "b", "c"]
    assert results["a"].ok and results["c"].ok
    assert not results["b"].ok and "unexpected error (RuntimeError)" in results["b"].hint


def test_bad_arguments() -> None:
    async def fine() -> ValidationResult:
        return ValidationResult(ok=True, category="ok")

    with pytest.raises(ValueError, match="own key"):
        BulkValidation([("a", fine), ("a", fine)])
    with pytest.raises(ValueError, match="at least 1"):
        BulkValidation({"a": fine}, concurrency=0)
    assert asyncio.run(BulkValidation[str]({}).run()) == {}
