"""The operators' builders: `BUILDERS[name](args, node, compiler) -> closure`, where `args` are
the compiled arguments (closures taking a context) and `node` the `Op` (for its extras).
Every closure returns a logic value or None and is written not to raise."""

from . import aggregates, dates, logic, numbers, places, text

BUILDERS = {
    **logic.BUILDERS, **places.BUILDERS, **numbers.BUILDERS, **aggregates.BUILDERS, **dates.BUILDERS, **text.BUILDERS,
}

__all__ = ["BUILDERS"]
