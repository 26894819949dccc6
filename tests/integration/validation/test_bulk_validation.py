"""Bulk validation: bounded concurrency, progress as each finishes, cancellation, one result per item."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from validation_support import FAULT_SECRET, FaultServer

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.http import make_http_client
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

            bulk = bulk_local(http, connections(faults, 100, 100), on_progress=on_progress)
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
    assert DEFAULT_CONCURRENCY // 2 <= faults.max_in_flight <= DEFAULT_CONCURRENCY  # bounded, and used
    first, last = events.index("result"), len(events) - 1 - events[::-1].index("result")
    assert "tick" in events[first:last]  # the event loop turned between results, not only after the run


def test_concurrency_is_settable(faults: FaultServer) -> None:
    async def go() -> None:
        async with make_http_client() as http:
            await bulk_local(http, connections(faults, 12, 50), concurrency=3).run()

    asyncio.run(go())
    assert 2 <= faults.max_in_flight <= 3


def test_cancel_keeps_finished_results_and_stops_the_rest(faults: FaultServer) -> None:
    async def go() -> tuple[BulkValidation[str], int, int, int]:
        async with make_http_client() as http:
            eight_done = asyncio.Event()

            def progress(done: int, total: int, key: str, result: ValidationResult) -> None:
                if done >= 8:
                    eight_done.set()

            bulk = bulk_local(http, connections(faults, 40, 200), concurrency=4, on_progress=progress)
            task = asyncio.create_task(bulk.run())
            await eight_done.wait()
            # Until the next requests have reached the server (each takes 200 ms there).
            while faults.in_flight == 0:  # noqa: ASYNC110 - a counter in the server's thread, not an event
                await asyncio.sleep(0.005)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            in_flight_at_cancel = faults.in_flight  # the requests under way were not waited for
            done_at_cancel = bulk.done
            # Requests the client had already written may still reach the server's log after the
            # cancel; once they have, nothing new is started.
            await asyncio.sleep(0.5)
            sent_after_cancel = len(faults.requests)
            await asyncio.sleep(0.5)
            assert bulk.done == done_at_cancel and len(faults.requests) == sent_after_cancel  # nothing more
            return bulk, in_flight_at_cancel, done_at_cancel, sent_after_cancel

    bulk, in_flight, done, sent = asyncio.run(go())

    assert in_flight > 0  # cancelled at once: requests were still under way when it returned
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
