"""The connections table model and its search/sort proxy pass Qt's model tester."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import Category, ValidationResult
from mmoauth_gui.storage.validations import StoredValidation
from mmoauth_gui.ui.connections.filter import ConnectionsFilter
from mmoauth_gui.ui.connections.model import AUDIENCES, NAME, VALIDATION, ConnectionsModel
from mmoauth_gui.ui.connections.render import details_html
from mmoauth_gui.ui.kit.badge import Badge, badge_for


def conn(i: int, name: str, audiences: tuple[str, ...], client_id: str = "client") -> Connection:
    return Connection(
        id=f"id{i:024d}",
        name=name,
        client_id=client_id,
        oauth_token_url=f"https://auth{i}.example.com/token",
        audiences=audiences,
        create_at=1_700_000_000_000 + i,
    )


ROWS = [
    conn(1, "Weather", ("https://weather.example.com/slash",)),
    conn(2, "CI hooks", ("https://ci.example.com/hooks/*", "https://ci.example.com/build"), client_id="ci-bot"),
    conn(3, "alpha", ("https://alpha.example.com/",)),
]


def test_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = ConnectionsModel()
    model.set_connections(ROWS)
    model.set_badge(ROWS[0].id, Badge("valid", datetime.now().astimezone(), "Token obtained"))
    qtmodeltester.check(model, force_py=True)
    model.upsert(conn(4, "Delta", ("https://d.example.com",)))
    model.remove(ROWS[1].id)
    qtmodeltester.check(model, force_py=True)


def test_proxy_passes_the_model_tester_while_filtering(qtmodeltester: Any) -> None:
    model = ConnectionsModel()
    model.set_connections(ROWS)
    proxy = ConnectionsFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_search("example.com/hooks")
    qtmodeltester.check(proxy, force_py=True)


def test_cells_show_what_an_admin_reads() -> None:
    model = ConnectionsModel()
    model.set_connections(ROWS)
    assert model.index(1, AUDIENCES).data() == "https://ci.example.com/hooks/*  (+1 more)"
    assert model.index(1, AUDIENCES).data(Qt.ItemDataRole.ToolTipRole).splitlines() == list(ROWS[1].audiences)
    assert model.index(0, VALIDATION).data() == "Not checked"
    model.set_badge(ROWS[0].id, Badge("refused", datetime.now().astimezone(), "invalid_client"))
    assert model.index(0, VALIDATION).data().startswith("Refused · ")
    assert "invalid_client" in model.index(0, VALIDATION).data(Qt.ItemDataRole.ToolTipRole)
    assert model.badge_counts() == {"refused": 1, "unchecked": 2}


def test_search_matches_every_word_in_name_client_id_token_url_or_audiences() -> None:
    model = ConnectionsModel()
    model.set_connections(ROWS)
    proxy = ConnectionsFilter()
    proxy.setSourceModel(model)

    def names() -> list[str]:
        return [proxy.index(r, NAME).data() for r in range(proxy.rowCount())]

    assert names() == ["alpha", "CI hooks", "Weather"]  # sorted by name, case-insensitive
    proxy.set_search("CI-BOT")
    assert names() == ["CI hooks"]
    proxy.set_search("auth3.example.com")
    assert names() == ["alpha"]
    proxy.set_search("weather slash")
    assert names() == ["Weather"]
    proxy.set_search("weather hooks")
    assert names() == []
    proxy.set_search("")
    assert len(names()) == 3


def test_details_say_who_checked_before_what_came_of_it() -> None:
    result = ValidationResult.failure(Category.NETWORK, "", http_status=502, source="server")
    badge = badge_for(result)
    html = details_html(ROWS[0], badge, StoredValidation(result, result.checked_at), "#000000")
    assert "checked by the server: Could not connect (HTTP 502)" in html
    assert "(HTTP 502) by the server" not in html
