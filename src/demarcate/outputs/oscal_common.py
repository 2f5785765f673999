"""What the OSCAL SSP and assessment-results renderers share.

Controls are NIST SP 800-53 rev5, in OSCAL catalog form (``ac-2``, ``sc-7.11``), from the
``nist-800-53-rev5`` framework: a control maps to a check when AWS states that one of the
check's Security Hub controls relates to it. UUIDs are version-5, derived from the scan
(account, scan time) and the object, so the same scan renders to the same document.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from trestle.oscal import OSCAL_VERSION

from demarcate.checks.registry import CheckSpec, load_checks
from demarcate.compliance.frameworks import get_framework, oscal_control_id, score
from demarcate.outputs.common import parse_time, stable_uuid

NIST_FRAMEWORK = "nist-800-53-rev5"
NS = "urn:demarcate:oscal"
NIST_CATALOG = (
    "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/"
    "json/NIST_SP-800-53_rev5_catalog.json"
)
AWS_COMPLIANCE_PROGRAMS = "https://aws.amazon.com/compliance/programs/"
IMPLEMENTATION_STATE = {
    "PASS": "implemented",
    "FAIL": "partial",
    "UNKNOWN": "partial",
    "NOT_APPLICABLE": "not-applicable",
}
OBJECTIVE_STATE = {"PASS": ("satisfied", "pass"), "FAIL": ("not-satisfied", "fail")}


def one_line(text: Any, limit: int = 500) -> str:
    """OSCAL titles and prop values: one line, no leading/trailing space, never empty."""
    flat = re.sub(r"\s+", " ", "" if text is None else str(text)).strip()
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat or "-"


def prop(name: str, value: Any, ns: str | None = NS) -> dict[str, Any]:
    out = {"name": name, "value": one_line(value)}
    if ns:
        out["ns"] = ns
    return out


def prune(value: Any) -> Any:
    """Drop None and empty lists/dicts: OSCAL arrays must hold at least one item."""
    if isinstance(value, dict):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [v for v in (prune(v) for v in value) if v not in (None, [], {})]
    return value


class Context:
    """The scan as the OSCAL renderers need it: ids, times, controls, checks, duties."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report
        self.scan: dict[str, Any] = report.get("scan") or {}
        self.account: str = self.scan.get("account") or "unknown-account"
        self.finished = parse_time(self.scan.get("finished"))
        self.started = parse_time(self.scan.get("started") or self.scan.get("finished"))
        # Object uuids stay the same from scan to scan of one account; document uuids do not.
        self.seed = f"{self.account}|{self.scan.get('source')}"
        self.checks: dict[str, CheckSpec] = load_checks()
        self.framework = get_framework(NIST_FRAMEWORK)
        self.scores = {c["id"]: c for c in score(report, NIST_FRAMEWORK)["controls"]}
        self.services = {s["service"]: s for s in report.get("matrix", [])}
        self.duties = {
            d["duty_id"]: d for s in report.get("matrix", []) for d in s.get("customer_duties", [])
        }
        self.findings_by_check: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in report.get("findings", []):
            self.findings_by_check[f["check_id"]].append(f)

    def uuid(self, *parts: str) -> str:
        return stable_uuid(self.seed, *parts)

    def document_uuid(self, kind: str) -> str:
        return stable_uuid(self.seed, str(self.scan.get("finished")), kind)

    def metadata(self, title: str, tool_role: str) -> dict[str, Any]:
        return {
            "title": title,
            "last-modified": self.finished.isoformat(),
            "version": f"{self.scan.get('tool_version') or '0'}+{self.finished:%Y%m%dT%H%M%SZ}",
            "oscal-version": OSCAL_VERSION,
            "props": [
                prop("scan-source", self.scan.get("source")),
                prop("model-version", self.scan.get("model_version")),
            ],
            "roles": [
                {"id": tool_role, "title": "Tool that produced this document"},
                {"id": "provider", "title": "Leveraged cloud service provider"},
            ],
            "parties": [
                {"uuid": self.uuid("party", "tool"), "type": "organization", "name": "demarcate"},
                {
                    "uuid": self.aws_party,
                    "type": "organization",
                    "name": "Amazon Web Services",
                    "short-name": "AWS",
                    "links": [{"href": AWS_COMPLIANCE_PROGRAMS, "text": "AWS compliance programs"}],
                },
            ],
            "responsible-parties": [
                {"role-id": tool_role, "party-uuids": [self.uuid("party", "tool")]},
                {"role-id": "provider", "party-uuids": [self.aws_party]},
            ],
        }

    @property
    def aws_party(self) -> str:
        return self.uuid("party", "aws")

    def control_ids(self) -> list[tuple[str, str]]:
        """(NIST id as in the source, OSCAL id) for every control of the framework."""
        return [(c.id, oscal_control_id(c.id)) for c in self.framework.controls]

    def checks_by_service(self, control_id: str) -> dict[str, list[CheckSpec]]:
        out: dict[str, list[CheckSpec]] = defaultdict(list)
        for cid in self.framework.control(control_id).check_ids:
            spec = self.checks.get(cid)
            if spec is not None:
                out[spec.service].append(spec)
        return dict(out)

    def counts_props(self, counts: dict[str, int]) -> list[dict[str, Any]]:
        return [
            prop(f"findings-{s.lower()}", counts.get(s, 0)) for s in ("PASS", "FAIL", "UNKNOWN")
        ]
