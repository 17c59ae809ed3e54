"""Reading a chunked request body (RFC 9112, section 7.1), as curl and streaming clients send it."""

from __future__ import annotations

import re
from io import BufferedIOBase

MAX_LINE = 1024  # a chunk-size line or a trailer
MAX_TRAILERS = 32
_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}")


class TooLarge(Exception):
    """The chunks add up to more than the limit (the rest is left unread)."""


def read_chunked(stream: BufferedIOBase, limit: int) -> bytes:
    """The chunks joined; extensions and trailers are passed over.

    Raises TooLarge past the limit and ValueError on anything malformed; either
    way the connection is out of step and must be closed.
    """
    body = bytearray()
    while size := _size(_line(stream)):
        if len(body) + size > limit:
            raise TooLarge
        data = stream.read(size)
        if len(data) < size or _line(stream):
            raise ValueError("a chunk is shorter than its size")
        body += data
    for _ in range(MAX_TRAILERS):
        if not _line(stream):
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
