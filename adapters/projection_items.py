"""How projection JSON sits in DynamoDB items: as text when small, zlib when large.

An org's head (its view) and its current period carry the per-user counts of
the month, about 44 bytes a user with UUID ids; compressed, an item holds about
twice as many users before DynamoDB's 400 KB item limit. Reads take either form.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.dynamodb.items import ZIPPED, item_size, packed, unpacked
from projections.store import ProjectionTooLarge

MAX_ITEM_BYTES = 400 * 1024
# Room left in the head for pending alerts (about 600 bytes each) that the
# update keeps but the size check does not see.
HEAD_ROOM = 16 * 1024


def json_attributes(name: str, data: Any) -> dict[str, dict[str, Any]]:
    """`name` as JSON text, or `name_z` as zlib-compressed JSON when over 1 KB."""
    return packed(name, json.dumps(data, separators=(",", ":")).encode(), plain="S")


def read_json(item: dict[str, Any], name: str) -> Any:
    return json.loads(unpacked(item, name))


def other_form(name: str) -> str:
    """The attribute of the form `name` is not: an update removes it."""
    return name.removesuffix(ZIPPED) if name.endswith(ZIPPED) else name + ZIPPED


def check_size(org_key: str, item: dict[str, Any], room: int = 0) -> None:
    """Raises ProjectionTooLarge, naming the org and the size, before DynamoDB refuses."""
    size = item_size(item)
    if size + room > MAX_ITEM_BYTES:
        raise ProjectionTooLarge(
            f"projection of org {org_key}: item {item['sk']['S']} would be {size} bytes "
            f"(limit {MAX_ITEM_BYTES - room}); too many users in one period"
        )
