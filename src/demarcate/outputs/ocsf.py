"""OCSF 1.1.0 Detection Finding (class_uid 2004, category_uid 2): a JSON array, one event per finding.

Mapping:
- ``status_code`` is the check result (PASS / FAIL / UNKNOWN) and ``status_detail`` its
  evidence; ``status_id`` is the finding's triage state, always 1 (New) for a fresh scan.
- ``severity_id``: informational 1, low 2, medium 3, high 4, critical 5 (the check's severity,
  whatever the result; ``status_code`` says whether it failed).
- the ``cloud`` profile is applied: ``cloud.provider`` AWS, ``cloud.account`` and region;
  each finding's resource goes in ``resources[]``.
- what OCSF has no attribute for (check id, duty, compliance ids, CLI/Terraform remediation)
  goes in ``unmapped``.
"""

from __future__ import annotations

import json
from typing import Any

from demarcate.outputs.common import epoch_ms, finding_hash, is_region, partition
from demarcate.outputs.formats import output_format

OCSF_VERSION = "1.1.0"
CLASS_UID = 2004
CATEGORY_UID = 2
ACTIVITY_CREATE = 1
SEVERITY_IDS = {"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
SEVERITY_NAMES = {0: "Unknown", 1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical"}
ACCOUNT_TYPE_AWS = 10  # OCSF account.type_id 10: AWS Account


def detection_finding(finding: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    scan = report.get("scan") or {}
    when = epoch_ms(scan.get("finished"))
    severity_id = SEVERITY_IDS.get(finding["severity"], 0)
    account = finding.get("account") or scan.get("account")
    uid = f"demarcate-{finding['check_id']}-{finding_hash(finding, report)}"
    region = finding["region"]
    resource: dict[str, Any] = {
        "uid": finding["resource_id"],
        "name": finding.get("resource_name") or finding["resource_id"],
        "type": finding["resource_type"],
        "cloud_partition": partition(finding),
        "region": region,
    }
    cloud: dict[str, Any] = {"provider": "AWS", "region": region}
    if account:
        cloud["account"] = {"uid": account, "type_id": ACCOUNT_TYPE_AWS, "type": "AWS Account"}
    rem = finding.get("remediation") or {}
    comp = finding.get("compliance") or {}
    types = ["Software and Configuration Checks"]
    if comp.get("cis"):
        types.append("Industry and Regulatory Standards/CIS AWS Foundations Benchmark")
    event: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Detection Finding: Create",
        "time": when,
        "severity_id": severity_id,
        "severity": SEVERITY_NAMES[severity_id],
        "status_id": 1,
        "status": "New",
        "status_code": finding["status"],
        "status_detail": finding["evidence"],
        "message": f"{finding['status']}: {finding['title']} ({resource['name']})",
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": ["cloud"],
            "product": {
                "name": scan.get("tool") or "demarcate",
                "vendor_name": "demarcate",
                "uid": "demarcate",
                "version": scan.get("tool_version") or "",
            },
            "event_code": finding["check_id"],
            "uid": uid,
        },
        "finding_info": {
            "uid": uid,
            "title": finding["title"],
            "desc": finding["evidence"],
            "types": types,
            "created_time": when,
            "product_uid": "demarcate",
        },
        "resources": [resource],
        "cloud": cloud,
        "remediation": {"desc": rem.get("console") or finding["title"]},
        "unmapped": {
            "check_id": finding["check_id"],
            "service": finding["service"],
            "duty_id": finding["duty_id"],
            "compliance": comp,
            "remediation_cli": rem.get("cli"),
            "remediation_terraform": rem.get("terraform"),
            "resource_arn": finding.get("resource_arn"),
            "location": finding.get("location"),
            "global_resource": not is_region(region),
        },
    }
    return event


@output_format("ocsf", extension="ocsf.json", description="OCSF 1.1.0 Detection Findings (2004)")
def render_ocsf(report: dict[str, Any]) -> str:
    events = [detection_finding(f, report) for f in report.get("findings", [])]
    return json.dumps(events, indent=2) + "\n"
