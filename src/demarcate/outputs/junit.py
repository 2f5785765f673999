"""JUnit XML for CI: one ``<testsuite>`` per service, one ``<testcase>`` per check × resource.

FAIL → ``<failure>``; UNKNOWN → ``<skipped type="UNKNOWN">``; PASS → a plain testcase. The
customer's MANUAL duties of each service are testcases too, ``<skipped type="MANUAL">``: no API
can prove them, so CI shows them without failing on them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from demarcate.outputs.formats import output_format

# Characters XML 1.0 cannot carry at all, even escaped.
_ILLEGAL_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> str:
    return _ILLEGAL_XML.sub("\ufffd", "" if value is None else str(value))


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(
        suite, "testcase", {"classname": xml_text(classname), "name": xml_text(name), "time": "0"}
    )


def _finding_case(suite: ET.Element, f: dict[str, Any]) -> str:
    resource = f.get("resource_name") or f["resource_id"]
    case = _case(
        suite, f"demarcate.{f['service']}.{f['check_id']}", f"{f['check_id']} [{resource}]"
    )
    rem = f.get("remediation") or {}
    detail = (
        f"{f['title']}\nresource: {f['resource_id']} ({f['region']})\nevidence: {f['evidence']}"
    )
    if f["status"] == "FAIL":
        el = ET.SubElement(
            case,
            "failure",
            {"message": xml_text(f["evidence"]), "type": xml_text(f"FAIL {f['severity']}")},
        )
        el.text = xml_text(
            f"{detail}\nremediation (console): {rem.get('console', '')}\n"
            f"remediation (cli): {rem.get('cli', '')}"
        )
    elif f["status"] == "UNKNOWN":
        ET.SubElement(
            case, "skipped", {"message": xml_text(f"UNKNOWN: {f['evidence']}"), "type": "UNKNOWN"}
        )
    ET.SubElement(case, "system-out").text = xml_text(detail)
    return str(f["status"])


def _manual_case(suite: ET.Element, service: str, duty: dict[str, Any]) -> None:
    case = _case(suite, f"demarcate.{service}.manual", f"{duty['duty_id']} (manual)")
    note = "MANUAL: no API can prove this duty; it needs an attestation"
    att = duty.get("attestation")
    if isinstance(att, dict) and att:
        note += f" (attested by {att.get('by', '?')} on {att.get('date', '?')})"
    ET.SubElement(case, "skipped", {"message": xml_text(note), "type": "MANUAL"})
    ET.SubElement(case, "system-out").text = xml_text(duty["title"])


@output_format("junit", extension="junit.xml", description="JUnit XML, one test suite per service")
def render_junit(report: dict[str, Any]) -> str:
    by_service: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in report.get("findings", []):
        by_service[f["service"]].append(f)
    manual: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for svc in report.get("matrix", []):
        for duty in svc.get("customer_duties", []):
            if duty["status"] == "MANUAL":
                manual[svc["service"]].append(duty)
    scan = report.get("scan") or {}
    root = ET.Element(
        "testsuites", {"name": "demarcate", "time": str(scan.get("duration_seconds") or 0)}
    )
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for service in sorted(set(by_service) | set(manual)):
        suite = ET.SubElement(root, "testsuite", {"name": xml_text(service)})
        if scan.get("finished"):
            suite.set("timestamp", xml_text(str(scan["finished"]).replace("Z", "")))
        props = ET.SubElement(suite, "properties")
        for key in ("source", "account", "tool_version"):
            if scan.get(key):
                ET.SubElement(props, "property", {"name": key, "value": xml_text(scan[key])})
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for f in by_service.get(service, []):
            status = _finding_case(suite, f)
            counts["tests"] += 1
            counts["failures"] += status == "FAIL"
            counts["skipped"] += status == "UNKNOWN"
        for duty in manual.get(service, []):
            _manual_case(suite, service, duty)
            counts["tests"] += 1
            counts["skipped"] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
