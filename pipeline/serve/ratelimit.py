"""Token buckets: how fast one client may call the server (``--rate-limit``, and ``--max-chars`` on ``/translate``).

A client is a name the caller's resolution gives (``auth.admit``): a key's or a session's with
its lane (``read`` for GET and HEAD, ``write`` for the rest, so a page polling its queue never
holds up its own edits), an address's for a client with neither, a login's per address. Each
bucket holds ``requests_per_minute`` requests and ``characters_per_minute`` characters and
fills again at that rate; a request that would take more than is left is refused whole, with
the seconds to wait.
"""

import math
import threading
import time
from dataclasses import dataclass

# Buckets kept before idle (full) ones are dropped: clients by address must not grow memory.
_MAX_BUCKETS = 10_000


class RateLimited(Exception):
    """A client went over its rate limit (answered 429).

    Attributes:
        retry_after: whole seconds until the request would be accepted.
    """

    def __init__(self, retry_after: int):
        super().__init__(f"too many requests; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass
class _Bucket:
    requests: float
    characters: float
    stamp: float


class RateLimiter:
    """Token buckets, one per client: requests a minute and characters a minute.

    Args:
        requests_per_minute: the bucket's size and refill per minute; 0 for no limit.
        characters_per_minute: the same for characters (``/translate``).
    """

    def __init__(self, requests_per_minute: int, characters_per_minute: int):
        self.requests_per_minute = requests_per_minute
        self.characters_per_minute = characters_per_minute
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, client: str, requests: int = 1, characters: int = 0) -> None:
        """Take ``requests`` and ``characters`` from ``client``'s bucket.

        Raises:
            RateLimited: the bucket has not enough left; nothing is taken then.
        """
        if self.requests_per_minute <= 0:
            return
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= _MAX_BUCKETS:
                    self._drop_idle(now)
                bucket = self._buckets[client] = _Bucket(self.requests_per_minute, self.characters_per_minute, now)
            self._refill(bucket, now)
            short = [(requests - bucket.requests) * 60 / self.requests_per_minute]
            if characters:
                short.append((characters - bucket.characters) * 60 / max(self.characters_per_minute, 1))
            wait = max(short)
            if wait > 0:
                raise RateLimited(max(1, math.ceil(wait)))
            bucket.requests -= requests
            bucket.characters -= characters

    def __len__(self) -> int:
        return len(self._buckets)

    def _refill(self, bucket: _Bucket, now: float) -> None:
        minutes = (now - bucket.stamp) / 60
        bucket.requests = min(self.requests_per_minute, bucket.requests + minutes * self.requests_per_minute)
        bucket.characters = min(self.characters_per_minute, bucket.characters + minutes * self.characters_per_minute)
        bucket.stamp = now

    def _drop_idle(self, now: float) -> None:
        # A full bucket is the same as none; if every bucket is in use, the oldest half goes.
        for client, bucket in list(self._buckets.items()):
            self._refill(bucket, now)
            if bucket.requests >= self.requests_per_minute and bucket.characters >= self.characters_per_minute:
                del self._buckets[client]
        if len(self._buckets) >= _MAX_BUCKETS:
            for client in sorted(self._buckets, key=lambda name: self._buckets[name].stamp)[: _MAX_BUCKETS // 2]:
                del self._buckets[client]
