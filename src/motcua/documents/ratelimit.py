"""A fixed-window request counter in the cache, for the public verification pages.

Counted per client address (REMOTE_ADDR: behind a reverse proxy, the proxy must pass the client's
address there) and per scope. The limits are deliberately aimed at what an abuser does (many
unknown codes, many uploads for one document), so people sharing one address are not blocked.
"""

from __future__ import annotations

from django.core.cache import cache


def allow(request, *, scope: str, limit: tuple[int, int]) -> bool:
    """Count one hit for (client address, scope); False once `limit` = (hits, seconds) is passed."""
    hits, window = limit
    key = f"documents:rate:{scope}:{request.META.get('REMOTE_ADDR', '')}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        return cache.incr(key) <= hits
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return True
