"""The synthesized app, once per test run (see synth.py)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

try:
    import aws_cdk  # noqa: F401  (the `cdk` extra)
except ImportError:  # without the extra there is nothing to check here
    collect_ignore_glob = ["test_*.py"]
else:
    from tests.infra.synth import Synth, synthesize_once

    @pytest.fixture(scope="session")
    def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
        base = tmp_path_factory.getbasetemp()
        # Under xdist each worker has its own base; their parent is the run's.
        return synthesize_once(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)
