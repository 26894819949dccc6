"""The preview table model and its filter proxy: Qt's model tester, and the cells an admin reads."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from mmoauth_gui.core.model import Command, Connection
from mmoauth_gui.core.preview.build import Preview, Status
from mmoauth_gui.ui.preview.filter import PreviewFilter
from mmoauth_gui.ui.preview.model import (
    CONNECTION,
    METHOD,
    SERVER,
    STATUS,
    TEAM,
    TRIGGER,
    URL,
    PreviewModel,
    RowRole,
    SearchRole,
)

TEAMS = {"t1": "Engineering", "t2": "Support"}
COMMANDS = [
    Command("c1", "t1", "deploy", "https://ci.example.com/hooks/deploy", "P", "Deploy"),
    Command("c2", "t1", "build", "https://ci.example.com/hooks/build?x=1", "P", "Build"),
    Command("c3", "t2", "ticket", "https://helpdesk.example.com/api/ticket", "G", "Ticket"),
    Command("c4", "t2", "faq", "https://kb.example.com/faq", "G", "FAQ"),
    Command("c5", "t2", "weather", "http://weather.example.net/slash", "G", "Weather"),
    Command("c6", "t1", "plugin", "", plugin_id="com.example.plugin"),  # never goes through a URL
]
CONNECTIONS = [
    Connection(id="k1", name="CI Hooks", audiences=("https://ci.example.com/hooks/*",)),
    Connection(id="k2", name="Helpdesk", audiences=("https://helpdesk.example.com/api/*",)),
    Connection(id="k3", name="Helpdesk (legacy)", audiences=("https://helpdesk.example.com/api/ticket",)),
    Connection(id="k4", name="Weather", audiences=("http://weather.example.net/slash",)),
]
ANSWERS = {  # the server's answer per URL: /weather's differs from the prediction
    "https://ci.example.com/hooks/deploy": "k1",
    "https://helpdesk.example.com/api/ticket": "k2",
    "http://weather.example.net/slash": None,
}


def make_model(answers: dict[str, str | None] | None = ANSWERS) -> tuple[PreviewModel, Preview]:
    preview = Preview(COMMANDS, CONNECTIONS, answers)
    model = PreviewModel()
    model.set_preview(preview, preview.rows(), lambda tid: TEAMS.get(tid, tid))
    return model, preview


def cell(model: PreviewModel, trigger: str, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    row = next(i for i, r in enumerate(model.rows()) if r.trigger == trigger)
    return model.index(row, column).data(role)


def test_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model, preview = make_model()
    qtmodeltester.check(model, force_py=True)  # stays connected: the resets below are checked too
    model.set_preview(None)
    assert model.rowCount() == 0
    model.set_preview(preview, preview.rows(), str)
    assert model.rowCount() == 5


def test_proxy_passes_the_model_tester_while_filtering(qtmodeltester: Any) -> None:
    model, _preview = make_model()
    proxy = PreviewFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_filters(team_id="t2", status=Status.AMBIGUOUS)
    assert proxy.rowCount() == 1
    proxy.set_filters(search="example")
    assert proxy.rowCount() == 5


def test_cells_say_what_each_command_will_carry(qapp: Any) -> None:
    model, _preview = make_model()
    assert model.rowCount() == 5  # the plugin command never fetches a token: not listed
    assert cell(model, "deploy", TEAM) == "Engineering"
    assert cell(model, "deploy", TRIGGER) == "/deploy"
    assert cell(model, "deploy", METHOD) == "POST" and cell(model, "faq", METHOD) == "GET"
    assert cell(model, "deploy", CONNECTION) == "CI Hooks"
    assert cell(model, "deploy", SERVER) == "CI Hooks"
    assert cell(model, "deploy", STATUS) == "Linked"
    assert cell(model, "build", SERVER) == "not asked"
    assert cell(model, "faq", CONNECTION) == "—" and cell(model, "faq", STATUS) == "Unlinked"
    assert cell(model, "ticket", CONNECTION) == "Helpdesk, Helpdesk (legacy)"
    assert cell(model, "ticket", STATUS) == "Ambiguous"
    assert cell(model, "weather", STATUS) == "Mismatch"
    assert cell(model, "weather", SERVER) == "none"
    assert cell(model, "weather", URL) == "http://weather.example.net/slash"


def test_a_mismatch_is_highlighted_and_explained(qapp: Any) -> None:
    model, _preview = make_model()
    tooltip = cell(model, "weather", STATUS, Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("Mismatch:") and "“Weather”" in tooltip and "the server answered no connection" in tooltip
    assert cell(model, "weather", URL, Qt.ItemDataRole.BackgroundRole) is not None
    assert cell(model, "deploy", URL, Qt.ItemDataRole.BackgroundRole) is None
    assert cell(model, "weather", STATUS, Qt.ItemDataRole.FontRole).bold()
    assert cell(model, "weather", STATUS, Qt.ItemDataRole.DecorationRole) is not None


def test_filters_combine_team_connection_status_and_words(qapp: Any) -> None:
    model, _preview = make_model()
    proxy = PreviewFilter()
    proxy.setSourceModel(model)

    def shown() -> list[str]:
        return sorted(proxy.index(i, 0).data(RowRole).trigger for i in range(proxy.rowCount()))

    proxy.set_filters(team_id="t1")
    assert shown() == ["build", "deploy"]
    proxy.set_filters(connection_id="k2")
    assert shown() == ["ticket"]
    proxy.set_filters(connection_id="k4")  # predicted for /weather, though the server says none
    assert shown() == ["weather"]
    proxy.set_filters(status=Status.UNLINKED)
    assert shown() == ["faq"]
    proxy.set_filters(search="HELPDESK ticket")
    assert shown() == ["ticket"]
    proxy.set_filters(team_id="t2", status=Status.LINKED)
    assert shown() == []
    assert sorted(r.trigger for r in proxy.counted_rows()) == ["faq", "ticket", "weather"]  # the status is not counted
    proxy.set_filters()
    assert len(shown()) == 5 and not proxy.filtering


def test_sorting_by_status_puts_problems_first(qapp: Any) -> None:
    model, _preview = make_model()
    proxy = PreviewFilter()
    proxy.setSourceModel(model)
    proxy.sort(STATUS, Qt.SortOrder.AscendingOrder)
    statuses = [proxy.index(i, STATUS).data() for i in range(proxy.rowCount())]
    assert statuses == ["Mismatch", "Ambiguous", "Unlinked", "Linked", "Linked"]


def test_a_header_click_sorts_the_rows_and_keeps_the_selected_command(qtbot: Any) -> None:
    from PySide6.QtWidgets import QTableView

    model, _preview = make_model()
    proxy = PreviewFilter()
    proxy.setSourceModel(model)
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(TEAM, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.selectRow(1)
    model.haystacks_view()
    chosen = proxy.index(1, TRIGGER).data()

    table.horizontalHeader().setSortIndicator(URL, Qt.SortOrder.DescendingOrder)
    urls = [proxy.index(i, URL).data() for i in range(proxy.rowCount())]
    assert urls == sorted(urls, key=str.casefold, reverse=True)
    (selected,) = table.selectionModel().selectedRows()
    assert selected.siblingAtColumn(TRIGGER).data() == chosen
    for i in range(proxy.rowCount()):  # the search text built before the sort moved with its row
        assert proxy.index(i, URL).data().casefold() in proxy.index(i, 0).data(SearchRole)
