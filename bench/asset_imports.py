"""Cold-start import of each handler from the Lambda assets: source only vs precompiled.

    python -m bench.asset_imports

Builds the code folder and the dependency layer as the stack does, for the
Lambda runtime's Python on this machine's CPU, once without bytecode and once
with it, and imports each handler in a fresh `python -I -S -B` (no site, no
bytecode written: Lambda's files are read-only) with only the two folders on
sys.path. Reports the import's CPU time, the median of a few runs. Needs an
interpreter of that Python version (stacks.packaging.bytecode_compiler).
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import tempfile

from bench.imports import HANDLERS, LAMBDA_ENV, probe_ms
from stacks import packaging

ROUNDS = 5
_PROBE = (
    "import sys, time; sys.path[:0] = {paths!r}; t = time.process_time(); "
    "import {module}; print(time.process_time() - t)"
)


def import_cpu_ms(python: str, paths: list[str], module: str) -> float:
    code = _PROBE.format(paths=paths, module=module)
    env = {**LAMBDA_ENV, "PATH": "/usr/bin:/bin"}
    with tempfile.TemporaryDirectory() as cwd:
        return probe_ms([python, "-I", "-S", "-B", "-c", code], cwd=cwd, env=env)


def main() -> None:
    target = packaging.Target(packaging.LAMBDA.python, f"manylinux2014_{platform.machine()}")
    python = packaging.bytecode_compiler(target)
    if python is None:
        sys.exit(f"no Python {target.python} here to import with")
    results: dict[str, dict[str, float]] = {}
    for variant, bytecode in (("source only", False), ("precompiled", True)):
        code = packaging.build_code(target, bytecode=bytecode).path
        layer = packaging.build_layer(target, bytecode=bytecode).path / "python"
        paths = [str(code), str(layer)]
        for module in HANDLERS:
            import_cpu_ms(python, paths, module)  # the file cache, not the bytecode
            runs = [import_cpu_ms(python, paths, module) for _ in range(ROUNDS)]
            results.setdefault(module, {})[variant] = statistics.median(runs)
    print(json.dumps({"python": target.python, "cpu_ms": results}, indent=2))


if __name__ == "__main__":
    main()
