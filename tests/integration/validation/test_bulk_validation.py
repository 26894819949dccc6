"""Bulk validation: bounded concurrency, progress as each finishes, cancellation, one result per item."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from validation_support import FAULT_SECRET, FaultServer

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.validation.bulk import DEFAULT_CONCURRENCY, BulkValidation, bulk_local

HELD = "/token-held"  # answered once the test sets ``faults.release``


def connections(server: FaultServer, count: int, path: str, key: str = "c") -> dict[str, Connection]:
    return {
        f"{key}{i:03}": Connection(
            name=f"conn {i}",
            client_id=f"client-{i}",
            client_secret=FAULT_SECRET,
            oauth_token_url=f"{server.url}{path}",
            audiences=("https://x.example.com/",),
        )
        for i in range(count)
    }


async def release_when_in_flight(server: FaultServer, count: int, settle_s: float = 0.0) -> None:
    """Let the held requests answer once ``count`` of them are at the server together (and, after ``settle_s``,
    no more came)."""
    while server.in_flight < count:  # noqa: ASYNC110 - a counter in the server's thread, not an event
        await asyncio.sleep(0.005)
    await asyncio.sleep(settle_s)
    server.release.set()


async def run_released(bulk: BulkValidation[str], server: FaultServer, count: int, settle_s: float = 0.0) -> None:
    """Run ``bulk`` whose requests are held until ``count`` are in flight; 30 s without that fails the test."""
    async with asyncio.timeout(30):
        await asyncio.gather(bulk.run(), release_when_in_flight(server, count, settle_s))


def test_100_validations_run_side_by_side_and_the_loop_keeps_turning(faults: FaultServer) -> None:
    progress: list[tuple[int, int, str, bool]] = []
    events: list[str] = []

    async def ticker(stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.sleep(0.01)
            events.append("tick")

    async def go() -> dict[str, ValidationResult]:
        async with make_http_client() as http:

            def on_progress(done: int, total: int, key: str, result: ValidationResult) -> None:
                progress.append((done, total, key, result.ok))
                events.append("result")

            # The answers come over 200 ms (100 ms + 2 ms for each item), so the loop has time to turn between them.
            spread = {
                key: replace(conn, oauth_token_url=f"{faults.url}/token-delay/{100 + 2 * i}")
                for i, (key, conn) in enumerate(connections(faults, 100, "").items())
            }
            bulk = bulk_local(http, spread, on_progress=on_progress)
            stop = asyncio.Event()
            tick = asyncio.create_task(ticker(stop))
            results = await bulk.run()
            stop.set()
            await tick
            return results

    results = asyncio.run(go())

    assert len(results) == 100 and all(r.ok for r in results.values())
    assert list(results) == sorted(results)  # input order
    assert [p[0] for p in progress] == list(range(1, 101)) and {p[1] for p in progress} == {100}
    assert sorted(p[2] for p in progress) == sorted(results)
    first, last = events.index("result"), len(events) - 1 - events[::-1].index("result")
    assert "tick" in events[first:last]  # the event loop turned between results, not only after the run


def test_by_default_a_hundred_requests_are_in_flight_at_once(faults: FaultServer) -> None:
    async def go() -> None:
        async with make_http_client() as http:
            await run_released(bulk_local(http, connections(faults, 100, HELD)), faults, 100)

    asyncio.run(go())
    assert DEFAULT_CONCURRENCY >= 100 and faults.max_in_flight == 100


def test_concurrency_is_settable(faults: FaultServer) -> None:
    async def go() -> None:
        async with make_http_client() as http:
            await run_released(bulk_local(http, connections(faults, 12, HELD), concurrency=3), faults, 3, 0.2)

    asyncio.run(go())
    assert faults.max_in_flight == 3 and len(faults.requests) == 12


def test_cancel_keeps_finished_results_and_stops_the_rest(faults: FaultServer) -> None:
    # Eight answer at once; the server holds every later request until the test releases it.
    items = {**connections(faults, 8, "/token-delay/0"), **connections(faults, 32, HELD, key="h")}

    async def go() -> tuple[BulkValidation[str], int, bool]:
        async with asyncio.timeout(60), make_http_client() as http:
            bulk = bulk_local(http, items, concurrency=4)
            task = asyncio.create_task(bulk.run())
            while faults.in_flight < 4:  # noqa: ASYNC110 - a counter in the server's thread, not an event
                await asyncio.sleep(0.005)
            task.cancel()
            await asyncio.wait([task], timeout=30)  # only a cancel that waits for the held answers takes this long
            cancelled = task.cancelled()
            in_flight_at_cancel = faults.in_flight
            faults.release.set()  # a batch still running would now get answers and start the next requests
            while faults.in_flight:  # noqa: ASYNC110 - a counter in the server's thread, not an event
                await asyncio.sleep(0.005)
            await asyncio.sleep(0.5)
            return bulk, in_flight_at_cancel, cancelled

    bulk, in_flight, cancelled = asyncio.run(go())

    assert cancelled and in_flight == 4  # it returned with the requests under way still unanswered
    assert bulk.done == 8 and len(faults.requests) == 8 + 4  # nothing started after the cancel
    assert all(r.ok for r in bulk.results.values()) and set(bulk.results) == {f"c{i:03}" for i in range(8)}
    assert len(bulk.unfinished) == 32 and not bulk.running
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
