"""What saving a connection would do to the slash commands, shown beside the form while it is typed.

``WhatIfPanel.show_change(before, after)`` compares the last synced (or cached) preview with the preview as if
``after`` replaced ``before`` (``before`` None: an addition; ``after`` None: a deletion). One keystroke's diff
costs well under a millisecond, so the panel recomputes on every change, without a timer; a change touching
thousands of command URLs (an audience such as ``https://*``) is worked out in a thread instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import QFrame, QLabel, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from mmoauth_gui.core.model import Connection, IntegrationKind
from mmoauth_gui.core.preview.build import Preview, connection_key
from mmoauth_gui.core.preview.diff import ChangeKind, CommandChange, PreviewDiff, count_sentence
from mmoauth_gui.core.status import Look
from mmoauth_gui.core.webhooks import Integration
from mmoauth_gui.ui.kit.style import palette_of, scaled_font, status_color
from mmoauth_gui.ui.preview.state import PreviewData, PreviewState
from mmoauth_gui.ui.runtime.tasks import alive

if TYPE_CHECKING:
    from mmoauth_gui.ui.connection_form.form import ConnectionForm
    from mmoauth_gui.ui.context import AppContext

log = logging.getLogger(__name__)

NEW_KEY = "\x00new connection"
MAX_PER_KIND = 30
THREAD_ABOVE = 2000  # command URLs touched by a change above which it is worked out off the GUI thread
TITLE = "What saving would change"
NO_PREVIEW = (
    "No slash-command preview yet. Sync on the Slash commands tab (or open it with a server connected) to see, "
    "as you type, which commands would gain, lose or switch their token."
)
KIND_HEADINGS = {
    ChangeKind.GAINED: ("Would gain a token", Look.VALID),
    ChangeKind.LOST: ("Would lose their token (sent with the command token, without OAuth)", Look.ERROR),
    ChangeKind.SWITCHED: ("Would switch from another connection", Look.WARNING),
    ChangeKind.NEWLY_AMBIGUOUS: ("Would become ambiguous (several connections match)", Look.WARNING),
    ChangeKind.NO_LONGER_AMBIGUOUS: ("Would no longer be ambiguous", Look.VALID),
    ChangeKind.AMBIGUITY_CHANGED: ("Would stay ambiguous, between other connections", Look.WARNING),
    ChangeKind.SERVER_PICK: ("The server's current answer may change", Look.WARNING),
}
SUMMARY_WORDS = {  # (one command, several commands)
    ChangeKind.GAINED: ("would gain a token", "would gain a token"),
    ChangeKind.LOST: ("would lose its token", "would lose their token"),
    ChangeKind.SWITCHED: ("would switch connection", "would switch connection"),
    ChangeKind.NEWLY_AMBIGUOUS: ("would become ambiguous", "would become ambiguous"),
    ChangeKind.NO_LONGER_AMBIGUOUS: ("would stop being ambiguous", "would stop being ambiguous"),
    ChangeKind.AMBIGUITY_CHANGED: ("would change its ambiguity", "would change their ambiguity"),
    ChangeKind.SERVER_PICK: ("may get another answer from the server", "may get another answer from the server"),
}
ChangeSource = Callable[[], tuple[Connection | None, Connection | None]]


def summary_text(diff: PreviewDiff) -> str:
    """E.g. "2 commands would lose their token; 1 command would become ambiguous."."""
    return count_sentence(diff.counts(), SUMMARY_WORDS, "No slash command would change.")


def diff_for(preview: Preview, before: Connection | None, after: Connection | None) -> tuple[PreviewDiff, str]:
    """The diff of replacing ``before`` with ``after``, and a note when the preview does not know ``before``."""
    note = ""
    known = before is not None and connection_key(before) in preview.connections
    if before is not None and not known:
        note = (
            f"“{before.name or 'This connection'}” is not in the last sync: the changes are shown as if it were "
            "new. Sync to compare with what the server has now."
        )
    if after is None:
        if before is None or not known:
            return preview.what_if({}), note
        return preview.what_if_delete(connection_key(before)), note
    named = after if after.name else after.with_changes(name="the new connection")
    if before is not None and known:
        return preview.what_if_edit(named.with_changes(id=connection_key(before))), note
    return preview.what_if_add(named, key=NEW_KEY), note


def urls_touched(preview: Preview, before: Connection | None, after: Connection | None) -> int:
    """How many command URLs the audiences added or removed match: the size of the work, found by bisection."""
    old = set(before.audiences) if before is not None else set()
    new = set(after.audiences) if after is not None else set()
    return sum(len(preview.urls_matched_by(a)) for a in old ^ new)


@dataclass(frozen=True)
class WhatIf:
    """A diff, ready to show: the first commands of each kind (sorted) and how many there are."""

    diff: PreviewDiff
    note: str
    first: dict[ChangeKind, list[CommandChange]]
    counts: dict[ChangeKind, int]


def compute(data: PreviewData, before: Connection | None, after: Connection | None) -> WhatIf:
    """Pure and read-only: safe in a worker thread. Only the ``MAX_PER_KIND`` commands shown per kind are built."""
    diff, note = diff_for(data.preview, before, after)
    counts = {kind: n for kind, n in diff.counts().items() if n}
    return WhatIf(diff, note, {kind: diff.first(kind, MAX_PER_KIND) for kind in counts}, counts)


def short_text(diff: PreviewDiff, change: CommandChange) -> str:
    """The change in a few words (the heading above it says what kind it is)."""
    before = ", ".join(diff.name(k) for k in change.before)
    after = ", ".join(diff.name(k) for k in change.after)
    kind = change.kind
    if kind is ChangeKind.GAINED:
        return f"from {after}"
    if kind is ChangeKind.LOST:
        return f"had {before}"
    if kind is ChangeKind.SWITCHED:
        return f"{before} → {after}"
    if kind is ChangeKind.NEWLY_AMBIGUOUS:
        return f"{after} would all match"
    if kind is ChangeKind.NO_LONGER_AMBIGUOUS:
        return f"{after or 'no connection'} (was {before})"
    if kind is ChangeKind.AMBIGUITY_CHANGED:
        return f"{after} (was {before})"
    return diff.describe(change)


class WhatIfPanel(QFrame):
    """Reusable: the connection dialog embeds one; the Drafts view can show one for a selected draft.

    ``groups`` holds, per kind of change, a line per command (the first ``MAX_PER_KIND``) and ``counts``
    how many there are. A change touching many command URLs is worked out in a thread (``pending``).
    """

    def __init__(self, state: PreviewState | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("whatIfPanel")
        self.setAccessibleName(TITLE)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.state = state
        self.result: WhatIf | None = None
        self.pending = False
        self._source: ChangeSource | None = None
        self._change: tuple[Connection | None, Connection | None] | None = None
        self._shown_key: tuple[Any, ...] | None = None
        self._generation = 0
        self._task: asyncio.Future[Any] | None = None

        self.title = QLabel(TITLE)
        self.title.setFont(scaled_font(self, 1.1, bold=True))
        self.summary = QLabel()
        self.summary.setObjectName("whatIfSummary")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What would change")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.basis = QLabel()
        self.basis.setObjectName("whatIfBasis")
        self.basis.setWordWrap(True)
        self.basis.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.body = QTextBrowser()
        self.body.setObjectName("whatIfChanges")
        self.body.setAccessibleName("Commands that would change")
        self.body.setOpenLinks(False)
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.body.viewport().setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.body, 1)
        layout.addStretch(0)  # takes the room while the list is hidden: the text stays at the top
        layout.addWidget(self.basis)
        if state is not None:
            state.changed.connect(self._state_changed)
        self._render()

    # -- what it shows, for tests and accessibility --------------------------------------------------

    @property
    def diff(self) -> PreviewDiff | None:
        return self.result.diff if self.result is not None else None

    @property
    def note(self) -> str:
        return self.result.note if self.result is not None else ""

    @property
    def counts(self) -> dict[ChangeKind, int]:
        return dict(self.result.counts) if self.result is not None else {}

    @property
    def groups(self) -> dict[ChangeKind, list[str]]:
        data = self.state.data if self.state is not None else None
        if self.result is None or data is None:
            return {}
        return {
            kind: [f"{item_label(c.command)} — {data.team_label(c.command.team_id)} — {c.command.url}" for c in changes]
            for kind, changes in self.result.first.items()
        }

    def text(self) -> str:
        """Everything the panel says, as plain text."""
        body = self.body.toPlainText() if self.body.isVisibleTo(self) else ""
        return "\n".join(t for t in (self.summary.text(), body, self.basis.text()) if t)

    # -- inputs ----------------------------------------------------------------------------------

    def follow(self, source: ChangeSource) -> None:
        """Read (before, after) from ``source`` on :meth:`refresh` (e.g. a form's ``changed`` signal)."""
        self._source = source

    def show_change(self, before: Connection | None, after: Connection | None) -> None:
        """Show what replacing ``before`` with ``after`` would change (None before: add; None after: delete)."""
        self._source = None
        self._change = (before, after)
        self._update()

    def refresh(self) -> None:
        if self._source is not None:
            self._change = self._source()
        self._update()

    def clear_change(self) -> None:
        self._source = None
        self._change = None
        self._update()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        self.refresh()
        super().showEvent(event)

    def _state_changed(self) -> None:
        self._shown_key = None
        self.refresh()

    # -- computing -------------------------------------------------------------------------------

    def _update(self) -> None:
        data = self.state.data if self.state is not None else None
        key = self._key(data)
        if key == self._shown_key:
            return
        self._shown_key = key
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.pending = False
        if data is None or self._change is None:
            self.result = None
        else:
            before, after = self._change
            loop = _running_loop()
            if loop is not None and urls_touched(data.preview, before, after) > THREAD_ABOVE:
                self.pending = True
                self._task = asyncio.ensure_future(self._compute_in_thread(self._generation, data, before, after))
            else:
                self.result = compute(data, before, after)
        self._render()

    async def _compute_in_thread(
        self, generation: int, data: PreviewData, before: Connection | None, after: Connection | None
    ) -> None:
        try:
            result = await asyncio.to_thread(compute, data, before, after)
        except Exception:
            log.exception("what-if failed")
            result = None
        if generation != self._generation or not alive(self):
            return
        self.pending = False
        self.result = result
        self._task = None
        self._render()

    def _key(self, data: PreviewData | None) -> tuple[Any, ...]:
        if self._change is None:
            return (id(data), None)
        before, after = self._change
        return (
            id(data),
            connection_key(before) if before is not None else None,
            tuple(before.audiences) if before is not None else None,
            (after.name, after.audiences) if after is not None else None,
        )

    # -- showing ---------------------------------------------------------------------------------

    def _render(self) -> None:
        data = self.state.data if self.state is not None else None
        if data is None:
            self.summary.setText(NO_PREVIEW)
            self.basis.setText(self.state.problem if self.state is not None else "")
            self.basis.setVisible(bool(self.basis.text()))
            self._set_body("")
            return
        commands = len(data.rows)
        age = data.result.age_text()
        self.basis.setText(
            f"Based on the {commands} slash command{'s' if commands != 1 else ''} synced "
            f"{'just now' if age == 'just now' else age} from {data.result.server_url}"
            + (" (the copy saved on this computer: Sync to compare with the server now)." if data.offline else ".")
        )
        self.basis.show()
        if self.pending:
            self.summary.setText("Working out which slash commands would change…")
            return
        result = self.result
        if self._change is None or result is None:
            self.summary.setText("Choose or edit a connection to see which slash commands it would affect.")
            self._set_body("")
            return
        before, after = self._change
        if not result.diff:
            self.summary.setText(self._nothing_text(before, after))
            self._set_body(f"<p>{escape(result.note)}</p>" if result.note else "")
            return
        self.summary.setText(summary_text(result.diff))
        self._set_body(self._html(data, result))

    def _set_body(self, html: str) -> None:
        if html:
            self.body.setHtml(html)
        else:
            self.body.clear()
        self.body.setVisible(bool(html))

    @staticmethod
    def _nothing_text(before: Connection | None, after: Connection | None) -> str:
        if after is not None and not after.audiences:
            return "Type the audience URLs to see which slash commands would carry this connection's token."
        if before is not None and after is not None and set(before.audiences) == set(after.audiences):
            return "The audiences are unchanged: no slash command would change."
        if after is None:
            return "No slash command uses this connection: deleting it changes none."
        return "No slash command would change: no command URL matches these audiences."

    def _html(self, data: PreviewData, result: WhatIf) -> str:
        dim = palette_of(self).color(QPalette.ColorRole.PlaceholderText).name()
        parts = []
        if result.note:
            parts.append(f"<p><i>{escape(result.note)}</i></p>")
        for kind, (heading, colour_kind) in KIND_HEADINGS.items():
            changes = result.first.get(kind)
            if not changes:
                continue
            total = result.counts[kind]
            colour = status_color(colour_kind, self).name()
            parts.append(
                f'<p style="margin-top:8px; margin-bottom:2px"><b><span style="color:{colour}">{escape(heading)}'
                f'</span></b> ({total})</p><ul style="margin-top:0; margin-left:0; -qt-list-indent:1">'
            )
            for change in changes:
                cmd = change.command
                parts.append(
                    f"<li><b>{escape(item_label(cmd))}</b> · {escape(data.team_label(cmd.team_id))} · "
                    f"{escape(short_text(result.diff, change))}<br>"
                    f'<span style="color:{dim}">{escape(cmd.url)}</span></li>'
                )
            if total > len(changes):
                parts.append(f"<li><i>and {total - len(changes)} more</i></li>")
            parts.append("</ul>")
        return "".join(parts)


def item_label(item: Integration) -> str:
    """``/deploy`` for a command, ``webhook Deploy notifier`` for a webhook callback."""
    return item.label if item.kind is IntegrationKind.COMMAND else f"webhook {item.label}"


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def form_what_if(ctx: AppContext, form: ConnectionForm) -> WhatIfPanel | None:
    """A panel following ``form`` (a ``ConnectionForm``) when the window has a preview; None otherwise."""
    state = ctx.preview_state
    if state is None:
        return None
    panel = WhatIfPanel(state)

    def source() -> tuple[Connection | None, Connection | None]:
        original = form.original
        before = original if form.editing and original.id else None
        return before, form.value()

    panel.follow(source)
    form.changed.connect(panel.refresh)
    return panel


def with_what_if(ctx: AppContext, form: ConnectionForm, body: QWidget) -> tuple[WhatIfPanel | None, QWidget]:
    """``body`` (the form's scroll area) beside a what-if panel following ``form``, when there is a preview."""
    panel = form_what_if(ctx, form)
    if panel is None:
        return None, body
    side = QWidget()
    side_layout = QVBoxLayout(side)
    margin = side.fontMetrics().height() // 2
    side_layout.setContentsMargins(0, margin, margin, margin)
    side_layout.addWidget(panel)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setObjectName("whatIfSplitter")
    splitter.addWidget(body)
    splitter.addWidget(side)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    splitter.setChildrenCollapsible(False)
    em = side.fontMetrics().horizontalAdvance("M")
    splitter.setSizes([em * 58, em * 42])
    return panel, splitter
