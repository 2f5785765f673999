"""The common currency of both Terraform front-ends (HCL and plan JSON): one resource instance
with its evaluated attributes, before it is mapped to the normalized model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class RawResource:
    type: str
    name: str
    address: str  # full address, module path and index included
    attrs: dict[str, Any]  # values; UnknownValue where unknown; nested blocks as lists of dicts
    module: str | None = None  # "module.a.module.b"; None at the root
    file: str | None = None
    line: int | None = None
    region: Any = None  # str, UnknownValue or None (no provider region in the code)
    account: str | None = None
    mode: str = "managed"  # or "data"
    index: Any = None
    config_refs: dict[str, list[str]] = field(default_factory=dict)  # plan: attr -> references

    @property
    def label(self) -> str:
        return self.address
