"""Builds the Lambda code and its dependency layer with pip, without Docker.

Dependencies are installed from requirements-lambda.lock (every runtime
requirement pinned, with hashes: stacks/lockfile.py) as binary wheels for the
Lambda platform into a layer folder; the layer's key is a hash of the lock and
the target, so a new resolution is a new layer. Both folders are cached under
build/lambda/, keyed by a hash of what goes in, so a second synth (or a second
test worker) reuses them.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from stacks import lockfile
from stacks.lockfile import LOCK
from stacks.settings import LAMBDA_PLATFORM, LAMBDA_PYTHON, RUNTIME_PACKAGES

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "lambda"
_SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


@dataclass(frozen=True)
class Target:
    python: str  # "3.13"
    platform: str  # a pip --platform tag


LAMBDA = Target(LAMBDA_PYTHON, LAMBDA_PLATFORM)


def host_target() -> Target:
    """This machine's interpreter, to import the same layer in tests."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return Target(version, f"manylinux2014_{platform.machine()}")


@dataclass(frozen=True)
class Built:
    path: Path
    key: str  # a content hash, used as the CDK asset hash


def build_layer(target: Target = LAMBDA, cache: Path = CACHE, lock: Path = LOCK) -> Built:
    """A layer folder (python/...) with the locked requirements for target.

    Raises lockfile.StaleLock when the lock no longer matches pyproject.toml."""
    lockfile.check(lock)
    key = layer_key(lock, target)
    folder = cache / f"layer-py{target.python.replace('.', '')}-{target.platform}-{key}"
    with _locked(cache):
        if not folder.exists():
            _publish(folder, lambda scratch: _pip_install(lock, target, scratch / "python"))
    return Built(folder, key)


def layer_key(lock: Path, target: Target) -> str:
    """The layer's asset hash: the lock's bytes (hashes included) and the target."""
    return _digest(
        json.dumps([_digest(lock.read_bytes()), target.python, target.platform]).encode()
    )


def build_code(cache: Path = CACHE) -> Built:
    """A folder with the project's runtime packages, and nothing else."""
    key = _digest(b"".join(_fingerprint(package) for package in _packages()))
    folder = cache / f"code-{key}"
    with _locked(cache):
        if not folder.exists():
            for old in cache.glob("code-*"):
                shutil.rmtree(old)
            _publish(folder, _copy_packages)
    return Built(folder, key)


def _copy_packages(into: Path) -> None:
    for package in _packages():
        shutil.copytree(package, into / package.name, ignore=_SKIPPED)


def _packages() -> list[Path]:
    return [ROOT / name for name in RUNTIME_PACKAGES if (ROOT / name).is_dir()]


def _publish(folder: Path, fill: Callable[[Path], None]) -> None:
    """Fills a scratch folder, then renames it into place: a folder is whole or absent."""
    scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".building-"))
    try:
        fill(scratch)
        scratch.rename(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _pip_install(lock: Path, target: Target, into: Path) -> None:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command += ["--no-compile", "--target", str(into), "--implementation", "cp"]
    command += ["--platform", target.platform, "--python-version", target.python]
    # The lock names every package: nothing is resolved here, every wheel is checked.
    command += ["--only-binary=:all:", "--require-hashes", "--no-deps", "-r", str(lock)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pip could not build the Lambda layer:\n{done.stderr}")
    shutil.rmtree(into / "bin", ignore_errors=True)  # console scripts are of no use in Lambda


def _fingerprint(package: Path) -> bytes:
    parts = []
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(ROOT)
        hidden = any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
        if path.is_file() and not hidden and path.suffix != ".pyc":
            parts.append(str(relative).encode() + b"\0" + path.read_bytes())
    return hashlib.sha256(b"\0".join(parts)).digest()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


@contextmanager
def _locked(cache: Path) -> Iterator[None]:
    """One builder at a time (test workers and synths may race)."""
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
