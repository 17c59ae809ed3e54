"""What a deployment is configured with: cdk.json's context, checked before any
construct is made, so a missing or bad value is one clear synth error.

Kept in cdk.json (committed), not given with `-c` on one deploy: a value given
once and forgotten on the next deploy would undo what it set up (an alarm
subscription, say).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ALARM_EMAIL = "alarm_email"
WEBHOOK_PARAMETER = "alert_webhook_parameter"
RESERVED_CONCURRENCY = "reserved_concurrency"
TAGS = "tags"
BYTECODE = "lambda_bytecode"  # false: ship source only (every cold start compiles)
OLD_WEBHOOK_URL = "alert_webhook_url"  # no longer taken: it put the URL in the template

# Function name (as in the stack) -> concurrent executions set aside for it.
DEFAULT_CONCURRENCY = {"Api": 50, "Projector": 10, "Notifier": 5, "Digests": 1}


class BadSetting(ValueError):
    """A context value is missing or unusable; the message says what to put in cdk.json."""


@dataclass(frozen=True)
class DeployConfig:
    alarm_email: str
    webhook_parameter: str | None = None
    reserved_concurrency: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_CONCURRENCY))
    tags: dict[str, str] = field(default_factory=dict)
    bytecode: bool = True

    @classmethod
    def from_context(cls, get: Any) -> DeployConfig:
        """`get(name)` reads one context value (app.node.try_get_context)."""
        if get(OLD_WEBHOOK_URL):
            raise BadSetting(
                f"context {OLD_WEBHOOK_URL!r} is no longer taken (it put the URL in the template): "
                f"store the URL in an SSM SecureString parameter and set {WEBHOOK_PARAMETER!r} "
                "in cdk.json to its name"
            )
        email = get(ALARM_EMAIL)
        if not isinstance(email, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise BadSetting(
                f"set {ALARM_EMAIL!r} in cdk.json's context to the address alarms go to "
                f"(found {email!r}); every deploy needs it, so it lives in cdk.json"
            )
        parameter = get(WEBHOOK_PARAMETER) or None
        if parameter is not None and not re.fullmatch(r"/[A-Za-z0-9_.\-/]+", str(parameter)):
            raise BadSetting(f"{WEBHOOK_PARAMETER!r} must be an SSM parameter name starting '/'")
        concurrency = {**DEFAULT_CONCURRENCY, **(get(RESERVED_CONCURRENCY) or {})}
        for name, value in concurrency.items():
            if name not in DEFAULT_CONCURRENCY or not isinstance(value, int) or value < 1:
                raise BadSetting(
                    f"{RESERVED_CONCURRENCY!r}: {name}={value!r}; give a whole number of at "
                    f"least 1 for each of {sorted(DEFAULT_CONCURRENCY)}"
                )
        tags = get(TAGS) or {}
        if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
            raise BadSetting(f"{TAGS!r} must map tag names to strings")
        bytecode = get(BYTECODE)
        if bytecode not in (None, True, False):
            raise BadSetting(f"{BYTECODE!r} must be true or false")
        return cls(email, parameter, concurrency, dict(tags), bytecode is not False)
