"""Icons drawn from small SVG sources, coloured from the palette at run time (no files to ship)."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QWidget

from mmoauth_gui.core.status import Look
from mmoauth_gui.ui.kit.style import palette_of, status_color

# The application icon: a key whose bow is a ring, on Mattermost navy, with an outgoing arrow.
APP_ICON_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2a4f9c"/>
      <stop offset="1" stop-color="#1e325c"/>
    </linearGradient>
  </defs>
  <rect x="8" y="8" width="240" height="240" rx="52" fill="url(#bg)"/>
  <circle cx="92" cy="150" r="44" fill="none" stroke="#ffffff" stroke-width="22"/>
  <path d="M124 118 L196 46" stroke="#ffffff" stroke-width="22" stroke-linecap="round"/>
  <path d="M170 72 L194 96" stroke="#ffffff" stroke-width="20" stroke-linecap="round"/>
  <path d="M150 92 L168 110" stroke="#ffffff" stroke-width="20" stroke-linecap="round"/>
  <circle cx="196" cy="186" r="30" fill="#28c76f"/>
  <path d="M182 186 L210 186 M198 173 L211 186 L198 199" fill="none" stroke="#ffffff"
        stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
"""

_GLYPHS: dict[Look, str] = {
    Look.VALID: '<circle cx="8" cy="8" r="7" fill="{c}"/>'
    '<path d="M4.6 8.3 L7 10.6 L11.4 5.6" fill="none" stroke="#fff" stroke-width="1.8" '
    'stroke-linecap="round" stroke-linejoin="round"/>',
    Look.REFUSED: '<circle cx="8" cy="8" r="7" fill="{c}"/>'
    '<path d="M5.4 5.4 L10.6 10.6 M10.6 5.4 L5.4 10.6" stroke="#fff" stroke-width="1.8" '
    'stroke-linecap="round"/>',
    Look.ERROR: '<circle cx="8" cy="8" r="7" fill="{c}"/>'
    '<path d="M8 4.2 L8 9" stroke="#fff" stroke-width="1.9" stroke-linecap="round"/>'
    '<circle cx="8" cy="11.6" r="1.1" fill="#fff"/>',
    Look.UNREACHABLE: '<path d="M8 1.2 L15.2 14.2 L0.8 14.2 Z" fill="{c}" stroke="{c}" stroke-width="1" '
    'stroke-linejoin="round"/><path d="M8 5.6 L8 9.6" stroke="#fff" stroke-width="1.7" stroke-linecap="round"/>'
    '<circle cx="8" cy="12" r="1" fill="#fff"/>',
    Look.WARNING: '<path d="M8 1.2 L15.2 14.2 L0.8 14.2 Z" fill="{c}" stroke="{c}" stroke-width="1" '
    'stroke-linejoin="round"/><path d="M8 5.6 L8 9.6" stroke="#fff" stroke-width="1.7" stroke-linecap="round"/>'
    '<circle cx="8" cy="12" r="1" fill="#fff"/>',
    Look.UNCHECKED: '<circle cx="8" cy="8" r="6.2" fill="none" stroke="{c}" stroke-width="1.6" '
    'stroke-dasharray="2.6 1.9"/>',
    Look.INFO: '<circle cx="8" cy="8" r="7" fill="{c}"/><circle cx="8" cy="4.8" r="1.1" fill="#fff"/>'
    '<path d="M8 7.3 L8 11.6" stroke="#fff" stroke-width="1.9" stroke-linecap="round"/>',
    Look.EDIT: '<path d="M2.5 13.5 L3.2 10.4 L10.8 2.8 L13.2 5.2 L5.6 12.8 Z M9.6 4 L12 6.4" fill="none" '
    'stroke="{c}" stroke-width="1.4" stroke-linejoin="round"/>',
    Look.SHOW: '<path d="M1.2 8 C3.2 4.4 5.4 3.2 8 3.2 C10.6 3.2 12.8 4.4 14.8 8 C12.8 11.6 10.6 12.8 8 12.8 '
    'C5.4 12.8 3.2 11.6 1.2 8 Z" fill="none" stroke="{c}" stroke-width="1.4" stroke-linejoin="round"/>'
    '<circle cx="8" cy="8" r="2.2" fill="{c}"/>',
}
TEXT_COLOURED = frozenset({Look.EDIT, Look.SHOW})

_SIZES = (16, 20, 24, 32, 48, 64)


def render_svg(svg: str, size: int) -> QImage:
    from PySide6.QtSvg import QSvgRenderer  # imported on first use: the window's first paint draws no icon

    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def icon_from_svg(svg: str, sizes: tuple[int, ...] = _SIZES) -> QIcon:
    icon = QIcon()
    for size in sizes:
        icon.addPixmap(QPixmap.fromImage(render_svg(svg, size)))
    return icon


@cache
def app_icon() -> QIcon:
    return icon_from_svg(APP_ICON_SVG, (16, 24, 32, 48, 64, 128, 256))


def glyph_svg(kind: Look, color: str) -> str:
    body = _GLYPHS.get(kind, _GLYPHS[Look.UNCHECKED]).replace("{c}", color)
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">{body}</svg>'


@cache
def _status_icon(kind: Look, color: str) -> QIcon:
    return icon_from_svg(glyph_svg(kind, color))


def status_icon(kind: Look, widget: QWidget | None = None) -> QIcon:
    """A small coloured glyph for ``kind``: valid, refused, unreachable, unchecked, warning, error, info, edit."""
    if kind in TEXT_COLOURED:
        color = palette_of(widget).color(QPalette.ColorRole.ButtonText).name()
    else:
        color = status_color(kind, widget).name()
    return _status_icon(kind, color)
