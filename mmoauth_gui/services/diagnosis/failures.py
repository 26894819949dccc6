"""Read the server log by increments into a ``FailureFeed`` (docs/MATTERMOST.md Appendix G).

``GET /api/v4/logs`` returns page 0 as the newest ``logs_per_page`` lines (oldest first within the page),
page 1 as the lines before those, and so on. A refresh reads pages from the newest until one reaches lines
already read, so the log is never downloaded twice; the first refresh stops after ``FIRST_READ_PAGES``.
"""

from __future__ import annotations

import asyncio

from mmoauth_gui.core.diagnosis.server_log import Attribution, FailureFeed
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import InvalidResponse

PAGE_LINES = 500
FIRST_READ_PAGES = 4  # 2,000 lines: the recent past, not the whole file
LATER_READ_PAGES = 20  # a busy server between two refreshes; beyond it the gap is accepted
OPERATION = "read the server log"


async def read_page(client: MattermostClient, page: int, per_page: int = PAGE_LINES) -> list[str]:
    body = await client.get_json(
        "/logs", operation=OPERATION, params={"page": str(page), "logs_per_page": str(per_page)}
    )
    if not isinstance(body, list):
        raise InvalidResponse("expected a list of log lines", status=200, operation=OPERATION)
    return [line for line in body if isinstance(line, str) and line]


async def refresh(client: MattermostClient, feed: FailureFeed, attribution: Attribution = Attribution()) -> int:
    """Read the log lines written since the last refresh; how many lines were new. One refresh at a time per
    feed (the feed is not shared between threads)."""
    before = feed.lines_read
    pages = FIRST_READ_PAGES if before == 0 else LATER_READ_PAGES
    for page in range(pages):
        lines = await read_page(client, page)
        overlapped = await asyncio.to_thread(feed.add_page, lines, attribution)  # ~20 µs a line: not on the GUI thread
        if overlapped or len(lines) < PAGE_LINES:
            break
    return feed.lines_read - before
