"""The console in a real browser (headless Chromium from the distribution, driven by
Playwright): the list's order and filters, an org's chart, hostile text as text.

Screenshots of both pages are saved in the test's output directory.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ledger import CreditLedger, LedgerError
from localmode.settings import configure
from tests.conftest import FakeClock
from tests.http.client import LedgerProcess, call
from tests.http.test_usage_and_alerts import eventually

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"
NOV = datetime(2026, 11, 1, tzinfo=UTC)
MONTH = "2026-11"
# org: (plan, credits a day, from day, to day); a month as customer success sees it.
ORGS = {
    "northwind": ("Basic", 6, 0, 14),
    "globex": ("Enterprise", 12, 0, 20),
    "initech": ("Lite", 3, 0, 9),
    "acme": ("Basic", 5, 0, 19),
    "hooli": ("Ultimate", 4, 2, 6),
    "stark": ("Enterprise", 20, 3, 19),
}
SCREENSHOTS = os.environ.get("CONSOLE_SCREENSHOTS")  # also copied here, for the docs

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="no Chromium (scripts/test installs it)"
    ),
]


def seed(data_dir: Path) -> None:
    """A November of six orgs, written before the server starts (a clock of our own)."""
    clock = FakeClock(NOV)
    ledger = CreditLedger(env=configure(data_dir), clock=clock)
    for org, (plan, per_day, first, last) in ORGS.items():
        clock.set(NOV + timedelta(days=first, hours=8))
        ledger.set_plan(org, plan)
        for day in range(first, last):
            for n in range(per_day + (day % 3 if org == "acme" else 0)):
                clock.set(NOV + timedelta(days=day, hours=9, minutes=n))
                if org == "acme" and day == 7 and n == 0:
                    ledger.top_up(org, 25, note=HOSTILE)
                try:
                    ledger.consume_credit(org, user_id=f"u-{n % 4}", enquiry_id=f"{org}-{day}-{n}")
                except LedgerError:
                    break  # refused: the org has run out
    ledger.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerProcess]:
    data_dir = tmp_path_factory.mktemp("console")
    seed(data_dir)
    process = LedgerProcess(data_dir).start()
    eventually(
        lambda: call(process.base, "GET", f"/orgs?month={MONTH}").json()["orgs"],
        lambda rows: len(rows) == len(ORGS),
    )
    yield process
    process.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    opened = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    failed: list[str] = []
    opened.on("requestfailed", lambda request: failed.append(request.url))
    yield opened
    assert dialogs == [], "a script from the data ran"
    assert failed == []
    opened.close()


def shot(page: Any, name: str, output: Path) -> Path:
    path = output / name
    page.screenshot(path=str(path), full_page=True)
    if SCREENSHOTS:
        shutil.copy(path, Path(SCREENSHOTS) / name)
    return path


def listed(page: Any) -> list[str]:
    return list(
        page.eval_on_selector_all("#orgs tbody tr[data-org]", "rs => rs.map(r => r.dataset.org)")
    )


def test_the_list_soonest_to_run_out_first(
    server: LedgerProcess, page: Any, tmp_path: Path
) -> None:
    page.goto(f"{server.base}/console?month={MONTH}")
    rows = call(server.base, "GET", f"/orgs?month={MONTH}").json()["orgs"]
    shown = listed(page)
    assert shown == [row["org_id"] for row in rows]
    assert shown[0] == "initech"  # the only one run out
    dated = [row["run_out_at"] for row in rows if row["remaining"] > 0 and row["run_out_at"]]
    assert dated == sorted(dated)
    assert [row["run_out_at"] for row in rows[len(dated) + 1 :]] == [None] * (
        len(rows) - len(dated) - 1
    )
    assert "hooli" in shown[-2:]  # four a day of an Ultimate thousand: no run-out date
    path = shot(page, "console-list.png", tmp_path)
    assert path.stat().st_size > 10_000


def test_filters_narrow_the_list(server: LedgerProcess, page: Any) -> None:
    page.goto(f"{server.base}/console?month={MONTH}")
    page.select_option("#state", "limit_reached")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert listed(page) == ["initech"]
    page.select_option("#state", "all")
    page.select_option("#plan", "Enterprise")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert sorted(listed(page)) == ["globex", "stark"]
    assert "plan=Enterprise" in page.url


def test_an_org_page_draws_its_chart_and_shows_hostile_text_as_text(
    server: LedgerProcess, page: Any, tmp_path: Path
) -> None:
    page.goto(f"{server.base}/console?month={MONTH}")
    page.click("a[href='console/orgs/acme']")
    # Polled from here: the page's CSP forbids the eval a wait_for_function predicate uses.
    drawn_yet = eventually(lambda: page.evaluate("() => window.burnDown !== undefined"), bool)
    assert drawn_yet, "the chart was not drawn"
    drawn = page.evaluate(
        """() => {
          const u = window.burnDown.chart, ctx = u.ctx;
          const x = u.valToPos(u.data[0][20], 'x', true);
          const y = Math.round(u.valToPos(125, 'y', true));
          let red = false;  // the limit line's colour, where the limit is drawn
          for (let dy = -2; dy <= 2; dy++) {
            const [r, g, b] = ctx.getImageData(Math.round(x), y + dy, 1, 1).data;
            if (r > 150 && g < 110 && b < 110) red = true;
          }
          return {points: window.burnDown.points, limit: u.data[2], marks: window.burnDown.marks,
                  red: red, canvases: document.querySelectorAll('#chart canvas').length};
        }"""
    )
    assert drawn["points"] == 30  # every day of November, one point a day
    assert (
        drawn["limit"][:7] == [100] * 7 and drawn["limit"][7:30] == [125] * 23
    )  # top-up on the 8th
    assert drawn["canvases"] == 1 and drawn["red"]
    assert drawn["marks"] >= 2  # the plan and the top-up; then any alerts
    marks = page.inner_text("#marks")
    assert f"top-up of 25: {HOSTILE}" in marks  # the note, shown as it was written
    assert page.locator("#marks img, #marks script").count() == 0
    assert page.evaluate("document.scripts.length") == 3  # the data and the package's two
    assert page.inner_text("#org") == "acme"
    users = page.inner_text("#users")
    assert "u-0" in users and "u-3" in users
    shot(page, "console-org.png", tmp_path)
