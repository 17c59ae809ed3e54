"""A moto server on 127.0.0.1 for tests that need real HTTP and real concurrency."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server


class OneAtATime:
    """Hands requests to moto one at a time, as DynamoDB serialises writes to an item.

    Requests still arrive concurrently over HTTP, but moto's in-memory backend
    is not safe under concurrent requests: a conditional put checks and then
    writes without a lock, and a cancelled TransactWriteItems restores a copy
    of the whole table, which can undo another request's committed write.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            return list(self.app(environ, start_response))


class SerialMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer on a free port of 127.0.0.1, one backend call at a time."""

    def __init__(self, serial: bool = True) -> None:
        super().__init__(ip_address="127.0.0.1", port=0, verbose=False)
        self.serial = serial

    def _server_entry(self) -> None:
        app: Any = DomainDispatcherApplication(create_backend_app)
        if self.serial:
            app = OneAtATime(app)
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()

    @property
    def endpoint_url(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"
