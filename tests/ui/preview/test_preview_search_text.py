"""The preview table builds each row's search text only when words are searched for."""

from __future__ import annotations

from typing import Any

from test_preview_model import make_model

from mmoauth_gui.core.preview.build import Status
from mmoauth_gui.ui.preview.filter import PreviewFilter
from mmoauth_gui.ui.preview.model import RowRole


def shown(proxy: PreviewFilter) -> list[str]:
    return sorted(proxy.index(i, 0).data(RowRole).trigger for i in range(proxy.rowCount()))


def test_search_text_is_built_on_the_first_search_and_again_for_new_rows(qapp: Any) -> None:
    model, preview = make_model()
    proxy = PreviewFilter()
    proxy.setSourceModel(model)

    proxy.set_filters(team_id="t2", status=Status.UNLINKED)
    assert shown(proxy) == ["faq"]
    assert sorted(r.trigger for r in proxy.counted_rows()) == ["faq", "ticket", "weather"]  # all but the status
    assert model._search is None  # team, connection and status filters do not need it

    proxy.set_filters(search="HELPDESK")
    assert shown(proxy) == ["ticket"]
    assert model._search is not None and len(model.haystacks()) == len(model.rows())

    proxy.set_filters(search="hooks/")
    model.set_preview(preview, preview.rows()[:2], str)  # the search stays: the new rows' text is built
    assert shown(proxy) == ["build", "deploy"] and len(model.haystacks()) == 2
    proxy.set_filters()
    model.set_preview(preview, preview.rows(), str)
    assert model._search is None and len(shown(proxy)) == 5
