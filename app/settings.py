"""Settings: devices, model, languages, hints, storage, and a plain Data & privacy page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import theme
from assist import (
    AssistError,
    EngineConfig,
    capture_devices,
    delete_calls,
    replace_config,
    save_config,
    saved_calls,
    user_config_path,
)

MODELS = ("base", "tiny.en")
COMPUTE_TYPES = ("int8", "int8_float32", "float32")
LANGUAGE_CHOICES = ("auto", "ru", "en")


class SettingsDialog(QDialog):
    """Engine settings go to the user's TOML config, UI preferences to QSettings."""

    def __init__(self, config: EngineConfig, prefs: QSettings,
                 parent: QWidget | None = None, config_path: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings")
        self.setWindowTitle(self.tr("Sufler settings"))
        self.config = config
        self.result_config = config
        self.prefs = prefs
        self.config_path = config_path or user_config_path()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._audio_page(), self.tr("Audio"))
        self.tabs.addTab(self._recognition_page(), self.tr("Recognition"))
        self.tabs.addTab(self._hints_page(), self.tr("Hints"))
        self.tabs.addTab(self._privacy_page(), self.tr("Data && privacy"))
        self.tabs.addTab(self._interface_page(), self.tr("Interface"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(560, 460)

    # -- pages --------------------------------------------------------------------------

    def _audio_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        capture = self.config.capture
        self.operator_device = self._device_box(capture.operator_device)
        self.customer_device = self._device_box(capture.customer_device)
        self.operator_channel = QSpinBox()
        self.operator_channel.setRange(0, 7)
        self.operator_channel.setValue(capture.operator_channel)
        self.customer_channel = QSpinBox()
        self.customer_channel.setRange(-1, 7)
        self.customer_channel.setSpecialValueText(self.tr("auto"))
        self.customer_channel.setValue(capture.customer_channel)
        refresh = QPushButton(self.tr("Find devices"))
        refresh.clicked.connect(self.refresh_devices)
        form.addRow(self.tr("Operator microphone"), self.operator_device)
        form.addRow(self.tr("  channel"), self.operator_channel)
        form.addRow(self.tr("Customer audio (softphone output)"), self.customer_device)
        form.addRow(self.tr("  channel"), self.customer_channel)
        form.addRow("", refresh)
        self.devices_note = QLabel()
        self.devices_note.setObjectName("devices-note")
        self.devices_note.setWordWrap(True)
        self.devices_note.setVisible(False)
        form.addRow(self.devices_note)
        hint = QLabel(self.tr(
            "For the customer, choose the monitor of the output your softphone plays to. "
            "One stereo device with a leg per channel works too: choose it for both and "
            "set the channels."))
        hint.setWordWrap(True)
        form.addRow(hint)
        return page

    def _device_box(self, current: str) -> QComboBox:
        box = QComboBox()
        box.setEditable(True)
        box.addItem(self.tr("(none)"), "")
        if current:
            box.addItem(current, current)
            box.setCurrentIndex(1)
        return box

    def refresh_devices(self) -> None:
        """List the input devices of the configured capture backend; when there are none, say
        why, as `sufler devices` does."""
        try:
            devices = capture_devices(self.config.capture.backend)
        except AssistError as exc:
            self._devices_note(str(exc), error=True)
            return
        except Exception as exc:  # PortAudio's own error (no server, a broken host API)
            self._devices_note(self.tr("Cannot list the audio devices: {0}").format(exc),
                               error=True)
            return
        if not devices:
            self._devices_note(self.tr(
                "No input devices found (Linux: is PulseAudio/PipeWire running, and "
                "libasound2-plugins installed?). Try `sufler devices` in a terminal."),
                error=True)
        else:
            self._devices_note(self.tr("{0} input devices found.").format(len(devices)))
        for box in (self.operator_device, self.customer_device):
            current = box.currentData() or box.currentText()
            box.clear()
            box.addItem(self.tr("(none)"), "")
            for device in devices:
                label = device.description or device.name
                if device.monitor:
                    label += self.tr(" [monitor]")
                box.addItem(label, device.name)
            index = box.findData(current)
            if index < 0 and current:
                box.addItem(str(current), current)
                index = box.count() - 1
            box.setCurrentIndex(max(0, index))

    def _devices_note(self, text: str, error: bool = False) -> None:
        self.devices_note.setText(text)
        self.devices_note.setStyleSheet(
            f"color: {theme.current().bad}; font-weight: 600;" if error else "")
        self.devices_note.setVisible(True)

    def _recognition_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        asr = self.config.asr
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.addItems(MODELS)
        self.model.setCurrentText(asr.model)
        self.compute_type = QComboBox()
        self.compute_type.addItems(COMPUTE_TYPES)
        self.compute_type.setCurrentText(asr.compute_type)
        languages = self.config.channels.languages
        self.languages = []
        for index, name in enumerate((self.tr("Operator language"),
                                      self.tr("Customer language"))):
            box = QComboBox()
            box.addItems(LANGUAGE_CHOICES)
            box.setCurrentText(languages[index] if index < len(languages) else "auto")
            form.addRow(name, box)
            self.languages.append(box)
        form.insertRow(0, self.tr("Model"), self.model)
        form.insertRow(1, self.tr("Compute type"), self.compute_type)
        note = QLabel(self.tr("A model folder, an installed model package (base, tiny.en) "
                              "or a hub name. tiny.en is English only."))
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _hints_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        rules = self.config.rules
        self.budget = QDoubleSpinBox()
        self.budget.setRange(0.5, 30.0)
        self.budget.setSingleStep(0.5)
        self.budget.setSuffix(self.tr(" s"))
        self.budget.setValue(rules.budget_s)
        self.rule_files = QLineEdit(", ".join(rules.files))
        self.max_visible = QSpinBox()
        self.max_visible.setRange(1, 10)
        self.max_visible.setValue(rules.max_visible)
        self.card_ttl = QDoubleSpinBox()
        self.card_ttl.setRange(5.0, 600.0)
        self.card_ttl.setSuffix(self.tr(" s"))
        self.card_ttl.setValue(rules.card_ttl_s)
        form.addRow(self.tr("Latency budget"), self.budget)
        form.addRow(self.tr("Rule files"), self.rule_files)
        form.addRow(self.tr("Cards on screen at most"), self.max_visible)
        form.addRow(self.tr("A card stays for"), self.card_ttl)
        note = QLabel(self.tr("A hint older than the budget (end of the words that triggered "
                              "it → on screen) is dropped and logged, never shown late."))
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _privacy_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("privacy")
        layout = QVBoxLayout(page)
        storage = self.config.storage
        form = QFormLayout()
        self.save_calls = QCheckBox(self.tr("Save calls for review and rule back-tests"))
        self.save_calls.setChecked(storage.save_calls)
        self.mask_pii = QCheckBox(self.tr("Mask phone numbers, addresses and digits"))
        self.mask_pii.setChecked(storage.mask_pii)
        self.retention = QSpinBox()
        self.retention.setRange(1, 3650)
        self.retention.setSuffix(self.tr(" days"))
        self.retention.setValue(storage.retention_days)
        self.calls_dir = QLineEdit(storage.calls_dir)
        self.logs_dir = QLineEdit(storage.logs_dir)
        self.operator_id = QLineEdit(storage.operator_id)
        self.operator_id.setPlaceholderText(self.tr("login name"))
        form.addRow(self.save_calls)
        form.addRow(self.mask_pii)
        form.addRow(self.tr("Keep saved calls"), self.retention)
        form.addRow(self.tr("Saved calls folder"), self.calls_dir)
        form.addRow(self.tr("Latency log folder"), self.logs_dir)
        form.addRow(self.tr("Operator ID in logs"), self.operator_id)
        layout.addLayout(form)
        self.privacy_text = QLabel()
        self.privacy_text.setObjectName("privacy-text")
        self.privacy_text.setWordWrap(True)
        layout.addWidget(self.privacy_text)
        row = QHBoxLayout()
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("delete-calls")
        self.delete_button.clicked.connect(self.delete_saved_calls)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self._update_privacy()
        for widget in (self.save_calls, self.mask_pii):
            widget.toggled.connect(self._update_privacy)
        self.retention.valueChanged.connect(self._update_privacy)
        return page

    def _update_privacy(self) -> None:
        calls = saved_calls(self.config.storage.calls_path())
        masked = self.tr("masked") if self.mask_pii.isChecked() else self.tr("NOT masked")
        kept = self.tr(
            "Saved calls: the transcript, the phone numbers and addresses found ({0}) and "
            "every hint decision, one file per call in {1}, deleted after {2} days."
        ).format(masked, self.config.storage.calls_path(), self.retention.value()) \
            if self.save_calls.isChecked() else self.tr("Calls are not saved.")
        self.privacy_text.setText(
            self.tr("Everything stays on this computer: recognition runs locally and nothing "
                    "is sent anywhere.") + "\n\n" + kept + "\n\n" +
            self.tr("Latency logs: timings of each utterance and hint, no words and no "
                    "numbers, in {0}.").format(self.config.storage.logs_path()) + "\n\n" +
            self.tr("Audio is never stored."))
        self.delete_button.setText(self.tr("Delete saved calls ({0})").format(len(calls)))
        self.delete_button.setEnabled(bool(calls))

    def delete_saved_calls(self) -> None:
        folder = self.config.storage.calls_path()
        answer = QMessageBox.question(
            self, self.tr("Delete saved calls"),
            self.tr("Delete all {0} saved calls in {1}? This cannot be undone.").format(
                len(saved_calls(folder)), folder))
        if answer == QMessageBox.StandardButton.Yes:
            deleted = delete_calls(folder)
            QMessageBox.information(self, self.tr("Delete saved calls"),
                                    self.tr("{0} calls deleted.").format(deleted))
            self._update_privacy()

    def _interface_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.language = QComboBox()
        for code, name in (("system", self.tr("System language")), ("en", "English"),
                           ("ru", "Русский")):
            self.language.addItem(name, code)
        self.language.setCurrentIndex(
            max(0, self.language.findData(self.prefs.value("ui/language", "system"))))
        form.addRow(self.tr("Interface language"), self.language)
        note = QLabel(self.tr("A new language applies when Sufler starts again."))
        note.setWordWrap(True)
        form.addRow(note)
        self.theme = QComboBox()
        self.theme.setObjectName("theme")
        for code, name in (("system", self.tr("As the system")), ("light", self.tr("Light")),
                           ("dark", self.tr("Dark"))):
            self.theme.addItem(name, code)
        self.theme.setCurrentIndex(
            max(0, self.theme.findData(self.prefs.value("ui/theme", "system"))))
        form.addRow(self.tr("Theme"), self.theme)
        self.confirm_stop = QCheckBox(self.tr("Ask before stopping a call"))
        self.confirm_stop.setObjectName("confirm-stop")
        self.confirm_stop.setChecked(bool(self.prefs.value("call/confirm_stop", True,
                                                           type=bool)))
        form.addRow(self.confirm_stop)
        return page

    # -- result -------------------------------------------------------------------------

    def build_config(self) -> EngineConfig:
        def device(box: QComboBox) -> str:
            data = box.currentData()
            text = box.currentText().strip()
            if data is not None and box.itemText(box.currentIndex()) == text:
                return str(data)
            return "" if text == self.tr("(none)") else text

        files = tuple(name.strip() for name in self.rule_files.text().split(",") if name.strip())
        languages = tuple(box.currentText() for box in self.languages)
        return replace_config(self.config, **{
            "capture.operator_device": device(self.operator_device),
            "capture.customer_device": device(self.customer_device),
            "capture.operator_channel": self.operator_channel.value(),
            "capture.customer_channel": self.customer_channel.value(),
            "asr.model": self.model.currentText().strip() or "base",
            "asr.compute_type": self.compute_type.currentText(),
            "channels.languages": languages,
            "rules.budget_s": self.budget.value(),
            "rules.files": files or self.config.rules.files,
            "rules.max_visible": self.max_visible.value(),
            "rules.card_ttl_s": self.card_ttl.value(),
            "storage.save_calls": self.save_calls.isChecked(),
            "storage.mask_pii": self.mask_pii.isChecked(),
            "storage.retention_days": self.retention.value(),
            "storage.calls_dir": self.calls_dir.text().strip() or self.config.storage.calls_dir,
            "storage.logs_dir": self.logs_dir.text().strip() or self.config.storage.logs_dir,
            "storage.operator_id": self.operator_id.text().strip(),
        })

    def accept(self) -> None:
        try:
            config = self.build_config()
            save_config(config, self.config_path)
        except AssistError as exc:
            QMessageBox.warning(self, self.tr("Settings"), str(exc))
            return
        self.prefs.setValue("ui/language", self.language.currentData())
        self.prefs.setValue("ui/theme", self.theme.currentData())
        self.prefs.setValue("call/confirm_stop", self.confirm_stop.isChecked())
        self.result_config = config
        super().accept()
