"""The draft store for async callers (the GUI, the CLI's push and pull): every file write, fsync and
keyring call runs in a worker thread, never on the event loop's."""

from __future__ import annotations

import asyncio

from mmoauth_gui.core.drafts.model import Draft
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.storage.drafts import DraftStore


class AsyncDraftStore:
    """What ``services.drafts_sync`` needs of the drafts workspace (its ``DraftRepository``), off the loop."""

    def __init__(self, store: DraftStore) -> None:
        self.store = store

    async def save(self, draft: Draft) -> Draft:
        return await asyncio.to_thread(self.store.save, draft)

    async def with_secrets(self, draft: Draft) -> Connection:
        return await asyncio.to_thread(self.store.with_secrets, draft)

    async def find_by_origin(self, server_url: str, connection_id: str) -> Draft | None:
        return await asyncio.to_thread(self.store.find_by_origin, server_url, connection_id)

    async def new_id(self) -> str:
        return await asyncio.to_thread(self.store.new_id)

    async def record_validation(self, draft: Draft, result: ValidationResult) -> Draft:
        return await asyncio.to_thread(self.store.record_validation, draft, result)
