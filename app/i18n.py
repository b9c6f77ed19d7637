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


def install(app: QCoreApplication, choice: str | None) -> str:
    """Load Sufler's and Qt's own translations for the language; the language used."""
    language = ui_language(choice)
    if language == "en":
        return language
    translators = []
    ours = QTranslator(app)
    if ours.load(str(TRANSLATIONS / f"sufler_{language}.qm")):
        translators.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        translators.append(qt)
    for translator in translators:
        app.installTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Russian))
    return language
