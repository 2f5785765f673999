"""The normalized resource model every source (live AWS, Terraform, CloudFormation) produces.

Rule: an attribute that could not be read is ``None`` (unknown), never ``False``; the reason
goes into ``Resource.unknown[attribute]``. Checks turn unknown into UNKNOWN, not PASS.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

SourceKind = Literal["aws", "terraform", "terraform-plan", "cloudformation"]

RESOURCE_TYPES: dict[str, type[Resource]] = {}


class Provenance(BaseModel):
    """Where a resource came from: account/region/ARN for live, file/line for IaC."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    source: SourceKind = "aws"
    account: str | None = None
    region: str | None = None
    file: str | None = None
    line: int | None = None
    module: str | None = None


class Resource(BaseModel):
    """Base of every normalized resource type. Subclasses set ``TYPE`` and ``SERVICE``."""

    model_config = ConfigDict(defer_build=True, extra="forbid", arbitrary_types_allowed=True)

    TYPE: ClassVar[str] = ""
    SERVICE: ClassVar[str] = ""
    NOUN: ClassVar[str] = ""  # how a report names one of these ("region" for regional settings)

    id: str
    name: str | None = None
    arn: str | None = None
    region: str = "global"
    account: str | None = None
    tags: dict[str, str] | None = None
    provenance: Provenance = Field(default_factory=Provenance)
    unknown: dict[str, str] = Field(default_factory=dict)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.TYPE:
            if cls.TYPE in RESOURCE_TYPES and RESOURCE_TYPES[cls.TYPE] is not cls:
                raise TypeError(f"resource type {cls.TYPE} defined twice")
            RESOURCE_TYPES[cls.TYPE] = cls

    @property
    def label(self) -> str:
        """How a human recognises the resource in a report."""
        return self.name or self.id

    def mark_unknown(self, reason: str, *attributes: str) -> None:
        for attr in attributes:
            setattr(self, attr, None)
            self.unknown[attr] = reason

    def why_unknown(self, attribute: str) -> str:
        root = attribute.split(".")[0]
        return self.unknown.get(attribute) or self.unknown.get(root) or f"{attribute} is not known"

    def get_path(self, path: str) -> Any:
        """Read a dotted attribute path; None if any step is missing."""
        value: Any = self
        for part in path.split("."):
            if value is None:
                return None
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        return value


R = TypeVar("R", bound=Resource)
T = TypeVar("T")


def _lookup_index(items: list[R]) -> dict[str, R]:
    index: dict[str, R] = {}
    for res in items:
        for key in (res.id, res.name, res.arn):
            if key is not None:
                index.setdefault(key, res)
    return index


@dataclass(frozen=True)
class CollectionError:
    """A listing that failed: every check on these resource types in this region is UNKNOWN."""

    resource_types: tuple[str, ...]
    region: str
    action: str
    reason: str


@dataclass
class Inventory:
    """All resources from one scan source, indexed by type, plus what could not be read."""

    source: SourceKind = "aws"
    account: str | None = None
    regions: list[str] = field(default_factory=list)
    errors: list[CollectionError] = field(default_factory=list)
    _by_type: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _derived: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def add(self, resource: Resource) -> None:
        if resource.account is None:
            resource.account = self.account
        if resource.provenance.region is None and resource.region != "global":
            resource.provenance.region = resource.region
        if resource.provenance.account is None:
            resource.provenance.account = resource.account
        with self._lock:
            self._by_type[resource.TYPE].append(resource)
            self._derived.clear()

    def add_error(
        self, types: tuple[str, ...] | str, region: str, action: str, reason: str
    ) -> None:
        if isinstance(types, str):
            types = (types,)
        with self._lock:
            self.errors.append(CollectionError(types, region, action, reason))

    def of(self, cls: type[R]) -> list[R]:
        return self._by_type.get(cls.TYPE, [])  # type: ignore[return-value]

    def of_type(self, type_id: str) -> list[Resource]:
        return self._by_type.get(type_id, [])

    def derive(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` computed once per inventory state (adding a resource forgets it).

        For indexes and joins that checks would otherwise recompute for every resource,
        turning a scan quadratic in the number of resources.
        """
        try:
            return self._derived[key]
        except KeyError:
            value = build()
            self._derived[key] = value
            return value

    def find(self, cls: type[R], key: str) -> R | None:
        """A resource of ``cls`` whose id, name or ARN equals ``key`` (first added wins)."""
        index = self.derive(("find", cls.TYPE), lambda: _lookup_index(self.of(cls)))
        return index.get(key)

    def types(self) -> list[str]:
        return sorted(t for t, items in self._by_type.items() if items)

    def __iter__(self) -> Iterator[Resource]:
        for items in self._by_type.values():
            yield from items

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_type.values())

    def errors_for(self, type_id: str) -> list[CollectionError]:
        return [e for e in self.errors if type_id in e.resource_types]

    def counts_by_service(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for type_id, items in self._by_type.items():
            if items:
                counts[RESOURCE_TYPES[type_id].SERVICE] += len(items)
        return dict(sorted(counts.items()))
