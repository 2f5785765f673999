"""Bad input: a broken file is reported with path, line and the parser's message while the
rest is scanned; hostile input (deep nesting, huge files) fails fast and cleanly."""

from __future__ import annotations

import time
from pathlib import Path

from demarcate.sources.iac.detect import detect_kind
from demarcate.sources.iac.limits import MAX_FILE_BYTES
from demarcate.sources.iac.scan import scan_paths

from .helpers import TERRAFORM, scan_iac


def test_broken_file_reported_and_rest_scanned() -> None:
    result = scan_iac(TERRAFORM / "broken")
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.path == "bad.tf"
    assert error.line == 7
    assert error.message.startswith("Unexpected token")
    # the good file in the same directory is still judged
    finding = result.one("ecr-repository-tag-immutability", "still-scanned")
    assert (finding.status.value, finding.evidence) == (
        "FAIL",
        "repository still-scanned: tag mutability is MUTABLE",
    )


def test_deep_nesting_fails_fast(tmp_path: Path) -> None:
    depth = 200_000
    (tmp_path / "deep.tf").write_text("locals {\n  x = " + "[" * depth + "]" * depth + "\n}\n")
    (tmp_path / "ok.tf").write_text('resource "aws_ecr_repository" "r" {\n  name = "ok"\n}\n')
    started = time.monotonic()
    inv, errors = scan_paths([tmp_path])
    assert time.monotonic() - started < 5
    assert [(e.path, e.line) for e in errors] == [("deep.tf", 2)]
    assert errors[0].message == "nesting deeper than 64 levels"
    assert [r.id for r in inv.of_type("ecr.repository")] == ["ok"]


def test_huge_file_rejected(tmp_path: Path) -> None:
    (tmp_path / "huge.tf").write_text("# " + "x" * (MAX_FILE_BYTES + 10) + "\n")
    started = time.monotonic()
    _, errors = scan_paths([tmp_path])
    assert time.monotonic() - started < 5
    assert len(errors) == 1
    assert errors[0].path == "huge.tf"
    assert "over the" in errors[0].message


def test_long_operator_chain_is_unknown_not_a_crash(tmp_path: Path) -> None:
    chain = " + ".join(["1"] * 3000)
    (tmp_path / "main.tf").write_text(
        'resource "aws_cloudwatch_log_group" "ok" {\n  name = "ok"\n}\n'
        f'resource "aws_cloudwatch_log_group" "g" {{\n  name = "g"\n  retention_in_days = {chain}\n}}\n'
    )
    started = time.monotonic()
    result = scan_iac(tmp_path)
    assert time.monotonic() - started < 10
    assert result.errors == []
    finding = result.one("cloudwatch-log-group-retention-set", "g")
    assert (finding.status.value, finding.evidence) == (
        "UNKNOWN",
        "g: cannot evaluate: expression nested too deeply",
    )
    assert result.one("cloudwatch-log-group-retention-set", "ok").status.value == "FAIL"


def test_reference_cycle_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        """
resource "aws_cloudwatch_log_group" "a" {
  name              = "a"
  retention_in_days = aws_cloudwatch_log_group.b.retention_in_days
}
resource "aws_cloudwatch_log_group" "b" {
  name              = "b"
  retention_in_days = aws_cloudwatch_log_group.a.retention_in_days
}
"""
    )
    result = scan_iac(tmp_path)
    statuses = {f.status.value for f in result.for_check("cloudwatch-log-group-retention-set")}
    assert statuses == {"UNKNOWN"}


def test_missing_and_unrecognised_paths(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"hello": "world"}')
    _, errors = scan_paths([tmp_path / "nope", tmp_path / "notes.json"])
    assert [e.message for e in errors] == [
        "no such file or directory",
        "not recognised as Terraform, a Terraform plan (JSON) or a CloudFormation template",
    ]


def test_bad_plan_json(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"planned_values": {"root_module": {"resources": [}}}')
    _, errors = scan_paths([path])
    assert len(errors) == 1 and errors[0].path == "plan.json" and errors[0].line == 1


def test_detect_kind(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("")
    (tmp_path / "plan.json").write_text('{"format_version": "1.2", "planned_values": {}}')
    (tmp_path / "stack.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
    )
    (tmp_path / "stack.json").write_text('{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}')
    (tmp_path / "other.json").write_text("[1, 2]")
    assert detect_kind(tmp_path) == "terraform"
    assert detect_kind(tmp_path / "main.tf") == "terraform"
    assert detect_kind(tmp_path / "plan.json") == "terraform-plan"
    assert detect_kind(tmp_path / "stack.yaml") == "cloudformation"
    assert detect_kind(tmp_path / "stack.json") == "cloudformation"
    assert detect_kind(tmp_path / "other.json") is None
    assert detect_kind(tmp_path / "missing") is None
