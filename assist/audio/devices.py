"""Input devices: what PortAudio offers, with monitor (loopback) sources marked.

On Linux with PulseAudio or PipeWire (its pulse server), every Pulse source — microphones
and the `.monitor` of every sink, i.e. what the softphone plays — is offered to PortAudio as
a named ALSA device `sufler-<source name>` (characters other than letters, digits, `_`
and `-` become `-`). PortAudio's ALSA `pulse` device alone can only
reach one source per process (`PULSE_SOURCE`); naming one ALSA PCM per source lets the two
call legs come from two sources. This happens before PortAudio starts, through a private ALSA
configuration file added to `ALSA_CONFIG_PATH` (the user's own ALSA files still load).

Windows loopback capture needs WASAPI loopback, which the PortAudio inside sounddevice's
wheel lacks: there the `soundcard` backend (assist/audio/soundcard_source.py) lists and
captures every output's loopback; `capture_devices(backend)` lists either backend's devices.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from assist.errors import AudioDeviceError

log = logging.getLogger(__name__)

PULSE_PREFIX = "sufler-"
_SYSTEM_ALSA_CONF = Path("/usr/share/alsa/alsa.conf")
_lock = threading.Lock()
_sounddevice: ModuleType | None = None
_pcm_names: dict[str, str] = {}  # ALSA PCM name -> Pulse source name


@dataclass(frozen=True)
class PulseSource:
    name: str
    description: str
    monitor: bool  # the monitor of a sink: what is played there
    channels: int
    rate: int


@dataclass(frozen=True)
class InputDevice:
    """One device a call leg can be captured from."""

    index: int  # PortAudio device index
    name: str  # PortAudio's name; Pulse sources are "sufler-<source name>"
    hostapi: str
    channels: int
    default_rate: float
    monitor: bool
    description: str = ""
    backend: str = "sounddevice"  # the capture backend that listed it (and captures it)
    ident: str = ""  # soundcard: its id (a Pulse source name, a WASAPI endpoint id)

    @property
    def pulse_source(self) -> str | None:
        if self.backend == "soundcard":
            return self.ident if self.hostapi == "PulseAudio" else None
        return _pcm_names.get(self.name)


def pulse_sources(timeout: float = 3.0) -> list[PulseSource] | None:
    """Pulse sources via `pactl`, or None when there is no Pulse server (or no pactl)."""
    pactl = shutil.which("pactl")
    if pactl is None:
        return None
    try:
        done = subprocess.run([pactl, "-f", "json", "list", "sources"], capture_output=True,
                              text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    try:
        entries = json.loads(done.stdout)
    except json.JSONDecodeError:
        return None
    found = []
    for entry in entries if isinstance(entries, list) else []:
        spec = str(entry.get("sample_specification", ""))
        channels = re.search(r"(\d+)ch", spec)
        rate = re.search(r"(\d+)Hz", spec)
        found.append(PulseSource(
            name=str(entry.get("name", "")),
            description=str(entry.get("description", "")),
            monitor=bool(entry.get("monitor_source")) or str(entry.get("name", "")).endswith(
                ".monitor"),
            channels=int(channels.group(1)) if channels else 2,
            rate=int(rate.group(1)) if rate else 48000,
        ))
    return [source for source in found if source.name]


def pcm_name(source: str) -> str:
    """The ALSA PCM name Sufler gives a Pulse source."""
    return PULSE_PREFIX + re.sub(r"[^A-Za-z0-9_-]", "-", source)


def _alsa_config(sources: list[PulseSource]) -> str:
    lines = ["# Written by Sufler: one ALSA PCM per PulseAudio source, for PortAudio."]
    for source in sources:
        pcm = pcm_name(source.name)
        _pcm_names[pcm] = source.name
        description = source.description.replace('"', "'")
        lines.append(f'pcm.{pcm} {{ type pulse; device "{source.name}"; '
                     f'hint {{ show on; description "{description}" }} }}')
    return "\n".join(lines) + "\n"


def _prepare_pulse() -> None:
    """Name every Pulse source as an ALSA PCM before PortAudio reads ALSA's configuration."""
    if not sys.platform.startswith("linux") or not _SYSTEM_ALSA_CONF.is_file():
        return
    sources = pulse_sources()
    if not sources:
        return
    folder = Path(tempfile.mkdtemp(prefix="sufler-alsa-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "asound.conf"
    path.write_text(_alsa_config(sources), encoding="utf-8")
    current = os.environ.get("ALSA_CONFIG_PATH") or str(_SYSTEM_ALSA_CONF)
    os.environ["ALSA_CONFIG_PATH"] = f"{current}:{path}"
    log.info("offered %d Pulse sources to PortAudio via %s", len(sources), path)


def sounddevice() -> Any:
    """The sounddevice module, with Pulse sources offered; a clear error without PortAudio."""
    global _sounddevice
    with _lock:
        if _sounddevice is None:
            _prepare_pulse()
            try:
                import sounddevice as module
            except OSError as exc:  # the PortAudio library itself is missing
                raise AudioDeviceError(
                    f"PortAudio is missing ({exc}); install it: apt-get install libportaudio2"
                ) from exc
            _sounddevice = module
        return _sounddevice


def list_devices() -> list[InputDevice]:
    """Every device with input channels, monitors marked."""
    module = sounddevice()
    hostapis = module.query_hostapis()
    pulse = {pcm_name(source.name): source for source in pulse_sources() or ()}
    devices = []
    for entry in module.query_devices():
        if entry["max_input_channels"] <= 0:
            continue
        name = str(entry["name"])
        source = pulse.get(name)
        devices.append(InputDevice(
            index=int(entry["index"]), name=name,
            hostapi=str(hostapis[entry["hostapi"]]["name"]) + (" (Pulse)" if source else ""),
            channels=source.channels if source else int(entry["max_input_channels"]),
            default_rate=float(source.rate if source else entry["default_samplerate"]),
            monitor=source.monitor if source else (
                "loopback" in name.lower() or name.lower().endswith(".monitor")),
            description=source.description if source else "",
        ))
    return devices


BACKENDS = ("auto", "soundcard", "sounddevice")


def resolve_backend(backend: str) -> str:
    """The capture backend `auto` stands for here: soundcard on Windows (the only one of
    the two with WASAPI loopback), sounddevice elsewhere (Linux: PortAudio through ALSA's
    pulse plugin, the path tested longest; macOS: soundcard has no loopback there)."""
    if backend not in BACKENDS:
        raise AudioDeviceError(f"unknown capture backend {backend!r}; one of "
                               f"{', '.join(BACKENDS)}")
    if backend == "auto":
        return "soundcard" if sys.platform == "win32" else "sounddevice"
    return backend


def capture_devices(backend: str = "auto") -> list[InputDevice]:
    """The input devices of a capture backend (`auto`: this platform's), loopbacks marked."""
    if resolve_backend(backend) == "soundcard":
        from assist.audio.soundcard_source import soundcard_devices

        return soundcard_devices()
    return list_devices()


def find_device(spec: str, devices: list[InputDevice] | None = None) -> InputDevice:
    """A device by index, exact name, Pulse source name, or a unique part of its name;
    among `devices` when the caller has listed them already."""
    devices = list_devices() if devices is None else devices
    if spec.strip().isdigit():
        matches = [device for device in devices if device.index == int(spec)]
    else:
        matches = [device for device in devices
                   if spec in (device.name, device.pulse_source)
                   or (device.ident and spec == device.ident)]
        if not matches:
            matches = [device for device in devices if spec.lower() in device.name.lower()]
    if len(matches) == 1:
        return matches[0]
    listing = "; ".join(f"{device.index}: {device.name}{' [monitor]' if device.monitor else ''}"
                        for device in devices) or "none (no audio devices found)"
    problem = "matches several devices" if matches else "not found"
    raise AudioDeviceError(f"input device {spec!r} {problem}; available: {listing} "
                           "(see `sufler devices`)")
