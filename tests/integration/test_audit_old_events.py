"""Events written before hashes were stored are in the chain too: it starts at each
org's first event, and the first event saved with a hash chains onto them."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest

from ledger import CreditLedger, audit
from ledger.domain import chain
from ledger.domain.org import org_uuid
from tests.audit_support import StoredEvents
from tests.conftest import FakeClock, LedgerFactory


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def breaks(ledger: CreditLedger, org_id: str = "acme") -> Any:
    return audit.first_break(org_id, ledger.events.get(org_uuid(org_id)))


def test_new_events_chain_onto_events_stored_without_hashes(
    make_ledger: LedgerFactory, clock: FakeClock
) -> None:
    old = make_ledger(clock)
    old.set_plan("acme", "Basic")
    old.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    old.consume_credit("acme", user_id="u-1", enquiry_id="e-2")
    events = StoredEvents(old, "acme")
    events.strip_hashes()  # as written before hashes were stored

    new = make_ledger(clock)  # a cold start: the org is loaded from its events
    new.consume_credit("acme", user_id="u-2", enquiry_id="e-3")
    assert "hash" in events.get(5)[1] and "hash" not in events.get(4)[1]
    assert breaks(new) is None
    shown = new.history("acme").events
    previous = chain.GENESIS
    for event in shown:
        doc = chain.document("acme", event.version, event.type, event.occurred_at, event.data)
        assert event.hash == chain.link(previous, doc)
        previous = event.hash
    assert new.digest("acme").hash == shown[-1].hash

    events.edit(2, plan="Ultimate")  # an old event: caught where the stored hashes begin
    found = breaks(new)
    assert found is not None and (found.version, found.reason) == (5, "does not match its hash")


def test_an_org_loaded_from_a_snapshot_older_than_hashes_chains_on(
    make_ledger: LedgerFactory, clock: FakeClock, store: str, tmp_path: Any
) -> None:
    if store != "sqlite":
        pytest.skip("a hundred commands for a snapshot; the rule is the store's to keep alike")
    old = make_ledger(clock)
    old.set_plan("acme", "Ultimate")
    for n in range(98):  # versions 3 to 100: a snapshot is taken at 100
        old.consume_credit("acme", user_id="u-1", enquiry_id=f"e-{n}")
    StoredEvents(old, "acme").strip_hashes()
    db = sqlite3.connect(str(old.env.get("SQLITE_DBNAME")), isolation_level=None)
    (state,) = db.execute("SELECT state FROM stored_snapshots").fetchone()
    snapshot = json.loads(state)
    del snapshot["state"]["head_hash"]
    db.execute("UPDATE stored_snapshots SET state=?", (json.dumps(snapshot).encode(),))
    db.close()

    new = make_ledger(clock)
    new.consume_credit("acme", user_id="u-1", enquiry_id="e-last")
    assert new.digest("acme").version == 101
    assert breaks(new) is None
