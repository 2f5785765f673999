"""Load and cross-check the Shared Responsibility Model data, once per process."""

from __future__ import annotations

from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from demarcate.model.schema import Duty, Model, Service

TABLES = (
    "domains",
    "compliance_areas",
    "shared_controls",
    "incident_types",
    "monitoring",
    "families",
    "service_models",
    "responsibility_areas",
    "best_practices",
    "compliance_programs",
)


class ModelError(ValueError):
    """The model data is invalid; the message names the file and the problem."""


def data_dir() -> Path:
    return Path(str(resources.files("demarcate.model") / "data"))


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            # C-accelerated safe loader when libyaml is present; both refuse Python tags.
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ModelError(f"{path}: not valid YAML: {exc}") from exc


def load_model(directory: Path | None = None) -> Model:
    """Read every data file under ``directory`` and return the validated model."""
    base = directory or data_dir()
    head = _read_yaml(base / "model.yaml") or {}
    raw: dict[str, Any] = {"version": head.get("version"), "sources": head.get("sources", [])}
    for table in TABLES:
        content = _read_yaml(base / f"{table}.yaml") or {}
        raw[table] = content.get(table, [])
    services = []
    for path in sorted((base / "services").glob("*.yaml")):
        services.append(_read_yaml(path))
    raw["services"] = services
    try:
        model = Model.model_validate(raw)
    except ValidationError as exc:
        raise ModelError(f"model data in {base} is invalid:\n{exc}") from exc
    check_references(model)
    return model


@cache
def get_model() -> Model:
    """The packaged model, loaded and validated once."""
    return load_model()


def all_duties(model: Model) -> list[tuple[Service, Duty]]:
    return [(svc, duty) for svc in model.services for duty in svc.duties]


def check_references(model: Model) -> None:
    """Unique ids and resolvable references across files; raise ModelError listing all faults."""
    problems: list[str] = []
    source_ids = {s.id for s in model.sources}
    domain_ids = {d.id for d in model.domains}
    service_ids = [s.id for s in model.services]
    duty_ids = [d.id for _, d in all_duties(model)]

    for label, ids in (("service", service_ids), ("duty", duty_ids)):
        for value, count in Counter(ids).items():
            if count > 1:
                problems.append(f"{label} id {value!r} is used {count} times")
    for table in TABLES:
        rows = getattr(model, table)
        ids = [str(getattr(r, "id", None) or getattr(r, "service", "")) for r in rows]
        for value, count in Counter(ids).items():
            if count > 1:
                problems.append(f"{table}: id {value!r} is used {count} times")

    known_services = set(service_ids)
    known_duties = set(duty_ids)
    for svc in model.services:
        for src in svc.sources:
            if src not in source_ids:
                problems.append(f"service {svc.id}: unknown source {src!r}")
        for duty in svc.duties:
            if not duty.id.startswith(f"{svc.id}."):
                problems.append(f"duty {duty.id}: id must start with '{svc.id}.'")
            if duty.domain not in domain_ids:
                problems.append(f"duty {duty.id}: unknown domain {duty.domain!r}")
            for src in duty.sources:
                if src not in source_ids:
                    problems.append(f"duty {duty.id}: unknown source {src!r}")
    for table in TABLES:
        for row in getattr(model, table):
            label = f"{table}/{getattr(row, 'id', None) or getattr(row, 'service', '')}"
            for src in row.sources:
                if src not in source_ids:
                    problems.append(f"{label}: unknown source {src!r}")
            for sid in getattr(row, "services", []):
                if sid not in known_services:
                    problems.append(f"{label}: unknown service {sid!r}")
            for did in getattr(row, "related_duties", []):
                if did not in known_duties:
                    problems.append(f"{label}: unknown duty {did!r}")
            if table == "best_practices" and row.service not in known_services:
                problems.append(f"{label}: unknown service {row.service!r}")
    if problems:
        listing = "\n- ".join(problems)
        raise ModelError(f"model data has {len(problems)} problem(s):\n- {listing}")
