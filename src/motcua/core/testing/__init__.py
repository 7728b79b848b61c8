"""Test helpers shared by every app: browser checks (axe-core, console) used by the `browser` tests.

Imported by tests only; nothing in the running application imports this package.
"""
