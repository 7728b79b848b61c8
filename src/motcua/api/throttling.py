"""Per-client rate limit of the API: settings.API_RATE_LIMIT_PER_MINUTE requests in each minute
(fixed windows counted in Django's cache, so shared by every web process when the cache is
Redis). Over the limit: 429 with Retry-After, the seconds left in the window."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

WINDOW_SECONDS = 60


class ClientRateThrottle(BaseThrottle):
    def allow_request(self, request: HttpRequest) -> bool:
        principal = getattr(request, "auth", None)
        ident = f"client:{principal.client_id}" if principal is not None else f"address:{self.get_ident(request)}"
        window = int(time.time() // WINDOW_SECONDS)
        key = f"api:rate:{ident}:{window}"
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
        return count <= settings.API_RATE_LIMIT_PER_MINUTE

    def wait(self) -> float:
        return WINDOW_SECONDS - time.time() % WINDOW_SECONDS
