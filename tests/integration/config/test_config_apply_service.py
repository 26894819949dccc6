"""``services.config_apply`` against the sandbox: refusal when the server moved, stop at the first failure,
cancelling between steps, and no secret in any file it leaves behind."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from mmoauth_gui.core.config.document import document_from_connections, render_document
from mmoauth_gui.core.config.parse import parse_config
from mmoauth_gui.core.config.plan import Action, Change, Plan
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.config_apply import (
    PlanOutdated,
    SecretField,
    StepState,
    apply_plan,
    make_plan,
    needed_secrets,
)
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.storage.config_record import AppliedRecord
from mmoauth_gui.storage.paths import app_paths

T = TypeVar("T")


def with_client(sb: Sandbox, work: Callable[[MattermostClient], Awaitable[T]]) -> T:
    async def go() -> T:
        async with make_http_client(timeout=10.0) as http:
            return await work(MattermostClient(sb.url, sb.admin_token, http))

    return asyncio.run(go())


def edited_plan(sb: Sandbox, secret: str) -> Plan:
    """Two creates (“New 1”, “New 2”) and an audience update of Billing."""
    text = render_document(document_from_connections(sb.state.connections()))
    text = text.replace("https://b.example.com/x", "https://b.example.com/*")
    for n in (1, 2):
        text += (
            f"- name: New {n}\n  client_id: mattermost-commands\n  client_secret: {{env: NEW_SECRET}}\n"
            f"  oauth_token_url: {sb.token_url}\n  audiences: [https://new{n}.example.com/*]\n"
        )
    parsed = parse_config(text, "edited.yaml")
    assert parsed.document is not None and not parsed.errors
    plan = with_client(sb, lambda c: make_plan(c, parsed.document, AppliedRecord(app_paths())))  # type: ignore[arg-type]
    assert [(c.action, c.name) for c in plan.changes] == [
        (Action.CREATE, "New 1"),
        (Action.CREATE, "New 2"),
        (Action.UPDATE, "Billing"),
    ]
    return plan


def secrets_for(plan: Plan, secret: str) -> dict[tuple[str, SecretField], str]:
    return {(n.change.key, n.field): secret for n in needed_secrets(plan)}


def test_apply_refuses_when_the_server_changed_since_the_plan(sandbox: Sandbox) -> None:
    secret = sandbox.demo_client("mattermost-commands").client_secret
    plan = edited_plan(sandbox, secret)
    spare = next(c for c in sandbox.state.connections() if c.name == "Spare")
    sandbox.state.replace_connection(spare.with_changes(client_id="changed-meanwhile"))
    before = sandbox.state.connections()
    with pytest.raises(PlanOutdated):
        with_client(sandbox, lambda c: apply_plan(c, plan, secrets_for(plan, secret), AppliedRecord(app_paths())))
    assert sandbox.state.connections() == before


def test_apply_stops_at_the_first_failure_and_says_what_was_applied(sandbox: Sandbox) -> None:
    secret = sandbox.demo_client("mattermost-commands").client_secret
    plan = edited_plan(sandbox, secret)
    record = AppliedRecord(app_paths())

    def switch_off_before_second(done: int, total: int, change: Change) -> None:
        if done == 1:
            sandbox.feature = "off"  # the server stops serving connections between two steps

    report = with_client(
        sandbox,
        lambda c: apply_plan(c, plan, secrets_for(plan, secret), record, progress=switch_off_before_second),
    )
    assert [(s.change.name, s.state) for s in report.steps] == [
        ("New 1", StepState.APPLIED),
        ("New 2", StepState.FAILED),
        ("Billing", StepState.NOT_APPLIED),
    ]
    assert not report.ok and not report.cancelled
    assert report.failure is not None and report.failure.message
    sandbox.feature = "on"
    names = sorted(c.name for c in sandbox.state.connections())
    assert names == ["Alpha", "Billing", "New 1", "Spare"]
    new_id = report.steps[0].connection_id
    assert record.versions(sandbox.url) == {new_id: 1}


def test_apply_can_be_cancelled_between_steps(sandbox: Sandbox) -> None:
    secret = sandbox.demo_client("mattermost-commands").client_secret
    plan = edited_plan(sandbox, secret)
    asked: list[int] = []

    def stop_after_first() -> bool:
        asked.append(1)
        return len(asked) > 1

    report = with_client(
        sandbox,
        lambda c: apply_plan(
            c, plan, secrets_for(plan, secret), AppliedRecord(app_paths()), should_stop=stop_after_first
        ),
    )
    assert report.cancelled and not report.ok
    assert [s.state for s in report.steps] == [StepState.APPLIED, StepState.NOT_APPLIED, StepState.NOT_APPLIED]


def test_no_secret_reaches_a_file_the_record_or_the_plan(sandbox: Sandbox, data_dir: Path, tmp_path: Path) -> None:
    secret = sandbox.demo_client("mattermost-commands").client_secret
    plan = edited_plan(sandbox, secret)
    report = with_client(sandbox, lambda c: apply_plan(c, plan, secrets_for(plan, secret), AppliedRecord(app_paths())))
    assert report.ok
    assert AppliedRecord(app_paths()).path.is_file()
    exported = tmp_path / "export.yaml"
    exported.write_text(render_document(document_from_connections(sandbox.state.connections())), encoding="utf-8")
    for root in (data_dir, tmp_path):
        leaked = [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
        assert leaked == []
    assert secret not in repr(plan.to_json()) and secret not in repr(report.to_json())
    assert all(sandbox.state.connection(s.connection_id).client_secret == secret for s in report.steps[:2])
