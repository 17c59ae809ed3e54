"""The request path, decoded once and checked segment by segment before routing.

API Gateway (REST) passes the path as the client percent-encoded it, and so does
`ledger serve`. Every fixed segment of a route is itself an id, so a path whose
segments decode to ids is all a route can match; anything else (a space, a '#',
an encoded '/', a trailing newline the route pattern's '$' would let through) is
refused with the id message before a route can see an altered id.
"""

from __future__ import annotations

from urllib.parse import unquote

from ledger.validation import check_id


def decoded_path(path: str) -> str:
    """The path with each segment decoded; raises InvalidInput for one that is not an id."""
    segments = [unquote(segment) for segment in path.split("/")]
    for index, segment in enumerate(segments):
        if segment:
            check_id(_field(segments, index), segment)
    return "/".join(segments)


def _field(segments: list[str], index: int) -> str:
    return "org_id" if index == 2 and segments[1] == "orgs" else "path segment"
