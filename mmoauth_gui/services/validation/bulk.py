"""Validate many connections at once: bounded concurrency, progress as each finishes, cancellable.

``BulkValidation.run()`` runs a fixed pool of workers on the caller's event loop (nothing blocks it).
Cancelling the task that awaits ``run()`` cancels the requests in flight; the results that had already
come in stay in ``bulk.results``. Each finished item gets exactly one result; a job that raises
unexpectedly still gets one (a failure naming the exception), so one bad item never sinks the batch.

The requests share one ``httpx.AsyncClient``: its connection limit must allow ``concurrency`` parallel
connections (``make_http_client`` allows 64), or the pool waits on the client instead of the network.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

import httpx

from mmoauth_gui.core.clock import now_iso
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import Category, ValidationResult
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.token.client import DEFAULT_TIMEOUT, AuthChoice, TokenRequest, request_token
from mmoauth_gui.services.validation.server import validate_on_server, validate_stored_on_server

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 128  # desktop checks: token endpoints answer slowly, they are not CPU-bound here
SERVER_CONCURRENCY = 16  # checks through Mattermost: each one makes the server fetch a token, be gentle

K = TypeVar("K", bound=Hashable)
Job = Callable[[], Awaitable[ValidationResult]]
ProgressCallback = Callable[[int, int, K, ValidationResult], None]  # (done, total, key, result)


class BulkValidation(Generic[K]):
    """One batch. Create it, then ``await bulk.run()`` (or run it as a task and cancel that task)."""

    def __init__(
        self,
        jobs: Mapping[K, Job] | Iterable[tuple[K, Job]],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: ProgressCallback[K] | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        pairs = list(jobs.items()) if isinstance(jobs, Mapping) else list(jobs)
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise ValueError("each item of a bulk validation needs its own key")
        self._jobs = pairs
        self.concurrency = concurrency
        self.on_progress = on_progress
        self.results: dict[K, ValidationResult] = {}
        self.running: set[K] = set()

    @property
    def total(self) -> int:
        return len(self._jobs)

    @property
    def done(self) -> int:
        return len(self.results)

    @property
    def unfinished(self) -> list[K]:
        """Keys without a result (not started, or cancelled mid-way), in the input order."""
        return [k for k, _ in self._jobs if k not in self.results]

    async def run(self) -> dict[K, ValidationResult]:
        """Every result, in the input order. Cancelling this coroutine cancels what is in flight."""
        queue = deque(self._jobs)

        async def worker() -> None:
            while queue:
                key, job = queue.popleft()
                self.running.add(key)
                try:
                    result = await _guarded(key, job)
                finally:
                    self.running.discard(key)
                self.results[key] = result
                self._report(key, result)

        async with asyncio.TaskGroup() as group:
            for _ in range(min(self.concurrency, len(queue))):
                group.create_task(worker())
        return {k: self.results[k] for k, _ in self._jobs if k in self.results}

    def _report(self, key: K, result: ValidationResult) -> None:
        if self.on_progress is None:
            return
        try:
            self.on_progress(self.done, self.total, key, result)
        except Exception:
            log.exception("bulk validation progress callback failed")


async def _guarded(key: Hashable, job: Job) -> ValidationResult:
    try:
        return await job()
    except (asyncio.CancelledError, KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        log.exception("validation of %r failed unexpectedly", key)
        return ValidationResult.failure(
            Category.INVALID_RESPONSE,
            f"The check stopped on an unexpected error ({type(exc).__name__}); see the log file for details.",
            checked_at=now_iso(),
        )


def bulk_local(
    http: httpx.AsyncClient,
    connections: Mapping[K, Connection],
    *,
    auth: str = AuthChoice.POST.value,
    timeout_s: float = DEFAULT_TIMEOUT,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressCallback[K] | None = None,
) -> BulkValidation[K]:
    """Desktop checks of many connections (each needs its secret)."""

    def job(conn: Connection) -> Job:
        return lambda: request_token(http, TokenRequest.for_connection(conn, auth=auth, timeout=timeout_s))

    return BulkValidation(
        [(key, job(conn)) for key, conn in connections.items()], concurrency=concurrency, on_progress=on_progress
    )


def bulk_on_server(
    client: MattermostClient,
    connections: Mapping[K, Connection],
    *,
    team_id: str | None = None,
    stored_secret: bool = True,
    concurrency: int = SERVER_CONCURRENCY,
    on_progress: ProgressCallback[K] | None = None,
) -> BulkValidation[K]:
    """Server-side checks of many connections; ``stored_secret``: use the secrets the server keeps."""

    def job(conn: Connection) -> Job:
        if stored_secret:
            return lambda: validate_stored_on_server(client, conn, team_id)
        return lambda: validate_on_server(client, conn, team_id)

    return BulkValidation(
        [(key, job(conn)) for key, conn in connections.items()], concurrency=concurrency, on_progress=on_progress
    )
