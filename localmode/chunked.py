"""Reading a chunked request body (RFC 9112, section 7.1), as curl and streaming clients send it."""

from __future__ import annotations

import re
from io import BufferedIOBase

MAX_LINE = 1024  # a chunk-size line or a trailer
MAX_TRAILERS = 32
_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}")


class TooLarge(Exception):
    """The chunks add up to more than the limit."""


def read_chunked(stream: BufferedIOBase, limit: int, drain: int = 0) -> bytes:
    """The chunks joined; extensions and trailers are passed over.

    Past the limit, up to `drain` more bytes are read and dropped before
    TooLarge is raised, so a client still sending sees the answer rather than
    a reset connection. Raises ValueError on anything malformed; either way the
    connection is out of step and must be closed.
    """
    body = bytearray()
    seen = 0
    while size := _size(_line(stream)):
        seen += size
        if seen > limit + drain:
            raise TooLarge
        data = stream.read(size)
        if len(data) < size or _line(stream):
            raise ValueError("a chunk is shorter than its size")
        if seen <= limit:
            body += data
    for _ in range(MAX_TRAILERS):
        if not _line(stream):
            if seen > limit:
                raise TooLarge
            return bytes(body)
    raise ValueError("too many trailers")


def _size(line: bytes) -> int:
    text = line.split(b";", 1)[0].strip()
    if not _SIZE.fullmatch(text):
        raise ValueError("a chunk size is not a hexadecimal number")
    return int(text, 16)


def _line(stream: BufferedIOBase) -> bytes:
    line = stream.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE or not line.endswith(b"\n"):
        raise ValueError("a chunk line is too long or cut short")
    return line.rstrip(b"\r\n")
