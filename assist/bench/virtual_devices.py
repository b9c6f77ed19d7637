"""A private PulseAudio daemon with virtual call devices, for live-capture tests and benches.

`customer_out` is a null sink standing for the device a softphone plays the customer to (its
`.monitor` is what Sufler captures); `operator_mic` is a virtual microphone fed through the
null sink `operator_mic_sink`. Recordings are played into them with sox and pacat at 48 kHz.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from assist.errors import AudioDeviceError

CUSTOMER_SINK = ("module-null-sink sink_name=customer_out "
                 "sink_properties=device.description=CustomerOut rate=48000 channels=2")
_CONFIG = "\n".join([
    "load-module module-native-protocol-unix auth-anonymous=1 socket={socket}",
    f"load-module {CUSTOMER_SINK}",
    "load-module module-null-sink sink_name=operator_mic_sink "
    "sink_properties=device.description=OperatorMicSink rate=48000 channels=1",
    "load-module module-remap-source master=operator_mic_sink.monitor source_name=operator_mic "
    "source_properties=device.description=OperatorMic",
    "set-default-sink customer_out",
    "",
])
OPERATOR_DEVICE = "operator_mic"
CUSTOMER_DEVICE = "customer_out.monitor"


def missing() -> str | None:
    """What is missing for virtual devices, as an install hint; None when all is there."""
    for tool in ("pulseaudio", "pacat", "pactl", "sox"):
        if shutil.which(tool) is None:
            return f"{tool} (apt-get install pulseaudio pulseaudio-utils sox)"
    if not any(Path("/usr/lib").glob("*/alsa-lib/libasound_module_pcm_pulse.so")):
        return "ALSA's pulse plugin (apt-get install libasound2-plugins)"
    return None


class VirtualDevices:
    """Start the daemon on enter, stop it on exit; `env` reaches it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = folder / "native"
        self.env = {**os.environ, "PULSE_SERVER": f"unix:{self.socket}"}
        self._daemon: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> VirtualDevices:
        problem = missing()
        if problem:
            raise AudioDeviceError(f"virtual audio devices need {problem}")
        self.folder.mkdir(parents=True, exist_ok=True)
        script = self.folder / "null.pa"
        script.write_text(_CONFIG.format(socket=self.socket), encoding="utf-8")
        home = {**os.environ, "HOME": str(self.folder), "XDG_RUNTIME_DIR": str(self.folder)}
        self._daemon = subprocess.Popen(
            ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "-F", str(script)],
            env=home, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(100):
            if self.socket.exists() and self.pactl("info").returncode == 0:
                return self
            time.sleep(0.1)
        self.__exit__(None, None, None)
        raise AudioDeviceError("pulseaudio did not start")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._daemon is not None:
            self._daemon.send_signal(signal.SIGTERM)
            try:
                self._daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._daemon.kill()
            self._daemon = None

    def pactl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True,
                              check=False)

    def play(self, path: Path, sink: str, channels: int) -> subprocess.Popen[bytes]:
        """Play a recording into a sink at 48 kHz, as a softphone would."""
        command = (f"sox '{path}' -t raw -r 48000 -c {channels} -e signed -b 16 - | "
                   f"pacat --device={sink} --rate=48000 --channels={channels} --format=s16le")
        return subprocess.Popen(["bash", "-c", command], env=self.env)

    def capture(self, out: Path, seconds: float, model: str, language: str = "en",
                backend: str | None = None) -> subprocess.Popen[str]:
        """`sufler transcribe --live` on both virtual legs, writing to `out`; returns once
        both devices capture (the model loads first), so playback can start. `backend`:
        the capture backend (default: the config's)."""
        process = subprocess.Popen(
            [sys.executable, "-m", "assist", "transcribe", "--live", "--operator-device",
             OPERATOR_DEVICE, "--customer-device", CUSTOMER_DEVICE, "--seconds", str(seconds),
             "--language", language, "--model", model, "--no-rules", "--out", str(out),
             *(["--backend", backend] if backend else [])],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(1200):
            if out.exists() and out.read_text(encoding="utf-8").count('"capturing"') == 2:
                return process
            if process.poll() is not None:
                raise AudioDeviceError(f"live capture ended early: {process.communicate()[1]}")
            time.sleep(0.1)
        process.kill()
        raise AudioDeviceError("live capture did not start within 120 s")

    def unplug_customer(self) -> None:
        modules = self.pactl("list", "short", "modules").stdout
        module = next(line.split()[0] for line in modules.splitlines()
                      if "sink_name=customer_out" in line)
        self.pactl("unload-module", module)

    def replug_customer(self) -> None:
        self.pactl("load-module", *CUSTOMER_SINK.split())
