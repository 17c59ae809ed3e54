"""The local server's entry point under many threads: each request is answered about itself."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from handlers import wiring
from ledger import CreditLedger
from localmode.gateway import handle, proxy_event
from tests.race import race

THREADS = 8
REQUESTS = 60


@pytest.fixture
def memory_ledger(monkeypatch: pytest.MonkeyPatch) -> Iterator[CreditLedger]:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    ledger = CreditLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    wiring.bootstrap(ledger=ledger)
    for n in range(THREADS):
        ledger.set_plan(f"org-t{n}", "Ultimate")
    yield ledger
    wiring.bootstrap()


def _answered_itself(org: str, enquiry: str) -> bool:
    """Its own body and its own path: the enquiry and the org must both come back."""
    body = json.dumps({"enquiry_id": enquiry, "user_id": "u"})
    result = handle(proxy_event("POST", f"/orgs/{org}/enquiries", {"Host": "local"}, body))
    answer = json.loads(result["body"])
    return bool(
        result["statusCode"] == 201
        and answer.get("enquiry_id") == enquiry
        and answer.get("org_id") == org
    )


def test_each_thread_gets_the_answer_to_its_own_request(memory_ledger: CreditLedger) -> None:
    mixed_up: list[str] = []

    def worker(name: str) -> Callable[[], None]:
        def requests() -> None:
            for n in range(REQUESTS):
                enquiry = f"{name}-{n}"
                if not _answered_itself(f"org-{name}", enquiry):
                    mixed_up.append(enquiry)

        return requests

    race([worker(f"t{n}") for n in range(THREADS)])
    assert mixed_up == []
    assert all(memory_ledger.status(f"org-t{n}").used == REQUESTS for n in range(THREADS))
