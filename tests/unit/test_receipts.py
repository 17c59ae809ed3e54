"""A receipt is written as its creation event, built without the aggregate:
it must be stored exactly as the library's own creation would store it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Mapper, UUIDAsHex

from ledger.domain.receipts import EnquiryReceipt, TopUpReceipt, enquiry_uuid, top_up_uuid

AT = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def _mapper() -> Mapper:
    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DatetimeAsISO())
    return Mapper(transcoder=transcoder)


def test_an_enquiry_receipt_is_stored_as_the_library_would_create_it() -> None:
    charge = {"consumed_at": AT, "remaining": 17, "user_remaining": None, "period": "2026-11"}
    event = EnquiryReceipt.Recorded.make("acme", "e-1", AT, user_id="u-1", paid_by="plan", **charge)
    made = EnquiryReceipt._create(
        EnquiryReceipt.Recorded,
        id=enquiry_uuid("acme", "e-1"),
        org_id="acme",
        enquiry_id="e-1",
        user_id="u-1",
        paid_by="plan",
        timestamp=AT,
        **charge,
    ).collect_events()[0]
    mapper = _mapper()
    assert mapper.to_stored_event(event) == mapper.to_stored_event(made)
    receipt = event.mutate(None)
    assert isinstance(receipt, EnquiryReceipt)
    assert (receipt.user_id, receipt.remaining, receipt.version) == ("u-1", 17, 1)


def test_a_top_up_receipt_is_stored_as_the_library_would_create_it() -> None:
    expires = datetime(2026, 12, 1, tzinfo=UTC)
    event = TopUpReceipt.Recorded.make(
        "acme", "t-1", AT, credits=50, expires_at=expires, limit=150, remaining=120
    )
    made = TopUpReceipt._create(
        TopUpReceipt.Recorded,
        id=top_up_uuid("acme", "t-1"),
        org_id="acme",
        top_up_id="t-1",
        credits=50,
        expires_at=expires,
        limit=150,
        remaining=120,
        timestamp=AT,
    ).collect_events()[0]
    mapper = _mapper()
    assert mapper.to_stored_event(event) == mapper.to_stored_event(made)


def test_an_enquiry_receipt_from_before_refunds_reads_back_without_period_or_kind() -> None:
    event = EnquiryReceipt.Recorded.make(
        "acme", "e-1", AT, user_id="u-1", consumed_at=AT, remaining=1, user_remaining=None,
        period="2026-11", paid_by="plan",
    )  # fmt: skip
    mapper = _mapper()
    stored = mapper.to_stored_event(event)
    state = json.loads(stored.state)
    for key in ("period", "paid_by", "class_version"):
        del state[key]  # as version 1 wrote it
    old = stored.__class__(stored.originator_id, 1, stored.topic, json.dumps(state).encode())
    read = mapper.to_domain_event(old)
    assert isinstance(read, EnquiryReceipt.Recorded)
    assert (read.user_id, read.period, read.paid_by) == ("u-1", None, None)


def test_each_receipt_is_made_from_the_org_event_its_command_triggered() -> None:
    """Field by field, by name, with the kind's `made_at` from the event's moment:
    the stored state is exactly what each kind lists, taken from the right place."""
    from ledger.domain.org import Org
    from ledger.domain.plans import CATALOGUE
    from ledger.domain.receipts import RefundReceipt

    org = Org.open("acme", AT)
    org.set_plan(CATALOGUE["Basic"], AT)
    org.set_user_limit(5, AT)
    charged = EnquiryReceipt.Recorded.of("acme", org.consume("u-1", "e-1", AT))
    granted = TopUpReceipt.Recorded.of("acme", org.top_up("t-1", 7, "goodwill", AT))
    later = datetime(2026, 11, 26, tzinfo=UTC)
    refunded = RefundReceipt.Recorded.of("acme", org.refund(charged, later))
    state = {
        type(r).__qualname__: json.loads(_mapper().to_stored_event(r).state)
        for r in (charged, granted, refunded)
    }
    envelope = {"originator_topic", "timestamp"}
    own = {name: {k: v for k, v in s.items() if k not in envelope} for name, s in state.items()}
    assert own == {
        "EnquiryReceipt.Recorded": {
            "org_id": "acme",
            "enquiry_id": "e-1",
            "user_id": "u-1",
            "consumed_at": {"_type_": "datetime_iso", "_data_": AT.isoformat()},
            "remaining": 99,
            "user_remaining": 4,
            "period": "2026-11",
            "paid_by": "plan",
            "class_version": 2,
        },
        "TopUpReceipt.Recorded": {
            "org_id": "acme",
            "top_up_id": "t-1",
            "credits": 7,
            "expires_at": {"_type_": "datetime_iso", "_data_": "2026-12-01T00:00:00+00:00"},
            "limit": 107,
            "remaining": 106,
        },
        "RefundReceipt.Recorded": {
            "org_id": "acme",
            "enquiry_id": "e-1",
            "user_id": "u-1",
            "refunded_at": {"_type_": "datetime_iso", "_data_": later.isoformat()},
            "remaining": 107,
            "user_remaining": 5,
        },
    }
    assert (charged.timestamp, granted.timestamp, refunded.timestamp) == (AT, AT, later)
