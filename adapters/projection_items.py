"""How projection JSON sits in DynamoDB items: as text when small, zlib when large.

An org's head (its view) and its current period carry the per-user counts of
the month, about 44 bytes a user with UUID ids; compressed, an item holds about
twice as many users before DynamoDB's 400 KB item limit. Reads take either form.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from adapters.dynamodb.items import COMPRESS_OVER, item_size
from projections.store import ProjectionTooLarge

MAX_ITEM_BYTES = 400 * 1024
# Room left in the head for pending alerts (about 600 bytes each) that the
# update keeps but the size check does not see.
HEAD_ROOM = 16 * 1024
ZIPPED = "_z"


def json_attributes(name: str, data: Any) -> dict[str, dict[str, Any]]:
    """`name` as JSON text, or `name_z` as zlib-compressed JSON when over 1 KB."""
    text = json.dumps(data, separators=(",", ":")).encode()
    if len(text) > COMPRESS_OVER:
        return {name + ZIPPED: {"B": zlib.compress(text)}}
    return {name: {"S": text.decode()}}


def read_json(item: dict[str, Any], name: str) -> Any:
    if name + ZIPPED in item:
        return json.loads(zlib.decompress(bytes(item[name + ZIPPED]["B"])))
    return json.loads(item[name]["S"])


def check_size(org_key: str, item: dict[str, Any], room: int = 0) -> None:
    """Raises ProjectionTooLarge, naming the org and the size, before DynamoDB refuses."""
    size = item_size(item)
    if size + room > MAX_ITEM_BYTES:
        raise ProjectionTooLarge(
            f"projection of org {org_key}: item {item['sk']['S']} would be {size} bytes "
            f"(limit {MAX_ITEM_BYTES - room}); too many users in one period"
        )
