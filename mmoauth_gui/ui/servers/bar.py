"""The toolbar row to pick a server profile and a team (layout only; ServerController acts)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget


class ServerBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.server_label = QLabel("&Server:")
        self.server_combo = QComboBox()
        self.server_combo.setAccessibleName("Server")
        self.server_combo.setMinimumContentsLength(18)
        self.server_label.setBuddy(self.server_combo)
        self.team_label = QLabel("&Team:")
        self.team_combo = QComboBox()
        self.team_combo.setAccessibleName("Team")
        self.team_combo.setMinimumContentsLength(12)
        self.team_combo.setToolTip(
            "Listing connections is allowed with a team permission (manage slash commands or outgoing "
            "webhooks) on the chosen team; system admins see every connection whatever the team."
        )
        self.team_label.setBuddy(self.team_combo)
        self.manage_button = QPushButton("Servers…")
        self.manage_button.setAccessibleName("Manage servers")
        self.manage_button.setToolTip("Add, edit, test or remove Mattermost server profiles")
        self.demo_button = QPushButton("Try the demo sandbox")
        self.demo_button.setAccessibleName("Try the demo sandbox")
        self.demo_button.setToolTip("Start a simulated Mattermost server with demo data inside the app")
        self.reconnect_button = QPushButton("Reconnect")
        self.reconnect_button.setAccessibleName("Reconnect")
        self.reconnect_button.hide()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.server_label)
        layout.addWidget(self.server_combo)
        layout.addWidget(self.reconnect_button)
        layout.addSpacing(self.fontMetrics().horizontalAdvance("M"))
        layout.addWidget(self.team_label)
        layout.addWidget(self.team_combo)
        layout.addStretch(1)
        layout.addWidget(self.demo_button)
        layout.addWidget(self.manage_button)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def size_to_contents(self) -> None:
        """Let the lists grow with their entries; done after the first paint, as it costs ~40 ms."""
        for combo in (self.server_combo, self.team_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
