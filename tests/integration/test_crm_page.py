"""The example CRM page (resources/examples/crm.html) in headless Chromium, driven through the
DevTools protocol, against `sufler transcribe --api` of the demo call: its Phone and Address
fields end up holding the entity values the same run wrote to its JSON Lines, with the
uncertainty and read-back marks of the last record of each; a screenshot goes to
artifacts/screenshots/crm.png. The README's JavaScript client runs in the same browser."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from assist.api import ApiServer, api_token
from assist.config import DEMO_AUDIO, ApiConfig, resource_path
from assist.events import EngineStateChanged, EntityExtracted, ReadbackChecked
from tests.conftest import ROOT

SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Page:
    """One Chromium tab through the DevTools protocol (a WebSocket of its own)."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.ids = count(1)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        self.connection.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.connection.recv(timeout=30))
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"not true within {timeout:g} s: {expression}")

    def screenshot(self, path: Path) -> bytes:
        png = base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        return png


@contextmanager
def chromium(tmp_path: Path, url: str) -> Iterator[Page]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    profile = tmp_path / "chromium-profile"
    process = subprocess.Popen(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--remote-debugging-port=0",
         "--remote-allow-origins=*", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (active.is_file() and active.read_text().count("\n") >= 1):
            assert time.monotonic() < deadline and process.poll() is None, "no DevTools"
            time.sleep(0.1)
        port = active.read_text().split("\n")[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            targets = json.load(answer)
        target = next(item for item in targets if item["type"] == "page")
        with connect(target["webSocketDebuggerUrl"], max_size=2**26) as connection:
            page = Page(connection)
            page.send("Emulation.setDeviceMetricsOverride", width=1180, height=760,
                      deviceScaleFactor=1, mobile=False)
            page.send("Page.enable")
            page.send("Page.navigate", url=url)
            page.wait_for("document.readyState === 'complete'")
            yield page
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def last(records: list[dict[str, Any]], kind: str, types: tuple[str, ...]) -> dict[str, Any]:
    found = [record for record in records
             if record["type"] in types and record.get("kind") == kind]
    assert found, f"the demo run wrote no {kind} ({'/'.join(types)}) record"
    return found[-1]


def field_value(records: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """The entity the page's field should hold: the customer's last (the operator's repeat
    of it is a read-back, not a new value), else the last anyone said."""
    said = [record for record in records if record["type"] == "entity"
            and record["kind"] == kind and record["speaker"] != "operator"]
    return said[-1] if said else last(records, kind, ("entity",))


@pytest.mark.model
def test_the_crm_page_fills_phone_and_address_from_the_demo_call(
        tmp_path: Path, tiny_model: str) -> None:
    xdg = tmp_path / "xdg"
    token = api_token(xdg / "sufler" / "api-token")  # as the first start would make it
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text("[api]\nsend_values = true\n", encoding="utf-8")
    page_url = (resource_path("examples", "crm.html").as_uri()
                + f"#token={token}&api=127.0.0.1:{port}")
    out = tmp_path / "demo.jsonl"
    with chromium(tmp_path, page_url) as page:
        assert page.evaluate("document.body.dataset.state") == "connecting"  # no Sufler yet
        run = subprocess.run(
            [sys.executable, "-m", "assist", "transcribe", str(DEMO_AUDIO), "--pace", "fast",
             "--model", tiny_model, "--config", str(config), "--out", str(out),
             "--api", f"127.0.0.1:{port}"],
            cwd=ROOT, env={**os.environ, "XDG_CONFIG_HOME": str(xdg)}, capture_output=True,
            text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        phone = field_value(records, "phone")
        address = field_value(records, "address")
        expected = {"phone": phone["value"], "address": address["value"]}
        filled = page.wait_for(
            "document.getElementById('phone').value && document.getElementById('address').value"
            f" && document.getElementById('phone').value === {json.dumps(phone['value'])}"
            f" && document.getElementById('address').value === {json.dumps(address['value'])}"
            " && ({phone: document.getElementById('phone').value,"
            " address: document.getElementById('address').value})")
        assert filled == expected
        for kind, entity in (("phone", phone), ("address", address)):
            final = last(records, kind, ("entity", "readback"))
            if final["type"] == "entity" and final is not entity:  # the operator's repeat
                final = entity
            classes = page.evaluate(f"document.getElementById('{kind}').className").split()
            note = page.evaluate(f"document.getElementById('{kind}-note').textContent")
            unsure = page.evaluate(f"document.getElementById('{kind}').dataset.unsure")
            if final["type"] == "readback":
                state = "confirmed" if final["matched"] else "mismatch"
                assert state in classes and "Read back" in note, (kind, classes, note)
            elif final.get("uncertain"):
                assert "unsure" in classes and "Unsure: " in note, (kind, classes, note)
                assert unsure == ",".join(final["uncertain"])
            else:
                assert "unsure" not in classes and "sufler" in classes, (kind, classes)
        said = [record["text"] for record in records if record["type"] == "transcript"]
        assert page.evaluate("document.getElementById('transcript').textContent") == said[-1]
        png = page.screenshot(SCREENSHOTS / "crm.png")
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


def readme_javascript() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Fitting Sufler into the workplace", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```javascript\n(.+?)\n```", section, flags=re.S)
    return code


def test_the_readme_javascript_client_runs_as_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's snippet in a page with a Phone field, against a server fed events."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    server = ApiServer(ApiConfig(listen="127.0.0.1:0", send_values=True))
    server.start()
    form = tmp_path / "form.html"
    form.write_text("<!DOCTYPE html><title>form</title><input id=phone>", encoding="utf-8")
    code = readme_javascript().replace("PASTE-THE-TOKEN", server.token).replace(
        "127.0.0.1:8765", f"127.0.0.1:{server.address[1]}")
    try:
        with chromium(tmp_path, form.as_uri()) as page:
            page.evaluate(f"window.logged = []; console.log = (...items) => "
                          f"window.logged.push(items.join(' ')); console.warn = console.log;"
                          f"\n{code}\n;true")
            deadline = time.monotonic() + 20
            while server.stats()["clients"] == 0:
                assert time.monotonic() < deadline, "the snippet did not connect"
                time.sleep(0.05)
            server.sink(EngineStateChanged("running", "realtime", 0.0))
            server.sink(EntityExtracted(1, "phone", "four one five", "+14155550132", "customer",
                                        1, (0, 4), 1.0, 1.0, 1.0))
            server.sink(ReadbackChecked("phone", False, ("digit 10: 3 given, 2 repeated",),
                                        "+14155550132", "customer", 1, "+14155550122",
                                        "operator", 2, 2.0))
            assert page.wait_for("document.getElementById('phone').value") == "+14155550132"
            logged = page.wait_for("window.logged.length >= 1 && window.logged")
            assert "read-back differs: digit 10: 3 given, 2 repeated" in logged
            server.close()
            closed = page.wait_for("window.logged.find(line => line.startsWith('closed'))")
            assert closed == "closed 1001 Sufler stopped"
    finally:
        server.close()
