"""The Health tab: the server preflight and the server's own failures (see ``ui/pages.py``). It also gives
the connections list its "N token failures in the last hour" badge."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.health.controller import FailureBadges, HealthController
from mmoauth_gui.ui.health.view import HealthView
from mmoauth_gui.ui.pages import PageHooks, WindowHost


class HealthPage(HealthView, PageHooks):
    def __init__(self, ctx: AppContext, badges: FailureBadges | None = None) -> None:
        super().__init__()
        self.controller = HealthController(ctx, self, badges)

    def page_shown(self) -> None:
        self.controller.shown()

    def page_closing(self) -> None:
        self.controller.close()


def create_page(ctx: AppContext, window: WindowHost) -> QWidget:
    return HealthPage(ctx, window.connections_view.model)
