"""The Lambda code and layer, built as the stack builds them, run on their own.

What is checked where:
- the layer the stack deploys (Lambda's Python, arm64 wheels) is inspected: its
  compiled modules are all built for that Python and arm64;
- the same requirements, built the same way for this machine's Python and CPU,
  plus the same code folder, are imported and invoked in a clean interpreter
  (`python -I -S`, no checkout on sys.path) under moto, with the environment
  the synthesized template gives each function.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from stacks import packaging
from stacks.alerts import ALERT_TYPES, alert_pattern
from stacks.settings import RUNTIME_PACKAGES
from tests.infra.synth import ROOT, Synth
from tests.infra.template import Resources

pytestmark = pytest.mark.slow
PROBE = Path(__file__).with_name("lambda_probe.py")
HANDLERS = ["handlers.api.handler", "handlers.projector.handler", "handlers.notifier.handler"]


@pytest.fixture(scope="session")
def code() -> Path:
    """The code folder as the stack builds it, with bytecode for this machine's Python."""
    return packaging.build_code(packaging.host_target()).path


@pytest.fixture(scope="session")
def host_layer() -> Path:
    return packaging.build_layer(packaging.host_target()).path


def test_the_code_folder_holds_the_runtime_packages_only(code: Path) -> None:
    assert {path.name for path in code.iterdir()} <= set(RUNTIME_PACKAGES)
    assert {"ledger", "adapters"} <= {path.name for path in code.iterdir()}


def _bytecode_of(folder: Path, python: str) -> dict[Path, int]:
    """Each module's compiled file's flags (1: by hash, unchecked), if it has one."""
    tag = f"cpython-{python.replace('.', '')}"
    found = {}
    for source in folder.rglob("*.py"):
        compiled = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
        if compiled.exists():
            found[source] = int.from_bytes(compiled.read_bytes()[4:8], "little")
    return found


def test_the_deployed_code_and_layer_carry_bytecode_for_lambdas_python() -> None:
    """Every module precompiled for the runtime (no compiling at a cold start), and
    used without looking at the source's time (Lambda does not keep file times)."""
    code = packaging.build_code().path
    layer = packaging.build_layer().path / "python"
    ours = list(code.rglob("*.py"))
    compiled = _bytecode_of(code, packaging.LAMBDA.python)
    assert set(compiled) == set(ours)
    assert set(compiled.values()) == {1}
    for package in ("pydantic", "boto3", "botocore", "eventsourcing", "aws_lambda_powertools"):
        modules = list((layer / package).rglob("*.py"))
        assert len(_bytecode_of(layer / package, packaging.LAMBDA.python)) == len(modules), package


def test_the_deployed_layer_is_built_for_lambdas_python_on_arm() -> None:
    layer = packaging.build_layer().path / "python"
    compiled = list(layer.rglob("*.so"))
    assert any("pydantic_core" in str(path) for path in compiled)
    tag = f"cpython-{packaging.LAMBDA.python.replace('.', '')}-aarch64-linux-gnu"
    for path in compiled:
        assert "aarch64" in path.name, path
        assert "cpython-" not in path.name or tag in path.name, path
    assert not (layer / "bin").exists()


def _environment(synth: Synth, handler: str) -> dict[str, str]:
    """The function's variables from the template, each Ref named after its logical id."""
    variables = Resources(synth.template).function(handler)[1]["Properties"]["Environment"]
    env = {
        key: value if isinstance(value, str) else f"probe-{value['Ref']}"
        for key, value in variables["Variables"].items()
    }
    return {
        **env,
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
        "PROBE_ALERT_PATTERNS": json.dumps([alert_pattern(t) for t in ALERT_TYPES]),
    }


def _probe(mode: str, handler: str, code: Path, layer: Path, env: dict[str, str], tmp: Path) -> Any:
    result = tmp / f"{mode}.json"
    site = sysconfig.get_paths()["purelib"]
    command = [sys.executable, "-I", "-S", "-B", str(PROBE), mode, handler, str(code), str(layer)]
    done = subprocess.run(
        [*command, site, str(result)], cwd=tmp, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(result.read_text())


def _skip_unless_written(handler: str) -> None:
    module = ROOT / (handler.rsplit(".", 1)[0].replace(".", "/") + ".py")
    if not module.exists():
        pytest.skip(f"{module.relative_to(ROOT)} is not written yet")


@pytest.mark.parametrize("handler", HANDLERS)
def test_each_handler_imports_from_the_asset_alone(
    synth: Synth, handler: str, code: Path, host_layer: Path, tmp_path: Path
) -> None:
    _skip_unless_written(handler)
    env = _environment(synth, handler)
    origins = _probe("import", handler, code, host_layer, env, tmp_path)["origins"]
    outside = {
        name: where
        for name, where in origins.items()
        if where not in ("asset", "stdlib", "builtin")
    }
    assert outside == {}
    assert origins[handler.rsplit(".", 1)[0]] == "asset"
    assert origins["aws_lambda_powertools"] == "asset"


def test_the_api_answers_from_the_asset(
    synth: Synth, code: Path, host_layer: Path, tmp_path: Path
) -> None:
    handler = "handlers.api.handler"
    _skip_unless_written(handler)
    result = _probe("invoke", handler, code, host_layer, _environment(synth, handler), tmp_path)
    assert result["borrowed"] == {}
    statuses = [answer["status"] for answer in result["answers"]]
    assert statuses == [200, 200, 201, 200], result["answers"]
    assert result["answers"][-1]["body"]["used"] == 1


def test_the_projector_projects_and_alerts_from_the_asset(
    synth: Synth, code: Path, host_layer: Path, tmp_path: Path
) -> None:
    handler = "handlers.projector.handler"
    _skip_unless_written(handler)
    result = _probe("invoke", handler, code, host_layer, _environment(synth, handler), tmp_path)
    assert result["borrowed"] == {}
    assert result["records"] > 0
    assert result["answer"] == {"batchItemFailures": []}
    assert result["projection_items"] > 0
    assert "LimitReached" in result["alerts"]  # through the stack's own rule pattern


def test_the_notifier_takes_both_alert_types_from_the_asset(
    synth: Synth, code: Path, host_layer: Path, tmp_path: Path
) -> None:
    handler = "handlers.notifier.handler"
    _skip_unless_written(handler)
    result = _probe("invoke", handler, code, host_layer, _environment(synth, handler), tmp_path)
    assert result["borrowed"] == {}
    assert len(result["answers"]) == len(ALERT_TYPES)
    assert result["webhook_calls"] == len(ALERT_TYPES)  # to the URL read from SSM
