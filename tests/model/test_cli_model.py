"""CLI commands over the model: matrix (every format), explain, who, and their errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from demarcate.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", ["matrix", "explain", "who"])
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_matrix_table_lists_all_core_services():
    result = run("matrix")
    assert result.exit_code == 0
    for name in ("EC2", "RDS", "S3", "Lambda", "Route 53", "CloudTrail"):
        assert name in result.output


def test_matrix_json_filters_by_service_and_owner():
    result = run("matrix", "--service", "rds", "--owner", "aws", "--format", "json")
    data = json.loads(result.output)
    assert data["duties"]
    assert {d["service"] for d in data["duties"]} == {"rds"}
    assert {d["owner"] for d in data["duties"]} == {"aws"}
    assert "rds.os-patching" in {d["duty_id"] for d in data["duties"]}


def test_matrix_csv_has_header_and_rows():
    result = run("matrix", "-s", "s3", "-s", "ec2", "--owner", "customer", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["service"] for r in rows} == {"s3", "ec2"}
    assert all(r["owner"] == "customer" for r in rows)
    assert any(r["duty_id"] == "s3.tls-in-transit" and r["api_verifiable"] == "True" for r in rows)


def test_matrix_markdown_groups_sides():
    result = run("matrix", "--service", "lambda", "--format", "markdown")
    assert result.output.startswith("| Service | AWS | Customer | Shared |")
    assert "**Lambda**" in result.output
    assert "`lambda.execution-roles`" in result.output


def test_matrix_domain_filter():
    result = run("matrix", "--domain", "networking", "--format", "json")
    assert {d["domain"] for d in json.loads(result.output)["duties"]} == {"networking"}


def test_matrix_supporting_services_on_request():
    plain = json.loads(run("matrix", "--format", "json").output)
    extended = json.loads(run("matrix", "--supporting", "--format", "json").output)
    assert "kms" not in {d["service"] for d in plain["duties"]}
    assert "kms" in {d["service"] for d in extended["duties"]}


def test_unknown_service_lists_valid_ones_and_exits_2():
    result = run("matrix", "--service", "mainframe")
    assert result.exit_code == 2
    assert "unknown service 'mainframe'" in result.output
    assert "ec2" in result.output and "route53" in result.output


def test_unknown_domain_exits_2():
    result = run("matrix", "--domain", "astrology")
    assert result.exit_code == 2
    assert "valid domains" in result.output


def test_explain_service_shows_both_sides_and_related_tables():
    result = run("explain", "rds")
    assert result.exit_code == 0
    out = result.output
    assert "AWS covers" in out and "You cover" in out
    assert "Best practices" in out
    assert "Monitoring" in out
    assert "Incident response" in out
    assert "rds.os-patching" in out


def test_explain_duty():
    result = run("explain", "s3.tls-in-transit")
    assert result.exit_code == 0
    assert "Owner: you (the customer)" in result.output
    assert "automatic checks" in result.output


def test_explain_aws_duty_cites_compliance_programs():
    result = run("explain", "ec2.hypervisor-security")
    assert "Owner: AWS" in result.output
    assert "SOC 2" in result.output


def test_explain_unknown_ids_exit_2():
    assert run("explain", "mainframe").exit_code == 2
    bad = run("explain", "ec2.no-such-duty")
    assert bad.exit_code == 2
    assert "unknown duty" in bad.output


def test_who_rds_os_patching_is_aws():
    result = run("who", "patch the operating system", "--service", "rds", "--json")
    data = json.loads(result.output)
    assert data["answer"] == "aws"
    assert data["matches"][0]["duty_id"] == "rds.os-patching"


def test_who_ec2_os_patching_is_customer():
    result = run("who", "patch the operating system", "--service", "ec2", "--json")
    data = json.loads(result.output)
    assert data["answer"] == "customer"
    assert data["matches"][0]["duty_id"] == "ec2.guest-os-patching"


def test_who_without_service_says_it_depends():
    result = run("who", "patch the operating system")
    assert result.exit_code == 0
    assert "It depends on the service" in result.output
    assert "EC2" in result.output and "RDS" in result.output


def test_who_text_answer_names_owner_and_duty():
    result = run("who", "rotate access keys")
    assert "You (the customer)" in result.output
    assert "iam.access-key-rotation" in result.output


def test_who_no_match_exits_1():
    result = run("who", "zzzz qqqq")
    assert result.exit_code == 1


def test_who_unknown_service_exits_2():
    assert run("who", "patching", "--service", "nope").exit_code == 2


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert "demarcate" in result.output
