"""Shared machinery of the Terraform → normalized resource mapping.

One mapping serves both front-ends (HCL and plan JSON): it reads :class:`RawResource`
attribute dicts, folds the resources provider v4+ splits out (``aws_s3_bucket_versioning`` …)
into the resource they configure, and fills the normalized types with the values the AWS
provider would leave in place when an argument is absent (each default documented where it
is applied). Unknown values end as ``None`` plus ``Resource.unknown[field]``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from demarcate.resources.base import Inventory, Provenance, Resource
from demarcate.sources.terraform.derive import REGION_PLACEHOLDER, derive
from demarcate.sources.terraform.raw import RawResource
from demarcate.sources.terraform.values import ACCOUNT_PLACEHOLDER, UnknownValue, first_unknown

R = TypeVar("R", bound=Resource)
IDENTITY_KEYS = (
    "id",
    "arn",
    "name",
    "bucket",
    "function_name",
    "identifier",
    "cluster_identifier",
    "family",
    "key_id",
    "alarm_name",
    "zone_id",
    "db_snapshot_identifier",
    "db_cluster_snapshot_identifier",
    "qualified_arn",
    "arn_without_revision",
)


class Missing:
    pass


MISSING = Missing()


# ---- reading attribute values ---------------------------------------------------------------


def get(attrs: dict[str, Any] | UnknownValue, key: str, default: Any = None) -> Any:
    """The value of ``key``; ``default`` when absent or null (the provider's default)."""
    if isinstance(attrs, UnknownValue):
        return attrs
    value = attrs.get(key)
    return default if value is None else value


def blocks(attrs: dict[str, Any] | UnknownValue, key: str) -> list[dict[str, Any]] | UnknownValue:
    """Nested blocks as a list of dicts ([] when absent)."""
    if isinstance(attrs, UnknownValue):
        return attrs
    value = attrs.get(key)
    if value is None:
        return []
    if isinstance(value, UnknownValue):
        return value
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, UnknownValue):
                return item
            if isinstance(item, dict):
                out.append(item)
        return out
    return UnknownValue(f"{key} is not a block")


def block(attrs: dict[str, Any] | UnknownValue, key: str) -> dict[str, Any] | UnknownValue:
    found = blocks(attrs, key)
    if isinstance(found, UnknownValue):
        return found
    return found[0] if found else {}


def as_bool(value: Any, default: bool | None = None) -> Any:
    if isinstance(value, UnknownValue):
        return value
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, (int, float)):
        return bool(value)
    return UnknownValue(f"{value!r} is not a bool")


def as_int(value: Any, default: int | None = None) -> Any:
    if isinstance(value, UnknownValue):
        return value
    if value is None:
        return default
    if isinstance(value, bool):
        return UnknownValue(f"{value!r} is not a number")
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return UnknownValue(f"{value!r} is not a number")


def as_str(value: Any, default: str | None = None) -> Any:
    if isinstance(value, UnknownValue):
        return value
    if value is None:
        return default
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, str):
        return value
    return UnknownValue(f"{type(value).__name__} where a string was expected")


def as_list(value: Any, default: list[Any] | None = None) -> Any:
    if isinstance(value, UnknownValue):
        return value
    if value is None:
        return [] if default is None else default
    if isinstance(value, (list, tuple)):
        unknown = first_unknown(list(value))
        return unknown if unknown is not None else list(value)
    return [value]


def as_strs(value: Any) -> Any:
    items = as_list(value)
    if isinstance(items, UnknownValue):
        return items
    out = []
    for item in items:
        text = as_str(item)
        if isinstance(text, UnknownValue):
            return text
        out.append(text)
    return out


def as_policy(value: Any) -> Any:
    """A policy document (JSON text or object) as a dict; {} when absent."""
    if isinstance(value, UnknownValue):
        return value
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        unknown = first_unknown(value)
        return unknown if unknown is not None else value
    if isinstance(value, str):
        try:
            doc = json.loads(value)
        except ValueError:
            return UnknownValue("the policy is not valid JSON")
        return doc if isinstance(doc, dict) else UnknownValue("the policy is not a JSON object")
    return UnknownValue("the policy is not a document")


def tags_of(attrs: dict[str, Any]) -> dict[str, str] | None:
    tags = attrs.get("tags")
    if not isinstance(tags, dict):
        return None
    return {str(k): str(v) for k, v in tags.items() if isinstance(v, (str, int, float, bool))}


def known(value: Any) -> bool:
    return not isinstance(value, UnknownValue) and first_unknown(value) is None


def is_token(value: Any) -> bool:
    """A placeholder-bearing identity (an ARN with <account-id>, an address …)."""
    return isinstance(value, str) and (ACCOUNT_PLACEHOLDER in value or REGION_PLACEHOLDER in value)


# ---- the builder ----------------------------------------------------------------------------


