"""The HTTP bodies are read from the ledger's answers field by field: the two stay alike."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import BaseModel

from handlers import models
from ledger import CreditLedger, answers
from tests.unit.support import body


@pytest.mark.parametrize("name", ["Consumption", "OrgStatus", "Refund", "TopUp", "TrialStatus"])
def test_each_body_has_its_answers_fields(name: str) -> None:
    answer: type = getattr(answers, name)
    model: type[BaseModel] = getattr(models, name)
    own = [f.name for f in dataclasses.fields(answer) if f.name != "replayed"]
    assert list(model.model_fields) == own


def test_a_body_says_what_the_answer_says_without_replayed(ledger: CreditLedger) -> None:
    ledger.set_plan("acme", "Basic")
    charged = ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    again = ledger.consume_credit("acme", user_id="u-1", enquiry_id="e-1")
    assert again.replayed and not charged.replayed
    assert again == charged  # a repeat is the same answer
    sent = models.Consumption.model_validate(again).model_dump()
    assert sent == body(charged) and "replayed" not in sent


def test_answers_are_frozen(ledger: CreditLedger) -> None:
    status = ledger.set_plan("acme", "Basic")
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.used = 0  # type: ignore[misc]
