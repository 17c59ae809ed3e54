"""What a Lambda cold start pays for: X-Ray patches only what each function calls,
when it first builds its client; the Swagger UI page is for local use."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import ledger
from adapters import notify
from handlers import observability, wiring


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
    monkeypatch.setattr(ledger, "CreditLedger", object)
    try:
        wiring.bootstrap().ledger  # noqa: B018 (built on first use)
    finally:
        wiring.bootstrap()
    assert patched == [("botocore",)]


def test_webhook_calls_are_traced_once_the_notifier_is_built(
    patched: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notify, "notifier_from_env", lambda logger: object())
    try:
        wiring.bootstrap().notifier  # noqa: B018 (built on first use)
    finally:
        wiring.bootstrap()
    assert patched == [("httplib",)]


def test_only_the_local_resolver_has_a_swagger_page() -> None:
    from handlers.api import create_app, resolve
    from localmode.gateway import proxy_event

    def swagger() -> dict[str, Any]:
        return proxy_event("GET", "/swagger", {"Host": "local"}, None)

    assert resolve(swagger(), None)["statusCode"] == 404
    assert resolve(swagger(), None, create_app(swagger=True))["statusCode"] == 200


def test_the_api_function_loads_neither_the_openapi_models_nor_the_console() -> None:
    """Both are for /openapi.json and the local pages: a cold start pays for neither."""
    probe = (
        "import sys, handlers.api;"
        "print(*(m in sys.modules for m in ("
        "'aws_lambda_powertools.event_handler.openapi.models', 'handlers.routes.console')))"
    )
    found = fresh_interpreter(probe)
    assert found == ["False", "False"]


def test_the_console_is_served_locally_not_by_the_function() -> None:
    from handlers.api import create_app, resolve
    from localmode.gateway import proxy_event

    page = proxy_event("GET", "/console", {"Host": "local"}, None)
    assert resolve(page, None)["statusCode"] == 404
    assert resolve(page, None, create_app(console=True))["statusCode"] != 404


def test_the_notifier_function_loads_no_ledger() -> None:
    """It only hands alerts on: the composition root builds the ledger for the
    functions that use it, and imports it only then."""
    probe = "import sys, handlers.notifier; print('ledger.application' in sys.modules)"
    found = fresh_interpreter(probe)
    assert found == ["False"]


def test_the_ledger_core_loads_no_pydantic() -> None:
    """The answers are plain values: the projector, which reads events through the
    ledger, and a script running commands pay for no validation library."""
    probe = (
        "import sys, handlers.projector, ledger;"
        "app = ledger.CreditLedger(env={'PERSISTENCE_MODULE': 'eventsourcing.popo'});"
        "app.set_plan('acme', 'Basic'); app.consume_credit('acme', user_id='u', enquiry_id='e');"
        "app.status('acme'); app.history('acme');"
        "print('pydantic' in sys.modules)"
    )
    found = fresh_interpreter(probe)
    assert found == ["False"]


def fresh_interpreter(probe: str) -> list[str]:
    """What a probe prints, run in a new interpreter (nothing imported yet)."""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.split()
