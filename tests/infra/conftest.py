"""The synthesized app, once per test run (see synth.py)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

MISSING = "the infra tests need the [cdk] extra: pip install -e '.[dev,cdk]' (scripts/test does)"

try:
    import aws_cdk  # noqa: F401  (the `cdk` extra)
except ImportError:
    if os.environ.get("CI"):  # in CI a missing extra is a broken set-up, not a skip
        raise RuntimeError(MISSING) from None
    collect_ignore_glob = ["test_*.py"]  # tests/conftest.py says so in the run's header
else:
    from tests.infra.synth import Synth, synthesize_once

    @pytest.fixture(scope="session")
    def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
        base = tmp_path_factory.getbasetemp()
        # Under xdist each worker has its own base; their parent is the run's.
        return synthesize_once(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)
