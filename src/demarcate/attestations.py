"""Attestations: a person's signed-off statement that a MANUAL duty is done.

File format (YAML, loaded safely):

    attestations:
      - duty: ec2.os-accounts-root-access
        by: jane.doe@example.com
        date: 2026-11-01
        note: SSH access reviewed; root login disabled by our AMI baseline.

An attested duty stays MANUAL (no API proved it) and carries who attested it and when.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from demarcate.model.schema import Model


class AttestationError(ValueError):
    """The attestation file is unreadable or names unknown or automatable duties."""


class Attestation(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    duty: str
    by: str = Field(min_length=1)
    date: date
    note: str = ""


class AttestationFile(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    attestations: list[Attestation]


def load_attestations(path: Path, model: Model) -> dict[str, dict[str, str]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        parsed = AttestationFile.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise AttestationError(f"{path}: {exc}") from exc
    duties = {d.id: d for s in model.services for d in s.duties}
    problems = []
    out: dict[str, dict[str, str]] = {}
    for item in parsed.attestations:
        duty = duties.get(item.duty)
        if duty is None:
            problems.append(f"unknown duty {item.duty!r}")
        elif duty.owner == "aws":
            problems.append(f"{item.duty} is AWS's duty: nothing to attest")
        elif duty.api_verifiable:
            problems.append(
                f"{item.duty} is checked automatically: attestations are for MANUAL duties"
            )
        else:
            out[item.duty] = {"by": item.by, "date": item.date.isoformat(), "note": item.note}
    if problems:
        raise AttestationError(f"{path}: " + "; ".join(problems))
    return out
