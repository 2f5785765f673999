"""Registry of live-AWS collectors. Each declares its scope, resource types and IAM actions.

A collector is a plain function ``fn(ctx, region, inventory)`` registered with
:func:`collector`. It adds resources to the inventory and records failed listings with
``inventory.add_error``. The least-privilege policy is generated from the declared actions.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from demarcate.resources.base import Inventory
from demarcate.sources.aws.session import AwsContext

Scope = Literal["global", "regional"]
CollectFn = Callable[[AwsContext, str, Inventory], None]


@dataclass(frozen=True)
class Collector:
    name: str
    service: str
    scope: Scope
    resource_types: tuple[str, ...]
    actions: tuple[str, ...]
    fn: CollectFn


COLLECTORS: dict[str, Collector] = {}


def collector(
    *,
    service: str,
    scope: Scope,
    resource_types: tuple[str, ...] | list[str],
    actions: tuple[str, ...] | list[str],
    name: str | None = None,
) -> Callable[[CollectFn], CollectFn]:
    """Register a collector. ``actions`` are IAM action names (``s3:GetEncryptionConfiguration``)."""

    def wrap(fn: CollectFn) -> CollectFn:
        key = name or f"{service}.{fn.__name__}"
        if key in COLLECTORS:
            raise ValueError(f"collector {key} registered twice")
        COLLECTORS[key] = Collector(
            key, service, scope, tuple(resource_types), tuple(sorted(set(actions))), fn
        )
        return fn

    return wrap


def load_collectors() -> dict[str, Collector]:
    """Import every module of ``sources.aws.collectors`` so their decorators run."""
    from demarcate.sources.aws import collectors as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{mod.name}")
    return COLLECTORS


def declared_actions() -> list[str]:
    actions: set[str] = {"sts:GetCallerIdentity", "ec2:DescribeRegions"}
    for col in load_collectors().values():
        actions.update(col.actions)
    return sorted(actions)
