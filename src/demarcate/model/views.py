"""Read-only views over the model: filtered matrix rows, lookups, ownership wording."""

from __future__ import annotations

from dataclasses import dataclass

from demarcate.model.schema import OWNER_WORDS, Duty, Model, Owner, Service


class UnknownId(LookupError):
    """A service or duty id that the model does not hold; the message lists valid ones."""


@dataclass(frozen=True)
class MatrixRow:
    service: Service
    duty: Duty

    def as_dict(self) -> dict[str, object]:
        return {
            "service": self.service.id,
            "service_name": self.service.name,
            "duty_id": self.duty.id,
            "title": self.duty.title,
            "owner": self.duty.owner,
            "owner_rule": owner_rule_text(self.duty),
            "domain": self.duty.domain,
            "api_verifiable": self.duty.api_verifiable,
            "service_model": self.service.service_model,
            "kind": self.service.kind,
        }


def resolve_service(model: Model, name: str) -> Service:
    key = name.strip().lower()
    for svc in model.services:
        if key == svc.id or key == svc.name.lower() or key in (a.lower() for a in svc.aliases):
            return svc
    valid = ", ".join(s.id for s in model.services)
    raise UnknownId(f"unknown service {name!r}; valid services: {valid}")


def find_duty(model: Model, duty_id: str) -> tuple[Service, Duty]:
    for svc in model.services:
        for duty in svc.duties:
            if duty.id == duty_id:
                return svc, duty
    raise UnknownId(
        f"unknown duty {duty_id!r}; duty ids look like 'ec2.security-groups' — "
        f"list them with `demarcate matrix --format csv`"
    )


def resolve_domain(model: Model, name: str) -> str:
    key = name.strip().lower()
    for dom in model.domains:
        if key in (dom.id, dom.name.lower()):
            return dom.id
    valid = ", ".join(d.id for d in model.domains)
    raise UnknownId(f"unknown domain {name!r}; valid domains: {valid}")


def matrix_rows(
    model: Model,
    services: list[str] | None = None,
    owner: Owner | None = None,
    domain: str | None = None,
    include_supporting: bool = False,
) -> list[MatrixRow]:
    chosen = [resolve_service(model, s) for s in services] if services else None
    domain_id = resolve_domain(model, domain) if domain else None
    rows: list[MatrixRow] = []
    for svc in model.services:
        if chosen is not None:
            if svc not in chosen:
                continue
        elif svc.category != "core" and not include_supporting:
            continue
        for duty in svc.duties:
            if owner and not _owner_matches(duty, owner):
                continue
            if domain_id and duty.domain != domain_id:
                continue
            rows.append(MatrixRow(svc, duty))
    return rows


def _owner_matches(duty: Duty, owner: Owner) -> bool:
    if duty.owner == owner:
        return True
    rule = duty.owner_depends_on
    return bool(rule and any(r.owner == owner for r in rule.rules))


def owner_rule_text(duty: Duty) -> str:
    """The owner in words, with any configuration that moves the line."""
    base = OWNER_WORDS[duty.owner]
    rule = duty.owner_depends_on
    if not rule:
        return base
    parts = [f"{OWNER_WORDS[r.owner]} when {r.when.describe()}" for r in rule.rules]
    return f"{base}, but {'; '.join(parts)}"
