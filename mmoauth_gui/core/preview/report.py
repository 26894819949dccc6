"""The preview's warnings and its exports (``preview --json`` / ``--csv``, as the README documents them)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mmoauth_gui.core.model import IntegrationKind
from mmoauth_gui.core.plural import counted
from mmoauth_gui.core.preview.build import Preview, PreviewRow
from mmoauth_gui.core.preview.snapshot import SyncResult
from mmoauth_gui.core.webhooks import Integration, WebhookCallback

EXPORT_FIELDS = (
    "kind",
    "team_id",
    "team_name",
    "command_id",
    "webhook_id",
    "callback_index",
    "trigger",
    "url",
    "matches",
    "connection_id",
    "connection_name",
    "server_connection_id",
    "status",
    "method",
    "display_name",
    "channel_id",
    "channel_name",
    "explanation",
)
METHOD_NAMES = {"P": "POST", "G": "GET"}  # a command's method as stored (docs/MATTERMOST.md §6) and as read


class WarningKind(StrEnum):
    UNUSED_AUDIENCE = "unused_audience"
    AMBIGUOUS_OVERLAP = "ambiguous_overlap"
    INSECURE_URL = "insecure_url"
    UNUSED_CONNECTION = "unused_connection"
    WEBHOOK_SPLIT = "webhook_split"  # one webhook's callbacks carry different connections' tokens


@dataclass(frozen=True, slots=True)
class PreviewWarning:
    kind: WarningKind
    message: str
    connection_ids: tuple[str, ...] = ()
    command_ids: tuple[str, ...] = ()
    audience: str = ""
    url: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind.value,
            "message": self.message,
            "connection_ids": list(self.connection_ids),
            "command_ids": list(self.command_ids),
        }
        if self.audience:
            out["audience"] = self.audience
        if self.url:
            out["url"] = self.url
        return out


def _triggers(cmds: Sequence[Integration], limit: int = 5) -> str:
    shown = ", ".join(c.label if c.kind is IntegrationKind.COMMAND else f"webhook {c.label}" for c in cmds[:limit])
    return shown + (f" and {len(cmds) - limit} more" if len(cmds) > limit else "")


def preview_warnings(preview: Preview, rows: Sequence[PreviewRow] | None = None) -> list[PreviewWarning]:
    """Audiences no command uses, connections sharing commands, tokens sent over http://, idle connections.

    With ``rows`` (a team's, say), warnings about commands are kept only when they concern one of those
    rows; warnings about connections are facts about the whole server and always kept.
    """
    out = _warnings(preview)
    if rows is None:
        return out
    shown = {r.command_id for r in rows}
    return [w for w in out if not w.command_ids or shown.intersection(w.command_ids)]


def _warnings(preview: Preview) -> list[PreviewWarning]:
    out: list[PreviewWarning] = []
    by_name = sorted(preview.connections.items(), key=lambda kv: (kv[1].name, kv[0]))
    for key, conn in by_name:
        for aud in dict.fromkeys(conn.audiences):
            if not preview.urls_matched_by(aud):
                out.append(
                    PreviewWarning(
                        WarningKind.UNUSED_AUDIENCE,
                        f"Audience {aud} of {preview.quoted(key)} matches no command or webhook callback URL: check it "
                        "for a typo, a missing * or a trailing-slash difference.",
                        connection_ids=(key,),
                        audience=aud,
                    )
                )
    overlaps: dict[tuple[str, ...], list[Integration]] = {}
    insecure = []
    for url, verdict in sorted(preview.verdicts().items()):
        if len(verdict.matches) > 1:
            overlaps.setdefault(verdict.matches, []).extend(preview.commands_at(url))
        if url.startswith("http://") and (verdict.matches or verdict.effective_connection_id is not None):
            insecure.append(verdict)
    for keys, cmds in sorted(overlaps.items()):
        names = ", ".join(preview.quoted(k) for k in keys)
        out.append(
            PreviewWarning(
                WarningKind.AMBIGUOUS_OVERLAP,
                f"Connections {names} all match {counted(len(cmds), 'command')} ({_triggers(cmds)}): the server picks "
                "one by a rule that is not public. Narrow their audiences so only one matches.",
                connection_ids=keys,
                command_ids=tuple(c.id for c in cmds),
            )
        )
    for verdict in insecure:
        cmds = preview.commands_at(verdict.url)
        users = list(verdict.matches)
        if verdict.server_connection_id and verdict.server_connection_id not in users:
            users.append(verdict.server_connection_id)
        out.append(
            PreviewWarning(
                WarningKind.INSECURE_URL,
                f"{_triggers(cmds)} at {verdict.url} would receive an access token over unencrypted http://: "
                "move the integration to https://.",
                connection_ids=tuple(users),
                command_ids=tuple(c.id for c in cmds),
                url=verdict.url,
            )
        )
    out.extend(_split_webhooks(preview))
    usage = preview.usage_counts()
    for key, _conn in by_name:
        if usage.get(key, 0) == 0:
            out.append(
                PreviewWarning(
                    WarningKind.UNUSED_CONNECTION,
                    f"Connection {preview.quoted(key)} is used by no command and no webhook callback.",
                    connection_ids=(key,),
                )
            )
    return out


def _split_webhooks(preview: Preview) -> list[PreviewWarning]:
    """Webhooks whose callbacks would carry different connections' tokens (or some none)."""
    used: dict[str, dict[int, str | None]] = {}
    hooks: dict[str, WebhookCallback] = {}
    for item in preview.commands:
        if isinstance(item, WebhookCallback):
            hooks.setdefault(item.id, item)
            used.setdefault(item.id, {})[item.index] = preview.verdict(item.url).effective_connection_id
    out = []
    for hook_id, per_callback in used.items():
        if len(set(per_callback.values())) < 2:
            continue
        hook = hooks[hook_id]
        parts = "; ".join(f"callback {i + 1} → {preview.quoted(k)}" for i, k in sorted(per_callback.items()))
        keys = tuple(sorted({k for k in per_callback.values() if k is not None}))
        out.append(
            PreviewWarning(
                WarningKind.WEBHOOK_SPLIT,
                f"Webhook {hook.display_name or hook_id} calls its callbacks with different connections ({parts}): "
                "one refused token silences only some of them, which is hard to notice.",
                connection_ids=keys,
                command_ids=(hook_id,),
            )
        )
    return out


def preview_json(preview: Preview, rows: Sequence[PreviewRow] | None = None) -> dict[str, Any]:
    """What ``preview --json`` prints: ``rows[]``, ``connections[]``, ``warnings[]`` and counts per status."""
    shown = preview.rows() if rows is None else rows
    usage = preview.usage_counts()
    connections = []
    for key, conn in sorted(preview.connections.items(), key=lambda kv: (kv[1].name, kv[0])):
        item = conn.public_dict()
        item["key"] = key
        item["used_by"] = usage.get(key, 0)
        connections.append(item)
    return {
        "rows": [r.to_json() for r in shown],
        "connections": connections,
        "warnings": [w.to_json() for w in preview_warnings(preview, rows)],
        "counts": {s.value: n for s, n in preview.counts(shown).items()},
        "server_checked": preview.server_checked,
    }


def sync_problems(result: SyncResult, team_id: str | None = None) -> list[dict[str, str]]:
    """What the sync could not read (for ``team_id`` alone when given), as ``preview --json`` lists it first in
    ``warnings[]``."""
    out = []
    for tid, message in result.team_errors.items():
        if team_id is None or tid == team_id:
            out.append({"kind": "team_error", "team_id": tid, "message": f"{result.team_label(tid)}: {message}"})
    for tid, message in result.team_notes.items():
        if team_id is None or tid == team_id:
            out.append({"kind": "team_incomplete", "team_id": tid, "message": f"{result.team_label(tid)}: {message}"})
    if result.connections_error:
        out.append({"kind": "connections_error", "message": result.connections_error})
    if result.server_check_error:
        out.append({"kind": "server_check_error", "message": result.server_check_error})
    return out


def preview_document(
    result: SyncResult,
    preview: Preview,
    rows: Sequence[PreviewRow],
    *,
    team_id: str | None,
    offline: bool,
    drafts_applied: Iterable[dict[str, str]] = (),
) -> dict[str, Any]:
    """The whole ``preview --json`` document for ``rows``: :func:`preview_json` plus the sync's problems, team
    names and where and when the data came from."""
    data = preview_json(preview, rows)
    data["warnings"] = sync_problems(result, team_id) + data["warnings"]
    team_names = {t.id: t.label for t in result.teams}
    for row in data["rows"]:
        row["team_name"] = team_names.get(row["team_id"], "")
        if row.get("channel_id"):
            row["channel_name"] = result.channel_names.get(row["channel_id"], "")
    data.update(
        {
            "server_url": result.server_url,
            "fetched_at": result.fetched_at,
            "age": result.age_text(),
            "offline": offline,
            "team_id": team_id,
            "teams": [{"id": t.id, "name": t.name, "display_name": t.display_name} for t in result.teams],
            "drafts_applied": list(drafts_applied),
        }
    )
    return data


def preview_csv(preview: Preview, rows: Sequence[PreviewRow] | None = None, result: SyncResult | None = None) -> str:
    """A header row, then one line per command; ``matches`` holds the connection ids separated by spaces. With
    the sync's ``result``, team and channel names beside their ids; connection names and methods (POST, GET)
    are always read out."""
    team_names = {t.id: t.label for t in result.teams} if result is not None else {}
    channel_names = result.channel_names if result is not None else {}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(EXPORT_FIELDS)
    for row in preview.rows() if rows is None else rows:
        data = row.to_json()
        data["matches"] = " ".join(row.matches)
        data["team_name"] = team_names.get(row.team_id, "")
        connection = preview.connections.get(row.connection_id) if row.connection_id else None
        data["connection_name"] = connection.name if connection is not None else ""
        data["channel_name"] = channel_names.get(data.get("channel_id") or "", "")
        data["method"] = METHOD_NAMES.get(data["method"], data["method"])
        writer.writerow([spreadsheet_safe(data.get(f)) for f in EXPORT_FIELDS])
    return buf.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a leading ``'`` before ``= + - @``, tab or line break.

    Triggers, display names, team and connection names come from anyone who may manage slash commands;
    opened in a spreadsheet, ``=HYPERLINK(...)`` or ``@SUM(...)`` would run as a formula.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
