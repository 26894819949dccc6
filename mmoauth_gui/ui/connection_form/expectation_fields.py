"""The form's "what the integration expects" fields (Advanced section): audience, scopes, issuer.

Kept on this computer per token URL and client ID (``storage/expectations.py``), read and written off the
GUI thread; every validation then checks the token against them (``services/token/verify.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtWidgets import QLineEdit

from mmoauth_gui.core.validation.expectations import Expectations
from mmoauth_gui.storage.expectations import ExpectationStore, token_key

EXPECT_HELP = (
    "What the integration checks in the token, kept on this computer. Mattermost sends no audience, scope or "
    "resource, so the token carries the identity provider's defaults: each validation says whether they meet "
    "these."
)


class ExpectationFields:
    def __init__(self) -> None:
        self.audience = QLineEdit()
        self.audience.setPlaceholderText("https://integrations.example.com/ (the aud the integration checks)")
        self.scopes = QLineEdit()
        self.scopes.setPlaceholderText("commands.write tasks.read (space-separated)")
        self.issuer = QLineEdit()
        self.issuer.setPlaceholderText("https://auth.example.com/ (the iss the integration trusts)")
        self._edited = False
        self._showing = False
        self._reads = 0  # only the latest read may show what it found: an older one can finish last
        for edit in (self.audience, self.scopes, self.issuer):
            edit.textChanged.connect(self._mark_edited)

    def _mark_edited(self, _text: str) -> None:
        if not self._showing:
            self._edited = True

    def rows(self) -> list[tuple[str, str, QLineEdit, str]]:
        """(field, label, widget, help) for the form's Advanced grid."""
        return [
            ("expect_audience", "Integration expects audience", self.audience, EXPECT_HELP),
            ("expect_scopes", "… scopes", self.scopes, ""),
            ("expect_issuer", "… issuer", self.issuer, ""),
        ]

    def value(self) -> Expectations:
        return Expectations(
            audience=self.audience.text().strip(),
            scopes=tuple(self.scopes.text().split()),
            issuer=self.issuer.text().strip(),
        )

    def show(self, expectations: Expectations) -> None:
        self._showing = True
        try:
            self.audience.setText(expectations.audience)
            self.scopes.setText(" ".join(expectations.scopes))
            self.issuer.setText(expectations.issuer)
        finally:
            self._showing = False

    def load(self, store: ExpectationStore, token_url: str, client_id: str) -> Coroutine[Any, Any, None]:
        """Show what was recorded for this token, unless the user types before it is read."""
        self._edited = False  # now, not when the coroutine first runs: typing may come in between
        self._reads += 1
        this_read = self._reads

        async def read() -> None:
            recorded = await asyncio.to_thread(store.get, token_key(token_url, client_id))
            if not self._edited and this_read == self._reads:
                self.show(recorded)

        return read()

    async def save(self, store: ExpectationStore, token_url: str, client_id: str) -> None:
        await asyncio.to_thread(store.put, token_key(token_url, client_id), self.value())


def store_of(ctx: Any) -> ExpectationStore | None:
    """The app's store, when the form's context has one (tests may give a bare context)."""
    store = getattr(ctx, "expectations", None)
    return store if isinstance(store, ExpectationStore) else None
