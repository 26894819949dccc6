"""Read an HTTP body with a cap on its decompressed size, so a small gzip bomb cannot fill memory.

gzip and deflate are inflated here in steps of at most ``cap + 1`` bytes (``zlib`` ``max_length``), so the
memory a hostile answer costs stays near the cap whatever its compression ratio; other encodings go
through httpx's own decoders, still counted chunk by chunk.
"""

from __future__ import annotations

import zlib

import httpx

READ_STEP = 64 * 1024


class BodyTooLarge(Exception):
    """The body, decompressed, is larger than ``cap`` bytes."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        super().__init__(f"the answer is larger than {describe_size(cap)}")


def describe_size(size: int) -> str:
    """``32 MB``, ``512 KB``, ``100 bytes``."""
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def _inflater(encoding: str) -> zlib._Decompress | None:
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header, as servers send both
    return None


async def read_capped(response: httpx.Response, cap: int) -> bytes:
    """The whole body of a streamed ``response``, decoded; ``BodyTooLarge`` past ``cap`` decoded bytes."""
    declared = response.headers.get("content-length", "").strip()
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if declared.isdigit() and int(declared) > cap and encoding in ("", "identity"):
        raise BodyTooLarge(cap)
    inflater = _inflater(encoding)
    out = bytearray()
    if inflater is None:
        async for chunk in response.aiter_bytes():
            out += chunk
            if len(out) > cap:
                raise BodyTooLarge(cap)
        return bytes(out)
    try:
        async for raw in response.aiter_raw(READ_STEP):
            data = raw
            while data:
                out += inflater.decompress(data, cap + 1 - len(out))
                if len(out) > cap:
                    raise BodyTooLarge(cap)
                data = inflater.unconsumed_tail
        out += inflater.flush()
    except zlib.error as exc:
        raise httpx.DecodingError(f"the {encoding} body could not be decompressed ({exc})") from None
    if len(out) > cap:
        raise BodyTooLarge(cap)
    return bytes(out)
