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
import os
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
COMPILER_ENV = "LEDGER_LAMBDA_PYTHON"  # an interpreter of the Lambda runtime's version
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


class NoCompiler(Exception):
    """No interpreter of the target's Python version to precompile the assets with."""


def bytecode_compiler(target: Target) -> str | None:
    """An interpreter of the target's Python version: this one, $LEDGER_LAMBDA_PYTHON,
    pythonX.Y on PATH, one of pyenv's, or one uv knows (`uv python install X.Y`)."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == target.python:
        return sys.executable
    candidates = [os.environ.get(COMPILER_ENV), shutil.which(f"python{target.python}")]
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates += sorted(
        map(str, pyenv.glob(f"versions/{target.python}.*/bin/python{target.python}"))
    )
    uv = shutil.which("uv")
    if uv:
        found = subprocess.run(
            [uv, "python", "find", target.python], capture_output=True, text=True
        )
        candidates.append(found.stdout.strip() if found.returncode == 0 else None)
    for candidate in filter(None, candidates):
        version = subprocess.run(
            [candidate, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
            capture_output=True,
            text=True,
            check=False,
        )
        if version.returncode == 0 and version.stdout.strip() == target.python:
            return candidate
    return None


def _compiler(target: Target, bytecode: bool) -> str | None:
    if not bytecode:
        return None
    python = bytecode_compiler(target)
    if python is None:
        raise NoCompiler(
            f"the Lambda assets are precompiled for Python {target.python}, and no such "
            f"interpreter was found: put python{target.python} on PATH (`uv python install "
            f"{target.python}`), or set {COMPILER_ENV} to one"
        )
    return python


def _variant(target: Target, python: str | None) -> str:
    return f"pyc{target.python.replace('.', '')}" if python else "src"


def build_layer(
    target: Target = LAMBDA, cache: Path = CACHE, lock: Path = LOCK, bytecode: bool = True
) -> Built:
    """A layer folder (python/...) with the locked requirements for target, with
    their bytecode compiled for it unless bytecode=False.

    Raises lockfile.StaleLock when the lock no longer matches pyproject.toml, and
    NoCompiler when bytecode is wanted and no interpreter of that version is found."""
    lockfile.check(lock)
    python = _compiler(target, bytecode)
    key = layer_key(lock, target, _variant(target, python))
    folder = cache / f"layer-py{target.python.replace('.', '')}-{target.platform}-{key}"

    def fill(scratch: Path) -> None:
        _pip_install(lock, target, scratch / "python")
        if python:
            _compile(python, scratch / "python")

    with _locked(cache):
        if not folder.exists():
            _publish(folder, fill)
    return Built(folder, key)


def layer_key(lock: Path, target: Target, variant: str = "src") -> str:
    """The layer's asset hash: the lock's bytes (hashes included), the target and
    whether it carries bytecode."""
    parts = [_digest(lock.read_bytes()), target.python, target.platform, variant]
    return _digest(json.dumps(parts).encode())


def _compile(python: str, folder: Path) -> None:
    """Bytecode next to every module, checked by hash only when asked (unchecked-hash):
    Lambda's files are read-only and their times are not kept, so a timestamp check
    would only make the runtime compile again in memory on every cold start."""
    command = [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode"]
    command += ["unchecked-hash", str(folder)]
    # Modules that do not compile on this version (test data, Python 2 files) stay
    # source only, as they would have been; compileall still compiles the rest.
    subprocess.run(command, capture_output=True, text=True, check=False)


def build_code(target: Target = LAMBDA, cache: Path = CACHE, bytecode: bool = True) -> Built:
    """A folder with the project's runtime packages, and nothing else: their
    source and (unless bytecode=False) their bytecode for target's Python."""
    python = _compiler(target, bytecode)
    variant = _variant(target, python)
    sources = b"".join(_fingerprint(package) for package in _packages())
    key = _digest(sources + variant.encode())
    folder = cache / f"code-{variant}-{key}"

    def fill(scratch: Path) -> None:
        _copy_packages(scratch)
        if python:
            _compile(python, scratch)

    with _locked(cache):
        if not folder.exists():
            for old in cache.glob(f"code-{variant}-*"):
                shutil.rmtree(old)
            _publish(folder, fill)
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
