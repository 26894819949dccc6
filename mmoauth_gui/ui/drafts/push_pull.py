"""Push, pull and conflicts on the Drafts page: against the session's server or the draft's saved target server,
never overwriting.

A push over a server copy that changed since the draft's pull or push opens the side-by-side
:class:`ConflictDialog`; its decision (keep mine, take the server's, merge) is carried out here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from mmoauth_gui.core.drafts.model import Draft, DraftStatus
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.status import Look
from mmoauth_gui.core.urls import canonical_server_url
from mmoauth_gui.services.drafts_sync import Conflict, ConflictError, DraftRulesError, DraftSync, PushResult, Side
from mmoauth_gui.services.mattermost.errors import MattermostError
from mmoauth_gui.ui.drafts.ask import ask_choice
from mmoauth_gui.ui.drafts.conflict_dialog import KEEP_MINE, MERGE, TAKE_THEIRS, ConflictDialog
from mmoauth_gui.ui.drafts.destination import (
    Destination,
    destination_for_server,
    profile_destination,
    session_destination,
    target_profile,
)
from mmoauth_gui.ui.drafts.host import DraftsHost
from mmoauth_gui.ui.drafts.pull_dialog import PullDialog
from mmoauth_gui.ui.drafts.push_confirm import confirm_push
from mmoauth_gui.ui.kit.confirm import ask_async
from mmoauth_gui.ui.runtime.tasks import alive

log = logging.getLogger(__name__)

CONNECT_TO_PUSH = "Connect to a server to push: choose one in the server bar, or File ▸ Try the demo sandbox."
PUSH_WHERE_TITLE = "Push to which server?"
CONNECT_TO_PULL = "Connect to a server to pull: choose one in the server bar, or File ▸ Try the demo sandbox."


class DraftsSyncActions(QObject):
    conflict_shown = Signal(object)  # ConflictDialog, opened

    def __init__(self, page: DraftsHost, parent: QObject) -> None:
        super().__init__(parent)
        self.page = page
        self.ctx = page.ctx
        self.view = page.view
        self.io = page.io
        self.editing = page.editing
        self.conflict_dialog: ConflictDialog | None = None
        self.pull_dialog: PullDialog | None = None

    async def check_conflicts(self) -> None:
        """Mark the drafts whose server copy changed since their pull/push (or clear a mark gone stale)."""
        session = self.ctx.session
        if session is None:
            return
        server = canonical_server_url(session.profile.url)
        for draft in list(self.io.known.values()):
            if draft.origin is None or not draft.origin.is_on(server) or self.ctx.session is not session:
                continue
            async with self.io.lock:
                current = self.io.known.get(draft.id)
                if current is None:
                    continue
                sync = DraftSync(session.client, self.io.repository, session.team_id)
                try:
                    checked, _conflict = await sync.check(current)
                except MattermostError as exc:
                    log.info("could not check draft %s against the server: %s", draft.id, type(exc).__name__)
                    return
                if checked != current:
                    await self.io.publish(checked)

    def _team_for(self, draft: Draft, destination: Destination) -> str | None:
        session = self.ctx.session
        if not destination.is_session or session is None:
            return destination.team_id
        if draft.team:
            for team in session.teams:
                if draft.team in (team.id, team.name, team.display_name):
                    return team.id
        return session.team_id

    # -- push ------------------------------------------------------------------------------------

    def push_selected(self) -> asyncio.Task[Any] | None:
        draft = self.page.current_draft()
        if draft is None:
            self.page.say(CONNECT_TO_PUSH if self.ctx.session is None else "Select the draft to push.", Look.WARNING)
            return None
        return self.ctx.tasks.start(
            self._push(draft.id),
            owner=self,
            button=self.view.push_action,
            on_error=self.page.failed("push"),
            name="push",
        )

    async def _push(self, draft_id: str) -> None:
        await self.editing.flush()
        draft = self.io.known.get(draft_id)
        if draft is None:
            return
        destination = await self._choose_destination(draft)
        if destination is None:
            self.page.action_finished("push_cancelled")
            return
        if draft.status is DraftStatus.CONFLICT and draft.origin is not None and draft.origin.is_on(destination.url):
            await self._compare(draft_id, destination)
            return
        sync = DraftSync(destination.client, self.io.repository, self._team_for(draft, destination))
        if not await confirm_push(self.view, self.ctx, draft, destination, sync):
            self.page.action_finished("push_cancelled")
            return
        self.page.say(f"Pushing “{draft.name}” to {destination.name}…")
        try:
            result = await self._sync_op(draft, destination, lambda sync, d: sync.push(d))
        except ConflictError as exc:
            await self.io.reread(draft_id)
            self.page.say(f"Not pushed: the server's copy of “{draft.name}” changed. Choose what to keep.", Look.ERROR)
            self._open_conflict(exc.conflict, destination)
            return
        except DraftRulesError as exc:
            self._rules_failed(exc)
            return
        assert isinstance(result, PushResult)
        self._pushed(result, destination)

    async def _choose_destination(self, draft: Draft) -> Destination | None:
        """The session's server, or the saved server the draft is meant for (asked when both are possible)."""
        session = session_destination(self.ctx)
        profile = await target_profile(self.ctx, draft)
        if profile is not None and (session is None or canonical_server_url(profile.url) != session.url):
            target = await profile_destination(self.ctx, profile)
            if session is None:
                if target is None:
                    self.page.say(
                        f"{CONNECT_TO_PUSH} (“{draft.name}” is meant for {profile.name}, whose token is not stored "
                        "here: sign in to it in Servers….)",
                        Look.WARNING,
                    )
                return target
            choices = [(f"Create it on {session.name}", session)]
            if target is not None:
                choices.insert(0, (f"Push to {profile.name}", target))
            return await ask_choice(
                self.view,
                PUSH_WHERE_TITLE,
                f"“{draft.name}” is meant for {profile.name}, but you are connected to {session.name}.",
                choices,
                informative=f"Creating it on {session.name} leaves {profile.name} unchanged."
                + ("" if target is not None else f" No token is stored for {profile.name}: sign in to push there."),
                object_name="pushWhere",
            )
        if session is None:
            self.page.say(CONNECT_TO_PUSH, Look.WARNING)
            return None
        elsewhere = self._elsewhere(draft, session)
        if elsewhere and not await ask_async(
            self.view,
            PUSH_WHERE_TITLE,
            f"“{draft.name}” is meant for {elsewhere}, but you are connected to {session.name}.",
            f"Create it on {session.name}",
            informative=f"Pushing creates a new connection on {session.url}; {elsewhere} is not changed.",
        ):
            return None
        return session

    def _elsewhere(self, draft: Draft, session: Destination) -> str:
        """The server the draft is meant for when it is not the session's (a profile name or a URL), else ""."""
        if draft.origin is not None:
            return "" if draft.origin.is_on(session.url) else draft.origin.server_url
        target = draft.server.strip()
        if not target or target == session.name:
            return ""
        return "" if canonical_server_url(target) == session.url else target

    async def _sync_op(self, draft: Draft, destination: Destination, op: Any) -> Any:
        """Run ``op(sync, draft)`` with the workspace locked and publish the draft as the server left it."""
        async with self.io.lock:
            current = self.io.known.get(draft.id, draft)
            sync = DraftSync(destination.client, self.io.repository, self._team_for(current, destination))
            outcome = await op(sync, current)
            saved = outcome.draft if isinstance(outcome, PushResult) else outcome
            if isinstance(outcome, tuple):  # check(): (draft, conflict)
                saved = outcome[0]
            if isinstance(saved, Draft):
                await self.io.publish(saved)
            return outcome

    def _pushed(self, result: PushResult, destination: Destination) -> None:
        conn = result.connection
        if result.action == "unchanged":
            self.page.say(f"“{conn.name}” is already the same on {destination.name}: nothing to push.")
        else:
            secret = "with the draft's secret" if result.secret_sent else "the server's secret kept"
            text = f"{result.action.capitalize()} “{conn.name}” on {destination.name} ({secret})."
            if result.warnings:
                text += "\n" + "\n".join(result.warnings)
            self.page.say(text, Look.WARNING if result.warnings else Look.NONE)
            if destination.is_session:
                self.ctx.connections_changed.emit()
        self.page.action_finished("push")

    def _rules_failed(self, exc: DraftRulesError) -> None:
        text = str(exc)
        if any(p.field == "client_secret" and p.is_error for p in exc.problems):
            text += " Type the client secret in the editor: creating a connection needs it."
        self.page.say(text, Look.ERROR)
        self.page.action_finished("error")

    # -- conflicts -------------------------------------------------------------------------------

    def resolve(self, draft_id: str) -> asyncio.Task[Any] | None:
        return self.ctx.tasks.start(
            self._resolve(draft_id), owner=self, on_error=self.page.failed("compare with the server"), name="resolve"
        )

    async def _resolve(self, draft_id: str) -> None:
        draft = self.io.known.get(draft_id)
        if draft is None or draft.origin is None:
            return
        destination = await destination_for_server(self.ctx, draft.origin.server_url)
        if destination is None:
            where = draft.origin.server_url
            self.page.say(f"Connect to {where} to compare this draft with the server's copy.", Look.WARNING)
            return
        await self._compare(draft_id, destination)

    async def _compare(self, draft_id: str, destination: Destination) -> None:
        await self.editing.flush()
        draft = self.io.known.get(draft_id)
        if draft is None:
            return
        _checked, conflict = await self._sync_op(draft, destination, lambda sync, d: sync.check(d))
        if conflict is None:
            self.page.say(f"No conflict any more: the server's copy of “{draft.name}” is as at your last pull or push.")
            self.page.action_finished("resolve")
            return
        self._open_conflict(conflict, destination)

    def _open_conflict(self, conflict: Conflict, destination: Destination) -> ConflictDialog:
        if self.conflict_dialog is not None and alive(self.conflict_dialog) and self.conflict_dialog.isVisible():
            self.conflict_dialog.reject()
        dialog = ConflictDialog(conflict, self.view)
        dialog.decided.connect(lambda kind, choices: self._decided(conflict.draft_id, kind, choices, destination))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.conflict_dialog = dialog
        dialog.open()
        self.conflict_shown.emit(dialog)
        return dialog

    def _decided(self, draft_id: str, kind: Look, choices: dict[str, Side], destination: Destination) -> None:
        self.ctx.tasks.start(
            self._carry_out(draft_id, kind, choices, destination),
            owner=self,
            on_error=self.page.failed("resolve the conflict"),
            name="resolve conflict",
        )

    async def _carry_out(self, draft_id: str, kind: Look, choices: dict[str, Side], destination: Destination) -> None:
        await self.editing.flush()
        draft = self.io.known.get(draft_id)
        if draft is None:
            return
        try:
            if kind == KEEP_MINE:
                result = await self._sync_op(draft, destination, lambda sync, d: sync.keep_mine(d))
                self._pushed(result, destination)
            elif kind == TAKE_THEIRS:
                taken = await self._sync_op(draft, destination, lambda sync, d: sync.take_theirs(d))
                self.page.say(f"Took the server's copy: “{taken.name}” is in sync with {destination.name}.")
                self.page.action_finished("take_theirs")
            elif kind == MERGE:
                merged = await self._sync_op(draft, destination, lambda sync, d: sync.merge(d, choices))
                self._pushed(merged, destination)
        except ConflictError as exc:  # the server changed yet again meanwhile
            await self.io.reread(draft_id)
            self.page.say("The server's copy changed again meanwhile: compare once more.", Look.ERROR)
            self._open_conflict(exc.conflict, destination)
        except DraftRulesError as exc:
            self._rules_failed(exc)

    # -- pull ------------------------------------------------------------------------------------

    def open_pull(self) -> PullDialog | None:
        if self.ctx.session is None:
            self.page.say(CONNECT_TO_PULL, Look.WARNING)
            return None
        server = canonical_server_url(self.ctx.session.profile.url)
        pulled = {d.origin.connection_id for d in self.io.known.values() if d.origin and d.origin.is_on(server)}
        dialog = PullDialog(self.ctx, pulled, self.view)
        dialog.chosen.connect(self.pull)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.pull_dialog = dialog
        dialog.open()
        return dialog

    def pull(self, conn: Connection) -> asyncio.Task[Any] | None:
        if self.ctx.session is None:
            self.page.say(CONNECT_TO_PULL, Look.WARNING)
            return None
        return self.ctx.tasks.start(self._pull(conn), owner=self, on_error=self.page.failed("pull"), name="pull")

    async def _pull(self, conn: Connection) -> None:
        session = self.ctx.session
        if session is None:
            return
        await self.editing.flush()
        server = canonical_server_url(session.profile.url)
        async with self.io.lock:
            existing = next(
                (
                    d
                    for d in self.io.known.values()
                    if d.origin and d.origin.is_on(server) and d.origin.connection_id == conn.id
                ),
                None,
            )
            sync = DraftSync(session.client, self.io.repository, session.team_id)
            result = await sync.pull(conn.id, draft=existing)
            await self.io.publish(result.draft)
        draft = result.draft
        self.view.search.clear()
        self.page.select(draft.id)
        messages = {
            "created": f"Pulled “{draft.name}” from {session.profile.name} into a new draft.",
            "updated": f"Refreshed the draft “{draft.name}” from {session.profile.name}.",
            "unchanged": f"The draft “{draft.name}” is already the same as on {session.profile.name}.",
            "kept_local": f"The server's copy of “{draft.name}” has not changed; your draft keeps its edits.",
            "conflict": f"Both the server's copy and your draft of “{draft.name}” changed: choose what to keep.",
        }
        self.page.say(messages[result.action], Look.ERROR if result.action == "conflict" else Look.NONE)
        destination = session_destination(self.ctx)
        if result.conflict is not None and destination is not None:
            self._open_conflict(result.conflict, destination)
        self.page.action_finished("pull")
