"""Customer success's policy for `ledger console`: reads of the tables, nothing else."""

from __future__ import annotations

from adapters.projection_rows import INDEX as ORGS_INDEX
from adapters.tables import EVENTS, PROJECTIONS
from tests.infra.synth import Synth
from tests.infra.template import Resources, actions, grants


def test_the_console_reader_may_only_read(synth: Synth) -> None:
    resources = Resources(synth.template)
    (policy,) = [
        p
        for p in resources.of_type("AWS::IAM::ManagedPolicy").values()
        if "ledger console" in p["Properties"].get("Description", "")
    ]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    events = resources.id_at(f"EventStore/{EVENTS.logical_id}/Resource")
    projections = resources.id_at(f"EventStore/{PROJECTIONS.logical_id}/Resource")
    assert grants(statements) == {
        projections: {"dynamodb:GetItem", "dynamodb:Query"},
        events: {"dynamodb:Query"},
    }
    on_index = [s for s in statements if f"/index/{ORGS_INDEX}" in str(s["Resource"])]
    assert [actions(s) for s in on_index] == [{"dynamodb:Query"}]
    outputs = synth.template["Outputs"]
    assert any(key.startswith("ConsoleReaderPolicyArn") for key in outputs)
