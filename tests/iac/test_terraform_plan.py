"""Terraform plan JSON (``terraform show -json``): planned values, child modules, the
configuration's provider settings and references, and "known after apply" unknowns."""

from __future__ import annotations

import json

from .helpers import TERRAFORM, line_of, scan_iac

PLAN = TERRAFORM / "plan" / "plan.json"


def test_plan_is_scanned_as_terraform_plan() -> None:
    result = scan_iac(PLAN)
    assert result.errors == []
    assert result.inventory.source == "terraform-plan"
    assert result.outcome.report["scan"]["source"] == "terraform-plan"
    assert result.inventory.regions == ["eu-west-1"]  # region from var.region via the provider
    db = result.resource("rds.db_instance", "plan-db")
    assert db.account == "210987654321"  # allowed_account_ids
    assert db.provenance.source == "terraform-plan"
    assert db.provenance.file == "plan.json"
    assert db.provenance.line == line_of(PLAN, '"address": "aws_db_instance.db"')


def test_planned_values_are_judged() -> None:
    result = scan_iac(PLAN)
    public = result.one("rds-instance-not-public", "plan-db")
    assert (public.status.value, public.evidence) == (
        "FAIL",
        "DB instance plan-db: PubliclyAccessible is true",
    )
    ssh = result.one("ec2-sg-ssh-not-open-to-world", "plan-web")
    assert ssh.status.value == "FAIL"
    assert (
        ssh.evidence
        == "security group plan-web (aws_security_group.web): tcp/22 from 0.0.0.0/0 exposes SSH 22"
    )
    assert result.one("kms-cmk-rotation-enabled", "plan-data-key").status.value == "PASS"


def test_known_after_apply_is_unknown() -> None:
    result = scan_iac(PLAN)
    group = result.one("cloudwatch-log-group-kms-encryption", "/plan/app")
    assert (group.status.value, group.evidence) == ("UNKNOWN", "/plan/app: known after apply")
    assert group.location == {
        "file": "plan.json",
        "line": line_of(PLAN, '"address": "module.logs.aws_cloudwatch_log_group.this"'),
        "module": "module.logs",
    }
    # values the configuration does not set are provider defaults, not unknowns
    assert result.one("s3-bucket-versioning", "plan-access-logs").status.value == "FAIL"


def test_references_fold_split_resources_with_unknown_ids() -> None:
    """The data bucket's name is only known after apply (bucket_prefix); its versioning,
    encryption and logging resources still attach to it through the configuration's
    references."""
    result = scan_iac(PLAN)
    bucket = "aws_s3_bucket.data"
    assert result.one("s3-bucket-versioning", bucket).status.value == "PASS"
    kms = result.one("s3-bucket-kms-encryption", bucket)
    assert kms.status.value == "PASS"
    assert kms.evidence.startswith(
        "bucket aws_s3_bucket.data: default encryption is aws:kms with arn:aws:kms:eu-west-1:210987654321:key/aws_kms_key.data"
    )
    logging = result.one("s3-bucket-access-logging", bucket)
    assert (
        logging.evidence
        == "bucket aws_s3_bucket.data: server access logs go to bucket plan-access-logs"
    )


def test_deleted_resources_are_not_scanned(tmp_path) -> None:
    doc = json.loads(PLAN.read_text())
    for change in doc["resource_changes"]:
        if change["address"] == "aws_db_instance.db":
            change["change"]["actions"] = ["delete"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    result = scan_iac(path)
    assert not result.inventory.of_type("rds.db_instance")
