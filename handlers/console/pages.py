"""The console's HTML: every value shown goes through `text` (or `script_json`).

Pages link with relative URLs, so they work under an API stage prefix as under
`ledger serve`; scripts and styles come from the package (assets/), none inline.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from ledger.domain.plans import PLAN_NAMES
from projections.alerts import format_time
from projections.balance import DAY
from projections.burndown import BurnDown
from projections.orgs import SORTS, STATES, OrgRow, OrgsPage, OrgsQuery

USERS_SHOWN = 100  # an org page lists its heaviest users, up to this many


def text(value: object) -> str:
    """Any value as HTML text (quotes too, so it is safe in an attribute)."""
    return html.escape(str(value), quote=True)


def script_json(data: Any) -> str:
    """JSON for a <script type="application/json"> element: no '<', '>' or '&' can
    end the element or start markup, whatever the strings hold."""
    raw = json.dumps(data, separators=(",", ":"))
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _page(title: str, assets: str, body: str, scripts: Sequence[str] = ()) -> str:
    tags = "".join(f'<script src="{assets}{text(name)}"></script>' for name in scripts)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{text(title)}</title>"
        f'<link rel="stylesheet" href="{assets}uPlot.min.css">'
        f'<link rel="stylesheet" href="{assets}console.css">'
        f"</head><body>{body}{tags}</body></html>"
    )


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def _run_out(row: OrgRow, now: datetime) -> str:
    if row.remaining == 0:
        return '<span class="out">run out</span>'
    if row.run_out_at is None:
        return '<span class="none">not this period</span>'
    moment = text(format_time(row.run_out_at))
    shown = f'<time datetime="{moment}">{text(_when(row.run_out_at))}</time>'
    if row.run_out_at <= now:  # judged at the org's last event; no use since
        shown += ' <span class="passed">passed, credits left: no use since its last event</span>'
    return shown


def _options(name: str, choices: Iterable[str], chosen: str | None, blank: str = "") -> str:
    found = [f'<option value="">{text(blank)}</option>'] if blank else []
    for choice in choices:
        selected = " selected" if choice == chosen else ""
        found.append(f'<option value="{text(choice)}"{selected}>{text(choice)}</option>')
    return f'<select name="{name}" id="{name}">{"".join(found)}</select>'


def list_page(query: OrgsQuery, page: OrgsPage, cursor: str | None, now: datetime) -> str:
    """The month's orgs in the query's order, with the filters as a form."""
    form = (
        '<form method="get" action="console" class="filters">'
        f"<label>State {_options('state', STATES, query.state)}</label>"
        f"<label>Plan {_options('plan', PLAN_NAMES, query.plan, blank='any')}</label>"
        f"<label>Order {_options('sort', SORTS, query.sort)}</label>"
        f'<label>Month <input name="month" value="{text(query.month)}" size="7"></label>'
        '<button type="submit">Show</button></form>'
    )
    rows = "".join(_list_row(row, now) for row in page.orgs)
    if not page.orgs:
        none = "No org had a charge, a plan set or a top-up in this month."
        rows = f'<tr><td colspan="11" class="empty">{none}</td></tr>'
    more = ""
    if page.next_after is not None:
        params = {"state": query.state, "sort": query.sort, "month": query.month}
        params |= {"plan": query.plan} if query.plan else {}
        params["after"] = page.next_after
        more = f'<p><a id="next" href="console?{text(urlencode(params))}">Next page</a></p>'
    first = ' <a href="console">first page</a>' if cursor else ""
    body = (
        f"<header><h1>Orgs of {text(query.month)}</h1>"
        f"<p>Soonest to run out first, as of each org's last event.{first}</p></header>"
        f"{form}"
        '<table id="orgs"><thead><tr><th>Org</th><th>Plan</th><th>Used</th><th>Limit</th>'
        "<th>Share used</th><th>Runs out</th><th>Forecast</th><th>Per day</th>"
        "<th>Suggested plan</th><th>Alerts</th><th>Last event</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>{more}"
    )
    return _page(f"Orgs of {query.month}", "console/assets/", body)


def _list_row(row: OrgRow, now: datetime) -> str:
    link = f"console/orgs/{quote(row.org_id, safe='')}"
    alerts = " ".join(f'<span class="alert {text(a)}">{text(a)}</span>' for a in row.alerts)
    return (
        f'<tr class="{text(row.state)}" data-org="{text(row.org_id)}">'
        f'<td><a href="{text(link)}">{text(row.org_id)}</a></td>'
        f"<td>{text(row.plan)}</td><td>{row.used}</td><td>{row.limit}</td>"
        f'<td><meter min="0" max="1" low="0.8" high="0.99" optimum="0" '
        f'value="{row.used_share}"></meter> {row.used_share:.0%}</td>'
        f"<td>{_run_out(row, now)}</td><td>{row.forecast_used}</td><td>{row.pace_per_day:g}</td>"
        f"<td>{text(row.suggested_plan or '')}</td><td>{alerts}</td>"
        f'<td class="when">{text(_when(row.as_of))}</td></tr>'
    )


def org_page(
    org_id: str,
    row: OrgRow | None,
    chart: BurnDown | None,
    by_user: dict[str, int],
    history: Sequence[dict[str, Any]],
    now: datetime,
) -> str:
    """One org: its numbers, the burn-down of its period, its users, its recent events."""
    parts = [
        '<nav><a href="../../console">All orgs</a></nav>',
        f'<header><h1 id="org">{text(org_id)}</h1>',
    ]
    if row is not None:
        parts.append(
            f'<p class="state {text(row.state)}">{text(row.plan)}, {text(row.period)}: '
            f"{row.used} of {row.limit} used, {row.remaining} left "
            f"({text(row.state.replace('_', ' '))}); as of {text(_when(row.as_of))}</p>"
        )
        parts.append(
            "<dl>"
            f"<dt>Forecast</dt><dd>{row.forecast_used}</dd>"
            f"<dt>Pace</dt><dd>{row.pace_per_day:g} a day</dd>"
            f"<dt>Runs out</dt><dd>{_run_out(row, now)}</dd>"
            f"<dt>Period ends</dt><dd>{text(_when(row.period_ends_at))}</dd>"
            f"<dt>Suggested plan</dt><dd>{text(row.suggested_plan or 'none')}</dd>"
            f"<dt>Alerts</dt><dd>{text(', '.join(row.alerts) or 'none')}</dd></dl>"
        )
    parts.append("</header>")
    scripts: list[str] = []
    if chart is not None:
        parts.append(_chart(chart, row))
        scripts = ["uPlot.iife.min.js", "console.js"]
    parts.append(_users(by_user))
    parts.append(_history(history))
    return _page(f"Org {org_id}", "../assets/", "".join(parts), scripts)


def _chart(chart: BurnDown, row: OrgRow | None) -> str:
    data = {
        "days": [int(day.timestamp()) for day in chart.days],
        "ends_at": int(chart.ends_at.timestamp()),
        "used": list(chart.used),
        "limit": list(chart.limit),
        "forecast": row.forecast_used if row is not None else None,
        "forecast_from": _day_of(chart, row.as_of) if row is not None else None,
        "marks": [
            {"at": int(m.at.timestamp()), "kind": m.kind, "label": m.label} for m in chart.marks
        ],
    }
    marks = "".join(
        f'<li class="{text(m.kind)}"><time>{text(_when(m.at))}</time> {text(m.label)}</li>'
        for m in chart.marks
    )
    return (
        f"<section><h2>Period {text(chart.period)}: credits used against the limit</h2>"
        '<div id="chart" role="img" aria-label="burn-down chart"></div>'
        f'<script type="application/json" id="chart-data">{script_json(data)}</script>'
        f'<ul id="marks">{marks}</ul></section>'
    )


def _day_of(chart: BurnDown, moment: datetime) -> int:
    return max(0, min(len(chart.days) - 1, (moment - chart.starts_at) // DAY))


def _users(by_user: dict[str, int]) -> str:
    heaviest = sorted(by_user.items(), key=lambda item: (-item[1], item[0]))
    rows = "".join(
        f"<tr><td>{text(user)}</td><td>{count}</td></tr>" for user, count in heaviest[:USERS_SHOWN]
    )
    more = ""
    if len(heaviest) > USERS_SHOWN:
        more = f"<p>and {len(heaviest) - USERS_SHOWN} more users</p>"
    return (
        "<section><h2>Usage by user</h2>"
        f'<table id="users"><thead><tr><th>User</th><th>Credits</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>{more}</section>"
    )


def _history(events: Sequence[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{event['version']}</td><td>{text(_when(event['occurred_at']))}</td>"
        f"<td>{text(event['type'])}</td>"
        f"<td><code>{text(json.dumps(event['data'], default=str))}</code></td></tr>"
        for event in events
    )
    return (
        "<section><h2>Recent history</h2>"
        '<table id="history"><thead><tr><th>Version</th><th>When</th><th>Event</th>'
        f"<th>Data</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def not_found_page(org_id: str) -> str:
    body = (
        '<nav><a href="../../console">All orgs</a></nav>'
        f"<h1>No org {text(org_id)}</h1><p>The ledger has no projection of this org.</p>"
    )
    return _page(f"No org {org_id}", "../assets/", body)


def refused_page(message: str) -> str:
    """A list address the console cannot read: what is wrong, and the way back."""
    body = (
        '<nav><a href="console">All orgs</a></nav>'
        f"<h1>This list cannot be shown</h1><p>{text(message)}</p>"
    )
    return _page("Cannot show this list", "console/assets/", body)
