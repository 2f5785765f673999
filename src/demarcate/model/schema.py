"""Schema of the Shared Responsibility Model data (``model/data/*.yaml``).

Everything the tool knows about who owns what lives in YAML files validated by these
pydantic models. Adding a service or a duty means editing one data file; this module only
says what a valid file looks like.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Owner = Literal["aws", "customer", "shared"]
ServiceModel = Literal["IaaS", "PaaS", "SaaS"]
ServiceKind = Literal["infrastructure", "container", "abstract"]
Basis = Literal["stated", "derived"]
Family = Literal[
    "compute",
    "storage",
    "database",
    "networking",
    "identity",
    "management",
    "security",
    "containers",
]

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$"
OWNER_WORDS: dict[str, str] = {"aws": "AWS", "customer": "you (the customer)", "shared": "shared"}


class Strict(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class Source(Strict):
    """One of the source documents the model is encoded from."""

    id: str = Field(pattern=ID_PATTERN)
    file: str
    title: str


class Condition(Strict):
    """A test on one attribute of a normalized resource, written as data.

    Exactly one operator is given. ``attribute`` is a field of the resource type named by
    the enclosing :class:`OwnerDependsOn` (dots reach into nested fields).
    """

    attribute: str
    text: str | None = None  # the condition in plain words, when the attribute name is not enough
    equals: Any = None
    not_equals: Any = None
    one_of: list[Any] | None = None
    is_set: bool | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        given = [
            name
            for name in ("equals", "not_equals", "one_of", "is_set")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                f"condition on {self.attribute!r} needs exactly one of equals, not_equals, "
                f"one_of, is_set (got {given or 'none'})"
            )
        return self

    def describe(self) -> str:
        if self.text:
            return self.text
        name = self.attribute.replace("_", " ").replace(".", " ")
        if self.is_set is not None:
            return f"{name} is {'set' if self.is_set else 'not set'}"
        if self.one_of is not None:
            return f"{name} is one of {', '.join(map(str, self.one_of))}"
        if self.not_equals is not None:
            return f"{name} is not {_word(self.not_equals)}"
        return f"{name} is {_word(self.equals)}"

    def evaluate(self, value: Any) -> bool | None:
        """True/False, or None when the value is unknown (never a guess)."""
        if self.is_set is not None:
            return (value not in (None, "", [], {})) == self.is_set
        if value is None:
            return None
        if self.one_of is not None:
            return value in self.one_of
        if self.not_equals is not None:
            return bool(value != self.not_equals)
        return bool(value == self.equals)


def _word(value: Any) -> str:
    if value is True:
        return "on"
    if value is False:
        return "off"
    return str(value)


class OwnerRule(Strict):
    when: Condition
    owner: Owner
    because: str = Field(min_length=3)


class OwnerDependsOn(Strict):
    """Where the line moves with configuration: first matching rule wins, else the duty's owner."""

    resource_type: str
    rules: list[OwnerRule] = Field(min_length=1)


class Duty(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=3)
    owner: Owner
    domain: str
    api_verifiable: bool = False
    description: str = ""
    keywords: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    owner_depends_on: OwnerDependsOn | None = None


class Service(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    full_name: str
    category: Literal["core", "supporting"]
    service_model: ServiceModel
    service_model_basis: Basis
    kind: ServiceKind
    kind_basis: Basis
    family: Family
    summary: str
    aliases: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    duties: list[Duty] = Field(min_length=1)

    def duties_of(self, owner: Owner) -> list[Duty]:
        return [d for d in self.duties if d.owner == owner]


class SidedRow(Strict):
    """A row of a two-sided table: what AWS does, what the customer does."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    aws: list[str]
    customer: list[str]
    note: str = ""
    services: list[str] = Field(default_factory=list)
    related_duties: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)


class BestPractices(Strict):
    service: str
    practices: list[str] = Field(min_length=1)
    related_duties: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)


class ComplianceProgram(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    covers: str
    sources: list[str] = Field(min_length=1)


class Model(Strict):
    """The whole Shared Responsibility Model, as loaded from the data directory."""

    version: str
    sources: list[Source]
    domains: list[SidedRow]
    services: list[Service]
    compliance_areas: list[SidedRow]
    shared_controls: list[SidedRow]
    incident_types: list[SidedRow]
    monitoring: list[SidedRow]
    families: list[SidedRow]
    service_models: list[SidedRow]
    responsibility_areas: list[SidedRow]
    best_practices: list[BestPractices]
    compliance_programs: list[ComplianceProgram]
