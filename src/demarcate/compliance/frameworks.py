"""Compliance frameworks as data: which of our checks (and manual duties) each control maps to.

One YAML file per framework lives in ``compliance/data/frameworks/``. The files are generated
by ``tools/gen_frameworks.py`` from the packaged reference lists (``compliance/data/*.csv``)
and the check registry, and only where a source states the mapping:

- CIS AWS Foundations v7.0.0 and AWS FSBP: through the ``cis`` / ``fsbp`` ids a check declares;
- NIST SP 800-53 rev5 and PCI DSS: through the Security Hub ids a check declares (``fsbp`` and
  ``securityhub``) and the Security Hub → framework rows AWS states (mapping CSVs);
- manual duties (``api_verifiable: false``) only for CIS recommendations whose title plainly
  names the duty; every such pairing says so in its ``basis``.

A control is *automated* when at least one check maps to it, *manual* when none does but a
manual duty covers it, and *not covered* otherwise.

:func:`score` rolls a scan result (the JSON report dict) up to the controls: FAIL if any
finding of the control's checks failed, else UNKNOWN if any could not be verified, else PASS
if one passed; NOT_APPLICABLE when the checks found nothing to judge; MANUAL for manual
controls; NOT_COVERED for the rest. The score of a section (and of the whole framework) is the
share of judged automated controls that pass: PASS / (PASS + FAIL + UNKNOWN); controls with
nothing to judge (NOT_APPLICABLE) are left out of it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

ControlKind = Literal["automated", "manual", "not_covered"]
CONTROL_STATUSES = ("FAIL", "UNKNOWN", "PASS", "NOT_APPLICABLE", "MANUAL", "NOT_COVERED")
_ROLLUP = ("FAIL", "UNKNOWN", "PASS")


class FrameworkError(ValueError):
    """A framework file is invalid, or an unknown framework id was asked for."""


class _Strict(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class CheckRef(_Strict):
    """A check mapped to the control, and the ids that link it (the check's own ids)."""

    check: str
    via: list[str] = Field(min_length=1)


class DutyRef(_Strict):
    """A manual duty (``api_verifiable: false``) that covers the control, and why."""

    duty: str
    basis: str = Field(min_length=10)


class Control(_Strict):
    id: str = Field(min_length=1)
    title: str = ""
    section: str = Field(min_length=1)
    attributes: dict[str, str] = Field(default_factory=dict)
    checks: list[CheckRef] = Field(default_factory=list)
    manual_duties: list[DutyRef] = Field(default_factory=list)

    @property
    def kind(self) -> ControlKind:
        if self.checks:
            return "automated"
        if self.manual_duties:
            return "manual"
        return "not_covered"

    @property
    def check_ids(self) -> list[str]:
        return [c.check for c in self.checks]


class Framework(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    name: str
    version: str
    description: str
    reference_list: str = Field(description="the packaged list every control id comes from")
    mapping: str = Field(description="how controls were mapped to checks and duties")
    sources: list[str] = Field(min_length=1)
    generated_by: str
    controls: list[Control] = Field(min_length=1)

    def control(self, control_id: str) -> Control:
        for c in self.controls:
            if c.id == control_id:
                return c
        raise FrameworkError(f"{self.id}: no control {control_id}")

    def sections(self) -> list[str]:
        return list(dict.fromkeys(c.section for c in self.controls))


def data_dir() -> Path:
    return Path(str(resources.files("demarcate.compliance") / "data" / "frameworks"))


def load_framework_file(path: Path) -> Framework:
    try:
        with path.open(encoding="utf-8") as fh:
            raw = yaml.safe_load(fh)
        fw = Framework.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise FrameworkError(f"{path}: invalid framework file: {exc}") from exc
    ids = Counter(c.id for c in fw.controls)
    dupes = sorted(i for i, n in ids.items() if n > 1)
    if dupes:
        raise FrameworkError(f"{path}: duplicate control ids {dupes}")
    return fw


@cache
def _frameworks() -> dict[str, Framework]:
    out: dict[str, Framework] = {}
    for path in sorted(data_dir().glob("*.yaml")):
        fw = load_framework_file(path)
        if fw.id in out:
            raise FrameworkError(f"{path}: framework id {fw.id} defined twice")
        out[fw.id] = fw
    return out


def get_framework(framework_id: str) -> Framework:
    fws = _frameworks()
    if framework_id not in fws:
        raise FrameworkError(
            f"unknown framework {framework_id!r}; known: {', '.join(sorted(fws)) or 'none'}"
        )
    return fws[framework_id]


def frameworks() -> list[Framework]:
    return list(_frameworks().values())


def coverage(framework_id: str) -> dict[str, int]:
    """How many controls our checks automate, manual duties cover, or nothing covers."""
    fw = get_framework(framework_id)
    kinds = Counter(c.kind for c in fw.controls)
    return {
        "automated": kinds.get("automated", 0),
        "manual": kinds.get("manual", 0),
        "not_covered": kinds.get("not_covered", 0),
        "total": len(fw.controls),
    }


def list_frameworks() -> list[dict[str, Any]]:
    """Every packaged framework with its coverage, for `demarcate frameworks`."""
    return [
        {
            "id": fw.id,
            "name": fw.name,
            "version": fw.version,
            "description": fw.description,
            "coverage": coverage(fw.id),
        }
        for fw in frameworks()
    ]


def oscal_control_id(control_id: str) -> str:
    """NIST SP 800-53 id in OSCAL catalog form: ``AC-2`` -> ``ac-2``, ``SC-7(11)`` -> ``sc-7.11``."""
    m = re.fullmatch(r"([A-Za-z]{2})-(\d+)(?:\((\d+)\))?", control_id.strip())
    if not m:
        raise FrameworkError(f"not a NIST SP 800-53 control id: {control_id!r}")
    family, number, enhancement = m.groups()
    base = f"{family.lower()}-{int(number)}"
    return f"{base}.{int(enhancement)}" if enhancement else base


def _percent(passed: int, judged: int) -> float | None:
    return round(100.0 * passed / judged, 1) if judged else None


def _tally(statuses: list[str], kinds: list[str]) -> dict[str, Any]:
    counts = Counter(statuses)
    kind_counts = Counter(kinds)
    judged = counts["PASS"] + counts["FAIL"] + counts["UNKNOWN"]
    return {
        "controls": len(statuses),
        "automated": kind_counts.get("automated", 0),
        "manual": kind_counts.get("manual", 0),
        "not_covered": kind_counts.get("not_covered", 0),
        "by_status": {s: counts.get(s, 0) for s in CONTROL_STATUSES},
        "judged": judged,
        "score_percent": _percent(counts["PASS"], judged),
    }


def _manual_duty_states(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for svc in report.get("matrix", []):
        for duty in svc.get("customer_duties", []):
            out[duty["duty_id"]] = duty
    return out


def score(report: dict[str, Any], framework_id: str) -> dict[str, Any]:
    """Score a scan result (the JSON report dict) against a framework, per control and section."""
    fw = get_framework(framework_id)
    by_check: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in report.get("findings", []):
        by_check[f["check_id"]].append(f)
    duties_in_report = _manual_duty_states(report)
    controls: list[dict[str, Any]] = []
    for c in fw.controls:
        findings = [f for cid in c.check_ids for f in by_check.get(cid, [])]
        counts = Counter(f["status"] for f in findings)
        if c.kind == "automated":
            status = next((s for s in _ROLLUP if counts.get(s)), "NOT_APPLICABLE")
        elif c.kind == "manual":
            status = "MANUAL"
        else:
            status = "NOT_COVERED"
        failing = sorted(
            {f.get("resource_name") or f["resource_id"] for f in findings if f["status"] == "FAIL"}
        )
        controls.append(
            {
                "id": c.id,
                "title": c.title,
                "section": c.section,
                "kind": c.kind,
                "status": status,
                "checks": c.check_ids,
                "manual_duties": [
                    {
                        "duty_id": d.duty,
                        "in_scope": d.duty in duties_in_report,
                        "attestation": (duties_in_report.get(d.duty) or {}).get("attestation"),
                    }
                    for d in c.manual_duties
                ],
                "counts": {s: counts.get(s, 0) for s in _ROLLUP},
                "failing_resources": failing,
            }
        )
    sections = []
    for name in fw.sections():
        rows = [c for c in controls if c["section"] == name]
        sections.append(
            {"section": name, **_tally([r["status"] for r in rows], [r["kind"] for r in rows])}
        )
    return {
        "framework": {"id": fw.id, "name": fw.name, "version": fw.version},
        "overall": _tally([c["status"] for c in controls], [c["kind"] for c in controls]),
        "sections": sections,
        "controls": controls,
    }
