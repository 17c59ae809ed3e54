"""The cross-org view over HTTP and from `ledger orgs`, against a real `ledger serve`."""

from __future__ import annotations

import json
import uuid

from tests.http.client import LedgerProcess, call, run_ledger
from tests.http.test_usage_and_alerts import eventually, use


def test_orgs_soonest_to_run_out_first_with_filters_pages_and_the_command(
    fresh_server: LedgerProcess,
) -> None:
    base = fresh_server.base
    plans = {
        "empty": ("Lite", 20),
        "busy": ("Basic", 85),
        "quiet": ("Basic", 3),
        "idle": ("Basic", 0),
    }
    for org, (plan, used) in plans.items():
        call(base, "PUT", f"/orgs/{org}/plan", {"plan": plan})
        use(base, org, used)
    reply = eventually(
        lambda: call(base, "GET", "/orgs"),
        lambda r: (
            len(r.json()["orgs"]) == 4 and sum(row["used"] for row in r.json()["orgs"]) == 108
        ),
    )
    rows = reply.json()["orgs"]
    # Run out first; then the soonest to run out; no run-out date last.
    assert [r["org_id"] for r in rows][:2] == ["empty", "busy"]
    assert rows[0]["state"] == "limit_reached" and rows[0]["alerts"][-1] == "LimitReached"
    # Whether 85 of 100 on a month's first days is near the limit is the policy's call.
    assert rows[1]["state"] == ("near_limit" if rows[1]["alerts"] == ["NearLimit"] else "ok")
    assert {r["org_id"] for r in rows[2:]} == {"quiet", "idle"}
    assert rows[1]["used_share"] == 0.85 and rows[1]["remaining"] == 15
    assert reply.json()["next_after"] is None

    reached = call(base, "GET", "/orgs?state=limit_reached").json()["orgs"]
    assert [r["org_id"] for r in reached] == ["empty"]
    state = call(base, "GET", "/orgs?state=ok").json()["orgs"]
    assert {r["org_id"] for r in state} == {r["org_id"] for r in rows if r["state"] == "ok"}
    lite = call(base, "GET", "/orgs?plan=Lite").json()["orgs"]
    assert [r["org_id"] for r in lite] == ["empty"]
    by_share = call(base, "GET", "/orgs?sort=used_share").json()["orgs"]
    assert [r["org_id"] for r in by_share] == ["empty", "busy", "quiet", "idle"]

    first = call(base, "GET", "/orgs?sort=org_id&limit=3").json()
    assert [r["org_id"] for r in first["orgs"]] == ["busy", "empty", "idle"]
    rest = call(base, "GET", f"/orgs?sort=org_id&limit=3&after={first['next_after']}").json()
    assert [r["org_id"] for r in rest["orgs"]] == ["quiet"] and rest["next_after"] is None

    for bad in ("state=gone", "sort=name", "limit=0", "limit=501", "month=2026-13", "plan=Gold"):
        assert call(base, "GET", f"/orgs?{bad}").code == "VALIDATION_ERROR", bad
    cursor = first["next_after"]
    assert call(base, "GET", f"/orgs?after={cursor}").code == "VALIDATION_ERROR"  # other order

    data = ["--data-dir", str(fresh_server.data_dir)]
    listed = run_ledger("orgs", "--json", *data)
    assert listed.returncode == 0, listed.stderr
    assert [json.loads(line) for line in listed.stdout.splitlines()] == rows
    table = run_ledger("orgs", "--state", "limit_reached", *data)
    assert table.stdout.splitlines()[1].split()[:2] == ["empty", "Lite"]
    assert len(table.stdout.splitlines()) == 2
    assert run_ledger("orgs", "--state", "gone", *data).returncode == 2
    rebuilt = run_ledger("rebuild", *data)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr


def test_an_org_id_is_listed_as_given(fresh_server: LedgerProcess) -> None:
    org = f"Org:{uuid.uuid4().hex[:6]}.x_y-z"
    call(fresh_server.base, "PUT", f"/orgs/{org}/plan", {"plan": "Basic"})
    rows = eventually(
        lambda: call(fresh_server.base, "GET", "/orgs").json()["orgs"], lambda r: len(r) == 1
    )
    assert rows[0]["org_id"] == org and rows[0]["used"] == 0 and rows[0]["run_out_at"] is None
