"""`api`: the events API under load. RATE events/s go through `ApiServer.sink` (as the engine
hands them over) to CLIENTS WebSocket clients for SECONDS; every client must get every event,
in order. Reports the rate reached, the delay from the sink to each client (p50, p95, max),
the deepest client queue, the sink's cost per event (masked and in clear), and how quickly a
client that stops reading is cut off (close code and reason)."""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from assist.api import CLOSE_TOO_SLOW, ApiServer
from assist.bench.common import percentile, rounded
from assist.config import ApiConfig
from assist.events import EntityExtracted, Event, StageTimes, TranscriptUpdated

_TEXTS = ("Hi, my parcel did not arrive and I would like a refund or a new delivery.",
          "Sure, it is four one five, five five five, zero one three two.",
          "It is twelve Baker Street, apartment four, Springfield.")


def event(number: int, at: float) -> Event:
    """Event `number` (its record's id), stamped `at` (seconds on the bench's clock): final
    transcripts and phone entities in turn."""
    if number % 2:
        times = StageTimes(at, at, at, at, at)
        return TranscriptUpdated(number, "customer", 1, _TEXTS[number % 3], at, at, True,
                                 "en", times, "silence")
    return EntityExtracted(number, "phone", "four one five", "+14155550132", "customer",
                           number, (0, 0), at, at, at)


def _server(send_values: bool, queue: int, folder: Path) -> ApiServer:
    config = ApiConfig(listen="127.0.0.1:0", send_values=send_values, client_queue=queue)
    server = ApiServer(config, token_path=folder / "api-token")
    server.start()
    return server


class _Reader(threading.Thread):
    """A client that reads every record until `count` events came (or the server closed)."""

    def __init__(self, url: str, count: int, clock: float) -> None:
        super().__init__(name="bench-api-client", daemon=True)
        self.url = url
        self.count = count
        self.clock = clock
        self.ids: list[int] = []
        self.delays: list[float] = []
        self.closed: tuple[int, str] | None = None
        self.ready = threading.Event()

    def run(self) -> None:
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect

        try:
            with connect(self.url, compression=None, max_size=2**22) as connection:
                self.ready.set()
                while len(self.ids) < self.count:
                    record = json.loads(connection.recv(timeout=30))
                    if record["type"] in ("transcript", "entity"):
                        self.ids.append(record["id"])
                        self.delays.append(time.perf_counter() - self.clock - record["emitted"])
        except ConnectionClosed as exc:
            self.closed = (exc.rcvd.code, exc.rcvd.reason) if exc.rcvd else (0, "")
        except TimeoutError:
            pass
        finally:
            self.ready.set()

    def begin(self) -> _Reader:
        self.start()
        self.ready.wait(30)
        return self


def fan_out(rate: float = 1000.0, clients: int = 5, seconds: float = 3.0,
            send_values: bool = True, queue: int = 2000) -> dict[str, Any]:
    """RATE events/s to CLIENTS readers for SECONDS; what each got and how late."""
    count = int(rate * seconds)
    with tempfile.TemporaryDirectory() as folder:
        server = _server(send_values, queue, Path(folder))
        clock = time.perf_counter()
        try:
            readers = [_Reader(f"{server.url}?token={server.token}", count, clock).begin()
                       for _ in range(clients)]
            begin = time.perf_counter()
            sink_s = 0.0
            for number in range(1, count + 1):
                ahead = begin + (number - 1) / rate - time.perf_counter()
                if ahead > 0:
                    time.sleep(ahead)
                now = time.perf_counter()
                server.sink(event(number, now - clock))
                sink_s += time.perf_counter() - now
            sent_s = time.perf_counter() - begin
            for reader in readers:
                reader.join(60)
            stats = server.stats()
        finally:
            server.close()
    expected = list(range(1, count + 1))
    delays = [delay for reader in readers for delay in reader.delays]
    return {
        "rate": rate, "clients": clients, "events": count,
        "rate_reached": rounded(count / sent_s, 1),
        "complete_clients": sum(reader.ids == expected for reader in readers),
        "dropped": sum(count - len(reader.ids) for reader in readers),
        "out_of_order": sum(reader.ids != sorted(reader.ids) for reader in readers),
        "cut_off": stats["cut_off"], "peak_queue": stats["peak_queue"], "queue_limit": queue,
        "delay_p50_ms": rounded(1000 * percentile(delays, 50), 2) if delays else None,
        "delay_p95_ms": rounded(1000 * percentile(delays, 95), 2) if delays else None,
        "delay_max_ms": rounded(1000 * max(delays), 2) if delays else None,
        "sink_us_per_event": rounded(1e6 * sink_s / count, 1),
        "values": "clear" if send_values else "masked",
    }