class Builder:
    """Indexes raw resources, resolves references between them, creates normalized ones."""

    def __init__(self, raws: list[RawResource], source: str, account: str | None) -> None:
        self.raws = [r for r in raws if r.mode == "managed"]
        self.source = source
        self.account = account
        self.by_type: dict[str, list[RawResource]] = defaultdict(list)
        self.identity: dict[int, dict[str, Any]] = {}
        self._keys: dict[str, list[RawResource]] = defaultdict(list)
        for raw in self.raws:
            self.by_type[raw.type].append(raw)
            ident = derive(raw.type, raw.attrs, raw.address, raw.region, raw.account)
            self.identity[id(raw)] = ident
            keys = {raw.address}
            for key in IDENTITY_KEYS:
                value = ident.get(key)
                if isinstance(value, str) and value:
                    keys.add(value)
            for key in keys:
                self._keys[key].append(raw)
        self.resources: list[Resource] = []
        self.regions: set[str] = set()
        self.by_address: dict[str, Resource] = {}  # raw address -> its primary resource

    # -- lookup ---------------------------------------------------------------------------
    def of(self, *types: str) -> list[RawResource]:
        out: list[RawResource] = []
        for t in types:
            out.extend(self.by_type.get(t, []))
        return out

    def ident(self, raw: RawResource, key: str) -> Any:
        return self.identity[id(raw)].get(key)

    def find(self, value: Any, *types: str) -> RawResource | None:
        """The resource of ``types`` that ``value`` (an id, name, ARN or address) points at."""
        if not isinstance(value, str) or not value:
            return None
        for candidate in (value, value.rsplit(":", 1)[0] if value.count(":") >= 7 else value):
            for raw in self._keys.get(candidate, []):
                if not types or raw.type in types:
                    return raw
        return None

    def attached(
        self, child_types: Iterable[str], key: str, parent_types: Iterable[str]
    ) -> tuple[dict[str, list[RawResource]], list[tuple[RawResource, str]]]:
        """Children grouped by the parent they name through ``key``, and the children whose
        parent cannot be told (with the reason)."""
        parents = tuple(parent_types)
        grouped: dict[str, list[RawResource]] = defaultdict(list)
        lost: list[tuple[RawResource, str]] = []
        for child in self.of(*child_types):
            value = child.attrs.get(key)
            if isinstance(value, UnknownValue):
                lost.append((child, f"{child.address}.{key} is not known: {value.reason}"))
                continue
            target = self.find(value, *parents)
            if target is not None:
                grouped[target.address].append(child)
        return grouped, lost

    # -- creation -------------------------------------------------------------------------
    def natural_id(self, raw: RawResource, *keys: str) -> str:
        for key in keys:
            value = raw.attrs.get(key)
            if isinstance(value, str) and value:
                return value
        return raw.address

    def known_arn(self, raw: RawResource) -> str | None:
        arn = self.ident(raw, "arn")
        if not isinstance(arn, str) or is_token(arn) or raw.address in arn:
            return None
        return arn

    def new(
        self,
        cls: type[R],
        raw: RawResource,
        rid: str,
        *,
        name: Any = None,
        arn: str | None = None,
        regional: bool = True,
        primary: bool = True,
        **fields: Any,
    ) -> R:
        res = cls(
            id=rid,
            name=name if isinstance(name, str) else None,
            arn=arn,
            account=raw.account or self.account,
            tags=tags_of(raw.attrs),
            provenance=Provenance(
                source=self.source,  # type: ignore[arg-type]
                file=raw.file,
                line=raw.line,
                module=raw.module,
            ),
        )
        if isinstance(name, UnknownValue):
            res.unknown["name"] = name.reason
        if regional:
            self.set_region(res, raw.region)
        for key, value in fields.items():
            put(res, key, value)
        self.resources.append(res)
        if primary:
            self.by_address.setdefault(raw.address, res)
        return res

    def key_of(self, value: Any, *types: str) -> Any:
        """A reference rewritten to the key the normalized resource answers to in
        ``Inventory.find`` (its ARN when known, else its id); other values unchanged."""
        raw = self.find(value, *types)
        if raw is None:
            return value
        res = self.by_address.get(raw.address)
        if res is None:
            return value
        return res.arn or res.id

    def set_region(self, res: Resource, region: Any) -> None:
        if isinstance(region, str) and region:
            res.region = region
            self.regions.add(region)
        elif isinstance(region, UnknownValue):
            res.unknown["region"] = region.reason
        else:
            res.unknown["region"] = "no AWS provider region is set in the code"

    def inventory(self, kind: str) -> Inventory:
        inv = Inventory(source=kind, account=self.account)  # type: ignore[arg-type]
        inv.regions = sorted(self.regions)
        for res in self.resources:
            inv.add(res)
        return inv


def put(res: Resource, field: str, value: Any) -> None:
    """Set a field; unknown values become None with the reason recorded."""
    if isinstance(value, UnknownValue):
        setattr(res, field, None)
        res.unknown[field] = value.reason
        return
    unknown = first_unknown(value)
    if unknown is not None:
        setattr(res, field, None)
        res.unknown[field] = unknown.reason
        return
    setattr(res, field, value)


def unknown_unless(res: Resource, field: str, reason: str) -> None:
    """Mark ``field`` unknown (a child resource may set it, but which one is not known)."""
    res.unknown[field] = reason
    setattr(res, field, None)


Mapper = Callable[[Builder], None]
MAPPERS: list[tuple[int, Mapper]] = []


def mapper(order: int = 50) -> Callable[[Mapper], Mapper]:
    def wrap(fn: Mapper) -> Mapper:
        MAPPERS.append((order, fn))
        return fn

    return wrap
