"""A typed registry of plugins: the shape of every extension point (STYLE.md §4).

A plugin class has a stable snake_case `id` (stored in the database, never renamed) and a
translated `label`. Registering instantiates it once; plugins hold no request state.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured


class Plugin:
    id: ClassVar[str]
    label: ClassVar[str]

    def check_config(self) -> list[str]:
        """Problems with this plugin's configuration, shown on the admin health page."""
        return []


P = TypeVar("P", bound=Plugin)


class UnknownPlugin(KeyError):
    pass


class Registry(Generic[P]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._plugins: dict[str, P] = {}

    def register(self, cls: type[P]) -> type[P]:
        plugin_id = getattr(cls, "id", None)
        if not plugin_id or not plugin_id.replace("_", "").isalnum() or plugin_id != plugin_id.lower():
            raise ImproperlyConfigured(f"{self.name}: plugin id must be snake_case, got {plugin_id!r}")
        if plugin_id in self._plugins:
            raise ImproperlyConfigured(f"{self.name}: duplicate id {plugin_id!r}")
        self._plugins[plugin_id] = cls()
        return cls

    def __getitem__(self, plugin_id: str) -> P:
        try:
            return self._plugins[plugin_id]
        except KeyError:
            raise UnknownPlugin(f"{self.name}: unknown plugin {plugin_id!r}") from None

    def __contains__(self, plugin_id: object) -> bool:
        return plugin_id in self._plugins

    def __iter__(self) -> Iterator[P]:
        return iter(self._plugins.values())

    def __len__(self) -> int:
        return len(self._plugins)

    def all(self) -> list[P]:
        return list(self._plugins.values())

    def choices(self) -> list[tuple[str, str]]:
        return [(p.id, p.label) for p in self._plugins.values()]
