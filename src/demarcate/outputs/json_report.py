"""The JSON result of a scan: the base every other report format is rendered from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from demarcate import __version__
from demarcate.assess import Assessment
from demarcate.checks.registry import SEVERITY_ORDER, Status
from demarcate.outputs.formats import output_format
from demarcate.resources.base import Inventory

SCHEMA_VERSION = "1.0"
STATUS_ORDER = {Status.FAIL.value: 0, Status.UNKNOWN.value: 1, Status.PASS.value: 2}


@dataclass
class ScanInfo:
    source: str
    account: str | None
    regions: list[str]
    started: float
    finished: float
    api_calls: int = 0
    api_calls_by_action: dict[str, int] | None = None
    endpoint: str | None = None


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def build_report(info: ScanInfo, inv: Inventory, assessment: Assessment) -> dict[str, Any]:
    findings = sorted(
        assessment.findings,
        key=lambda f: (
            STATUS_ORDER.get(f.status.value, 3),
            -SEVERITY_ORDER.get(f.severity, 0),
            f.service,
            f.check_id,
            f.resource_id,
        ),
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "scan": {
            "source": info.source,
            "account": info.account,
            "regions": info.regions,
            "started": _iso(info.started),
            "finished": _iso(info.finished),
            "duration_seconds": round(info.finished - info.started, 3),
            "tool": "demarcate",
            "tool_version": __version__,
            "model_version": assessment.model.version,
            "endpoint": info.endpoint,
            "api_calls": info.api_calls,
            "api_calls_by_action": info.api_calls_by_action or {},
            "collection_errors": [
                {
                    "resource_types": list(e.resource_types),
                    "region": e.region,
                    "action": e.action,
                    "reason": e.reason,
                }
                for e in inv.errors
            ],
        },
        "inventory": inv.counts_by_service(),
        "summary": assessment.summary(),
        "findings": [f.as_dict() for f in findings],
        "matrix": assessment.matrix_dicts(),
    }


def dumps(report: dict[str, Any]) -> str:
    """The report as JSON: one top-level key per line and one finding per line.

    Readable with grep and diff, and written by json's C encoder (``indent`` would force the
    pure-Python one, several times slower on scans with thousands of findings).
    """
    lines = []
    for key, value in report.items():
        head = f"  {json.dumps(key)}: "
        if isinstance(value, list) and value:
            items = ",\n".join("    " + _compact(item) for item in value)
            lines.append(f"{head}[\n{items}\n  ]")
        else:
            lines.append(head + _compact(value))
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _compact(value: Any) -> str:
    return json.dumps(value, default=str)


@output_format("json", extension="json", description="the full result (schema_version 1.0)")
def render_json(report: dict[str, Any]) -> str:
    return dumps(report)
