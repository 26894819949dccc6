"""The Try dialog: one command or webhook callback end to end, from this computer or through the server.

Opened with ``open()`` (never ``exec()``); every network step runs as a task of the dialog, cancelled when it
closes. The client secret is typed here and kept only in memory; the result hides secrets until "Reveal".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.core.model import IntegrationKind
from mmoauth_gui.core.preview.build import PreviewRow
from mmoauth_gui.core.status import Look
from mmoauth_gui.core.tryit import TryResult
from mmoauth_gui.core.webhooks import WebhookCallback
from mmoauth_gui.services.tryit import (
    Target,
    TryError,
    prepare_command,
    prepare_webhook,
    run_through_server,
    send_from_here,
)
from mmoauth_gui.ui.kit.confirm import ask_async
from mmoauth_gui.ui.kit.secret_field import SecretField
from mmoauth_gui.ui.kit.style import status_color
from mmoauth_gui.ui.preview.try_render import render_result
from mmoauth_gui.ui.runtime.errors import user_text

if TYPE_CHECKING:
    from mmoauth_gui.ui.context import AppContext

DEFAULT_CHANNEL = "town-square"
THROUGH_SERVER_TITLE = "Run it through the server?"


class TryDialog(QDialog):
    def __init__(self, ctx: AppContext, row: PreviewRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        self.target: Target | None = None
        self.last_result: TryResult | None = None
        self.setWindowTitle(f"Try {row.label}")
        self.setObjectName("tryDialog")
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        what = "Slash command" if row.kind is IntegrationKind.COMMAND else "Outgoing webhook callback"
        self.heading.setText(f"{what} {row.label} — {row.url}")
        self.connection = QLabel("Reading it from the server…")
        self.connection.setObjectName("tryConnection")
        self.connection.setWordWrap(True)
        self.connection.setTextFormat(Qt.TextFormat.PlainText)
        self.secret = SecretField("Client secret")
        self.secret.setToolTip("The connection's client secret: the server never returns it. Kept in memory only.")
        self.text = QLineEdit()
        self.text.setAccessibleName("Text")
        self.text.setPlaceholderText("the words after the trigger")
        self.channel = QLineEdit(DEFAULT_CHANNEL)
        self.channel.setAccessibleName("Channel")
        form = QFormLayout()
        form.addRow("Client &secret", self.secret)
        form.addRow("&Text", self.text)
        form.addRow("C&hannel (through the server)", self.channel)
        self.send_button = QPushButton("Send from this computer")
        self.send_button.setObjectName("trySend")
        self.send_button.setToolTip("Fetch a token for the connection the server names and send what Mattermost would")
        self.server_button = QPushButton("Run through the server…")
        self.server_button.setObjectName("tryServer")
        self.server_button.setToolTip(
            "A real execution: the command through /commands/execute, a webhook by posting its trigger word"
        )
        self.reveal = QCheckBox("Reveal secrets")
        self.reveal.setToolTip("Show the command/webhook token and the access token in the request below")
        self.output = QTextBrowser()
        self.output.setObjectName("tryResult")
        self.output.setOpenLinks(False)
        self.output.setMinimumHeight(self.fontMetrics().height() * 16)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.server_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.connection)
        layout.addLayout(form)
        layout.addWidget(self.reveal)
        layout.addWidget(self.output, 1)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 60, self.fontMetrics().height() * 34)
        self.send_button.clicked.connect(self.send)
        self.server_button.clicked.connect(self.through_server)
        self.reveal.toggled.connect(lambda _on: self._render())
        self.send_button.setEnabled(False)
        self.server_button.setEnabled(False)
        self.secret.setEnabled(False)
        self.ctx.tasks.start(self._prepare(), owner=self, on_error=self._failed, name="try-prepare")

    # -- steps -----------------------------------------------------------------------------------

    async def _prepare(self) -> None:
        session = self.ctx.session
        if session is None:
            raise TryError("Not signed in to a server.")
        item = self.row.command
        if isinstance(item, WebhookCallback):
            target = await prepare_webhook(session.client, item.id, item.index)
        else:
            target = await prepare_command(session.client, item.team_id, item.trigger)
        self.target = target
        conn = target.connection
        if conn is None:
            self.connection.setText("No connection covers this URL: the server sends it without OAuth.")
        else:
            self.connection.setText(
                f"The server names “{conn.name}” for this URL: a token from {conn.oauth_token_url} "
                f"for client {conn.client_id}."
            )
        self.secret.setEnabled(conn is not None)
        self.send_button.setEnabled(True)
        self.server_button.setEnabled(True)

    def send(self) -> None:
        if self.target is None or self.ctx.session is None:
            return
        self.output.setPlainText("Sending…")
        self.ctx.tasks.start(
            send_from_here(
                self.ctx.http,
                self.ctx.session.client,
                self.target,
                text=self.text.text(),
                client_secret=self.secret.value(),
            ),
            owner=self,
            button=self.send_button,
            on_result=self._show_result,
            on_error=self._failed,
            name="try-send",
        )

    def through_server(self) -> None:
        if self.target is None:
            return
        self.ctx.tasks.start(self._through_server(), owner=self, button=self.server_button, on_error=self._failed)

    async def _through_server(self) -> None:
        target, session = self.target, self.ctx.session
        if target is None or session is None:
            return
        channel = self.channel.text().strip() or DEFAULT_CHANNEL
        if target.kind is IntegrationKind.COMMAND:
            what = f"run {target.label} {self.text.text()}".rstrip()
        else:
            word = target.hook.trigger_words[0] if target.hook and target.hook.trigger_words else ""
            what = f"post “{(word + ' ' + self.text.text()).strip() or 'test'}”, which fires {target.label}"
        if not await ask_async(
            self,
            THROUGH_SERVER_TITLE,
            f"This will really {what} in ~{channel} on {target.team.label}.",
            "Run it",
            informative="It is a real message or command: people in the channel may see it.",
        ):
            return
        self.output.setPlainText("Running through the server…")
        self._show_result(await run_through_server(session.client, target, channel, text=self.text.text()))

    # -- showing ---------------------------------------------------------------------------------

    def _show_result(self, result: Any) -> None:
        if isinstance(result, TryResult):
            self.last_result = result
            self._render()

    def _render(self) -> None:
        if self.last_result is None:
            return
        self.output.setHtml(
            render_result(
                self.last_result,
                reveal=self.reveal.isChecked(),
                ok_colour=status_color(Look.VALID, self).name(),
                bad_colour=status_color(Look.ERROR, self).name(),
            )
        )

    def _failed(self, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, TryError) else user_text(exc)
        self.connection.setText(f"Could not try it: {message}")
        self.output.setPlainText(message)
