"""Validate all shows its results in batches (a progress bar repaints synchronously), and ends exact."""

from __future__ import annotations

from typing import Any

from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.ui.connections.controller import BULK_REFRESH_MS, ConnectionsController
from mmoauth_gui.ui.kit.badge import NOT_CHECKED, badge_for


def test_results_arriving_together_are_shown_in_one_refresh(qtbot: Any, page: ConnectionsController) -> None:
    conns = page.model.connections()
    total = len(conns)
    view = page.view
    view.progress.setRange(0, total)
    view.progress.setValue(0)
    shown: list[int] = []
    view.progress.valueChanged.connect(shown.append)
    result = ValidationResult(ok=True, category="ok", source="server", checked_at="2026-11-29T10:00:00Z")
    for done, conn in enumerate(conns, 1):
        page._bulk_progress(done, total, conn.id, result)  # as bulk_on_server reports each result
    assert shown == [] and all(page.model.badge(c) == NOT_CHECKED for c in conns)  # nothing drawn yet

    qtbot.waitUntil(lambda: shown == [total])
    qtbot.wait(BULK_REFRESH_MS * 2)
    assert shown == [total]  # one refresh for the lot
    assert view.progress_label.text() == f"Validating {total} of {total}…"
    assert all(page.model.badge(c).kind == "valid" for c in conns)
    assert f"{total} valid" in view.summary.text()


def test_validate_all_ends_with_every_badge_and_the_final_count(qtbot: Any, page: ConnectionsController) -> None:
    shown: list[int] = []
    page.view.progress.valueChanged.connect(shown.append)
    with qtbot.waitSignal(page.bulk_finished) as finished:
        page.validate_all()
    results = finished.args[0]
    assert len(results) == 7  # the password-grant connection is left for a check with its password
    assert shown[-1] == 7 and len(shown) <= 1 + 7  # the reset to 0, then at most one refresh per result
    for conn in page.model.connections():
        if not conn.uses_password_grant:
            assert page.model.badge(conn) == badge_for(results[conn.id])
    assert not page.view.progress_row.isVisible()
    assert page.view.progress_label.text().startswith("Validated 7 connections")
