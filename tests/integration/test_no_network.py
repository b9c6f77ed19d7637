"""Nothing leaves the PC: a transcribe with the default model, and the app's demo call, under
a syscall trace (strace) make no connection beyond this machine and no DNS query; ONNX
Runtime's telemetry leaves no device id behind."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assist.config import DEMO_AUDIO
from tests.conftest import ROOT

pytestmark = pytest.mark.model

CALLS = "connect,sendto,sendmsg,sendmmsg"
_LOOPBACK = re.compile(r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"|"::ffff:127\.')
_CALL = re.compile(r"^\d+\s+(connect|sendto|sendmsg|sendmmsg)\(")


@pytest.fixture(scope="module")
def strace() -> str:
    path = shutil.which("strace")
    if path is None:
        pytest.skip("strace is not installed (apt-get install strace): the network test "
                    "traces system calls")
    probe = subprocess.run([path, "-f", "-e", "trace=connect", "true"], capture_output=True,
                           text=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"strace cannot trace here (ptrace not permitted?): "
                    f"{probe.stderr.strip()[:200]}")
    return path


def network_calls(trace: Path) -> list[str]:
    """Traced calls that reach beyond this machine or ask DNS (port 53 anywhere, loopback
    too: a local resolver forwards the query)."""
    found = []
    for line in trace.read_text(encoding="utf-8", errors="replace").splitlines():
        if not _CALL.match(line):
            continue
        dns = "htons(53)" in line
        if dns or ("AF_INET" in line and not _LOOPBACK.search(line)):
            found.append(line)
    return found


def traced(strace: str, tmp_path: Path, *command: str) -> tuple[subprocess.CompletedProcess[str],
                                                                 list[str]]:
    trace = tmp_path / "trace.txt"
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ORT_", "HF_", "XDG_"))}  # assist must set them itself
    env.update({"HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
                "XDG_CONFIG_HOME": str(home / ".config"), "XDG_STATE_HOME": str(home / ".state"),
                "SUFLER_CACHE_DIR": os.environ.get("SUFLER_CACHE_DIR", "")
                or str(Path.home() / ".cache" / "sufler")})
    result = subprocess.run([strace, "-f", "-qq", "-e", f"trace={CALLS}", "-o", str(trace),
                             sys.executable, *command], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=900)
    assert not (home / ".cache" / "Microsoft").exists(), "ONNX Runtime telemetry is on"
    return result, network_calls(trace)


def test_transcribe_makes_no_network_call(strace: str, tmp_path: Path, base_model: str) -> None:
    result, calls = traced(strace, tmp_path, "-m", "assist", "transcribe", str(DEMO_AUDIO),
                           "--model", base_model)
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"transcript"' in result.stdout
    assert calls == [], "\n".join(calls[:10])


def test_the_app_demo_makes_no_network_call(strace: str, tmp_path: Path,
                                            tiny_model: str) -> None:
    result, calls = traced(strace, tmp_path, "-m", "app.main", "--demo", "--pace", "fast",
                           "--exit-when-done", "--model", tiny_model)
    assert result.returncode == 0, result.stderr[-2000:]
    saved = list((tmp_path / "home" / ".local" / "share" / "sufler" / "calls").glob("*.jsonl"))
    assert saved, "the demo call ran and was saved"
    assert calls == [], "\n".join(calls[:10])


def test_the_trace_check_sees_a_dns_query(strace: str, tmp_path: Path) -> None:
    """The check itself: a name lookup is caught (whatever the network here answers)."""
    trace = tmp_path / "trace.txt"
    subprocess.run([strace, "-f", "-qq", "-e", f"trace={CALLS}", "-o", str(trace),
                    sys.executable, "-c",
                    "import socket\ntry: socket.getaddrinfo('example.com', 443)\n"
                    "except OSError: pass"], capture_output=True, timeout=120)
    assert network_calls(trace), trace.read_text(encoding="utf-8")