def slow_client(rate: float = 1000.0, queue: int = 2000,
                max_seconds: float = 60.0) -> dict[str, Any]:
    """A client that connects and never reads while RATE events/s flow, beside one that
    reads them all: when and how the silent one is cut off, and that the reader is not."""
    from websockets.sync.client import connect

    with tempfile.TemporaryDirectory() as folder:
        server = _server(True, queue, Path(folder))
        url = f"{server.url}?token={server.token}"
        clock = time.perf_counter()
        try:
            tcp = socket.create_connection(server.address)
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            with connect(url, sock=tcp, compression=None, max_queue=4) as silent:
                limit = int(rate * max_seconds)
                reader = _Reader(url, limit, clock).begin()
                sent = 0
                begin = time.perf_counter()
                while server.stats()["cut_off"] == 0 and sent < limit:
                    ahead = begin + sent / rate - time.perf_counter()
                    if ahead > 0:
                        time.sleep(ahead)
                    sent += 1
                    server.sink(event(sent, time.perf_counter() - clock))
                cut_s = time.perf_counter() - begin
                reader.count = sent  # the reader stops when it has every event sent
                closed = _read_to_close(silent)
            reader.join(30)
            stats = server.stats()
        finally:
            server.close()
    return {"rate": rate, "queue_limit": queue, "events_until_cut": sent,
            "cut_after_s": rounded(cut_s, 3), "close_code": closed[0],
            "close_reason": closed[1], "peak_queue": stats["peak_queue"],
            "cut_off": stats["cut_off"],
            "reader_complete": reader.ids == list(range(1, sent + 1))}


def _read_to_close(connection: Any) -> tuple[int, str]:
    """Read what waits until the close frame; its code and reason."""
    from websockets.exceptions import ConnectionClosed

    try:
        while True:
            connection.recv(timeout=10)
    except ConnectionClosed as exc:
        return (exc.rcvd.code, exc.rcvd.reason) if exc.rcvd else (0, "no close frame")
    except TimeoutError:
        return (0, "no close within 10 s")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rate", type=float, default=1000.0, help="events per second")
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--queue", type=int, default=2000, help="api.client_queue")


def run(args: argparse.Namespace) -> None:
    rows = [fan_out(args.rate, args.clients, args.seconds, send_values, args.queue)
            for send_values in (True, False)]
    slow = slow_client()
    print(f"{'values':8} {'events':>7} {'rate':>8} {'complete':>9} {'dropped':>8} "
          f"{'peak q':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'sink us':>8}")
    for row in rows:
        print(f"{row['values']:8} {row['events']:7d} {row['rate_reached']:8.1f} "
              f"{row['complete_clients']:>4}/{row['clients']:<4} {row['dropped']:8d} "
              f"{row['peak_queue']:7d} {row['delay_p50_ms']:7.2f} {row['delay_p95_ms']:7.2f} "
              f"{row['delay_max_ms']:7.2f} {row['sink_us_per_event']:8.1f}")
    print(f"silent client: cut after {slow['events_until_cut']} events "
          f"({slow['cut_after_s']} s), close {slow['close_code']} "
          f"({'ok' if slow['close_code'] == CLOSE_TOO_SLOW else 'unexpected'}): "
          f"{slow['close_reason']}")
    print(json.dumps({"clear": rows[0], "masked": rows[1], "slow_client": slow}))
