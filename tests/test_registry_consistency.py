"""Every check hangs on a real, automatable customer duty; every such duty has a check; every
compliance id exists in the reference lists; every check is documented and fixable."""

from __future__ import annotations

import re

import pytest

from demarcate.checks.registry import load_checks
from demarcate.compliance.reference import (
    cis_controls,
    fsbp_controls,
    other_securityhub_controls,
)
from demarcate.model.loader import get_model
from demarcate.resources import load_all

CHECKS = load_checks()
MODEL = get_model()
DUTIES = {d.id: (s, d) for s in MODEL.services for d in s.duties}
CORE = [s.id for s in MODEL.services if s.category == "core"]


def test_at_least_100_checks():
    assert len(CHECKS) >= 100, len(CHECKS)


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_check_metadata(check_id):
    spec = CHECKS[check_id]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", spec.id)
    assert spec.duty in DUTIES, f"{spec.id}: unknown duty {spec.duty}"
    _, duty = DUTIES[spec.duty]
    assert duty.owner in ("customer", "shared"), f"{spec.id}: duty {duty.id} is AWS's"
    assert duty.api_verifiable, f"{spec.id}: duty {duty.id} is not marked api_verifiable"
    assert spec.resource_type in load_all()
    assert spec.severity in ("critical", "high", "medium", "low", "informational")
    assert len(spec.title) >= 10
    for how in (spec.remediation.console, spec.remediation.cli, spec.remediation.terraform):
        assert how.strip(), f"{spec.id}: empty remediation"
    cis = cis_controls()
    assert all(i in cis for i in spec.cis), f"{spec.id}: CIS ids {spec.cis}"
    fsbp = fsbp_controls()
    assert all(i in fsbp for i in spec.fsbp), f"{spec.id}: FSBP ids {spec.fsbp}"
    other = other_securityhub_controls()
    assert all(i in other for i in spec.securityhub), (
        f"{spec.id}: Security Hub ids {spec.securityhub}"
    )


def test_every_automatable_customer_duty_has_a_check():
    covered = {c.duty for c in CHECKS.values()}
    missing = [
        duty_id
        for duty_id, (_, duty) in DUTIES.items()
        if duty.api_verifiable and duty.owner != "aws" and duty_id not in covered
    ]
    assert missing == []


def test_all_core_services_have_checks():
    services = {c.service for c in CHECKS.values()}
    assert set(CORE) <= services, set(CORE) - services
