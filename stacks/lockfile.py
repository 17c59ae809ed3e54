"""The Lambda layer's lock file: every runtime requirement pinned, with hashes.

`scripts/lock` resolves pyproject.toml's runtime dependencies for the Lambda
runtime (Python and platform from stacks/settings.py) with uv, and heads the
file with a digest of those inputs. The layer is installed from the lock alone
(`pip --require-hashes --no-deps`) and its asset hash is taken over the lock,
so a new resolution ships a new layer and one hash means one set of wheels.
`check()` tells, without the network, whether the lock still matches its
inputs; synth and the test command fail when it does not.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from stacks.settings import LAMBDA_PLATFORM, LAMBDA_PYTHON

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements-lambda.lock"
HEADER = "# inputs-sha256: "
UV_PLATFORM = {"manylinux2014_aarch64": "aarch64-manylinux2014"}  # pip tag -> uv's name
RELOCK = "run scripts/lock and commit requirements-lambda.lock"


class StaleLock(Exception):
    """The lock does not match pyproject.toml's requirements or the Lambda target."""


def requirements() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return list(tomllib.load(file)["project"]["dependencies"])


def inputs_digest() -> str:
    inputs = [sorted(requirements()), LAMBDA_PYTHON, LAMBDA_PLATFORM]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def pins(text: str) -> dict[str, str]:
    """name -> version of every `name==version` line (names normalised)."""
    found = re.findall(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)", text, flags=re.MULTILINE)
    return {_normal(name): version for name, version in found}


def check(lock: Path = LOCK) -> None:
    """Raises StaleLock unless the lock was made from today's inputs, pins each
    requirement within its range, and gives a hash for every pin."""
    from packaging.requirements import Requirement

    if not lock.is_file():
        raise StaleLock(f"{lock.name} is missing: {RELOCK}")
    text = lock.read_text()
    if f"{HEADER}{inputs_digest()}\n" not in text:
        raise StaleLock(f"{lock.name} is older than pyproject.toml's dependencies: {RELOCK}")
    pinned = pins(text)
    for line in requirements():
        wanted = Requirement(line)
        version = pinned.get(_normal(wanted.name))
        if version is None or not wanted.specifier.contains(version, prereleases=True):
            raise StaleLock(f"{lock.name} does not satisfy {line!r}: {RELOCK}")
    blocks = re.split(r"^(?=[A-Za-z0-9._-]+==)", text, flags=re.MULTILINE)[1:]
    for block in blocks:
        if "--hash=sha256:" not in block:
            raise StaleLock(f"{lock.name}: {block.split()[0]} has no hash: {RELOCK}")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main() -> None:
    """Resolves afresh (needs the network and uv) and writes the lock."""
    command = [sys.executable, "-m", "uv", "pip", "compile", "pyproject.toml", "--quiet"]
    command += ["--generate-hashes", "--only-binary", ":all:", "--no-header"]
    command += ["--python-version", LAMBDA_PYTHON]
    command += ["--python-platform", UV_PLATFORM[LAMBDA_PLATFORM]]
    resolved = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if resolved.returncode != 0:
        sys.exit(f"uv could not resolve the requirements:\n{resolved.stderr}")
    head = (
        "# The Lambda layer's requirements, pinned with hashes: made by scripts/lock\n"
        f"# from pyproject.toml for Python {LAMBDA_PYTHON} on {LAMBDA_PLATFORM}. Do not edit.\n"
        f"{HEADER}{inputs_digest()}\n"
    )
    LOCK.write_text(head + resolved.stdout)
    check()
    print(f"wrote {LOCK.relative_to(ROOT)} ({len(pins(resolved.stdout))} packages)")


if __name__ == "__main__":
    main()
