"""SARIF 2.1.0 output (for GitHub code scanning and other SARIF consumers).

One rule per check id in the report (help = rationale and the console / CLI / Terraform
remediation), one result per FAIL finding (level from the check's severity) and per UNKNOWN
finding (level ``note``: it could not be verified). IaC findings carry a physical location
(file relative to the scan root, start line); live findings a logical one (the resource).
Parse errors in ``report["scan"]["parse_errors"]`` become tool execution notifications.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from demarcate.outputs.formats import output_format

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/demarcate/demarcate"
LEVELS = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
    "informational": "note",
}
# GitHub code scanning reads rule property "security-severity" (0.0–10.0)
SECURITY_SEVERITY = {
    "critical": "9.5",
    "high": "8.0",
    "medium": "5.5",
    "low": "3.0",
    "informational": "1.0",
}


def _check_specs() -> dict[str, Any]:
    try:
        from demarcate.checks.registry import load_checks

        return load_checks()
    except Exception:  # rendering a saved report must work without the check registry
        return {}


def _rule_name(check_id: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", check_id) if part)


def _rule(check_id: str, finding: dict[str, Any], spec: Any) -> dict[str, Any]:
    severity = finding.get("severity") or "medium"
    remediation = finding.get("remediation") or {}
    rationale = getattr(spec, "rationale", "") or finding.get("title") or check_id
    steps = [
        ("Console", remediation.get("console")),
        ("CLI", remediation.get("cli")),
        ("Terraform", remediation.get("terraform")),
    ]
    text = rationale + "".join(f"\n\n{label}: {value}" for label, value in steps if value)
    markdown = f"{rationale}\n" + "".join(
        f"\n**{label}**\n\n```\n{value}\n```\n"
        if label != "Console"
        else f"\n**{label}**: {value}\n"
        for label, value in steps
        if value
    )
    tags = ["security", "aws", finding.get("service") or ""]
    for framework, ids in (finding.get("compliance") or {}).items():
        tags.extend(f"{framework}:{i}" for i in ids)
    rule: dict[str, Any] = {
        "id": check_id,
        "name": _rule_name(check_id),
        "shortDescription": {"text": finding.get("title") or check_id},
        "fullDescription": {"text": rationale},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
        "properties": {
            "tags": [t for t in tags if t],
            "precision": "high",
            "problem.severity": "error" if LEVELS.get(severity) == "error" else "warning",
            "security-severity": SECURITY_SEVERITY.get(severity, "5.5"),
            "duty": finding.get("duty_id"),
        },
    }
    references = list(getattr(spec, "references", ()) or ())
    if references:
        rule["helpUri"] = references[0]
    return rule


def _fingerprint(finding: dict[str, Any]) -> str:
    key = f"{finding.get('check_id')}|{finding.get('resource_type')}|{finding.get('resource_id')}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _result(finding: dict[str, Any], index: int) -> dict[str, Any]:
    status = finding.get("status")
    level = "note" if status == "UNKNOWN" else LEVELS.get(finding.get("severity") or "", "warning")
    text = finding.get("evidence") or finding.get("title") or ""
    if status == "UNKNOWN":
        text = f"Could not be verified: {text}"
    resource = finding.get("resource_name") or finding.get("resource_id")
    location = finding.get("location") or {}
    logical = {
        "name": str(resource),
        "kind": "resource",
        "fullyQualifiedName": ".".join(
            p for p in (location.get("module"), str(finding.get("resource_id") or resource)) if p
        ),
    }
    loc: dict[str, Any] = {"logicalLocations": [logical]}
    if location.get("file"):
        physical: dict[str, Any] = {
            "artifactLocation": {
                "uri": str(location["file"]).replace("\\", "/"),
                "uriBaseId": "%SRCROOT%",
            }
        }
        if isinstance(location.get("line"), int) and location["line"] >= 1:
            physical["region"] = {"startLine": location["line"]}
        loc["physicalLocation"] = physical
    return {
        "ruleId": finding.get("check_id"),
        "ruleIndex": index,
        "level": level,
        "message": {"text": text},
        "locations": [loc],
        "partialFingerprints": {"demarcateFinding/v1": _fingerprint(finding)},
        "properties": {
            "status": status,
            "severity": finding.get("severity"),
            "resourceType": finding.get("resource_type"),
            "resourceId": finding.get("resource_id"),
            "region": finding.get("region"),
        },
    }


def build_sarif(report: dict[str, Any]) -> dict[str, Any]:
    scan = report.get("scan") or {}
    specs = _check_specs()
    findings = [f for f in report.get("findings") or [] if f.get("status") in ("FAIL", "UNKNOWN")]
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for f in sorted(report.get("findings") or [], key=lambda x: str(x.get("check_id"))):
        cid = str(f.get("check_id"))
        if cid not in index:
            index[cid] = len(rules)
            rules.append(_rule(cid, f, specs.get(cid)))
    results = [_result(f, index[str(f.get("check_id"))]) for f in findings]
    notifications = [
        {
            "level": "error",
            "message": {"text": str(err.get("message"))},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": str(err.get("path")), "uriBaseId": "%SRCROOT%"},
                        **(
                            {"region": {"startLine": err["line"]}}
                            if isinstance(err.get("line"), int) and err["line"] >= 1
                            else {}
                        ),
                    }
                }
            ],
        }
        for err in scan.get("parse_errors") or []
    ]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if scan.get("started"):
        invocation["startTimeUtc"] = scan["started"]
    if scan.get("finished"):
        invocation["endTimeUtc"] = scan["finished"]
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "demarcate",
                "version": str(scan.get("tool_version") or "0"),
                "semanticVersion": str(scan.get("tool_version") or "0"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {"source": scan.get("source"), "regions": scan.get("regions") or []},
    }
    if any("physicalLocation" in r["locations"][0] for r in results) or notifications:
        run["originalUriBaseIds"] = {
            "%SRCROOT%": {
                "description": {"text": "The directory the scanned paths are relative to."}
            }
        }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


@output_format(
    "sarif",
    extension="sarif",
    description="SARIF 2.1.0 for code scanning (failed and unverified findings, file and line for IaC)",
)
def render_sarif(report: dict[str, Any]) -> str:
    return json.dumps(build_sarif(report), indent=2) + "\n"
