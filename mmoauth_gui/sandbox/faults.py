"""Injected network faults for soak tests: a share of API requests meets a reset, a lost answer, a 503, a
garbage body or a trickled one. Off unless asked for (``sandbox --faults RATE``); never in the demo."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from enum import StrEnum


class Fault(StrEnum):
    RESET = "reset"  # the connection is cut before the request is handled
    LOST_ANSWER = "lost_answer"  # handled (a create is stored), then the connection is cut before the answer
    UNAVAILABLE = "unavailable"  # 503 with a proxy's HTML page, not handled
    GARBAGE = "garbage"  # handled, then a 200 whose body is not JSON
    TRICKLE = "trickle"  # handled, then the answer sent a few bytes at a time


@dataclass
class Faults:
    """Which fault, if any, the next API request meets. Thread-safe; ``rate`` 0 turns it off."""

    rate: float = 0.0
    seed: int | None = None
    kinds: tuple[Fault, ...] = tuple(Fault)
    trickle_delay: float = 0.05
    counts: dict[Fault, int] = field(default_factory=dict)
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("the fault rate is a share between 0 and 1")
        self._rng = random.Random(self.seed)

    def draw(self) -> Fault | None:
        if self.rate <= 0:
            return None
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            fault = self._rng.choice(self.kinds)
            self.counts[fault] = self.counts.get(fault, 0) + 1
            return fault


UNAVAILABLE_PAGE = b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"
GARBAGE_BODY = b'{"id": "\x00\xff not json'
