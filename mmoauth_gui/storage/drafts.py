"""The drafts workspace: connections prepared offline, one JSON file per draft under ``paths.drafts``.

A draft file holds only public fields. Its secrets (client secret, password) go to the
:class:`SecretStore` under the draft's id and nowhere else.
"""

from __future__ import annotations

import logging
import secrets as _random
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from mmoauth_gui.core.clock import now_iso
from mmoauth_gui.core.drafts.exchange import (
    Clash,
    ClashDecision,
    ExchangeEntry,
    ImportPlan,
    ImportReport,
    copy_name,
    decision_for,
    entry_over,
)
from mmoauth_gui.core.drafts.model import (
    DRAFT_ID_RE,
    Draft,
    DraftError,
    DraftNotFound,
    SecretState,
    credential_basis,
)
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.urls import url_origin
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.storage.atomic import CorruptFileError, read_json_file, set_aside, write_json_atomic
from mmoauth_gui.storage.drafts_exchange import write_exchange
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.secrets import SecretKind, SecretStore

log = logging.getLogger(__name__)

KIND = "draft"
SCHEMA = 1


_STALE_TEMP_SECONDS = 600


class DraftList(NamedTuple):
    drafts: list[Draft]
    problems: list[CorruptFileError]


class DraftStore:
    """Create, read, save and delete drafts; every write atomic; bad files set aside, never fatal."""

    def __init__(self, paths: AppPaths, secrets: SecretStore) -> None:
        self.dir = paths.drafts
        self.secrets = secrets
        self._lock = threading.RLock()

    # -- files -----------------------------------------------------------------------------------

    def path_for(self, draft_id: str) -> Path:
        if not DRAFT_ID_RE.match(draft_id):
            raise DraftNotFound(f"“{draft_id}” is not a draft id.")
        return self.dir / f"{draft_id}.json"

    def list(self) -> DraftList:
        """Every readable draft (oldest first) and the files that had to be set aside."""
        drafts: list[Draft] = []
        problems: list[CorruptFileError] = []
        if not self.dir.is_dir():
            return DraftList(drafts, problems)
        self._remove_stale_temp_files()
        for path in sorted(self.dir.glob("*.json")):
            if path.name.startswith("."):
                continue
            try:
                drafts.append(self._read(path))
            except CorruptFileError as exc:
                log.warning("%s", exc)
                problems.append(exc)
            except FileNotFoundError:  # deleted by another process meanwhile
                continue
        drafts.sort(key=lambda d: (d.created_at, d.connection.name.casefold(), d.id))  # ties: by name
        return DraftList(drafts, problems)

    def get(self, draft_id: str) -> Draft:
        """One draft; :class:`DraftNotFound` when absent, :class:`CorruptFileError` when set aside."""
        path = self.path_for(draft_id)
        try:
            return self._read(path)
        except FileNotFoundError:
            raise DraftNotFound(f"No draft with id {draft_id}.") from None

    def find(self, ref: str) -> Draft:
        """A draft by id, else by unique name (exact, then case-insensitive), else by id prefix (4+ chars)."""
        if DRAFT_ID_RE.match(ref) and self.path_for(ref).exists():
            return self.get(ref)
        drafts = self.list().drafts
        for how, matches in (
            ("are called", [d for d in drafts if d.name == ref]),
            ("are called", [d for d in drafts if d.name.casefold() == ref.casefold()]),
            ("have ids starting with", [d for d in drafts if d.id.startswith(ref)] if len(ref) >= 4 else []),
        ):
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                ids = ", ".join(d.id for d in matches)
                raise DraftError(f"Several drafts {how} “{ref}” ({ids}): use the id.")
        raise DraftNotFound(f"No draft with id or name “{ref}”. `mmoauth-gui drafts list` shows them.")

    def find_by_origin(self, server_url: str, connection_id: str) -> Draft | None:
        for draft in self.list().drafts:
            if draft.origin and draft.origin.is_on(server_url) and draft.origin.connection_id == connection_id:
                return draft
        return None

    def save(self, draft: Draft, *, touch: bool = True) -> Draft:
        """Write ``draft`` atomically; ``touch`` stamps ``modified_at``. Returns what was written."""
        stamp = now_iso()
        if touch or not draft.modified_at:
            draft = replace(draft, modified_at=stamp)
        if not draft.created_at:
            draft = replace(draft, created_at=stamp)
        with self._lock:
            write_json_atomic(self.path_for(draft.id), KIND, SCHEMA, draft.to_json())
        return draft

    def new(
        self,
        connection: Connection | None = None,
        *,
        note: str = "",
        server: str = "",
        team: str = "",
        client_secret: str = "",
        credentials_password: str = "",
    ) -> Draft:
        """A new draft, saved; secrets given here go to the SecretStore only."""
        with self._lock:
            draft_id = self.new_id()
            draft = Draft(id=draft_id, connection=connection or Connection(), note=note, server=server, team=team)
            draft = self.save(draft)
        if client_secret or credentials_password:
            draft = self.set_secrets(draft, client_secret=client_secret, credentials_password=credentials_password)
        return draft

    def delete(self, draft_id: str) -> None:
        """Remove the draft's file and its secrets."""
        path = self.path_for(draft_id)
        try:
            path.unlink()
        except FileNotFoundError:
            raise DraftNotFound(f"No draft with id {draft_id}.") from None
        self.forget_secrets(draft_id)

    def new_id(self) -> str:
        """An unused draft id (12 hex digits)."""
        while True:
            draft_id = _random.token_hex(6)
            if not self.path_for(draft_id).exists():
                return draft_id

    def _read(self, path: Path) -> Draft:
        document = read_json_file(path, KIND, SCHEMA)
        try:
            draft = Draft.from_json(document)
            if path.name != f"{draft.id}.json":
                raise ValueError(f"it holds draft {draft.id}, not {path.stem}")
        except ValueError as exc:
            raise CorruptFileError(path, str(exc), set_aside(path)) from exc
        return draft

    def _remove_stale_temp_files(self) -> None:
        """Temporary files left by a writer that was killed mid-save (older than ten minutes)."""
        cutoff = time.time() - _STALE_TEMP_SECONDS
        for tmp in self.dir.glob(".*.json.*.tmp"):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
            except OSError:
                continue

    # -- secrets ---------------------------------------------------------------------------------

    def set_secrets(
        self, draft: Draft, *, client_secret: str | None = None, credentials_password: str | None = None
    ) -> Draft:
        """Keep the draft's secrets (None: leave as is, "": forget). Saves and returns the draft.

        A new secret clears the stored validation (it was made with another secret) and marks the draft
        to send it on the next push.
        """
        results: list[bool] = []
        changed = False
        for kind, value in ((SecretKind.CLIENT_SECRET, client_secret), (SecretKind.PASSWORD, credentials_password)):
            if value is None:
                continue
            if self.secrets.get(kind, draft.id) == (value or None):
                if value:
                    results.append(self.secrets.persistent)
                continue
            changed = True
            if value:
                results.append(self.secrets.set(kind, draft.id, value))
            else:
                self.secrets.delete(kind, draft.id)
        origin = url_origin(draft.connection.oauth_token_url)
        if not changed:
            if client_secret and draft.secret_origin != origin:  # the same secret, given again for this origin
                return self.save(replace(draft, secret_origin=origin))
            return draft
        held = [self.secrets.get(k, draft.id) for k in (SecretKind.CLIENT_SECRET, SecretKind.PASSWORD)]
        stored = any(held) and self.secrets.persistent and all(results)
        return self.save(
            replace(
                draft,
                secret_stored=stored,
                secret_pending=any(held),
                secret_origin=origin if any(held) else "",
                validation=None,
                validation_basis=None,
            )
        )

    def secret(self, draft: Draft | str, kind: SecretKind) -> str:
        """The kept secret; none for a draft whose token URL moved to another origin since it was given."""
        if isinstance(draft, Draft) and not draft.secret_follows:
            return ""
        draft_id = draft if isinstance(draft, str) else draft.id
        return self.secrets.get(kind, draft_id) or ""

    def secret_state(self, draft: Draft) -> SecretState:
        """Where the draft's client secret is; may block on the keyring (call it off the GUI thread)."""
        held = self.secret(draft, SecretKind.CLIENT_SECRET)
        if draft.connection.uses_password_grant and held:
            held = self.secret(draft, SecretKind.PASSWORD) and held
        if held:
            return SecretState.STORED if self.secrets.persistent and draft.secret_stored else SecretState.SESSION
        return SecretState.MISSING if draft.needs_secret() else SecretState.NOT_NEEDED

    def with_secrets(self, draft: Draft) -> Connection:
        """The draft as a connection carrying its secrets, for a push or a validation (never to a file)."""
        return draft.to_connection(
            client_secret=self.secret(draft, SecretKind.CLIENT_SECRET),
            credentials_password=self.secret(draft, SecretKind.PASSWORD),
        )

    def forget_secrets(self, draft_id: str) -> None:
        self.secrets.delete(SecretKind.CLIENT_SECRET, draft_id)
        self.secrets.delete(SecretKind.PASSWORD, draft_id)

    # -- validation ------------------------------------------------------------------------------

    def record_validation(self, draft: Draft, result: ValidationResult) -> Draft:
        """Keep ``result.to_json()`` (never the token) with the credential fields it was made with; saves."""
        if not result.checked_at:
            result = result.with_changes(checked_at=now_iso())
        basis = credential_basis(draft.connection)
        return self.save(replace(draft, validation=result.to_json(), validation_basis=basis))

    # -- import / export -------------------------------------------------------------------------

    def export(self, path: Path, drafts: Sequence[Draft]) -> int:
        """Write ``drafts`` (without secrets) to ``path``; returns how many."""
        entries = [ExchangeEntry.from_draft(d, secret_required=self.secret_required(d)) for d in drafts]
        write_exchange(path, entries, {"type": "drafts"})
        return len(entries)

    def secret_required(self, draft: Draft) -> bool:
        """A secret is needed to recreate this draft elsewhere: new, or one was given (it is not exported)."""
        return draft.needs_secret() or bool(self.secret(draft, SecretKind.CLIENT_SECRET))

    def plan_import(self, entries: Iterable[ExchangeEntry]) -> ImportPlan:
        """Match imported entries with drafts by name: new ones, identical ones, and clashes to decide."""
        existing: dict[str, Draft] = {}
        for draft in self.list().drafts:
            existing.setdefault(draft.name, draft)
        plan = ImportPlan()
        seen: set[str] = set()
        for entry in entries:
            if entry.name in seen:
                plan.duplicates.append(entry)
                continue
            seen.add(entry.name)
            current = existing.get(entry.name)
            if current is None:
                plan.fresh.append(entry)
            elif entry.same_as(current):
                plan.unchanged.append(entry)
            else:
                plan.clashes.append(Clash(entry, current, entry.differences(current)))
        return plan

    def apply_import(
        self,
        plan: ImportPlan,
        decide: ClashDecision | Mapping[str, ClashDecision] | Callable[[Clash], ClashDecision],
    ) -> ImportReport:
        """Carry out ``plan``; each clash is decided by name (mapping), by a callback, or all alike.

        keep: the local draft stays as it is. replace: the local draft takes the imported fields (its id
        and secrets stay; its validation is cleared). rename: the imported one is added under a new name.
        """
        report = ImportReport(unchanged=[e.name for e in plan.unchanged])
        names = {d.name for d in self.list().drafts}
        for entry in plan.fresh:
            report.added.append(self.save(entry.to_draft(self.new_id())))
            names.add(entry.name)
        for clash in plan.clashes:
            choice = decision_for(decide, clash)
            if choice == "keep":
                report.kept.append(clash.existing.name)
            elif choice == "replace":
                replaced = entry_over(clash.existing, clash.entry)
                report.replaced.append(self.save(replaced))
            elif choice == "rename":
                new_name = copy_name(clash.entry.name, names)
                names.add(new_name)
                report.renamed.append(self.save(clash.entry.to_draft(self.new_id(), name=new_name)))
            else:
                raise ValueError(f"unknown clash decision {choice!r}")
        for entry in plan.duplicates:
            new_name = copy_name(entry.name, names)
            names.add(new_name)
            report.renamed.append(self.save(entry.to_draft(self.new_id(), name=new_name)))
        return report
