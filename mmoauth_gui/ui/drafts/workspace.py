"""The drafts workspace as the Drafts page uses it: every file and keyring call off the GUI thread, one write at
a time, and one place that knows the latest state of each draft.

Every operation that writes a draft holds :attr:`DraftsIO.lock` and ends by publishing what it wrote
(``changed``), so the list, the editor and the next write all start from the same draft. Push and pull
(``DraftSync``) work on :attr:`DraftsIO.repository`, the same store behind an async façade.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from mmoauth_gui.core.drafts.exchange import ClashDecision, ImportPlan, ImportReport
from mmoauth_gui.core.drafts.model import Draft, SecretState, changed_fields
from mmoauth_gui.core.model import CREDENTIAL_FIELDS, Connection
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.storage.atomic import CorruptFileError
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.drafts_async import AsyncDraftStore
from mmoauth_gui.storage.drafts_exchange import profile_urls, read_exchange_file
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.secrets import SecretKind, SecretStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DraftRow:
    """A draft and where its secret is (reading that may block on the keyring, so it is read with the draft)."""

    draft: Draft
    secret: SecretState

    @property
    def id(self) -> str:
        return self.draft.id


@dataclass(frozen=True)
class EditState:
    """What the editor holds for one draft: its public fields and, when typed, its secrets (never written to a
    file; ``None``: leave the stored one as it is, ``""``: forget it)."""

    draft_id: str
    connection: Connection
    note: str
    server: str
    team: str
    client_secret: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)


class DraftsIO(QObject):
    """Async access to a :class:`DraftStore`; emits ``changed(DraftRow)`` and ``removed(str)`` after writes."""

    changed = Signal(object)  # DraftRow
    removed = Signal(str)  # draft id

    def __init__(self, paths: AppPaths, secrets: SecretStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.secrets = secrets
        self.store = DraftStore(paths, secrets)
        self.repository = AsyncDraftStore(self.store)
        self.lock = asyncio.Lock()
        self.known: dict[str, Draft] = {}

    @property
    def folder(self) -> Path:
        return self.store.dir

    # -- reading ---------------------------------------------------------------------------------

    async def listing(self) -> tuple[list[DraftRow], list[CorruptFileError]]:
        """Every readable draft with its secret state, and the files set aside while reading."""

        def read() -> tuple[list[DraftRow], list[CorruptFileError]]:
            drafts, problems = self.store.list()
            return [DraftRow(d, self.store.secret_state(d)) for d in drafts], problems

        async with self.lock:
            rows, problems = await asyncio.to_thread(read)
            before, self.known = self.known, {row.id: row.draft for row in rows}
        for draft_id in before.keys() - self.known.keys():
            self.removed.emit(draft_id)
        for row in rows:
            self.changed.emit(row)
        return rows, problems

    async def secret_values(self, draft: Draft) -> tuple[str, str]:
        """(client secret, password) held for ``draft``; "" where none."""

        def read() -> tuple[str, str]:
            return self.store.secret(draft, SecretKind.CLIENT_SECRET), self.store.secret(draft, SecretKind.PASSWORD)

        return await asyncio.to_thread(read)

    async def row(self, draft: Draft) -> DraftRow:
        return DraftRow(draft, await asyncio.to_thread(self.store.secret_state, draft))

    async def publish(self, draft: Draft) -> DraftRow:
        """Make ``draft`` (just written) the latest known state and tell the views."""
        row = await self.row(draft)
        self.known[draft.id] = draft
        self.changed.emit(row)
        return row

    async def reread(self, draft_id: str) -> DraftRow:
        """Read one draft back from its file (after ``DraftSync`` recorded something on it) and publish it."""
        draft = await asyncio.to_thread(self.store.get, draft_id)
        return await self.publish(draft)

    # -- writing ---------------------------------------------------------------------------------

    async def create(self, draft: Draft | None = None, **kwargs: Any) -> DraftRow:
        """A new draft: a copy of ``draft``'s content under a new id, or ``DraftStore.new(**kwargs)``."""
        async with self.lock:
            if draft is None:
                made = await asyncio.to_thread(lambda: self.store.new(**kwargs))
            else:
                made = await asyncio.to_thread(self._save_copy, draft)
            return await self.publish(made)

    def _save_copy(self, draft: Draft) -> Draft:
        new_id = self.store.new_id()
        copy = Draft(id=new_id, connection=draft.connection, note=draft.note, server=draft.server, team=draft.team)
        copy = self.store.save(copy)
        secret = self.store.secret(draft, SecretKind.CLIENT_SECRET)
        password = self.store.secret(draft, SecretKind.PASSWORD)
        if secret or password:
            copy = self.store.set_secrets(copy, client_secret=secret or None, credentials_password=password or None)
        return copy

    async def write_edit(self, edit: EditState) -> DraftRow | None:
        """Save the editor's state over the latest known draft (None when the draft was deleted meanwhile)."""
        async with self.lock:
            base = self.known.get(edit.draft_id)
            if base is None:
                return None
            draft = base.with_changes(connection=edit.connection, note=edit.note, server=edit.server, team=edit.team)
            if draft == base and edit.client_secret is None and edit.password is None:
                return DraftRow(base, await asyncio.to_thread(self.store.secret_state, base))

            def write() -> Draft:
                saved = self.store.save(draft) if draft != base else base
                if edit.client_secret is not None or edit.password is not None:
                    saved = self.store.set_secrets(
                        saved, client_secret=edit.client_secret, credentials_password=edit.password
                    )
                return saved

            return await self.publish(await asyncio.to_thread(write))

    def write_edit_now(self, edit: EditState) -> None:
        """The same write, blocking: only for the window closing, when no event loop turn is left."""
        base = self.known.get(edit.draft_id)
        if base is None:
            return
        draft = base.with_changes(connection=edit.connection, note=edit.note, server=edit.server, team=edit.team)
        saved = self.store.save(draft)
        if edit.client_secret is not None or edit.password is not None:
            saved = self.store.set_secrets(saved, client_secret=edit.client_secret, credentials_password=edit.password)
        self.known[saved.id] = saved

    async def delete(self, draft_id: str) -> None:
        async with self.lock:
            await asyncio.to_thread(self.store.delete, draft_id)
            self.known.pop(draft_id, None)
            self.removed.emit(draft_id)

    async def record_validation(self, validated: Connection, draft_id: str, result: ValidationResult) -> Draft | None:
        """Keep ``result`` on the draft if its credential fields are still those ``validated`` had."""
        async with self.lock:
            base = self.known.get(draft_id)
            if base is None:
                return None
            if set(changed_fields(base.connection, validated)) & set(CREDENTIAL_FIELDS):
                return None  # edited meanwhile: the result describes settings the draft no longer has
            saved = await asyncio.to_thread(self.store.record_validation, base, result.without_token())
            await self.publish(saved)
            return saved

    # -- import / export -------------------------------------------------------------------------

    async def plan_import(self, path: Path) -> ImportPlan:
        entries = await asyncio.to_thread(lambda: read_exchange_file(path, profile_urls(self.paths)))
        return await asyncio.to_thread(self.store.plan_import, entries)

    async def apply_import(self, plan: ImportPlan, decisions: dict[str, ClashDecision]) -> ImportReport:
        async with self.lock:
            report = await asyncio.to_thread(self.store.apply_import, plan, decisions)
            for draft in (*report.added, *report.replaced, *report.renamed):
                await self.publish(draft)
            return report

    async def export(self, path: Path, drafts: Sequence[Draft]) -> tuple[int, list[Draft]]:
        """Write ``drafts`` (no secrets); returns how many, and those that will need their secret again."""

        def write() -> tuple[int, list[Draft]]:
            count = self.store.export(path, drafts)
            return count, [d for d in drafts if self.store.secret_required(d)]

        return await asyncio.to_thread(write)
