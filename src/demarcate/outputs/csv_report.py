"""CSV: one row per finding, in a fixed column order, safe to open in a spreadsheet.

Cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, or
a tab / carriage return) get a leading ``'`` so they stay text: resource names and evidence
come from the scanned account and may be attacker-controlled.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from demarcate.outputs.formats import output_format

COLUMNS: tuple[str, ...] = (
    "status",
    "severity",
    "check_id",
    "title",
    "service",
    "duty_id",
    "account",
    "region",
    "resource_type",
    "resource_id",
    "resource_name",
    "resource_arn",
    "evidence",
    "cis",
    "aws_fsbp",
    "securityhub",
    "remediation_console",
    "remediation_cli",
    "remediation_terraform",
    "location",
    "scan_source",
    "scan_finished",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The cell text, with a leading quote where a spreadsheet would see a formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _location(loc: dict[str, Any] | None) -> str:
    if not loc:
        return ""
    where = str(loc.get("file") or "")
    if loc.get("line") is not None:
        where += f":{loc['line']}"
    if loc.get("module"):
        where += f" ({loc['module']})"
    return where


def finding_row(finding: dict[str, Any], scan: dict[str, Any]) -> dict[str, str]:
    comp = finding.get("compliance") or {}
    rem = finding.get("remediation") or {}
    raw = {
        "status": finding["status"],
        "severity": finding["severity"],
        "check_id": finding["check_id"],
        "title": finding["title"],
        "service": finding["service"],
        "duty_id": finding["duty_id"],
        "account": finding.get("account"),
        "region": finding["region"],
        "resource_type": finding["resource_type"],
        "resource_id": finding["resource_id"],
        "resource_name": finding.get("resource_name"),
        "resource_arn": finding.get("resource_arn"),
        "evidence": finding["evidence"],
        "cis": ";".join(comp.get("cis", [])),
        "aws_fsbp": ";".join(comp.get("aws_fsbp", [])),
        "securityhub": ";".join(comp.get("securityhub", [])),
        "remediation_console": rem.get("console"),
        "remediation_cli": rem.get("cli"),
        "remediation_terraform": rem.get("terraform"),
        "location": _location(finding.get("location")),
        "scan_source": scan.get("source"),
        "scan_finished": scan.get("finished"),
    }
    return {k: safe_cell(raw[k]) for k in COLUMNS}


@output_format("csv", extension="csv", description="one row per finding (spreadsheet-safe)")
def render_csv(report: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    scan = report.get("scan") or {}
    for finding in report.get("findings", []):
        writer.writerow(finding_row(finding, scan))
    return buf.getvalue()
