"""The console for customer success: the cross-org list and one page per org.

Read-only HTML over the projection (and, for an org's period, its events); the
scripts and styles it needs are served from the package, so it works offline.
"""

from __future__ import annotations

import os
from datetime import datetime
from importlib import resources
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from handlers.console import pages
from handlers.errors import error_response
from handlers.routes.common import OrgId
from handlers.routes.cross_org import orgs_query
from handlers.wiring import services
from ledger import CreditLedger
from ledger.domain.errors import InvalidInput
from ledger.domain.org import org_uuid
from ledger.domain.plans import PLAN_NAMES
from ledger.validation import ID_PATTERN
from projections.balance import OrgView
from projections.burndown import BurnDown, burn_down, start_view
from projections.orgs import SORTS, STATES, OrgsQuery
from projections.settings import AlertSettings
from projections.store import ProjectionStore

router = APIGatewayRouter()

HISTORY_SHOWN = 20
READ_BACK = 500  # events read at a time, newest first, back to the period's start
# Defence in depth behind the escaping: nothing runs but the package's own scripts.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
ASSET_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def _html(body: str, status: int = 200) -> Response[str]:
    return Response(
        status_code=status,
        content_type="text/html; charset=utf-8",
        body=body,
        headers=SECURITY_HEADERS,
    )


@router.get("/console", include_in_schema=False)
def console_list(
    month: Annotated[str | None, Query(max_length=64)] = None,
    state: Annotated[str, Query(max_length=64)] = "all",
    plan: Annotated[str | None, Query(max_length=64)] = None,
    sort: Annotated[str, Query(max_length=64)] = "run_out",
    after: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response[str]:
    """The form sends every field: an empty month or plan means none chosen. A
    value the form would not send (a hand-edited address) gets a page saying so."""
    try:
        query = _list_query(month, state, plan, sort, after)
    except InvalidInput as refused:
        return _html(pages.refused_page(refused.message), 422)
    page = services().projections.list_orgs(query)
    return _html(pages.list_page(query, page, after, services().ledger.clock()))


def _list_query(
    month: str | None, state: str, plan: str | None, sort: str, after: str | None
) -> OrgsQuery:
    if state not in STATES:
        raise InvalidInput(f"state must be one of {', '.join(STATES)}")
    if sort not in SORTS:
        raise InvalidInput(f"sort must be one of {', '.join(SORTS)}")
    if plan and plan not in PLAN_NAMES:
        raise InvalidInput(f"plan must be one of {', '.join(PLAN_NAMES)}")
    return orgs_query(month or None, state, plan or None, sort, after or None)


@router.get("/console/orgs/<org_id>", include_in_schema=False)
def console_org(org_id: OrgId) -> Response[str]:
    store, ledger = services().projections, services().ledger
    key = str(org_uuid(org_id))
    head = store.head(key)
    if head is None or head.current is None:
        return _html(pages.not_found_page(org_id), 404)
    balance = head.current
    rows = [r for r in store.rows(key) if r.period == balance.period]
    now = ledger.clock()
    chart = _burn_down(ledger, store, key, head, now)
    history = ledger.history(org_id, after=max(0, head.version - HISTORY_SHOWN))
    events = [
        {"version": e.version, "type": e.type, "occurred_at": e.occurred_at, "data": e.data}
        for e in reversed(history.events)
    ]
    row = rows[-1] if rows else None
    return _html(pages.org_page(org_id, row, chart, dict(balance.by_user), events, now))


def _burn_down(
    ledger: CreditLedger, store: ProjectionStore, key: str, head: OrgView, now: datetime
) -> BurnDown | None:
    """The period replayed from its own events: read newest first back to its start."""
    balance = head.current
    assert balance is not None
    org_id, org_key = head.org_id, org_uuid(head.org_id)
    period: list[Any] = []
    before = None
    upper: int | None = None
    while before is None:
        page: list[Any] = list(ledger.events.get(org_key, lte=upper, desc=True, limit=READ_BACK))
        for event in page:
            if event.timestamp < balance.starts_at:
                before = event
                break
            period.append(event)
        if len(page) < READ_BACK:
            break
        upper = page[-1].originator_version - 1
    view = start_view(org_id, before, store.balances(key), head)
    settings = AlertSettings.from_env(os.environ)
    return burn_down(view, period[::-1], balance.period, now, settings)


@router.get("/console/assets/<name>", include_in_schema=False)
def console_asset(name: Annotated[str, Path(pattern=ID_PATTERN)]) -> Response[Any]:
    suffix = name[name.rfind(".") :] if "." in name else ""
    folder = resources.files("handlers.console").joinpath("assets")
    found = folder.joinpath(name)
    if suffix not in ASSET_TYPES or not found.is_file():
        return error_response(404, "NOT_FOUND", "no such asset")
    return Response(
        status_code=200,
        content_type=ASSET_TYPES[suffix],
        body=found.read_text(encoding="utf-8"),
        headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
