"""Russian and English UI: Qt translations, the system locale unless overridden."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from assist import resource_path

TRANSLATIONS = resource_path("translations")
LANGUAGES = ("system", "en", "ru")


def ui_language(choice: str | None) -> str:
    """en or ru: the choice, or the system locale's when the choice is "system"."""
    if choice in ("en", "ru"):
        return choice
    return "ru" if QLocale.system().name().lower().startswith("ru") else "en"


def translator(language: str, parent: QCoreApplication | None = None) -> QTranslator | None:
    """Sufler's own translation (English has one too: its plural forms, "1 hint" / "2
    hints", come from `tr("%n hint(s)", "", n)` like every other language's)."""
    ours = QTranslator(parent)
    return ours if ours.load(str(TRANSLATIONS / f"sufler_{language}.qm")) else None


def install(app: QCoreApplication, choice: str | None) -> str:
    """Load Sufler's and Qt's own translations for the language; the language used."""
    language = ui_language(choice)
    translators = []
    ours = translator(language, app)
    if ours is not None:
        translators.append(ours)
    if language == "en":
        for loaded in translators:
            app.installTranslator(loaded)
        return language
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        translators.append(qt)
    for loaded in translators:
        app.installTranslator(loaded)
    QLocale.setDefault(QLocale(QLocale.Language.Russian))
    return language
