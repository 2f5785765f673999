"""Attested MANUAL duties carry who/when in the matrix; bad files are clear errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from demarcate.attestations import AttestationError, load_attestations
from demarcate.cli import app
from demarcate.model.loader import get_model


def test_rejects_unknown_aws_and_automatable_duties(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(
        "attestations:\n"
        "  - {duty: ec2.no-such, by: me, date: 2026-11-01}\n"
        "  - {duty: ec2.hypervisor-security, by: me, date: 2026-11-01}\n"
        "  - {duty: ec2.security-groups, by: me, date: 2026-11-01}\n"
    )
    try:
        load_attestations(path, get_model())
    except AttestationError as exc:
        text = str(exc)
    else:
        raise AssertionError("accepted a bad attestation file")
    assert "unknown duty 'ec2.no-such'" in text
    assert "AWS's duty" in text
    assert "checked automatically" in text


def test_yaml_tags_are_refused(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("!!python/object/apply:os.system ['true']\n")
    try:
        load_attestations(path, get_model())
    except AttestationError:
        return
    raise AssertionError("unsafe YAML accepted")


def test_attested_duty_shows_in_the_scan_result(tmp_path):
    path = tmp_path / "att.yaml"
    path.write_text(
        "attestations:\n"
        "  - duty: s3.iam-policies\n"
        "    by: jane@example.com\n"
        "    date: 2026-11-01\n"
        "    note: reviewed bucket access roles\n"
    )
    out = tmp_path / "r.json"
    result = CliRunner().invoke(
        app,
        [
            "scan",
            "demo",
            "--output",
            str(out),
            "--attestations",
            str(path),
            "--framework",
            "cis-aws-v7.0.0",
            "--format",
            "csv,junit",
            "--output-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    # --framework scores the scan and prints it; --format writes the extra files
    assert report["frameworks"][0]["framework"]["id"] == "cis-aws-v7.0.0"
    assert "CIS AWS Foundations Benchmark" in result.output
    assert (tmp_path / "demarcate-report.csv").exists()
    assert (tmp_path / "demarcate-report.junit.xml").exists()
    s3 = next(m for m in report["matrix"] if m["service"] == "s3")
    duty = next(d for d in s3["customer_duties"] if d["duty_id"] == "s3.iam-policies")
    assert duty["status"] == "MANUAL"
    assert duty["attestation"] == {
        "by": "jane@example.com",
        "date": "2026-11-01",
        "note": "reviewed bucket access roles",
    }


def test_bad_attestation_file_exits_2(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("attestations:\n  - {duty: nope.nope, by: x, date: 2026-11-01}\n")
    result = CliRunner().invoke(app, ["scan", "demo", "--attestations", str(path)])
    assert result.exit_code == 2
    assert "unknown duty" in result.output


def test_unknown_framework_exits_2():
    result = CliRunner().invoke(app, ["scan", "demo", "--framework", "iso-9999"])
    assert result.exit_code == 2
