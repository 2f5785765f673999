"""Normalized resource types, one module per service. ``load_all`` imports them all."""

from __future__ import annotations

import importlib
import pkgutil

from demarcate.resources.base import RESOURCE_TYPES, Inventory, Provenance, Resource

__all__ = ["RESOURCE_TYPES", "Inventory", "Provenance", "Resource", "load_all"]


def load_all() -> dict[str, type[Resource]]:
    for mod in pkgutil.iter_modules(__path__):
        if mod.name != "base":
            importlib.import_module(f"{__name__}.{mod.name}")
    return RESOURCE_TYPES
