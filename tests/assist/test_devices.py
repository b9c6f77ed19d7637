"""Device lookup and the live-capture command line, without touching real devices."""

from __future__ import annotations

import pytest

from assist.audio import devices
from assist.audio.devices import InputDevice, find_device, pcm_name
from assist.cli import main
from assist.errors import AudioDeviceError

FAKE = [
    InputDevice(0, "sufler-operator_mic", "ALSA (Pulse)", 1, 48000.0, False, "Headset mic"),
    InputDevice(1, "sufler-customer_out-monitor", "ALSA (Pulse)", 2, 48000.0, True,
                "Monitor of Speakers"),
    InputDevice(2, "default", "ALSA", 32, 44100.0, False),
]


@pytest.fixture
def fake_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devices, "list_devices", lambda: FAKE)


def test_devices_are_found_by_index_name_or_part(fake_devices: None) -> None:
    assert find_device("1").name == "sufler-customer_out-monitor"
    assert find_device("default").index == 2
    assert find_device("operator").index == 0


def test_a_missing_device_names_itself_and_the_alternatives(fake_devices: None) -> None:
    with pytest.raises(AudioDeviceError) as caught:
        find_device("USB headset")
    message = str(caught.value)
    assert "'USB headset' not found" in message
    assert "1: sufler-customer_out-monitor [monitor]" in message and "sufler devices" in message
    with pytest.raises(AudioDeviceError, match="several"):
        find_device("sufler")


def test_pulse_source_names_become_plain_alsa_names() -> None:
    assert pcm_name("alsa_output.pci-0000_00_1f.3.analog-stereo.monitor") == (
        "sufler-alsa_output-pci-0000_00_1f-3-analog-stereo-monitor")


def test_live_transcribe_needs_devices_and_no_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transcribe", "--live"]) == 2
    assert "--operator-device" in capsys.readouterr().err
    assert main(["transcribe", "call.wav", "--live", "--operator-device", "0"]) == 2
    assert "not an audio file" in capsys.readouterr().err
    assert main(["transcribe"]) == 2
    assert "--live" in capsys.readouterr().err


def test_live_transcribe_with_a_missing_device_fails_clearly(
        fake_devices: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("assist.audio.live.list_devices", lambda: FAKE)
    assert main(["transcribe", "--live", "--operator-device", "nothing-like-it"]) == 2
    err = capsys.readouterr().err
    assert "'nothing-like-it' not found" in err and "sufler-operator_mic" in err
