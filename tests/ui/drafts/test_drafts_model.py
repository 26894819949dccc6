"""The drafts table model: passes qtmodeltester, and says status, validation, secret and target plainly."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from mmoauth_gui.core.drafts.model import ConflictMark, Draft, Origin, SecretState
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.ui.drafts.model import (
    MODIFIED,
    NAME,
    SECRET,
    STATUS,
    TARGET,
    VALIDATION,
    DraftRole,
    DraftsModel,
    KindRole,
)
from mmoauth_gui.ui.drafts.workspace import DraftRow

CONN = Connection(
    name="Billing", client_id="billing", oauth_token_url="https://idp.example.com/token", audiences=("https://b/*",)
)
OK = ValidationResult(ok=True, category="ok", checked_at="2024-03-05T12:04:00.000Z", token_type="Bearer")
REFUSED = ValidationResult.failure("oauth_error", "The client id or secret is wrong.", error="invalid_client")


def rows() -> list[DraftRow]:
    basis = {
        "client_id": "billing",
        "oauth_token_url": "https://idp.example.com/token",
        "grant_type": "client_credentials",
        "credentials_username": "",
    }
    new = Draft(id="a1", connection=CONN, modified_at="2024-03-05T12:04:00.000Z")
    valid = Draft(id="a2", connection=CONN.with_changes(name="Valid"), validation=OK.to_json(), validation_basis=basis)
    stale = Draft(
        id="a3",
        connection=CONN.with_changes(name="Stale", client_id="other"),
        validation=OK.to_json(),
        validation_basis=basis,
    )
    origin = Origin("https://mm.example.com/", "c1", 5)
    synced = Draft(
        id="a4",
        connection=CONN.with_changes(name="Synced"),
        origin=origin,
        snapshot=CONN.with_changes(id="c1", name="Synced", update_at=5),
    )
    conflict = Draft(
        id="a5",
        connection=CONN.with_changes(name=""),
        origin=origin,
        conflict=ConflictMark(None, ""),
        validation=REFUSED.to_json(),
        validation_basis=basis,
    )
    return [
        DraftRow(new, SecretState.SESSION),
        DraftRow(valid, SecretState.STORED),
        DraftRow(stale, SecretState.MISSING),
        DraftRow(synced, SecretState.NOT_NEEDED),
        DraftRow(conflict, SecretState.NOT_NEEDED),
    ]


def text(model: DraftsModel, row: int, column: int) -> str:
    return str(model.index(row, column).data())


def test_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    model = DraftsModel()
    model.set_rows(rows())
    qtmodeltester.check(model, force_py=True)
    model.upsert(DraftRow(Draft(id="b1", connection=CONN.with_changes(name="More")), SecretState.MISSING))
    model.remove("a2")
    model.set_profiles({"Production": "https://mm.example.com"})
    qtmodeltester.check(model, force_py=True)


def test_cells_say_what_each_draft_is(qapp: Any) -> None:
    model = DraftsModel()
    model.set_rows(rows())
    model.set_profiles({"Production": "https://mm.example.com"})
    assert [text(model, r, STATUS) for r in range(5)] == ["New", "New", "New", "In sync", "Conflict"]
    assert text(model, 0, VALIDATION) == "Not checked"
    assert text(model, 1, VALIDATION).startswith("Valid · ")
    assert text(model, 2, VALIDATION) == "Stale (was valid)"
    assert text(model, 4, VALIDATION) == "Refused"
    assert [text(model, r, SECRET) for r in range(5)] == [
        "Not stored",
        "Stored",
        "Missing",
        "On the server",
        "On the server",
    ]
    assert text(model, 3, TARGET) == "Production"
    assert text(model, 0, TARGET) == "—"
    assert text(model, 4, NAME) == "(no name)"
    assert text(model, 0, MODIFIED) != ""
    assert model.index(2, VALIDATION).data(KindRole) == "warning"
    assert model.index(4, STATUS).data(KindRole) == "error"
    assert "credentials changed" in model.index(2, VALIDATION).data(Qt.ItemDataRole.ToolTipRole)
    assert "session only" in model.index(0, SECRET).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(3, NAME).data(DraftRole).id == "a4"
    assert model.index(0, STATUS).data(Qt.ItemDataRole.DecorationRole) is not None
