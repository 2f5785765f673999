"""Load and cross-check the Shared Responsibility Model data, once per process."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pydantic
from pydantic import ValidationError

from demarcate import __version__
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
    import yaml  # only when the model is read from its YAML (the cache usually spares it)

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
    """The packaged model, loaded and validated once per process.

    Parsing the YAML costs more than the rest of a small IaC scan, so the validated model is
    also kept as JSON in the user's cache directory, keyed by a digest of every data file and
    of the library versions. A cached copy is validated again on load (JSON, not pickle: a
    tampered cache file can fail validation, never run code); anything odd about the cache
    falls back to the YAML. ``DEMARCATE_NO_CACHE=1`` turns it off.
    """
    base = data_dir()
    if os.environ.get("DEMARCATE_NO_CACHE"):
        return load_model(base)
    files = _data_files(base)
    target = _cache_file(files)
    if target is not None:
        try:
            return Model.model_validate_json(target.read_bytes())
        except (OSError, ValueError):
            pass  # missing, unreadable or stale: rebuild below
    model = load_model(base)
    if target is not None:
        _write_cache(target, model)
    return model


def _data_files(base: Path) -> list[Path]:
    return [
        base / "model.yaml",
        *(base / f"{table}.yaml" for table in TABLES),
        *sorted((base / "services").glob("*.yaml")),
    ]


def cache_dir() -> Path:
    """Where derived data is kept: $DEMARCATE_CACHE_DIR, else $XDG_CACHE_HOME/demarcate."""
    explicit = os.environ.get("DEMARCATE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "demarcate"


def _cache_file(files: list[Path]) -> Path | None:
    digest = hashlib.sha256()
    digest.update(f"{__version__}|{pydantic.VERSION}|{sys.version}".encode())
    try:
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return None  # load_model reports the unreadable file
    return cache_dir() / f"model-{digest.hexdigest()[:24]}.json"


def _write_cache(target: Path, model: Model) -> None:
    """Best effort: a read-only home or a full disk only costs the next run its speed-up."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".model-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(model.model_dump_json().encode())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


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
