"""The alert policy's settings: read from the environment, checked, used, documented."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from projections import settings as module
from projections.settings import AlertSettings

ROOT = Path(__file__).resolve().parents[2]
NAMES = sorted(v for k, v in vars(module).items() if k.endswith("_ENV"))


def test_settings_from_environment() -> None:
    env = {
        "LEDGER_FORECAST_WINDOW_DAYS": "7",
        "LEDGER_FORECAST_MIN_DAYS": "3",
        "LEDGER_FORECAST_TRIAL_MIN_DAYS": "2",
        "LEDGER_FORECAST_CONFIDENCE": "1",
        "LEDGER_FORECAST_TRIAL_CONFIDENCE": "0.5",
        "LEDGER_FORECAST_EARLIER_DAYS": "0",
        "LEDGER_FORECAST_RUNWAY_DAYS": "2",
        "LEDGER_FORECAST_TRIAL_RUNWAY_DAYS": "1",
    }
    assert sorted(env) == NAMES  # every setting the module names, and no other
    assert AlertSettings.from_env(env) == AlertSettings(7, 3, 2, 1.0, 0.5, 0, 2.0, 1.0)
    assert AlertSettings.from_env({}) == AlertSettings()
    assert AlertSettings.from_env({"LEDGER_FORECAST_MIN_DAYS": " 5 "}).min_days == 5


@pytest.mark.parametrize(
    ("name", "bad", "said"),
    [
        ("LEDGER_FORECAST_WINDOW_DAYS", "0", "from 1 to 31, got '0'"),
        ("LEDGER_FORECAST_WINDOW_DAYS", "32", "from 1 to 31"),
        ("LEDGER_FORECAST_MIN_DAYS", "1.5", "whole number of days from 1 to 31, got '1.5'"),
        ("LEDGER_FORECAST_TRIAL_MIN_DAYS", "three", "whole number of days"),
        ("LEDGER_FORECAST_CONFIDENCE", "-1", "from 0 to 5, got '-1'"),
        ("LEDGER_FORECAST_CONFIDENCE", "nan", "from 0 to 5, got 'nan'"),
        ("LEDGER_FORECAST_TRIAL_CONFIDENCE", "5.5", "from 0 to 5"),
        ("LEDGER_FORECAST_RUNWAY_DAYS", "eight", "number of days from 0 to 7, got 'eight'"),
        ("LEDGER_FORECAST_RUNWAY_DAYS", "inf", "from 0 to 7"),
        ("LEDGER_FORECAST_TRIAL_RUNWAY_DAYS", "-0.5", "from 0 to 7"),
        ("LEDGER_FORECAST_EARLIER_DAYS", "32", "from 0 to 31, got '32'"),
        ("LEDGER_FORECAST_EARLIER_DAYS", " ", "whole number of days"),
    ],
)
def test_a_bad_value_is_refused_naming_the_setting(name: str, bad: str, said: str) -> None:
    with pytest.raises(ValueError, match=f"^{name}: .*{re.escape(said)}"):
        AlertSettings.from_env({name: bad})


def test_every_setting_is_read_by_the_rule() -> None:
    source = "".join(
        (ROOT / "projections" / name).read_text() for name in ("policy.py", "forecast.py")
    )
    for field in fields(AlertSettings):
        assert f"settings.{field.name}" in source, field.name


@pytest.mark.parametrize("doc", ["docs/PROJECTIONS.md", "docs/ALERTS.md"])
def test_every_setting_is_documented_and_no_other(doc: str) -> None:
    text = (ROOT / doc).read_text()
    assert set(re.findall(r"LEDGER_FORECAST_[A-Z_]+", text)) == set(NAMES)
