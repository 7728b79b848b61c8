"""The OpenAPI document with each operation's OAuth2 scope (ninja lists no scopes itself)."""

from __future__ import annotations

from ninja.openapi.schema import OpenAPISchema


class ScopedOpenAPISchema(OpenAPISchema):
    def operation_security(self, operation):
        result = []
        for auth in operation.auth_callbacks:
            schema = getattr(auth, "openapi_security_schema", None)
            if schema is None:
                continue
            name = getattr(auth, "security_scheme_name", type(auth).__name__)
            scope = getattr(auth, "scope", None)
            result.append({name: [scope] if scope else []})
            self.securitySchemes[name] = schema
        return result or None
