"""Servers: add, edit, test and remove Mattermost server profiles. Tokens go to the secret store, off the GUI thread."""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.core.status import Look
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import MattermostError
from mmoauth_gui.services.profile_check import ProfileTestResult, check_profile, cleartext
from mmoauth_gui.storage.profiles import Profile, ProfileError
from mmoauth_gui.storage.secrets import NO_KEYRING, SecretKind
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.kit.confirm import ask_async, ask_discard
from mmoauth_gui.ui.kit.icons import app_icon
from mmoauth_gui.ui.kit.secret_field import SecretField
from mmoauth_gui.ui.kit.spinner import Spinner
from mmoauth_gui.ui.kit.style import scaled_font, status_css
from mmoauth_gui.ui.kit.widgets import enter_presses, top_aligned
from mmoauth_gui.ui.runtime.errors import user_text
from mmoauth_gui.ui.servers.guards import send_in_cleartext
from mmoauth_gui.ui.servers.profile_input import ProfileInput, missing, unsaved
from mmoauth_gui.ui.servers.render import test_results_html

log = logging.getLogger(__name__)

TOKEN_HELP = "Create one in Mattermost: Profile › Security › Personal Access Tokens."
PASSWORD_HELP = (
    "The password is used once to sign in and is never stored; the session token Mattermost returns is kept instead."
)


