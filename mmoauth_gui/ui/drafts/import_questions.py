"""Import questions and reports: one question per clash (keep mine / replace / keep both), asked without ``exec()``."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from mmoauth_gui.core.drafts.exchange import Clash, ClashDecision, ImportReport
from mmoauth_gui.core.drafts.model import Draft
from mmoauth_gui.ui.drafts.ask import ask_choice
from mmoauth_gui.ui.drafts.conflict_dialog import field_label

CLASH_TITLE = "Draft name already used"
KEEP_MINE_TEXT = "Keep mine"
REPLACE_TEXT = "Replace with the file's"
KEEP_BOTH_TEXT = "Keep both"
CANCEL_TEXT = "Stop importing"
CLASH_CHOICES: tuple[tuple[str, ClashDecision], ...] = (
    (KEEP_MINE_TEXT, "keep"),
    (REPLACE_TEXT, "replace"),
    (KEEP_BOTH_TEXT, "rename"),
)


async def ask_clash(parent: QWidget | None, clash: Clash, position: str = "") -> ClashDecision | None:
    """Ask what to do with one clash; None when the import is stopped (nothing of it is applied)."""
    differs = ", ".join(field_label(f) for f in clash.fields) or "the note"
    return await ask_choice(
        parent,
        CLASH_TITLE,
        f"A draft called “{clash.entry.name}” exists already{position}.",
        CLASH_CHOICES,
        informative=f"The file's copy differs in: {differs}.\n\nKeep mine leaves your draft as it is; Replace takes "
        "the file's fields (your secret stays); Keep both adds the file's under a new name.",
        cancel_text=CANCEL_TEXT,
        object_name="importClash",
    )


def report_text(report: ImportReport) -> str:
    parts = [
        f"{len(report.added)} added",
        f"{len(report.replaced)} replaced",
        f"{len(report.renamed)} added under a new name",
        f"{len(report.kept)} kept as they were",
        f"{len(report.unchanged)} already identical",
    ]
    return ", ".join(parts) + "."


def secrets_needed_text(drafts: list[Draft]) -> str:
    if not drafts:
        return ""
    names = ", ".join(f"“{d.name}”" for d in drafts)
    return f"Secrets are never exported: type the client secret of {names} before pushing."
