"""The server log's failure lines: parsing, attribution, grouping, the badge count and the capped feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from mmoauth_gui.core.diagnosis.server_log import (
    TOKEN_FAILED,
    UNIDENTIFIED_COMMAND,
    WEBHOOK_FAILED,
    Attribution,
    FailureFeed,
    badge_text,
    group,
    parse_line,
    parse_time,
    token_failures_since,
)

CONN = "c" * 26
HOOK = "h" * 26


def line(msg: str, second: int, **fields: object) -> str:
    stamp = f"2026-12-02 10:00:{second:02d}.000 Z"
    return json.dumps({"timestamp": stamp, "level": "error", "msg": msg, "caller": "app/x.go:1", **fields})


ATTRIBUTION = Attribution(audiences={CONN: ("https://hooks.test/*",)}, callbacks={HOOK: ("https://hooks.test/a",)})


def test_times_in_mlog_format_and_offsets() -> None:
    assert parse_time("2026-12-02 10:00:05.123 Z") == datetime(2026, 12, 2, 10, 0, 5, 123000, UTC)
    assert parse_time("2026-12-02 12:00:05.000 +02:00") == datetime(2026, 12, 2, 10, 0, 5, tzinfo=UTC)
    assert parse_time("yesterday") is None


def test_only_known_messages_are_failures_and_garbage_is_skipped() -> None:
    assert parse_line(line("Something else", 1)) is None
    assert parse_line("not json") is None and parse_line("[1]") is None
    failure = parse_line(line(TOKEN_FAILED, 1, error="oauth2: invalid_client"))
    assert failure is not None and failure.kind == "token" and failure.text == f"{TOKEN_FAILED}: oauth2: invalid_client"
    assert failure.to_json() == {"time": "2026-12-02 10:00:01.000 Z", "level": "error", "message": failure.text}


def test_webhook_lines_are_tied_to_the_one_connection_their_callbacks_match() -> None:
    failure = parse_line(line(TOKEN_FAILED, 2, outgoing_webhook_id=HOOK), ATTRIBUTION)
    assert failure is not None and (failure.webhook_id, failure.connection_id) == (HOOK, CONN)
    other = parse_line(line(WEBHOOK_FAILED, 2, outgoing_webhook_id="x" * 26), ATTRIBUTION)
    assert other is not None and other.connection_id is None


def test_a_known_connection_id_in_the_error_attributes_a_command_line() -> None:
    failure = parse_line(line(TOKEN_FAILED, 3, error=f"connection {CONN} refused"), ATTRIBUTION)
    assert failure is not None and failure.connection_id == CONN
    unknown = parse_line(line(TOKEN_FAILED, 3, error=f"connection {'z' * 26} refused"), ATTRIBUTION)
    assert unknown is not None and unknown.connection_id is None


def test_groups_newest_first_by_connection_command_webhook() -> None:
    failures = [
        f
        for f in (
            parse_line(line(TOKEN_FAILED, 1), ATTRIBUTION),
            parse_line(line(TOKEN_FAILED, 5, outgoing_webhook_id=HOOK), ATTRIBUTION),
            parse_line(line(TOKEN_FAILED, 3, outgoing_webhook_id=HOOK), ATTRIBUTION),
        )
        if f
    ]
    groups = group(failures)
    assert [(g.what, g.key, len(g.failures)) for g in groups] == [
        ("connection", CONN, 2),
        ("command", UNIDENTIFIED_COMMAND, 1),
        ("webhook", HOOK, 2),
    ]
    assert [f.time[-8:-2] for f in groups[0].failures] == ["05.000", "03.000"]


def test_badge_counts_token_failures_in_the_window() -> None:
    failures = [
        f for f in (parse_line(line(TOKEN_FAILED, s, outgoing_webhook_id=HOOK), ATTRIBUTION) for s in (1, 2, 3)) if f
    ]
    now = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    assert token_failures_since(failures, now, timedelta(hours=1)) == {CONN: 3}
    assert token_failures_since(failures, now + timedelta(hours=2), timedelta(hours=1)) == {}
    assert badge_text(3) == "3 token failures in the last hour" and badge_text(1).startswith("1 token failure ")


def test_feed_adds_pages_until_the_overlap_and_keeps_a_cap() -> None:
    feed = FailureFeed(cap=3)
    first = [line(TOKEN_FAILED, s) for s in range(5)]
    assert feed.add_page(first) is False
    assert len(feed.failures) == 3 and feed.failures[0].time.endswith("04.000 Z")
    newer = [*first[-2:], line(TOKEN_FAILED, 9), line("noise", 10)]
    assert feed.add_page(newer) is True  # reached lines already read: stop paging
    assert feed.lines_read == 7
    assert [f.time[-8:-2] for f in feed.failures] == ["09.000", "04.000", "03.000"]


def test_a_failed_validation_without_a_connection_still_shows() -> None:
    failure = parse_line(line("Failed to retrieve token while validating outgoing oauth connection", 4, error="x"))
    assert failure is not None
    assert [(g.what, len(g.failures)) for g in group([failure])] == [("other", 1)]
