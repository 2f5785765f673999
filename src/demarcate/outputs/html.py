"""A single self-contained HTML report: the responsibility matrix first, then charts and findings.

Everything is in the one file (CSS, JS, charts as inline SVG, the findings as JSON) so it opens
offline and can be mailed to an auditor. Every value is escaped: Jinja autoescaping for the
markup, and the findings travel as JSON in ``<script type="application/json">`` with ``<``, ``>``
and ``&`` written as ``\\u003c`` … so no resource name can close the element; the script puts
them into the page with ``textContent`` only. A Content-Security-Policy with hashes of the one
script and the one style block forbids anything else from running or loading.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter, defaultdict
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, Template
from markupsafe import Markup

from demarcate.outputs.formats import output_format

FINDING_STATUSES = ["FAIL", "UNKNOWN", "PASS"]
DUTY_STATUSES = ["FAIL", "UNKNOWN", "MANUAL", "PASS", "NOT_APPLICABLE"]
SEVERITIES = ["critical", "high", "medium", "low", "informational"]
STATUS_LABEL = {
    "PASS": "Pass",
    "FAIL": "Fail",
    "UNKNOWN": "Unknown",
    "MANUAL": "Manual",
    "NOT_APPLICABLE": "N/A",
    "INHERITED": "Inherited",
}
STATUS_COLOR = {
    "FAIL": "#cf222e",
    "UNKNOWN": "#bf8700",
    "PASS": "#1a7f37",
    "MANUAL": "#0969da",
    "NOT_APPLICABLE": "#8c959f",
}
SEVERITY_COLOR = {
    "critical": "#82071e",
    "high": "#cf222e",
    "medium": "#e16f24",
    "low": "#bf8700",
    "informational": "#8c959f",
}
# keys of a finding's ``compliance`` → (short label, full name)
FRAMEWORK_NAMES = {
    "cis": ("CIS", "CIS AWS Foundations Benchmark"),
    "aws_fsbp": ("FSBP", "AWS Foundational Security Best Practices"),
    "securityhub": ("Security Hub", "AWS Security Hub controls"),
    "nist_800_53": ("NIST 800-53", "NIST SP 800-53 rev5"),
    "pci_dss": ("PCI DSS", "PCI DSS v4.0"),
}


def _asset(name: str) -> str:
    return resources.files("demarcate.outputs").joinpath("templates", name).read_text("utf-8")


@lru_cache(maxsize=1)
def _template() -> Template:
    # a missing key renders empty: a result saved by another version still renders
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(_asset("report.html.j2"))


@lru_cache(maxsize=1)
def _inline_assets() -> tuple[Markup, Markup, Markup]:
    """The CSS and JS, inlined verbatim, and a CSP allowing exactly those two blocks."""
    css, js = _asset("report.css"), _asset("report.js")
    if "</style" in css.lower() or "</script" in js.lower():
        raise ValueError("an inline asset would close its own element")

    def sha(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    csp = (
        "default-src 'none'; "
        f"script-src {sha(js)}; style-src {sha(css)}; "
        "base-uri 'none'; form-action 'none'"
    )
    # our own constant: single quotes only, so it can sit in a double-quoted attribute as is
    return Markup(css), Markup(js), Markup(csp)


def script_json(data: Any) -> Markup:
    """JSON that is safe inside a ``<script>`` element: nothing in it can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    for char, esc in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, esc)
    return Markup(text)


# --- frameworks ---------------------------------------------------------------------------


