"""Light and dark colours for the panel, following the system unless the user chose one, and
the icons drawn in them."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyleFactory

from assist import resource_path

ICONS = resource_path("icons")
THEMES = ("system", "light", "dark")
ICON_STROKE = "#3c4043"  # what the monochrome SVGs are drawn in


@dataclass(frozen=True)
class Colours:
    """What the panel draws beyond the palette: speakers, states, banners."""

    dark: bool
    operator: str
    customer: str
    interim: str
    caption: str
    icon: str
    border: str
    ok: str
    warn: str
    bad: str
    entity: str
    muted_bg: str
    muted_fg: str
    snooze_bg: str
    snooze_fg: str
    speaking: str
    silent: str


LIGHT = Colours(False, operator="#1f5fa8", customer="#1e7a46", interim="#8a8a8a",
                caption="#5f6368", icon=ICON_STROKE, border="#c9ced6", ok="#1e7a46",
                warn="#a35a00", bad="#b3261e", entity="#6a4fb3", muted_bg="#fde7e7",
                muted_fg="#8c1d18", snooze_bg="#fff4d6", snooze_fg="#6b4e00",
                speaking="#2e9d5b", silent="#c4c7cc")
DARK = Colours(True, operator="#8ab4f8", customer="#81c995", interim="#9aa0a6",
               caption="#b0b4ba", icon="#dadce0", border="#4a4f57", ok="#81c995",
               warn="#f6b26b", bad="#f28b82", entity="#b39ddb", muted_bg="#5c2b29",
               muted_fg="#f9dedc", snooze_bg="#4d3d12", snooze_fg="#fdefc3",
               speaking="#5bd68a", silent="#5f6368")


def system_is_dark() -> bool:
    """What the system asks for (Qt 6.5+); an unknown scheme counts as light."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return bool(app.styleHints().colorScheme() == Qt.ColorScheme.Dark)


def current() -> Colours:
    """The colours that suit the application's palette as it is now."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return LIGHT
    return DARK if QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128 \
        else LIGHT


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, "#202124"), (roles.WindowText, "#e8eaed"),
                         (roles.Base, "#292a2d"), (roles.AlternateBase, "#303134"),
                         (roles.ToolTipBase, "#3c4043"), (roles.ToolTipText, "#e8eaed"),
                         (roles.Text, "#e8eaed"), (roles.Button, "#303134"),
                         (roles.ButtonText, "#e8eaed"), (roles.BrightText, "#ffffff"),
                         (roles.Highlight, "#8ab4f8"), (roles.HighlightedText, "#202124"),
                         (roles.Link, "#8ab4f8"), (roles.PlaceholderText, "#9aa0a6"),
                         (roles.Light, "#5f6368"), (roles.Midlight, "#4a4f57"),
                         (roles.Mid, "#3c4043"), (roles.Dark, "#17181a"),
                         (roles.Shadow, "#000000")):
        palette.setColor(role, QColor(colour))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#80868b"))
    return palette


_native: tuple[str, QPalette] | None = None


def apply(choice: str) -> Colours:
    """Use the system's look (`system`), or force `light` or `dark` (Fusion with our palette,
    so it looks the same on every platform). Returns the colours now in force."""
    global _native
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return LIGHT
    if _native is None:
        _native = (app.style().name(), QPalette(app.palette()))
    wanted_dark = system_is_dark() if choice not in ("light", "dark") else choice == "dark"
    if choice not in ("light", "dark") or wanted_dark == system_is_dark():
        style, palette = _native
        if app.style().name() != style:
            app.setStyle(QStyleFactory.create(style))
        app.setPalette(palette)
        if wanted_dark and not current().dark:  # the platform gave no dark palette
            app.setStyle(QStyleFactory.create("Fusion"))
            app.setPalette(dark_palette())
    else:
        fusion = QStyleFactory.create("Fusion")
        app.setStyle(fusion)
        app.setPalette(dark_palette() if wanted_dark else fusion.standardPalette())
    return current()


@functools.lru_cache(maxsize=128)
def _svg(name: str, colour: str) -> QByteArray:
    text = (ICONS / f"{name}.svg").read_text(encoding="utf-8")
    return QByteArray(text.replace(ICON_STROKE, colour).encode("utf-8"))


def pixmap(name: str, size: int, colour: str | None = None) -> QPixmap:
    """An SVG from resources/icons drawn at `size` px (sharp on high-DPI screens), its
    monochrome stroke in `colour` (default: the theme's icon colour)."""
    ratio = 2.0
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication) and app.primaryScreen() is not None:
        ratio = max(1.0, app.primaryScreen().devicePixelRatio())
    image = QPixmap(int(size * ratio), int(size * ratio))
    image.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(_svg(name, colour or current().icon))
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image


def icon(name: str, colour: str | None = None) -> QIcon:
    return QIcon(pixmap(name, 24, colour))


def icon_html(name: str, size: int = 12) -> str:
    """An <img> of a coloured icon for rich text (those need no recolouring)."""
    return (f'<img src="{(ICONS / f"{name}.svg").as_posix()}" width="{size}" '
            f'height="{size}">')
