"""The published JSON Schema of the scan result holds for a real scan, and means something."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import jsonschema
import pytest

from demarcate.compliance.frameworks import frameworks, score
from demarcate.outputs.json_report import SCHEMA_VERSION, dumps


def _schema() -> dict[str, Any]:
    path = resources.files("demarcate.outputs") / "schema" / "result.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


SCHEMA = _schema()
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    from demarcate.scan_runner import run_demo_scan

    # Through the JSON text, as a saved result is read back.
    return json.loads(dumps(run_demo_scan().report))


def _errors(data: Any) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def test_schema_is_valid_draft_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_real_scan_result_validates(report):
    assert report["schema_version"] == SCHEMA_VERSION
    assert _errors(report) == []
    assert report["findings"] and report["matrix"]


def test_result_with_framework_scores_validates(report):
    data = copy.deepcopy(report)
    data["frameworks"] = [score(report, fw.id) for fw in frameworks()]
    assert _errors(data) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("schema_version",), "2.0"),
        (("findings", 0, "status"), "MAYBE"),
        (("findings", 0, "severity"), "urgent"),
        (("matrix", 0, "aws_duties", 0, "status"), "PASS"),
        (("matrix", 0, "customer_duties", 0, "status"), "OK"),
        (("summary", "by_status", "PASS"), -1),
        (("scan", "tool"), "other"),
    ],
)
def test_schema_rejects_wrong_values(report, path, value):
    data = copy.deepcopy(report)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert _errors(data), path


@pytest.mark.parametrize(
    "path",
    [
        ("scan",),
        ("findings", 0, "check_id"),
        ("findings", 0, "remediation", "terraform"),
        ("matrix", 0, "customer_duties", 0, "api_verifiable"),
    ],
)
def test_schema_requires_fields(report, path):
    data = copy.deepcopy(report)
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    assert _errors(data), path


def test_schema_rejects_unknown_fields(report):
    data = copy.deepcopy(report)
    data["findings"][0]["surprise"] = 1
    assert _errors(data)
