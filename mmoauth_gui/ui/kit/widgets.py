"""Pieces the list pages (Connections, Drafts, Slash commands) build alike: title bar, search, table, progress."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.ui.kit.style import scaled_font


def page_title(page: QWidget, text: str) -> QLabel:
    title = QLabel(text)
    title.setFont(scaled_font(page, 1.4, bold=True))
    title.setAccessibleName(text)
    return title


def title_bar(title: QLabel, subtitle: QLabel, *buttons: QWidget) -> QHBoxLayout:
    """The title over the subtitle on the left, ``buttons`` on the right, aligned to the subtitle's line."""
    top = QHBoxLayout()
    titles = QVBoxLayout()
    titles.setSpacing(0)
    titles.addWidget(title)
    titles.addWidget(subtitle)
    top.addLayout(titles, 1)
    for button in buttons:
        top.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)
    return top


def search_field(placeholder: str, accessible_name: str, tip: str = "") -> QLineEdit:
    search = QLineEdit()
    search.setPlaceholderText(placeholder)
    search.setAccessibleName(accessible_name)
    if tip:
        search.setToolTip(tip)
    search.setClearButtonEnabled(True)
    search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    QShortcut(QKeySequence(Qt.Key.Key_Escape), search, search.clear).setContext(Qt.ShortcutContext.WidgetShortcut)
    return search


def rows_table(
    name: str,
    accessible_name: str,
    model: QAbstractItemModel,
    sort_column: int,
    selection: QAbstractItemView.SelectionMode = QAbstractItemView.SelectionMode.SingleSelection,
) -> QTableView:
    """A read-only table of whole-row selection, sorted by ``sort_column``, its columns resized by hand."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSortingEnabled(True)
    table.sortByColumn(sort_column, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(False)
    return table


def action_button(action: QAction) -> QToolButton:
    """A text-only tool button for ``action``, named for screen readers without its mnemonic or ellipsis."""
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
    return button


def progress_row(progress_name: str, cancel_name: str) -> tuple[QWidget, QLabel, QProgressBar, QPushButton]:
    """(row, label, bar, Cancel button): a label, a progress bar and Cancel on one line, hidden until shown."""
    label = QLabel()
    bar = QProgressBar()
    bar.setAccessibleName(progress_name)
    cancel = QPushButton("Cancel")
    cancel.setAccessibleName(cancel_name)
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(label)
    layout.addWidget(bar, 1)
    layout.addWidget(cancel)
    row.hide()
    return row, label, bar, cancel


def enter_presses(dialog: QDialog, button: QPushButton) -> None:
    """Enter presses ``button`` wherever the focus is: Qt otherwise gives Enter to any push button that had
    the focus (after Test, Close would take it)."""
    button.setDefault(True)
    for other in dialog.findChildren(QPushButton):
        other.setAutoDefault(other is button)


def top_aligned(layout: QLayout) -> QWidget:
    """A widget with ``layout`` at its top and any height it is given beyond that left empty below it."""
    box = QWidget()
    outer = QVBoxLayout(box)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addLayout(layout)
    outer.addStretch(1)
    box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)  # never taller than asked
    return box
