"""Ids shaped like Mattermost's ``NewId``: 26 lowercase letters and digits.

The server orders connection pages by id. Here the first 11 characters encode a strictly increasing
microsecond clock (in an alphabet whose ASCII order is its numeric order), so an id created later
always sorts after one created earlier, and the ``from_id`` cursor walks in creation order.
"""

from __future__ import annotations

import secrets
import string
import threading
import time
import unicodedata

ID_LENGTH = 26
_ORDERED = "0123456789abcdefghijklmnopqrstuv"  # base 32, ASCII-sorted
_CLOCK_DIGITS = 11
_RANDOM = string.ascii_lowercase + string.digits

_lock = threading.Lock()
_last = 0


def _next_tick() -> int:
    global _last
    with _lock:
        _last = max(_last + 1, time.time_ns() // 1000)
        return _last


def _encode(value: int, digits: int) -> str:
    out = []
    for _ in range(digits):
        value, rest = divmod(value, 32)
        out.append(_ORDERED[rest])
    return "".join(reversed(out))


def new_id() -> str:
    """A fresh 26-character id that sorts after every id made before it in this process."""
    tail = "".join(secrets.choice(_RANDOM) for _ in range(ID_LENGTH - _CLOCK_DIGITS))
    return _encode(_next_tick(), _CLOCK_DIGITS) + tail


def new_token() -> str:
    """A random 26-character token (session, access or command token): no ordering, all secret."""
    return "".join(secrets.choice(_RANDOM) for _ in range(ID_LENGTH))


def is_valid_id(value: str) -> bool:
    """Mattermost's ``IsValidId`` (``model/utils.go``): 26 bytes of UTF-8, each character a Unicode letter or number."""
    if len(value.encode("utf-8", "surrogatepass")) != ID_LENGTH:
        return False
    return all(unicodedata.category(ch)[0] in "LN" for ch in value)


def now_ms() -> int:
    return time.time_ns() // 1_000_000
