"""run_iac_scan: one outcome like the live scan's, live-only checks not applicable, parse
errors and module notes on the outcome, several kinds of paths in one scan."""

from __future__ import annotations

from pathlib import Path

from demarcate.checks.registry import load_checks
from demarcate.sources.iac.scan import run_iac_scan, scan_paths

from .helpers import TERRAFORM, IacResult


def test_outcome_and_report(parity_scan: IacResult) -> None:
    outcome = parity_scan.outcome
    scan = outcome.report["scan"]
    assert scan["source"] == "terraform"
    assert scan["account"] is None
    assert scan["regions"] == ["eu-west-1", "us-east-1"]
    assert scan["api_calls"] == 0
    assert outcome.parse_errors == []
    assert outcome.report["summary"]["by_status"]["FAIL"] > 100


def test_live_only_checks_are_not_applicable(parity_scan: IacResult) -> None:
    live_only = {c.id for c in load_checks().values() if c.live_only}
    assert not {f.check_id for f in parity_scan.findings} & live_only
    duties = {
        d["duty_id"]: d["status"]
        for svc in parity_scan.outcome.report["matrix"]
        for d in svc["customer_duties"]
    }
    # GuardDuty is declared in the project, but its status is a live-only check
    assert duties["guardduty.threat-detection"] == "NOT_APPLICABLE"


def test_findings_carry_location(parity_scan: IacResult) -> None:
    for finding in parity_scan.findings:
        assert finding.location is not None, finding
        assert finding.location["file"].endswith(".tf")
        assert isinstance(finding.location["line"], int)


def test_remote_module_is_noted_not_failed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
        'resource "aws_ecr_repository" "r" {\n  name = "r"\n}\n'
    )
    outcome = run_iac_scan([tmp_path])
    assert outcome.parse_errors == []
    assert outcome.warnings == [
        "module.vpc: source 'terraform-aws-modules/vpc/aws' is not local and not installed under "
        ".terraform/modules; its resources are not scanned"
    ]


def test_several_paths_in_one_inventory() -> None:
    inv, errors = scan_paths([TERRAFORM / "tfjson", TERRAFORM / "plan" / "plan.json"])
    assert errors == []
    assert inv.source == "terraform"  # the first kind
    assert {r.id for r in inv.of_type("s3.bucket")} == {
        "json-bucket",
        "plan-access-logs",
        "aws_s3_bucket.data",
    }
    files = {r.provenance.file for r in inv.of_type("s3.bucket")}
    assert files == {"tfjson/main.tf.json", "plan/plan.json"}
