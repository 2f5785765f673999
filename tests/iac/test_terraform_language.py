"""Terraform language support: variables (defaults, tfvars, var files, -var), locals, modules
(recursive, for_each), count, functions, references, unknowns, v3 inline S3 forms, .tf.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from demarcate.sources.terraform.evaluate import Budget, Scope, evaluate
from demarcate.sources.terraform.hcl import parse_expression
from demarcate.sources.terraform.values import UnknownValue

from .helpers import TERRAFORM, line_of, scan_iac

VARIABLES = TERRAFORM / "variables"


def _eval(text: str, names: dict[str, Any] | None = None) -> Any:
    def resolve(name: str) -> Any:
        if names and name in names:
            return names[name]
        raise KeyError(name)

    return evaluate(parse_expression(text), Scope(resolve, Budget()))


# ---- variables ------------------------------------------------------------------------------


def test_defaults_terraform_tfvars_and_auto_tfvars() -> None:
    result = scan_iac(VARIABLES)
    assert result.errors == []
    # env from terraform.tfvars, lower()ed in a local; retention from zz.auto.tfvars
    bucket = result.resource("s3.bucket", "staging-app-counted-0")
    assert bucket.region == "us-west-2"  # provider region from a variable default
    assert bucket.tags == {"Env": "Staging", "Owner": "platform"}  # merge() of locals
    group = result.resource("cloudwatch.log_group", "/staging-app/logs")
    assert group.retention_days == 14
    finding = result.one("cloudwatch-log-group-retention-1-year", "/staging-app/logs")
    assert finding.status.value == "FAIL"
    assert finding.evidence == "log group /staging-app/logs: retention is 14 days, under 365"


def test_var_file_overrides_auto_tfvars() -> None:
    result = scan_iac(VARIABLES, var_files=[VARIABLES / "prod.tfvars"])
    assert (
        result.one("cloudwatch-log-group-retention-1-year", "/prod-app/logs").status.value == "PASS"
    )
    names = sorted(r.id for r in result.inventory.of_type("s3.bucket"))
    assert names == [
        "prod-app-counted-0",
        "prod-app-counted-1",
        "prod-app-data",
        "prod-app-x",
        "prod-app-y",
    ]


def test_cli_vars_override_everything_and_are_converted() -> None:
    result = scan_iac(
        VARIABLES,
        var_files=[VARIABLES / "prod.tfvars"],
        variables={"env": "Dev", "versioning": "true", "create_extra": "true"},
    )
    assert result.resource("s3.bucket", "dev-app-extra").provenance.line == line_of(
        VARIABLES / "main.tf", 'resource "aws_s3_bucket" "extra"'
    )
    # versioning = "true" (a string on the command line) reaches the module as a bool
    assert result.one("s3-bucket-versioning", "dev-app-data").status.value == "PASS"


def test_count_zero_means_absent_and_count_n_means_n_copies() -> None:
    result = scan_iac(VARIABLES)
    ids = {r.id for r in result.inventory.of_type("s3.bucket")}
    assert "staging-app-extra" not in ids  # count = var.create_extra ? 1 : 0 with false
    assert {"staging-app-counted-0", "staging-app-counted-1"} <= ids


def test_module_recursion_with_inputs_and_provenance() -> None:
    result = scan_iac(VARIABLES)
    data = result.resource("s3.bucket", "staging-app-data")
    assert data.provenance.module == "module.data"
    assert data.provenance.file == "modules/bucket/main.tf"
    assert data.provenance.line == line_of(
        VARIABLES / "modules/bucket/main.tf", 'resource "aws_s3_bucket" "this"'
    )
    # the module's own default is overridden by the caller (versioning = var.versioning = false)
    finding = result.one("s3-bucket-versioning", "staging-app-data")
    assert (finding.status.value, finding.evidence) == (
        "FAIL",
        "bucket staging-app-data: versioning is Suspended",
    )
    assert finding.location == {
        "file": "modules/bucket/main.tf",
        "line": data.provenance.line,
        "module": "module.data",
    }
    # a module inside the module folds its logging configuration into the bucket
    logged = result.one("s3-bucket-access-logging", "staging-app-data")
    assert (
        logged.evidence == "bucket staging-app-data: server access logs go to bucket central-logs"
    )
    # for_each on a module: one instance per key, with the key in the module path
    each = result.resource("s3.bucket", "staging-app-a")
    assert each.provenance.module == 'module.per_name["a"]'
    assert result.one("s3-bucket-versioning", "staging-app-a").status.value == "PASS"


# ---- unknowns ---------------------------------------------------------------------------------


def test_unknown_values_give_unknown_not_fail() -> None:
    result = scan_iac(TERRAFORM / "unknowns")
    ssh = result.one("ec2-sg-ssh-not-open-to-world", "from-var")
    assert ssh.status.value == "UNKNOWN"
    assert (
        ssh.evidence == "from-var: variable allowed_cidr has no value (no default, tfvars or -var)"
    )
    volume = result.one("ebs-volume-encrypted", "aws_ebs_volume.maybe")
    assert volume.status.value == "UNKNOWN"
    assert "variable kms_key has no value" in volume.evidence
    pitr = result.one("dynamodb-table-pitr-enabled", "maybe-table")
    assert (pitr.status.value, pitr.evidence) == (
        "UNKNOWN",
        "maybe-table: timestamp() is decided when Terraform runs",
    )


def test_unknown_values_are_known_once_given() -> None:
    result = scan_iac(
        TERRAFORM / "unknowns", variables={"allowed_cidr": "0.0.0.0/0", "kms_key": ""}
    )
    assert result.one("ec2-sg-ssh-not-open-to-world", "from-var").status.value == "FAIL"
    assert result.one("ebs-volume-encrypted", "aws_ebs_volume.maybe").status.value == "FAIL"
    # count = var.kms_key == "" ? 0 : 1 is now 0: the table is gone
    assert not result.inventory.of_type("dynamodb.table")


def test_reference_to_a_computed_name_still_folds() -> None:
    """bucket_prefix leaves the name to AWS; the versioning resource still finds its bucket."""
    result = scan_iac(TERRAFORM / "unknowns")
    finding = result.one("s3-bucket-versioning", "aws_s3_bucket.prefixed")
    assert (finding.status.value, finding.evidence) == (
        "PASS",
        "bucket aws_s3_bucket.prefixed: versioning is Enabled",
    )


# ---- legacy (provider v3) inline forms -----------------------------------------------------


def test_v3_inline_blocks() -> None:
    result = scan_iac(TERRAFORM / "legacy_v3")
    good = "v3-inline-good"
    expected = {
        "s3-bucket-versioning": ("PASS", f"bucket {good}: versioning is Enabled"),
        "s3-bucket-mfa-delete": ("PASS", f"bucket {good}: MFA delete is enabled"),
        "s3-bucket-kms-encryption": (
            "PASS",
            f"bucket {good}: default encryption is aws:kms with arn:aws:kms:eu-central-1:111122223333:key/abcd",
        ),
        "s3-bucket-access-logging": (
            "PASS",
            f"bucket {good}: server access logs go to bucket v3-log-target",
        ),
        "s3-bucket-lifecycle-rules": (
            "PASS",
            f"bucket {good}: enabled lifecycle rule(s): expire (expiration)",
        ),
        "s3-bucket-tls-only": (
            "PASS",
            f"bucket {good}: policy statement TlsOnly denies requests where aws:SecureTransport is false",
        ),
        "s3-bucket-no-public-acl-grants": (
            "PASS",
            f"bucket {good}: no ACL grant to AllUsers or AuthenticatedUsers",
        ),
    }
    for check_id, (status, evidence) in expected.items():
        finding = result.one(check_id, good)
        assert (finding.status.value, finding.evidence) == (status, evidence), check_id
    bad = "v3-inline-bad"
    assert (
        result.one("s3-bucket-versioning", bad).evidence
        == f"bucket {bad}: versioning was never enabled"
    )
    assert (
        result.one("s3-bucket-lifecycle-rules", bad).evidence
        == f"bucket {bad}: lifecycle rule(s) off are all disabled"
    )
    acl = result.one("s3-bucket-no-public-acl-grants", bad)
    assert (acl.status.value, acl.evidence) == (
        "FAIL",
        f"bucket {bad}: ACL grants READ to AllUsers, WRITE to AllUsers",
    )
    policy = result.one("s3-bucket-policy-not-public", bad)
    assert policy.status.value == "FAIL"
    assert (
        policy.evidence
        == f"bucket {bad}: policy statement(s) Open allow any principal (s3:GetObject)"
    )
    grants = result.one("s3-bucket-no-public-acl-grants", "v3-grants")
    assert grants.evidence == "bucket v3-grants: ACL grants READ to AuthenticatedUsers"
    assert grants.location is not None
    assert grants.location["line"] == line_of(
        TERRAFORM / "legacy_v3/main.tf", 'resource "aws_s3_bucket" "grants"'
    )


# ---- JSON syntax ---------------------------------------------------------------------------


def test_tf_json_files() -> None:
    result = scan_iac(TERRAFORM / "tfjson")
    assert result.errors == []
    bucket = result.resource("s3.bucket", "json-bucket")
    assert bucket.region == "ap-southeast-2"
    assert bucket.tags == {"Name": "from-json"}
    assert result.one("s3-bucket-versioning", "json-bucket").status.value == "PASS"
    key = result.one("kms-cmk-rotation-enabled", "json-key")
    assert (key.status.value, key.location and key.location["file"]) == ("FAIL", "main.tf.json")


# ---- expressions and functions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('lower("ABC")', "abc"),
        ('upper("abc")', "ABC"),
        ('format("%s-%03d", "x", 7)', "x-007"),
        ('join(",", ["a", "b"], ["c"])', "a,b,c"),
        ("concat([1], [2, 3])", [1, 2, 3]),
        ("merge({a = 1}, {b = 2}, {a = 3})", {"a": 3, "b": 2}),
        ('lookup({a = 1}, "b", 9)', 9),
        ("tostring(5)", "5"),
        ('jsonencode({a = [1, true, "x"]})', '{"a":[1,true,"x"]}'),
        ('coalesce("", null, "z")', "z"),
        ("length([1, 2, 3])", 3),
        ('length("abcd")', 4),
        ('[for s in ["a", "b"] : upper(s) if s != "b"]', ["A"]),
        ("{for k, v in {a = 1, b = 2} : v => k}", {"1": "a", "2": "b"}),
        ('"${1 + 2}-x"', "3-x"),
        ('"%{ if true }yes%{ else }no%{ endif }"', "yes"),
        ("true ? 1 : 2", 1),
        ("!false && 3 >= 2", True),
        ('element(["a", "b"], 3)', "b"),
        ('replace("a-b-c", "-", "_")', "a_b_c"),
        ('split(",", "a,b")', ["a", "b"]),
        ("try(null.x, 7)", 7),
        ("range(3)", [0, 1, 2]),
        ('contains(["a"], "a")', True),
        ("flatten([[1], [2, [3]]])", [1, 2, 3]),
    ],
)
def test_functions_and_expressions(text: str, expected: Any) -> None:
    assert _eval(text) == expected


def test_unknown_propagates_and_unknowable_functions() -> None:
    unknown = UnknownValue("no value")
    result = _eval('"prefix-${x}"', {"x": unknown})
    assert isinstance(result, UnknownValue) and result.reason == "no value"
    assert isinstance(_eval("timestamp()"), UnknownValue)
    assert isinstance(_eval("cidrsubnet(x, 8, 1)", {"x": "10.0.0.0/16"}), UnknownValue)
    # a condition on an unknown whose branches agree is known
    assert _eval('x ? "same" : "same"', {"x": unknown}) == "same"
    assert isinstance(_eval("jsonencode({a = x})", {"x": unknown}), UnknownValue)


def test_policy_document_data_source(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        """
provider "aws" { region = "us-east-1" }
resource "aws_s3_bucket" "b" { bucket = "doc-bucket" }
data "aws_iam_policy_document" "open" {
  statement {
    sid       = "Everyone"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.open.json
}
"""
    )
    result = scan_iac(tmp_path)
    finding = result.one("s3-bucket-policy-not-public", "doc-bucket")
    assert (finding.status.value, finding.evidence) == (
        "FAIL",
        "bucket doc-bucket: policy statement(s) Everyone allow any principal (s3:GetObject)",
    )


def test_unknowns_where_mappers_combine_values_never_break_a_mapper() -> None:
    """Every place that joins several values (group lists, per-instance flags, filter
    entries, strategies, scanning rules, window targets …) keeps an unknown as unknown instead
    of losing the whole service's resources to a failed mapper."""
    result = scan_iac(TERRAFORM / "unknown_paths")
    assert result.errors == []
    assert result.outcome.warnings == []
    reason = "variable {} has no value (no default, tfvars or -var)"
    expected = {
        ("iam.user", "member"): ("groups", reason.format("text")),
        ("rds.db_cluster", "unknown-paths-db"): (
            "auto_minor_version_upgrade",
            reason.format("flag"),
        ),
        ("ec2.image", "aws_ami.image"): ("encrypted", reason.format("flag")),
        ("vpc.vpc", "aws_vpc.main"): ("endpoint_services", reason.format("text")),
        ("cloudwatch.log_group", "unknown-paths-trail"): ("metric_filters", reason.format("text")),
        ("ecs.cluster", "unknown-paths-apps"): (
            "default_capacity_provider_strategy",
            reason.format("text"),
        ),
        ("cloudfront.distribution", "aws_cloudfront_distribution.site"): (
            "viewer_protocol_policies",
            reason.format("text"),
        ),
        ("ecr.repository", "unknown-paths-app"): ("scan_on_push", reason.format("text")),
        ("ec2.instance", "aws_instance.web"): (
            "patch_windows",
            "targets of aws_ssm_maintenance_window_task.patch: " + reason.format("ids"),
        ),
    }
    for (type_id, key), (attribute, why) in expected.items():
        res = result.resource(type_id, key)
        assert getattr(res, attribute) is None, (type_id, attribute)
        assert res.unknown[attribute] == why, (type_id, attribute)
    for check_id, resource in (
        ("rds-cluster-auto-minor-version-upgrade", "unknown-paths-db"),
        ("ecr-repository-scan-on-push", "unknown-paths-app"),
        ("cloudfront-viewer-https-only", "aws_cloudfront_distribution.site"),
        ("ec2-instance-patch-window", "aws_instance.web"),
    ):
        finding = result.one(check_id, resource)
        assert finding.status.value == "UNKNOWN", (check_id, finding.evidence)
        assert "has no value" in finding.evidence


def test_cis_alarm_chain_with_unknown_alarm_metric_or_actions_is_unknown_not_fail() -> None:
    result = scan_iac(TERRAFORM / "cis_alarm_unknowns")
    assert result.errors == []
    root = result.one("cloudwatch-cis-root-account-usage", "cloudwatch-monitoring:<account-id>")
    assert (root.status.value, root.evidence) == (
        "UNKNOWN",
        "metric filter root-account-usage (metric CIS/RootAccountUsage): alarm maybe-root may "
        "watch it: variable metric has no value (no default, tfvars or -var)",
    )
    trail = result.one("cloudwatch-cis-cloudtrail-changes", "cloudwatch-monitoring:<account-id>")
    assert (trail.status.value, trail.evidence) == (
        "UNKNOWN",
        "alarm cloudtrail-changes: variable topic has no value (no default, tfvars or -var)",
    )
    # a monitor with no filter at all is still a plain FAIL
    failed = result.one(
        "cloudwatch-cis-console-auth-failures", "cloudwatch-monitoring:<account-id>"
    )
    assert failed.status.value == "FAIL"
