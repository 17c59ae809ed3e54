"""The Lambda layer's lock: current with pyproject.toml, pinned within range, hashed;
the layer's asset hash follows the lock. No network: the lock is only read."""

from __future__ import annotations

from pathlib import Path

import pytest

from stacks import lockfile
from stacks.lockfile import LOCK, StaleLock, check, pins, requirements


def test_the_committed_lock_is_current() -> None:
    check()  # fails with "run scripts/lock" when pyproject.toml's dependencies change


def test_the_lock_pins_every_requirement_and_what_they_need() -> None:
    pinned = pins(LOCK.read_text())
    for line in requirements():
        name = line.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip()
        assert name.replace("_", "-").lower() in pinned, line
    assert {"botocore", "pydantic-core", "typing-extensions"} <= set(pinned)


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    text = LOCK.read_text()
    assert old in text
    copy = tmp_path / "lock"
    copy.write_text(text.replace(old, new, 1))
    return copy


def test_a_lock_made_from_other_inputs_is_stale(tmp_path: Path) -> None:
    with pytest.raises(StaleLock, match="older than pyproject"):
        check(_copy(tmp_path, lockfile.inputs_digest(), "0" * 64))


def test_a_pin_outside_a_range_is_stale(tmp_path: Path) -> None:
    version = pins(LOCK.read_text())["eventsourcing"]
    with pytest.raises(StaleLock, match="does not satisfy"):
        check(_copy(tmp_path, f"eventsourcing=={version}", "eventsourcing==9.6.0"))


def test_a_pin_without_a_hash_is_refused(tmp_path: Path) -> None:
    text = LOCK.read_text()
    start = text.index("six==")
    end = text.index("\n", text.index("# via", start))
    copy = tmp_path / "lock"
    copy.write_text(text[:start] + "six==1.17.0\n" + text[end + 1 :])
    with pytest.raises(StaleLock, match="six"):
        check(copy)


def test_a_missing_lock_is_stale(tmp_path: Path) -> None:
    with pytest.raises(StaleLock, match="missing"):
        check(tmp_path / "nothing")


def test_the_layer_key_is_the_locks(tmp_path: Path) -> None:
    from stacks.packaging import LAMBDA, host_target, layer_key

    other = _copy(tmp_path, "boto3==", "boto3 ==")  # any change of the lock's bytes
    assert layer_key(LOCK, LAMBDA) != layer_key(other, LAMBDA)
    assert layer_key(LOCK, LAMBDA) != layer_key(LOCK, host_target())
    assert layer_key(LOCK, LAMBDA) == layer_key(LOCK, LAMBDA)
