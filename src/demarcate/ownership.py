"""Where the line really falls: resolve configuration-dependent owners per resource.

A duty may carry ``owner_depends_on`` (see model/schema.py): a resource type and rules such as
"customer when auto_minor_version_upgrade is false". For every resource of that type in the
inventory the first rule that holds decides the owner; a rule that cannot be evaluated because
the attribute is unknown makes the owner unknown for that resource (never a guess).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from demarcate.model.schema import OWNER_WORDS, Duty, Model, Service
from demarcate.resources.base import RESOURCE_TYPES, Inventory, Resource

UNKNOWN_OWNER = "unknown"


@dataclass(frozen=True)
class Decision:
    owner: str
    because: str
    attribute: str | None
    value: Any


def decide(duty: Duty, resource: Resource) -> Decision:
    rule_set = duty.owner_depends_on
    if rule_set is None:
        return Decision(duty.owner, "fixed by the model", None, None)
    unknown: list[str] = []
    for rule in rule_set.rules:
        value = resource.get_path(rule.when.attribute)
        verdict = rule.when.evaluate(value)
        if verdict is True:
            return Decision(rule.owner, rule.because.strip(), rule.when.attribute, value)
        if verdict is None:
            unknown.append(f"{rule.when.describe()}? {resource.why_unknown(rule.when.attribute)}")
    if unknown:
        return Decision(UNKNOWN_OWNER, "; ".join(unknown), None, None)
    return Decision(duty.owner, "no condition moves the line", None, None)


@dataclass
class OwnerGroup:
    owner: str
    resources: list[str] = field(default_factory=list)
    because: str = ""
    attribute: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "count": len(self.resources),
            "resources": self.resources,
            "because": self.because,
            "decided_by": self.attribute,
        }


@dataclass
class Split:
    service: Service
    duty: Duty
    resource_type: str
    groups: list[OwnerGroup]

    def sentence(self) -> str:
        """e.g. "Host OS of ECS container instances: you for 1 ecs.service, AWS for 2"."""
        cls = RESOURCE_TYPES[self.resource_type]
        kind = cls.NOUN or self.resource_type.split(".", 1)[1].replace("_", " ")
        parts = []
        for group in self.groups:
            who = OWNER_WORDS.get(group.owner, "unknown owner")
            parts.append(
                f"{who} for {len(group.resources)} {kind}{'s' if len(group.resources) != 1 else ''}"
            )
        return f"{self.duty.title}: " + ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "duty_id": self.duty.id,
            "title": self.duty.title,
            "model_owner": self.duty.owner,
            "resource_type": self.resource_type,
            "summary": self.sentence(),
            "split": [g.as_dict() for g in self.groups],
        }


def resolve(model: Model, inv: Inventory) -> list[Split]:
    """One split per conditional duty whose resource type is present in the inventory."""
    splits: list[Split] = []
    for svc in model.services:
        for duty in svc.duties:
            rule_set = duty.owner_depends_on
            if rule_set is None or rule_set.resource_type not in RESOURCE_TYPES:
                continue
            resources = inv.of_type(rule_set.resource_type)
            if not resources:
                continue
            groups: dict[tuple[str, str], OwnerGroup] = {}
            for res in resources:
                dec = decide(duty, res)
                key = (dec.owner, dec.because)
                group = groups.setdefault(
                    key, OwnerGroup(dec.owner, [], dec.because, dec.attribute)
                )
                group.resources.append(res.label)
            ordered = sorted(
                groups.values(), key=lambda g: (g.owner == UNKNOWN_OWNER, -len(g.resources))
            )
            splits.append(Split(svc, duty, rule_set.resource_type, ordered))
    return splits
