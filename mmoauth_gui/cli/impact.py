"""``connections update|delete … --dry-run``: what a change would do to the commands and webhook callbacks,
without changing anything (README: the command line).

The server is synced (teams, commands, outgoing webhooks, connections and the server's answer per URL) and
the change is applied to the preview only. ``--json`` prints ``impact: {lost, switched, gained, ambiguous,
no_longer_ambiguous, server_pick}``, each a list of ``{kind, team_id, id, trigger|display_name, url}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mmoauth_gui.cli.support import Exit, fail, print_json
from mmoauth_gui.core.model import Connection, IntegrationKind
from mmoauth_gui.core.preview.diff import ChangeKind, CommandChange, PreviewDiff
from mmoauth_gui.core.preview.snapshot import SyncResult
from mmoauth_gui.core.webhooks import WebhookCallback
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.preview_fetch import sync

IMPACT_GROUPS: dict[str, tuple[ChangeKind, ...]] = {
    "lost": (ChangeKind.LOST,),
    "switched": (ChangeKind.SWITCHED,),
    "gained": (ChangeKind.GAINED,),
    "ambiguous": (ChangeKind.NEWLY_AMBIGUOUS, ChangeKind.AMBIGUITY_CHANGED),
    "no_longer_ambiguous": (ChangeKind.NO_LONGER_AMBIGUOUS,),
    "server_pick": (ChangeKind.SERVER_PICK,),
}


async def impact_of(
    client: MattermostClient, changes: Mapping[str, Connection | None]
) -> tuple[SyncResult, PreviewDiff]:
    """Sync the server and the diff ``changes`` would make; exit 3 when the server cannot serve a preview."""
    result = await sync(client, server_check=True)
    if result.unavailable:
        fail(result.unavailable, Exit.UNAVAILABLE)
    return result, result.preview().what_if(changes)


def change_json(change: CommandChange, diff: PreviewDiff) -> dict[str, Any]:
    item = change.command
    out: dict[str, Any] = {"kind": item.kind.value, "team_id": item.team_id, "id": item.id}
    if isinstance(item, WebhookCallback):
        out["display_name"] = item.display_name
        out["callback_index"] = item.index
        out["trigger_words"] = list(item.hook.trigger_words)
    else:
        out["trigger"] = item.trigger
    out.update(
        {
            "url": item.url,
            "before": list(change.before),
            "after": list(change.after),
            "effect": diff.describe(change),
        }
    )
    return out


def impact_json(diff: PreviewDiff) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in IMPACT_GROUPS}
    group_of = {kind: name for name, kinds in IMPACT_GROUPS.items() for kind in kinds}
    for change in diff.commands:
        out[group_of[change.kind]].append(change_json(change, diff))
    return out


def report_impact(result: SyncResult, diff: PreviewDiff, what: str, subject: dict[str, Any], as_json: bool) -> int:
    """Print the impact of ``what`` ("delete", "update"); the exit code (0: a dry run changes nothing)."""
    impact = impact_json(diff)
    if as_json:
        print_json(
            {
                "dry_run": True,
                "action": what,
                "connection": subject,
                "summary": diff.summary(),
                "impact": impact,
                "counts": {name: len(items) for name, items in impact.items()},
                "warnings": [
                    {"team_id": t, "message": m} for t, m in {**result.team_notes, **result.team_errors}.items()
                ],
            }
        )
        return int(Exit.OK)
    print(f"Dry run: nothing was changed. To {what} “{subject.get('name', '')}” would change this:")
    print(f"  {diff.summary()}")
    for line in diff.lines(result.team_label):
        print(f"  - {line}")
    for team_id, message in {**result.team_notes, **result.team_errors}.items():
        print(f"note: {result.team_label(team_id)}: {message}")
    hooks = sum(1 for c in diff.commands if c.command.kind is IntegrationKind.WEBHOOK)
    if hooks:
        print(
            "A webhook callback that loses its connection is called without a token; one whose token fails is not sent."
        )
    return int(Exit.OK)
