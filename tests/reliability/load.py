"""Client threads that consume credits over HTTP and remember what was acknowledged."""

from __future__ import annotations

import http.client
import json
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Consumer:
    """One thread's keep-alive connection; each enquiry id is sent once."""

    base: str
    org: str
    name: str
    acknowledged: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    mixed_up: list[str] = field(default_factory=list)  # answers about another enquiry

    def consume(self, enquiry: str) -> int | None:
        """The status, or None when the connection broke before an answer."""
        url = urlsplit(self.base)
        conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
        body = json.dumps({"enquiry_id": enquiry, "user_id": self.name})
        try:
            conn.request("POST", f"/orgs/{self.org}/enquiries", body=body)
            response = conn.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException):
            return None
        finally:
            conn.close()
        self.statuses.append(response.status)
        if response.status in (200, 201) and json.loads(answer)["enquiry_id"] != enquiry:
            self.mixed_up.append(enquiry)
        if response.status == 201:
            self.acknowledged.append(enquiry)
        return response.status

    def run_until(self, stop: threading.Event, limit: int = 100_000) -> None:
        for n in range(limit):
            if stop.is_set() or self.consume(f"{self.name}-{n}") is None:
                return

    def run(self, start: threading.Barrier, count: int) -> None:
        start.wait()
        for n in range(count):
            self.consume(f"{self.name}-{n}")


def start_threads(consumers: list[Consumer], target: str, *args: object) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=getattr(c, target), args=args, daemon=True) for c in consumers
    ]
    for thread in threads:
        thread.start()
    return threads
