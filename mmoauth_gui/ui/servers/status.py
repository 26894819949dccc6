"""The status bar's right side: server, team, user, server version, and whether the feature is available."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

if TYPE_CHECKING:  # ui.session brings httpx: not needed for the window's first paint
    from mmoauth_gui.services.session import Session


class SessionStatus(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.server = QLabel()
        self.team = QLabel()
        self.user = QLabel()
        self.version = QLabel()
        self.feature_icon = QLabel()
        self.feature = QLabel()
        self._separators: list[QFrame] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for name, label in (
            ("Server", self.server),
            ("Team", self.team),
            ("User", self.user),
            ("Server version", self.version),
            ("Outgoing OAuth connections", self.feature),
        ):
            label.setAccessibleName(name)
            label.setObjectName(f"status{name.replace(' ', '')}")
            if label is not self.server:
                separator = QFrame()
                separator.setFrameShape(QFrame.Shape.VLine)
                separator.setFrameShadow(QFrame.Shadow.Sunken)
                self._separators.append(separator)
                layout.addWidget(separator)
            if label is self.feature:
                layout.addWidget(self.feature_icon)
            layout.addWidget(label)
        self.feature_icon.setAccessibleName("Feature status icon")
        self._session: Session | None = None
        self._compact = False
        self.show_session(None)

    def set_compact(self, compact: bool) -> None:
        """Compact: only the server and the feature, leaving room for a message (the rest come back after it)."""
        self._compact = compact
        if self._session is not None:
            for widget in (self.team, self.user, self.version, *self._separators[:3]):
                widget.setVisible(not compact)

    def show_session(self, session: Session | None, connecting: str = "") -> None:
        self._session = session
        if session is None:
            self.server.setText(connecting or "Not connected")
            for widget in (self.team, self.user, self.version, self.feature, self.feature_icon, *self._separators):
                widget.hide()
            return
        from mmoauth_gui.ui.kit.icons import status_icon  # not needed before a session (nor for the first paint)

        for widget in (self.team, self.user, self.version, self.feature, self.feature_icon, *self._separators):
            widget.show()
        self.set_compact(self._compact)
        demo = " (demo sandbox)" if session.demo else ""
        self.server.setText(f"{session.profile.url}{demo}")
        self.server.setToolTip(f"Server profile “{session.profile.name}”")
        self.team.setText(f"Team: {session.team.label}" if session.team else "No team")
        role = " · system admin" if session.user.is_system_admin else ""
        self.user.setText(f"{session.user.username or session.user.id}{role}")
        self.version.setText(f"Mattermost {session.version}")
        feature = session.feature
        size = self.fontMetrics().height()
        self.feature_icon.setPixmap(status_icon(feature.kind, self).pixmap(size, size))
        self.feature.setText(f"Outgoing OAuth: {feature.label}")
        self.feature.setToolTip(feature.user_message)
        self.feature_icon.setToolTip(feature.user_message)

    def texts(self) -> list[str]:
        return [
            w.text() for w in (self.server, self.team, self.user, self.version, self.feature) if w.isVisibleTo(self)
        ]
