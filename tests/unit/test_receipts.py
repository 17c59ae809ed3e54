"""A receipt is written as its creation event, built without the aggregate:
it must be stored exactly as the library's own creation would store it."""

from __future__ import annotations

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
    event = EnquiryReceipt.Recorded.make(
        "acme", "e-1", AT, user_id="u-1", consumed_at=AT, remaining=17, user_remaining=None
    )
    made = EnquiryReceipt._create(
        EnquiryReceipt.Recorded,
        id=enquiry_uuid("acme", "e-1"),
        org_id="acme",
        enquiry_id="e-1",
        user_id="u-1",
        consumed_at=AT,
        remaining=17,
        user_remaining=None,
        timestamp=AT,
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