def _norm(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _collect_checks(node: Any, out: set[str]) -> None:
    """Every string under a ``checks`` / ``check_ids`` key anywhere in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("checks", "check_ids", "automated_checks") and isinstance(value, list):
                out.update(v for v in value if isinstance(v, str))
            else:
                _collect_checks(value, out)
    elif isinstance(node, list):
        for item in node:
            _collect_checks(item, out)


def _head(entry: dict[str, Any]) -> dict[str, Any]:
    inner = entry.get("framework")
    return inner if isinstance(inner, dict) else entry


def _declared_frameworks(declared: Any) -> list[tuple[str, str, str, Any]]:
    """(id, short, name, body) for ``report["frameworks"]``.

    Accepts a list of objects or a dict keyed by id; an object names itself with ``id`` /
    ``name`` or, as :func:`demarcate.compliance.frameworks.score` returns it, with
    ``framework: {id, name, version}``.
    """
    items: list[tuple[str, Any]] = []
    if isinstance(declared, dict):
        items = [(str(k), v) for k, v in declared.items()]
    elif isinstance(declared, list):
        for entry in declared:
            if isinstance(entry, str):
                items.append((entry, {}))
            elif isinstance(entry, dict):
                head = _head(entry)
                if head.get("id"):
                    items.append((str(head["id"]), entry))
    out = []
    for fid, body in items:
        name = fid
        if isinstance(body, dict):
            head = _head(body)
            name = str(head.get("name") or head.get("title") or fid)
            if head.get("version") and str(head["version"]) not in name:
                name = f"{name} {head['version']}"
            short = str(head.get("short") or fid)
        else:
            short = fid
        out.append((fid, short, name, body))
    return out


def _declared_score(body: Any) -> float | None:
    """A framework's own control score (percent), where the report carries one."""
    if isinstance(body, dict):
        for holder in (body.get("overall"), body):
            if isinstance(holder, dict) and isinstance(holder.get("score_percent"), int | float):
                return float(holder["score_percent"])
    return None


def frameworks_for(report: dict[str, Any]) -> tuple[list[dict[str, str]], list[list[str]]]:
    """The frameworks of the report and, per finding, the ids of those it maps to.

    ``report["frameworks"]`` (scored frameworks) wins where present: a finding belongs to a
    framework whose controls list its check, or else whose id names a key of its
    ``compliance``. Without it the frameworks are the keys of the findings' ``compliance``.
    """
    findings = report.get("findings") or []
    per: list[list[str]] = [[] for _ in findings]
    declared = _declared_frameworks(report.get("frameworks"))
    if declared:
        listed = []
        for fid, short, name, body in declared:
            checks: set[str] = set()
            _collect_checks(body, checks)
            key = _norm(fid)
            for i, f in enumerate(findings):
                comp = f.get("compliance") or {}
                if checks:
                    hit = f.get("check_id") in checks
                else:
                    hit = any(comp.get(k) and (_norm(k) in key or key in _norm(k)) for k in comp)
                if hit:
                    per[i].append(fid)
            entry = {"id": fid, "short": short, "name": name}
            declared_score = _declared_score(body)
            if declared_score is not None:
                entry["control_score"] = f"{declared_score:g}"
            listed.append(entry)
        return listed, per
    keys: list[str] = []
    for i, f in enumerate(findings):
        for key, ids in (f.get("compliance") or {}).items():
            if not ids:
                continue
            if key not in keys:
                keys.append(key)
            per[i].append(key)
    order = list(FRAMEWORK_NAMES)
    keys.sort(key=lambda k: (order.index(k) if k in order else len(order), k))
    listed = [
        {
            "id": k,
            "short": FRAMEWORK_NAMES.get(k, (k, k))[0],
            "name": FRAMEWORK_NAMES.get(k, (k, k))[1],
        }
        for k in keys
    ]
    return listed, per


# --- charts -------------------------------------------------------------------------------

BAR_X = 132  # left edge of the bars (labels to the left)
BAR_W = 280  # width of the longest bar
CHART_W = BAR_X + BAR_W + 100  # room for the value after the bar
ROW_H = 22


def _stacked(
    rows: list[tuple[str, dict[str, int]]], order: list[str], colors: dict[str, str]
) -> dict[str, Any]:
    biggest = max((sum(c.get(s, 0) for s in order) for _, c in rows), default=0) or 1
    out = []
    for idx, (label, counts) in enumerate(rows):
        x = float(BAR_X)
        segs = []
        total = sum(counts.get(s, 0) for s in order)
        for status in order:
            n = counts.get(status, 0)
            if not n:
                continue
            w = BAR_W * n / biggest
            segs.append(
                {
                    "x": round(x, 2),
                    "w": round(max(w, 1.5), 2),
                    "n": n,
                    "key": status,
                    "color": colors[status],
                }
            )
            x += w
        out.append(
            {"label": label, "y": 8 + idx * ROW_H, "segs": segs, "total": total, "end": round(x, 2)}
        )
    return {
        "rows": out,
        "height": 16 + len(rows) * ROW_H,
        "width": CHART_W,
        "bar_x": BAR_X,
        "legend": order,
    }


def charts(
    report: dict[str, Any], frameworks: list[dict[str, str]], per: list[list[str]]
) -> dict[str, Any]:
    findings = report.get("findings") or []
    names = {m.get("service"): m.get("name") for m in report.get("matrix") or []}
    by_service: dict[str, Counter[str]] = defaultdict(Counter)
    failed_sev: Counter[str] = Counter()
    by_fw: dict[str, Counter[str]] = {fw["id"]: Counter() for fw in frameworks}
    for f, fws in zip(findings, per, strict=True):
        by_service[str(f.get("service"))][f.get("status")] += 1
        if f.get("status") == "FAIL":
            failed_sev[f.get("severity")] += 1
        for fid in fws:
            by_fw[fid][f.get("status")] += 1
    service_rows = sorted(
        by_service.items(),
        key=lambda kv: (
            -kv[1].get("FAIL", 0),
            -sum(kv[1].values()),
            str(names.get(kv[0]) or kv[0]),
        ),
    )
    status_chart = _stacked(
        [(str(names.get(s) or s), dict(c)) for s, c in service_rows], FINDING_STATUSES, STATUS_COLOR
    )
    sev_rows = [(s, {s: failed_sev.get(s, 0)}) for s in SEVERITIES]
    sev_chart = _stacked(sev_rows, SEVERITIES, SEVERITY_COLOR)
    fw_rows = []
    for idx, fw in enumerate(frameworks):
        c = by_fw[fw["id"]]
        total = sum(c.values())
        passed = c.get("PASS", 0)
        pct = round(100 * passed / total) if total else 0
        fw_rows.append(
            {
                "label": fw["short"],
                "name": fw["name"],
                "y": 8 + idx * ROW_H,
                "pct": pct,
                "passed": passed,
                "failed": c.get("FAIL", 0),
                "unknown": c.get("UNKNOWN", 0),
                "total": total,
                "w": round(BAR_W * passed / total, 2) if total else 0,
                "control_score": fw.get("control_score"),
            }
        )
    return {
        "status": status_chart,
        "severity": sev_chart,
        "frameworks": {
            "rows": fw_rows,
            "height": 16 + len(fw_rows) * ROW_H,
            "width": CHART_W,
            "bar_x": BAR_X,
            "bar_w": BAR_W,
        },
        "any_findings": bool(findings),
        "any_failed": sum(failed_sev.values()) > 0,
    }


# --- the page -----------------------------------------------------------------------------


def _matrix(report: dict[str, Any]) -> list[dict[str, Any]]:
    rank = {s: i for i, s in enumerate(DUTY_STATUSES)}
    out = []
    for svc in report.get("matrix") or []:
        aws = list(svc.get("aws_duties") or [])
        evidence = [tuple(d.get("evidence") or []) for d in aws]
        shared = list(evidence[0]) if evidence and all(e == evidence[0] for e in evidence) else None
        customer = sorted(
            svc.get("customer_duties") or [], key=lambda d: rank.get(d.get("status"), 9)
        )
        counts = svc.get("status_counts") or Counter(d.get("status") for d in customer)
        out.append(
            {
                **svc,
                "aws": aws,
                "shared_evidence": shared,
                "customer": customer,
                "counts": [(s, counts.get(s, 0)) for s in DUTY_STATUSES if counts.get(s, 0)],
            }
        )
    return out


def _js_data(
    report: dict[str, Any], frameworks: list[dict[str, str]], per: list[list[str]]
) -> dict[str, Any]:
    """The findings for the script, with the per-check text (title, remediation, refs) shared."""
    templates: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    rows = []
    for f, fws in zip(report.get("findings") or [], per, strict=True):
        tmpl = {
            "title": f.get("title"),
            "remediation": f.get("remediation") or {},
            "compliance": f.get("compliance") or {},
        }
        key = json.dumps([f.get("check_id"), tmpl], sort_keys=True, default=str)
        if key not in seen:
            seen[key] = len(templates)
            templates.append(tmpl)
        rows.append(
            {
                "t": seen[key],
                "check": f.get("check_id"),
                "status": f.get("status"),
                "severity": f.get("severity"),
                "service": f.get("service"),
                "duty": f.get("duty_id"),
                "rid": f.get("resource_id"),
                "rname": f.get("resource_name"),
                "arn": f.get("resource_arn"),
                "rtype": f.get("resource_type"),
                "region": f.get("region"),
                "account": f.get("account"),
                "evidence": f.get("evidence"),
                "location": f.get("location"),
                "fw": fws,
            }
        )
    duties: dict[str, str] = {}
    services: dict[str, str] = {}
    for svc in report.get("matrix") or []:
        services[str(svc.get("service"))] = str(svc.get("name") or svc.get("service"))
        for d in (svc.get("aws_duties") or []) + (svc.get("customer_duties") or []):
            duties[str(d.get("duty_id"))] = str(d.get("title") or "")
    labels = {k: v[0] for k, v in FRAMEWORK_NAMES.items()}
    return {
        "findings": rows,
        "templates": templates,
        "duties": duties,
        "services": services,
        "frameworks": frameworks,
        "refLabels": labels,
    }


def render_context(report: dict[str, Any]) -> dict[str, Any]:
    findings = report.get("findings") or []
    frameworks, per = frameworks_for(report)
    matrix = _matrix(report)
    by_status = Counter(f.get("status") for f in findings)
    duty_counts: Counter[str] = Counter()
    inherited = 0
    for svc in matrix:
        inherited += len(svc["aws"])
        duty_counts.update(d.get("status") for d in svc["customer"])
    inventory = report.get("inventory") or {}
    scan = report.get("scan") or {}
    css, js, csp = _inline_assets()
    return {
        "scan": scan,
        "schema_version": report.get("schema_version"),
        "matrix": matrix,
        "kpi": {
            "services": len(matrix),
            "resources": sum(v for v in inventory.values() if isinstance(v, int)),
            "findings": len(findings),
            "by_status": by_status,
            "duties": duty_counts,
            "customer_duties": sum(duty_counts.values()),
            "inherited": inherited,
        },
        "charts": charts(report, frameworks, per),
        "data": script_json(_js_data(report, frameworks, per)),
        "status_label": STATUS_LABEL,
        "status_color": STATUS_COLOR,
        "severities": SEVERITIES,
        "css": css,
        "js": js,
        "csp": csp,
        "errors": scan.get("collection_errors") or [],
    }


@output_format(
    "html",
    extension="html",
    description="one self-contained page: responsibility matrix, charts, filterable findings",
)
def render_html(report: dict[str, Any]) -> str:
    return _template().render(**render_context(report))
