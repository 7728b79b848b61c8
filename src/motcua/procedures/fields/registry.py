"""The one field-type registry instance; field-type modules register themselves in it."""

from __future__ import annotations

from motcua.core.registry import Registry

from .base import FieldType

field_types: Registry[FieldType] = Registry("field_types")
