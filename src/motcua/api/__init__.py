"""The HTTP API for agency systems (django-ninja, OpenAPI 3.1 at /api/v1/openapi.json).

This package assembles the API (v1.py) and owns what every endpoint shares: OAuth2 bearer
authentication with scopes (auth.py, scopes.py), the error body and handlers (errors.py) and the
per-client rate limit (throttling.py). No domain logic: routers live in each app's `api.py`.
"""
