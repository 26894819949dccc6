"""Webhook callbacks in the preview: one row per callback URL, the same verdicts and what-if as commands, their
own failure mode in words, kind filters, warnings and exports (docs/MATTERMOST.md §5)."""

from __future__ import annotations

import csv
import io
import json

from mmoauth_gui.core.model import Command, Connection, IntegrationKind, Team
from mmoauth_gui.core.preview.build import Preview, Status
from mmoauth_gui.core.preview.diff import ChangeKind
from mmoauth_gui.core.preview.report import WarningKind, preview_csv, preview_json, preview_warnings
from mmoauth_gui.core.preview.snapshot import SyncResult
from mmoauth_gui.core.webhooks import OutgoingWebhook, callbacks_of

CI = Connection(name="CI", id="c1", audiences=("https://ci.example.com/*",))
ALERTS = Connection(name="Alerts", id="c2", audiences=("https://alerts.example.com/in",))
DEPLOY = Command(id="cmd1", team_id="t1", trigger="deploy", url="https://ci.example.com/deploy")
HOOK = OutgoingWebhook(
    id="h1",
    team_id="t1",
    display_name="Notifier",
    channel_id="ch1",
    trigger_words=("ship", "release"),
    callback_urls=("https://ci.example.com/notify", "https://alerts.example.com/in", "https://plain.example.com/x"),
    content_type="application/json",
)


def preview() -> Preview:
    return Preview([DEPLOY, *callbacks_of([HOOK])], [CI, ALERTS])


def test_one_row_per_callback_url_with_its_own_verdict() -> None:
    rows = preview().rows()
    assert [(r.kind, r.label) for r in rows] == [
        (IntegrationKind.COMMAND, "/deploy"),
        (IntegrationKind.WEBHOOK, "Notifier (callback 1)"),
        (IntegrationKind.WEBHOOK, "Notifier (callback 2)"),
        (IntegrationKind.WEBHOOK, "Notifier (callback 3)"),
    ]
    assert [r.connection_id for r in rows] == ["c1", "c1", "c2", None]
    assert len({r.row_key for r in rows}) == 4  # unique per row, though the three share the hook's id
    hook_rows = preview().filter_rows(kind=IntegrationKind.WEBHOOK)
    assert [r.status for r in hook_rows] == [Status.LINKED, Status.LINKED, Status.UNLINKED]
    assert preview().filter_rows(kind=IntegrationKind.COMMAND, connection_id="c1")[0].command is DEPLOY


def test_explanations_name_each_kinds_failure_mode() -> None:
    command, callback, _, unlinked = preview().rows()
    assert "sent without the OAuth token" in command.explanation
    assert "is not sent" in callback.explanation
    assert "sent without an Authorization header" in unlinked.explanation
    assert "own token" not in unlinked.explanation  # a webhook has no Token header fallback


def test_delete_what_if_counts_commands_and_callbacks_separately() -> None:
    diff = preview().what_if_delete("c1")
    assert diff.counts()[ChangeKind.LOST] == 2
    split = diff.counts_by_integration()
    assert split[IntegrationKind.COMMAND][ChangeKind.LOST] == 1
    assert split[IntegrationKind.WEBHOOK][ChangeKind.LOST] == 1
    assert diff.summary() == "1 command loses its token. 1 webhook callback loses its token."
    lines = diff.lines()
    assert lines[0].startswith("/deploy — t1 — https://ci.example.com/deploy: would lose “CI”'s token and be sent")
    assert lines[1] == (
        "webhook Notifier (callback 1) — t1 — https://ci.example.com/notify: would lose “CI”'s token and be called "
        "without an Authorization header"
    )
    assert preview().usage_counts() == {"c1": 2, "c2": 1}


def test_an_audience_change_that_matches_a_callback_shows_it() -> None:
    wider = ALERTS.with_changes(audiences=("https://alerts.example.com/in", "https://plain.example.com/*"))
    diff = preview().what_if_edit(wider)
    (gained,) = diff.gained
    assert gained.command.kind is IntegrationKind.WEBHOOK and gained.command.url == "https://plain.example.com/x"


def test_warnings_include_webhooks_split_across_connections_and_http() -> None:
    http_hook = OutgoingWebhook(
        id="h2",
        team_id="t1",
        display_name="Weather",
        trigger_words=("rain",),
        callback_urls=("http://weather.example.net/in",),
    )
    weather = Connection(name="Weather", id="c3", audiences=("http://weather.example.net/*",))
    p = Preview([DEPLOY, *callbacks_of([HOOK, http_hook])], [CI, ALERTS, weather])
    warnings = preview_warnings(p)
    (split,) = [w for w in warnings if w.kind is WarningKind.WEBHOOK_SPLIT]
    assert split.command_ids == ("h1",) and split.connection_ids == ("c1", "c2")
    assert "callback 1 → “CI”; callback 2 → “Alerts”; callback 3 → no connection" in split.message
    (insecure,) = [w for w in warnings if w.kind is WarningKind.INSECURE_URL]
    assert insecure.message.startswith("webhook Weather at http://weather.example.net/in would receive")


def test_exports_carry_the_kind_and_the_webhooks_fields() -> None:
    p = preview()
    data = preview_json(p)
    hook_row = data["rows"][1]
    assert hook_row["kind"] == "webhook" and "command_id" not in hook_row
    assert (hook_row["webhook_id"], hook_row["callback_index"], hook_row["display_name"]) == ("h1", 0, "Notifier")
    assert hook_row["trigger_words"] == ["ship", "release"] and hook_row["channel_id"] == "ch1"
    assert hook_row["content_type"] == "application/json" and hook_row["method"] == "P"
    assert data["rows"][0]["kind"] == "command" and data["rows"][0]["command_id"] == "cmd1"
    rows = list(csv.DictReader(io.StringIO(preview_csv(p))))
    assert [(r["kind"], r["command_id"], r["webhook_id"], r["callback_index"]) for r in rows] == [
        ("command", "cmd1", "", ""),
        ("webhook", "", "h1", "0"),
        ("webhook", "", "h1", "1"),
        ("webhook", "", "h1", "2"),
    ]


def test_the_sync_snapshot_keeps_webhooks_through_json() -> None:
    result = SyncResult("https://mm.example.com", 1.0, (Team("t1", "eng"),), (DEPLOY,), (CI, ALERTS), (HOOK,))
    back = SyncResult.from_json(json.loads(json.dumps(result.to_json())))
    assert back.webhooks == (HOOK,)
    assert [r.label for r in back.preview("t1").rows()] == [r.label for r in result.preview().rows()]
    assert "token" not in json.dumps(result.to_json()["webhooks"])
    assert back.preview("other").rows() == []
