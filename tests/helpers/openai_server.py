"""A real OpenAI-compatible transcription server for the tests: faster-whisper-server 0.0.3
(PyPI; FastAPI under uvicorn over faster-whisper), serving a local model folder offline.

    python -m tests.helpers.openai_server MODEL_DIR --port N [--key-env NAME]
        [--beam-size 1] [--threads 1]

The package serves `POST /v1/audio/transcriptions` with verbose_json and `GET /health`. Two
things it lacks that the servers a fleet runs (vLLM, OpenAI) have are added here as a thin
ASGI layer around its app, nothing else changed:
- `--key-env NAME`: every /v1 request must carry `Authorization: Bearer $NAME` (vLLM's
  `--api-key`); a wrong key is 401 with OpenAI's error body;
- `openai-processing-ms`: the server's own time per request, as OpenAI sends it (what
  Sufler reads to split network from server time);
- `GET /v1/models` lists the served model (vLLM and OpenAI answer it; Sufler's health probe).

Its one deviation from OpenAI's protocol: it reads the model from a `model_name` form field,
not `model`, so it serves its configured entry, named `whisper-1` (its default), whatever the
client names. Its decode options are set to Sufler's local ones (greedy, temperature 0, no
text carried), so the two backends decode alike.

Prints "listening on PORT" when it accepts connections.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MODEL_NAME = "whisper-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wrap(app: Any, key: str) -> Any:
    """The package's ASGI app behind a bearer-key check, with the processing-time header."""

    async def send_json(send: Any, status: int, data: Any) -> None:
        body = json.dumps(data).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if key and headers.get(b"authorization", b"") != f"Bearer {key}".encode():
            await send_json(send, 401, {"error": {
                "message": "Incorrect API key provided.", "type": "invalid_request_error",
                "code": "invalid_api_key"}})
            return
        if scope["path"] == "/v1/models" and scope["method"] == "GET":
            await send_json(send, 200, {"object": "list", "data": [
                {"id": MODEL_NAME, "object": "model", "owned_by": "faster-whisper-server"}]})
            return
        begin = time.perf_counter()

        async def timed(message: Any) -> None:
            if message["type"] == "http.response.start":
                elapsed = f"{(time.perf_counter() - begin) * 1000:.1f}".encode()
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"openai-processing-ms", elapsed)]}
            await send(message)

        await app(scope, receive, timed)

    return wrapped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model", help="a CTranslate2 Whisper model folder")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key-env", default="")
    parser.add_argument("--beam-size", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import uvicorn
    from faster_whisper_server.api import app
    from faster_whisper_server.models import configure_models_from_config, get_model_for_request

    config = {
        "models": [{
            "name": MODEL_NAME, "path": args.model,
            "model_options": {"device": "cpu", "compute_type": "int8",
                              "cpu_threads": args.threads},
            "transcribe_options": {"beam_size": args.beam_size, "best_of": args.beam_size,
                                   "condition_on_previous_text": False,
                                   "without_timestamps": True, "vad_filter": False},
        }],
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "models.json"  # YAML is a superset of JSON
        path.write_text(json.dumps(config), encoding="utf-8")
        configure_models_from_config(str(path))
        get_model_for_request(MODEL_NAME, "transcribe")  # loaded before the first request
        # the app's lifespan reads the config again from this variable
        os.environ["FWS_CONFIG_PATH"] = str(path)
        key = os.environ.get(args.key_env, "") if args.key_env else ""
        server = uvicorn.Server(uvicorn.Config(wrap(app, key), host="127.0.0.1",
                                               port=args.port, log_level="warning",
                                               timeout_keep_alive=30))
        original = server.startup

        async def startup(sockets: Any = None) -> None:
            await original(sockets)
            print(f"listening on {args.port}", flush=True)

        server.startup = startup  # type: ignore[method-assign]
        server.run()
    sys.exit(0)


if __name__ == "__main__":
    main()
