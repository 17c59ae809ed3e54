"""What a Lambda cold start pays for: X-Ray patches only what each function calls,
when it first builds its client; the Swagger UI page is for local use."""

from __future__ import annotations

from typing import Any

import pytest

from handlers import notifier, observability, wiring


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    monkeypatch.setattr(observability.tracer, "patch", calls.append)
    return calls


def test_the_tracer_patches_nothing_by_itself() -> None:
    assert observability.tracer.auto_patch is False


def test_aws_calls_are_traced_once_the_ledger_is_built(
    patched: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wiring, "CreditLedger", object)
    try:
        wiring.bootstrap().ledger  # noqa: B018 (built on first use)
    finally:
        wiring.bootstrap()
    assert patched == [("botocore",)]


def test_webhook_calls_are_traced_once_the_notifier_is_built(
    patched: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notifier, "notifier_from_env", lambda logger: object())
    notifier.use_notifier(None)
    try:
        notifier.get_notifier()
    finally:
        notifier.use_notifier(None)
    assert patched == [("httplib",)]


def test_only_the_local_resolver_has_a_swagger_page() -> None:
    from handlers.api import create_app, resolve
    from localmode.gateway import proxy_event

    def swagger() -> dict[str, Any]:
        return proxy_event("GET", "/swagger", {"Host": "local"}, None)

    assert resolve(swagger(), None)["statusCode"] == 404
    assert resolve(swagger(), None, create_app(swagger=True))["statusCode"] == 200


def test_the_projector_loads_no_answer_models() -> None:
    """It reads events through the ledger and never builds an answer (pydantic)."""
    import subprocess
    import sys

    probe = (
        "import sys, handlers.projector, ledger;"
        "ledger.CreditLedger(env={'PERSISTENCE_MODULE': 'eventsourcing.popo'});"
        "print('ledger.models' in sys.modules)"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == ["False"]
    assert ledger_answers_still_import()


def ledger_answers_still_import() -> bool:
    from ledger import Consumption, History, OrgStatus, TopUp, models

    return (Consumption, History, OrgStatus, TopUp) == (
        models.Consumption,
        models.History,
        models.OrgStatus,
        models.TopUp,
    )