class ProfilesDialog(QDialog):
    connect_requested = Signal(object, object)  # Profile, token (str) or None to read it from the store
    profiles_saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, select: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("profilesDialog")
        self.setWindowTitle("Mattermost servers")
        self.setWindowIcon(app_icon())
        self.setAccessibleName("Mattermost servers")
        self._profiles: list[Profile] = []
        self._current: Profile | None = None
        self._test: ProfileTestResult | None = None
        self._select = select
        self._closing = False
        self._build()
        self.resize(self.fontMetrics().horizontalAdvance("M") * 64, self.fontMetrics().height() * 34)
        self.task = ctx.tasks.start(self._load(select), owner=self, on_error=self._failed, name="load profiles")

    # -- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.list = QListWidget()
        self.list.setObjectName("profileList")
        self.list.setAccessibleName("Server profiles")
        self.list.currentItemChanged.connect(self._item_chosen)
        self.add_button = QPushButton("Add server")
        self.add_button.setAccessibleName("Add server")
        self.add_button.clicked.connect(self.new_profile)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName("Remove server")
        self.remove_button.clicked.connect(self.remove_current)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        left_layout.addLayout(row)

        self.name = QLineEdit()
        self.name.setAccessibleName("Profile name")
        self.name.setPlaceholderText("Production")
        self.url = QLineEdit()
        self.url.setAccessibleName("Server URL")
        self.url.setPlaceholderText("https://mattermost.example.com")
        self.by_token = QRadioButton("Personal access token")
        self.by_token.setAccessibleName("Sign in with a personal access token")
        self.by_password = QRadioButton("Username and password")
        self.by_password.setAccessibleName("Sign in with a username and password")
        self.auth_group = QButtonGroup(self)
        self.auth_group.addButton(self.by_token)
        self.auth_group.addButton(self.by_password)
        self.by_token.setChecked(True)
        auth_row = QHBoxLayout()
        auth_row.addWidget(self.by_token)
        auth_row.addWidget(self.by_password)
        auth_row.addStretch(1)
        self.token = SecretField("Access token")
        self.token.keep_button.setText("Keep the stored token")
        self.token_help = QLabel(TOKEN_HELP)
        self.username = QLineEdit()
        self.username.setAccessibleName("Username or email")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.mfa = QLineEdit()
        self.mfa.setAccessibleName("MFA code")
        self.mfa.setPlaceholderText("only if the account uses multi-factor authentication")
        self.password_help = QLabel(PASSWORD_HELP)
        self.ca_file = QLineEdit()
        self.ca_file.setAccessibleName("CA certificate file")
        self.ca_file.setPlaceholderText("optional: PEM file of an internal CA")
        self.ca_browse = QPushButton("Browse…")
        self.ca_browse.setAccessibleName("Choose a CA certificate file")
        self.ca_browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.ca_browse)
        self.token_help.setToolTip("Token creation must be enabled on the server (System Console › Integrations).")
        for help_label in (self.token_help, self.password_help):
            help_label.setWordWrap(True)
            help_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
            help_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.hide()

        form = QFormLayout()
        self.form_box = top_aligned(form)  # as tall as the taller way of signing in: switching moves nothing below
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Name", self.name)
        form.addRow("Server &URL", self.url)
        ca_label = QLabel("&CA file")
        ca_label.setBuddy(self.ca_file)
        form.addRow(ca_label, ca_row)
        form.addRow("Sign in with", auth_row)
        token_box = QWidget()
        token_column = QVBoxLayout(token_box)
        token_column.setContentsMargins(0, 0, 0, 0)
        token_column.setSpacing(2)
        token_column.addWidget(self.token)
        token_column.addWidget(self.token_help)
        self.token_box = token_box
        token_label = QLabel("&Token")
        token_label.setBuddy(self.token)
        form.addRow(token_label, token_box)
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)
        form.addRow("&MFA code", self.mfa)
        form.addRow("", self.password_help)
        self.form_layout = form

        self.test_button = QPushButton("Test")
        self.test_button.setObjectName("testButton")
        self.test_button.setAccessibleName("Test the connection to this server")
        self.test_button.clicked.connect(self.test)
        self.spinner = Spinner()
        self.results = QLabel()
        self.results.setObjectName("testResults")
        self.results.setAccessibleName("Test results")
        self.results.setWordWrap(True)
        self.results.setTextFormat(Qt.TextFormat.RichText)
        self.results.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.results.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.team = QComboBox()
        self.team.setAccessibleName("Team")
        self.team.setToolTip("The team whose permissions are used to list connections (system admins see all)")
        self.team.addItem("Test to list your teams", "")
        self.team.setEnabled(False)
        test_box = QGroupBox("Check this server")
        test_layout = QVBoxLayout(test_box)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.spinner)
        test_row.addStretch(1)
        test_layout.addLayout(test_row)
        test_layout.addWidget(self.results)
        team_row = QFormLayout()
        team_row.addRow("T&eam", self.team)
        test_layout.addLayout(team_row)

        self.error = QLabel()
        self.error.setObjectName("profileError")
        self.error.setWordWrap(True)
        self.error.hide()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setObjectName("profileHeading")
        self.heading.setFont(scaled_font(self, 1.2, bold=True))
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.form_box)
        right_layout.addWidget(self.keyring_note)
        right_layout.addWidget(test_box)
        right_layout.addStretch(1)
        right_layout.addWidget(self.error)
        self.editor = right

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)

        self.save_button = QPushButton("Save")
        self.save_button.setAccessibleName("Save the server profile")
        self.save_button.clicked.connect(lambda: self.save(connect=False))
        self.connect_button = QPushButton("Save and connect")
        self.connect_button.setAccessibleName("Save the server profile and connect")
        self.connect_button.clicked.connect(lambda: self.save(connect=True))
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.connect_button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.by_token.toggled.connect(self._show_auth)
        for widget in (self.url, self.username, self.password, self.mfa, self.ca_file):
            widget.textChanged.connect(self._invalidate_test)
        self.token.changed.connect(self._invalidate_test)
        self.by_password.setChecked(True)  # measured the taller way (form_box keeps that height), then back
        self.form_box.setMinimumHeight(self.form_box.sizeHint().height())
        self.by_token.setChecked(True)
        chain = (self.list, self.name, self.url, self.ca_file, self.ca_browse, self.by_token)  # the CA row is above
        for a, b in zip(chain, chain[1:], strict=False):
            self.setTabOrder(a, b)
        self.setTabOrder(self.connect_button, self.add_button)  # the list's buttons after the dialog's
        self.setTabOrder(self.add_button, self.remove_button)
        enter_presses(self, self.connect_button)

    def _show_auth(self) -> None:
        token = self.by_token.isChecked()
        for widget, visible in (
            (self.token_box, token),
            (self.username, not token),
            (self.password, not token),
            (self.mfa, not token),
            (self.password_help, not token),
        ):
            self.form_layout.setRowVisible(widget, visible)
        self._invalidate_test()

    # -- loading ---------------------------------------------------------------------------------

    async def _load(self, select: str) -> None:
        self._profiles = await asyncio.to_thread(self.ctx.profiles.load)
        persistent = await asyncio.to_thread(lambda: self.ctx.secrets.persistent)
        if not persistent:
            reason = await asyncio.to_thread(lambda: self.ctx.secrets.reason)
            self.keyring_note.setText(
                f"{NO_KEYRING}: the token is kept for this session only and must be entered again after the app "
                "closes." + (f" ({reason.rsplit('(', 1)[-1]}" if "(" in reason else "")
            )
            self.keyring_note.setStyleSheet(status_css(Look.WARNING, self))
            self.keyring_note.show()
        problem = self.ctx.profiles.problem
        if problem is not None:
            self._show_error(str(problem))
        self._fill_list(select)

    def _fill_list(self, select: str) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for profile in self._profiles:
            item = QListWidgetItem(profile.name)
            item.setData(Qt.ItemDataRole.UserRole, profile.name)
            item.setToolTip(profile.url)
            self.list.addItem(item)
        self.list.blockSignals(False)
        names = [p.name for p in self._profiles]
        if select in names:
            self.list.setCurrentRow(names.index(select))
        else:
            self.new_profile()
        self.remove_button.setEnabled(self._current is not None)

    def _item_chosen(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if item is None:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        profile = next((p for p in self._profiles if p.name == name), None)
        if profile is not None:
            self.ctx.tasks.start(self._show_profile(profile), owner=self, on_error=self._failed, name="show profile")

    async def _show_profile(self, profile: Profile) -> None:
        has_token = await asyncio.to_thread(self.ctx.secrets.has, SecretKind.SERVER_TOKEN, profile.name)
        self._current = profile
        self.heading.setText(f"Server “{profile.name}”")
        self.name.setText(profile.name)
        self.url.setText(profile.url)
        (self.by_password if profile.auth == "password" else self.by_token).setChecked(True)
        self.token.set_stored(has_token)
        self.username.setText(profile.username)
        self.password.clear()
        self.mfa.clear()
        self.ca_file.setText(profile.ca_file)
        self.team.clear()
        if profile.team_id:
            known = self.ctx.session.teams if self.ctx.session and self.ctx.session.profile.name == profile.name else ()
            label = next((t.label for t in known if t.id == profile.team_id), profile.team_name or profile.team_id)
            self.team.addItem(label, profile.team_id)
        else:
            self.team.addItem("Test to list your teams", "")
        self.team.setEnabled(False)
        self._clear_test()
        self.remove_button.setEnabled(True)
        self.error.hide()

    def new_profile(self) -> None:
        self._current = None
        self.heading.setText("New server")
        self.list.blockSignals(True)
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.list.blockSignals(False)
        for widget in (self.name, self.url, self.username, self.password, self.mfa, self.ca_file):
            widget.clear()
        self.by_token.setChecked(True)
        self.token.set_stored(False)
        self.team.clear()
        self.team.addItem("Test to list your teams", "")
        self.team.setEnabled(False)
        self._clear_test()
        self.remove_button.setEnabled(False)
        self.error.hide()
        self.name.setFocus()

    # -- test ------------------------------------------------------------------------------------

    def _clear_test(self) -> None:
        self._test = None
        self.results.clear()
        self.results.setText(
            "Test checks the address, the sign-in, the server version and whether this account "
            "may manage outgoing OAuth connections."
        )

    def _invalidate_test(self) -> None:
        if self._test is not None:
            self._clear_test()

    async def _token_for_test(self) -> str:
        if self.by_password.isChecked():
            return ""
        if self.token.kept and self._current is not None:
            return await self.ctx.server_token(self._current.name) or ""
        return self.token.value().strip()

    def test(self) -> asyncio.Task[Any] | None:
        problem = self._missing(for_test=True)
        if problem:
            self._show_error(problem)
            return None
        self.error.hide()
        self.spinner.start()
        self.results.setText("Testing…")
        return self.ctx.tasks.start(
            self._run_test(), owner=self, button=self.test_button, on_error=self._failed, name="test profile"
        )

    async def _run_test(self) -> ProfileTestResult | None:
        try:
            http = self.ctx.http_for(self.ca_file.text().strip())
        except (OSError, ValueError) as exc:
            self.spinner.stop()
            self.results.clear()
            self._show_error(f"The CA file could not be used ({type(exc).__name__}: {exc}). Choose a PEM file.")
            return None
        token = await self._token_for_test()
        try:
            check = functools.partial(
                check_profile,
                http,
                self.url.text().strip(),
                token=token,
                username=self.username.text().strip(),
                password=self.password.text(),
                mfa_code=self.mfa.text().strip(),
                team_id=str(self.team.currentData() or ""),
            )
            result = await check()
            if result.cleartext_refused and await send_in_cleartext(self, self.url.text().strip()):
                result = await check(allow_cleartext=True)
        finally:
            self.spinner.stop()
        self._show_test(result)
        return result

    def _show_test(self, result: ProfileTestResult) -> None:
        self._test = result
        self.results.setText(test_results_html(result, self))
        if result.teams:
            wanted = str(self.team.currentData() or (self._current.team_id if self._current else ""))
            self.team.clear()
            for team in result.teams:
                self.team.addItem(team.label, team.id)
            index = self.team.findData(wanted)
            self.team.setCurrentIndex(max(index, 0))
            self.team.setEnabled(len(result.teams) > 1)

    # -- save / remove ---------------------------------------------------------------------------

    def _typed(self) -> ProfileInput:
        return ProfileInput(
            name=self.name.text().strip(),
            url=self.url.text().strip(),
            by_token=self.by_token.isChecked(),
            token_kept=self.token.kept,
            token=self.token.value().strip(),
            username=self.username.text().strip(),
            password=self.password.text(),
            ca_file=self.ca_file.text().strip(),
        )

    def _missing(self, *, for_test: bool = False) -> str:
        return missing(self._typed(), self._current, for_test=for_test)

    def save(self, *, connect: bool) -> asyncio.Task[Any] | None:
        problem = self._missing()
        if problem:
            self._show_error(problem)
            return None
        self.error.hide()
        return self.ctx.tasks.start(
            self._save(connect),
            owner=self,
            button=self.connect_button if connect else self.save_button,
            on_error=self._failed,
            name="save profile",
        )

    async def _save(self, connect: bool) -> None:
        team_id = str(self.team.currentData() or "")
        team_name = ""
        if self._test is not None:
            team_name = next((t.name for t in self._test.teams if t.id == team_id), "")
        elif self._current is not None and team_id == self._current.team_id:
            team_name = self._current.team_name
        try:
            profile = Profile(
                name=self.name.text().strip(),
                url=self.url.text().strip(),
                auth="password" if self.by_password.isChecked() else "token",
                username=self.username.text().strip() if self.by_password.isChecked() else "",
                team_id=team_id,
                team_name=team_name,
                ca_file=self.ca_file.text().strip(),
            )
        except ProfileError as exc:
            self._show_error(str(exc))
            return
        token = await self._new_token(profile)
        if token is None and not self._token_kept():
            return
        old_name = self._current.name if self._current is not None else ""
        if not old_name and profile.name in {p.name for p in self._profiles}:
            self._show_error(f"A server profile named “{profile.name}” already exists: choose another name.")
            return
        if old_name and old_name != profile.name:
            await asyncio.to_thread(self.ctx.profiles.rename, old_name, profile.name)
        await asyncio.to_thread(self.ctx.profiles.save, profile)
        persistent = True
        if token is not None:
            persistent = await self.ctx.store_server_token(profile.name, token)
        self._profiles = await asyncio.to_thread(self.ctx.profiles.load)
        self._current = profile
        self._fill_list(profile.name)
        self.ctx.profiles_changed.emit()
        self.profiles_saved.emit()
        where = "in the system keyring" if persistent else "for this session only (no system keyring)"
        self.ctx.status_message.emit(f"Saved server profile “{profile.name}”; its token is kept {where}.")
        if connect:
            self.connect_requested.emit(profile, token)
            self.accept()

    def _token_kept(self) -> bool:
        return self.by_token.isChecked() and self.token.kept

    async def _new_token(self, profile: Profile) -> str | None:
        """The token to store: typed, or from a password sign-in (the test's, or a fresh one). None = keep."""
        if profile.auth == "token":
            return None if self.token.kept else self.token.value().strip()
        if self._test is not None and self._test.token:
            return self._test.token
        if not self.password.text():
            if self._current is not None and self._current.auth == "password":
                return None  # keep the stored session token
            self._show_error("Enter the password to sign in.")
            return None
        if cleartext(profile.url) and not await send_in_cleartext(self, profile.url):
            self._show_error("Not signed in: the password was not sent over an unencrypted address.")
            return None
        try:
            return await MattermostClient.login(
                profile.url,
                profile.username,
                self.password.text(),
                self.mfa.text().strip(),
                self.ctx.http_for(profile.ca_file),
            )
        except MattermostError as exc:
            self._show_error(exc.user_message)
            return None

    def remove_current(self) -> asyncio.Task[Any] | None:
        if self._current is None:
            return None
        return self.ctx.tasks.start(
            self._remove(self._current),
            owner=self,
            on_error=self._failed,
            name="remove profile",
        )

    async def _remove(self, profile: Profile) -> None:
        if not await ask_async(
            self,
            "Remove server profile",
            f"Remove the server profile “{profile.name}”?",
            "Remove",
            informative="Its stored token is deleted too. Nothing changes on the server.",
            destructive=True,
        ):
            return
        await asyncio.to_thread(self.ctx.profiles.remove, profile.name)
        self._profiles = await asyncio.to_thread(self.ctx.profiles.load)
        self._current = None
        self._fill_list("")
        self.ctx.profiles_changed.emit()
        self.ctx.status_message.emit(f"Removed server profile “{profile.name}”.")

    # -- misc ------------------------------------------------------------------------------------

    def _browse_ca(self) -> None:
        dialog = QFileDialog(self, "CA certificate (PEM)")
        dialog.setNameFilters(["Certificates (*.pem *.crt *.cer)", "All files (*)"])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.ca_file.setText)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setStyleSheet(status_css(Look.ERROR, self))
        self.error.show()

    def _failed(self, exc: BaseException) -> None:
        log.warning("profile action failed: %s", type(exc).__name__)
        self._show_error(user_text(exc))

    def reject(self) -> None:
        """Esc, Close and the title bar's close (through QDialog.closeEvent) ask before dropping typed input."""
        if self._closing or not unsaved(self._typed(), self._current):
            super().reject()
        else:  # the question is window-modal: no second one while it is up
            self.ctx.tasks.start(self._confirm_close(), owner=self, on_error=self._failed, name="confirm close")

    async def _confirm_close(self) -> None:
        name = self.name.text().strip()
        what = f"the server “{name}”" if name else "the new server"
        if await ask_discard(self, f"You have not saved {what}. Discard what you typed?"):
            self._closing = True
            super().reject()

    def done(self, result: int) -> None:
        self._closing = True
        self.ctx.tasks.cancel_owner(self)
        super().done(result)
