"""The embedded demo account: every core service in use, a planted misconfiguration for every
automatable duty, compliant resources beside them, and UNKNOWN only where moto has a gap."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from typer.testing import CliRunner

from demarcate.checks.registry import load_checks
from demarcate.cli import app
from demarcate.demo import EMULATOR_GAPS
from demarcate.model.loader import get_model

# Duties moto cannot plant a failure for (the check exists and is tested with a Stubber).
NO_PLANTED_FAILURE = {
    "ebs.volume-backup-strategy": "moto does not implement backup:ListProtectedResources",
}
# Checks whose demo result is UNKNOWN because moto lacks the API (never a silent PASS).
MOTO_GAPS = EMULATOR_GAPS


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "demo.json"
    result = CliRunner().invoke(app, ["scan", "demo", "--output", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Your responsibility matrix" in result.output
    return json.loads(out.read_text())


def test_demo_uses_every_core_service(report):
    core = {s.id for s in get_model().services if s.category == "core"}
    assert core <= {m["service"] for m in report["matrix"]}
    assert report["scan"]["source"] == "demo"
    assert report["scan"]["api_calls"] > 100


def test_every_automatable_duty_has_a_planted_failure(report):
    failed = {f["duty_id"] for f in report["findings"] if f["status"] == "FAIL"}
    automatable = {
        d.id
        for s in get_model().services
        for d in s.duties
        if d.api_verifiable and d.owner != "aws"
    }
    missing = automatable - failed - set(NO_PLANTED_FAILURE)
    assert missing == set()


def test_every_check_runs_on_the_demo(report):
    ran = {f["check_id"] for f in report["findings"]}
    assert set(load_checks()) - ran == set()


def test_compliant_resources_pass_beside_the_planted_ones(report):
    statuses = defaultdict(set)
    for f in report["findings"]:
        statuses[f["check_id"]].add(f["status"])
    both = [c for c, s in statuses.items() if {"PASS", "FAIL"} <= s]
    assert len(both) >= 100, len(both)


def test_unknown_only_where_the_emulator_has_a_gap(report):
    unknown = {f["check_id"] for f in report["findings"] if f["status"] == "UNKNOWN"}
    assert unknown <= set(MOTO_GAPS), unknown - set(MOTO_GAPS)
    assert report["summary"]["unverified"] == sum(
        1 for f in report["findings"] if f["status"] == "UNKNOWN"
    )


def test_matrix_rolls_up_statuses(report):
    s3 = next(m for m in report["matrix"] if m["service"] == "s3")
    duties = {d["duty_id"]: d for d in s3["customer_duties"]}
    assert duties["s3.bucket-policies-acls"]["status"] == "FAIL"
    assert "demo-public-assets" in duties["s3.bucket-policies-acls"]["failing_resources"]
    assert duties["s3.iam-policies"]["status"] == "MANUAL"
    assert all(d["status"] == "INHERITED" for d in s3["aws_duties"])
    assert "SOC 2" in s3["aws_duties"][0]["evidence"]
