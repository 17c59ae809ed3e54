"""Figure 3: `ledger serve` under 8 concurrent keep-alive clients: consume vs GET /health."""

from __future__ import annotations

import http.client
import json
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.figures import Figure, interleaved, percentile, size
from tests.http.client import LedgerProcess, call

CLIENTS = 8
SECONDS = size(1.5, 0.5)  # per phase; phases alternate health, consume
ROUNDS = size(5, 1)


class Load:
    """CLIENTS threads, each on its own connection (and its own org for consumes)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.orgs = [f"load-{n}" for n in range(CLIENTS)]
        self.count = 0
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {"health": [], "consume": []}
        for org in self.orgs:
            assert call(base, "PUT", f"/orgs/{org}/plan", {"plan": "Ultimate"}).status == 200
            for _ in range(10):
                call(base, "POST", f"/orgs/{org}/top-ups", {"credits": 100_000})

    def _next(self) -> int:
        with self.lock:
            self.count += 1
            return self.count

    def _request(self, conn: http.client.HTTPConnection, kind: str, org: str) -> None:
        if kind == "health":
            conn.request("GET", "/health")
            expected = 200
        else:
            n = self._next()
            body = json.dumps({"enquiry_id": f"e-{n}", "user_id": f"u-{n % 10}"})
            conn.request("POST", f"/orgs/{org}/enquiries", body=body)
            expected = 201
        response = conn.getresponse()
        response.read()
        if response.status != expected:
            raise RuntimeError(f"{kind}: {response.status}")

    def _client(self, kind: str, org: str, until: float, out: list[float]) -> None:
        url = urlsplit(self.base)
        conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
        while time.perf_counter() < until:
            start = time.perf_counter()
            self._request(conn, kind, org)
            out.append(time.perf_counter() - start)
        conn.close()

    def phase(self, kind: str) -> float:
        """Requests per second of one phase; latencies are kept for the percentiles."""
        until = time.perf_counter() + SECONDS
        outs: list[list[float]] = [[] for _ in range(CLIENTS)]
        threads = [
            threading.Thread(target=self._client, args=(kind, org, until, out))
            for org, out in zip(self.orgs, outs, strict=True)
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        samples = [s for out in outs for s in out]
        self.latencies[kind].extend(samples)
        return len(samples) / elapsed


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-") as folder:
        server = LedgerProcess(Path(folder) / "data").start()
        try:
            load = Load(server.base)
            load.phase("health")
            load.phase("consume")  # warm up
            load.latencies = {"health": [], "consume": []}
            rps, health_rps, ratio = interleaved(
                ROUNDS, lambda: load.phase("consume"), lambda: load.phase("health")
            )
        finally:
            server.stop()
    ms = {k: [1000 * s for s in v] for k, v in load.latencies.items()}
    p50, p99 = percentile(ms["consume"], 0.5), percentile(ms["consume"], 0.99)
    h50, h99 = percentile(ms["health"], 0.5), percentile(ms["health"], 0.99)
    common = {"clients": CLIENTS, "rounds": ROUNDS, "seconds_per_phase": SECONDS}
    return [
        Figure(
            name=f"ledger serve: consume req/s vs GET /health req/s ({CLIENTS} clients)",
            value=rps,
            baseline=health_rps,
            ratio=ratio,
            unit="req/s",
            baseline_unit="req/s",
            extra=common,
        ),
        Figure(
            name="ledger serve: consume p50 latency vs GET /health p50",
            value=p50,
            baseline=h50,
            unit="ms",
            baseline_unit="ms",
            extra=common,
        ),
        Figure(
            name="ledger serve: consume p99 latency vs GET /health p99",
            value=p99,
            baseline=h99,
            unit="ms",
            baseline_unit="ms",
            extra=common,
        ),
    ]
