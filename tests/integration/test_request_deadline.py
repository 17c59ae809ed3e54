"""A store that accepts connections and never answers: every request is answered 503
BUSY with Retry-After by its deadline, however many attempts, botocore retries or
waits for the org's lock it would otherwise make; nothing is charged twice."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.dynamodb.client import CALL_LIMIT
from handlers import api, wiring
from ledger import CreditLedger
from localmode.gateway import proxy_event
from tests.dynamodb_support import REGION

DEADLINE = CALL_LIMIT + 1.0  # room for one attempt, which the stall uses up
SLACK = 0.75  # scheduling on a loaded machine; the store alone would take 9 s and more


@pytest.fixture
def stalled_store() -> Iterator[str]:
    """A listening socket nobody reads: connects succeed, answers never come."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(128)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


@pytest.fixture
def stalled_api(stalled_store: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    env = {
        "PERSISTENCE_MODULE": "adapters.dynamodb",
        "AWS_ENDPOINT_URL_DYNAMODB": stalled_store,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "LEDGER_REQUEST_DEADLINE": str(DEADLINE),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ledger = CreditLedger(env=env)
    wiring.bootstrap(ledger=ledger)
    yield
    wiring.bootstrap()
    ledger.close()


def consume(enquiry: str) -> tuple[dict[str, Any], float]:
    body = json.dumps({"enquiry_id": enquiry, "user_id": "u-1"})
    started = time.monotonic()
    answer = api.resolve(proxy_event("POST", "/orgs/acme/enquiries", {"Host": "x"}, body), None)
    return answer, time.monotonic() - started


def assert_busy_in_time(answer: dict[str, Any], took: float) -> None:
    assert answer["statusCode"] == 503, answer
    assert json.loads(answer["body"])["error"]["code"] == "BUSY"
    assert answer["multiValueHeaders"]["Retry-After"] == ["1"]
    assert took <= DEADLINE + SLACK, took


def test_a_stalled_store_is_busy_by_the_deadline(stalled_api: None) -> None:
    assert_busy_in_time(*consume("e-1"))


def test_requests_queued_on_the_orgs_lock_are_busy_by_their_deadline(stalled_api: None) -> None:
    answers: list[tuple[dict[str, Any], float]] = []
    threads = [
        threading.Thread(target=lambda n=n: answers.append(consume(f"e-{n}"))) for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 4
    for answer, took in answers:
        assert_busy_in_time(answer, took)


def test_a_bad_deadline_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from handlers.deadlines import configured_seconds

    for bad in ("0", "-1", "soon", "1e9"):
        monkeypatch.setenv("LEDGER_REQUEST_DEADLINE", bad)
        with pytest.raises(ValueError, match="LEDGER_REQUEST_DEADLINE"):
            configured_seconds()
