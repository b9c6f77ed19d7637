"""Sufler's Qt-free engine: call audio in, timestamped transcript events out.

This is the one public face the app imports from."""

import os as _os

__version__ = "0.1.0"  # before the imports: modules below read it

# CTranslate2's OpenMP threads (libgomp, which reads this once when it loads) otherwise
# spin on the CPU after each parallel region. With the decoder on its own instance, the
# encoder's threads spun while the decoder ran, and the app's GUI thread missed its ticks:
# stall max over 50 ms in 14 of 19 demo runs, against 2 of 10 with passive waiting, and
# no measurable cost in latency (bench p50 0.99/1.03 s passive vs 1.04/0.99 s spinning).
# Set OMP_WAIT_POLICY before starting Python to choose otherwise.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# Nothing leaves this PC: the libraries that would phone home are told not to, before they
# load. ONNX Runtime (Silero VAD) otherwise starts its telemetry on every session, keeps a
# device id under ~/.cache/Microsoft and looks up mobile.events.data.microsoft.com; the
# Hugging Face hub client (faster-whisper's model download) sends telemetry and would go
# online for any model lookup. Hub downloads stay possible only where the config allows
# them for a hub model name (asr.allow_download; assist.asr.models lifts offline mode for
# that one download). CTranslate2 and PyAV (FFmpeg) have no telemetry; FFmpeg is kept to
# local files (assist.audio.source). tests/integration/test_no_network.py checks it all
# with a syscall trace.
_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
_os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
_os.environ.setdefault("HF_HUB_OFFLINE", "1")
_os.environ.setdefault("DO_NOT_TRACK", "1")

from assist.api import ApiServer, CommandError
from assist.audio import ArraySource, AudioSource, FileSource
from assist.audio.autocall import CallDecision, CallDetector, Standby, pulse_sink_in_use
from assist.audio.devices import InputDevice, capture_devices, list_devices
from assist.audio.live import Leg, LiveSource
from assist.calls import CallRecorder, delete_calls, purge_calls, saved_calls
from assist.cli import main as run_command
from assist.config import (
    DEMO_AUDIO,
    DEMO_LANGUAGES,
    RESOURCES,
    EngineConfig,
    demo_audio,
    dump_config,
    load_config,
    load_config_text,
    replace_config,
    resource_path,
    save_config,
    user_config_path,
)
from assist.engine import CallStats, Engine, run_call
from assist.errors import (
    AssistError,
    AudioDecodeError,
    AudioDeviceError,
    ConfigError,
    ModelLoadError,
    RuleError,
)
from assist.events import (
    BacklogReported,
    CaptureChanged,
    ChecklistUpdated,
    EngineError,
    EngineStateChanged,
    EntityExtracted,
    Event,
    EventSink,
    FeedbackAction,
    FeedbackRecorded,
    HintsControlled,
    LevelsMeasured,
    ReadbackChecked,
    RulesLoaded,
    StageTimes,
    SuggestionDropped,
    SuggestionRetired,
    SuggestionShown,
    TranscriptUpdated,
    UtteranceProcessed,
    UtteranceSuppressed,
)
from assist.extract.registry import entity_display, entity_label
from assist.extract.registry import kinds as entity_kinds
from assist.files import open_private, private_dir, write_atomic
from assist.latency_log import LatencyLog
from assist.privacy import mask_log_text
from assist.records import event_name
from assist.report import TABLES as REPORT_TABLES
from assist.report import (
    Report,
    format_cell,
    latency_report,
    report_empty,
    report_headline,
    report_table,
)
from assist.report_html import render_html, report_plots
from assist.rules.backtest import backtest, load_call, rows
from assist.rules.loader import parse_rules

__all__ = [
    "DEMO_AUDIO",
    "DEMO_LANGUAGES",
    "REPORT_TABLES",
    "RESOURCES",
    "ApiServer",
    "ArraySource",
    "AssistError",
    "AudioDecodeError",
    "AudioDeviceError",
    "AudioSource",
    "BacklogReported",
    "CallDecision",
    "CallDetector",
    "CallRecorder",
    "CallStats",
    "CaptureChanged",
    "ChecklistUpdated",
    "CommandError",
    "ConfigError",
    "Engine",
    "EngineConfig",
    "EngineError",
    "EngineStateChanged",
    "EntityExtracted",
    "Event",
    "EventSink",
    "FeedbackAction",
    "FeedbackRecorded",
    "FileSource",
    "HintsControlled",
    "InputDevice",
    "LatencyLog",
    "Leg",
    "LevelsMeasured",
    "LiveSource",
    "ModelLoadError",
    "ReadbackChecked",
    "Report",
    "RuleError",
    "RulesLoaded",
    "StageTimes",
    "Standby",
    "SuggestionDropped",
    "SuggestionRetired",
    "SuggestionShown",
    "TranscriptUpdated",
    "UtteranceProcessed",
    "UtteranceSuppressed",
    "__version__",
    "backtest",
    "capture_devices",
    "delete_calls",
    "demo_audio",
    "dump_config",
    "entity_display",
    "entity_kinds",
    "entity_label",
    "event_name",
    "format_cell",
    "latency_report",
    "list_devices",
    "load_call",
    "load_config",
    "load_config_text",
    "mask_log_text",
    "open_private",
    "parse_rules",
    "private_dir",
    "pulse_sink_in_use",
    "purge_calls",
    "render_html",
    "replace_config",
    "report_empty",
    "report_headline",
    "report_plots",
    "report_table",
    "resource_path",
    "rows",
    "run_call",
    "run_command",
    "save_config",
    "saved_calls",
    "user_config_path",
    "write_atomic",
]
