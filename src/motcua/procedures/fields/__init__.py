"""Field-type registry: importing this package registers every field type.

`registry.field_types` holds one instance per type; `base.FieldType` is the contract.
"""

from . import choices, dates, files, identity, layout, location, numbers, special, text  # noqa: F401
from .base import CleanContext, FieldConfigError, FieldType, FieldValueError, OptionProblem  # noqa: F401
from .registry import field_types  # noqa: F401
