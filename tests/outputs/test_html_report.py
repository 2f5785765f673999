"""The HTML report: escaping and self-containment on the string, then the page in headless Chromium."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from demarcate.outputs.formats import load_formats
from demarcate.outputs.html import frameworks_for, render_html, script_json

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
HOSTILE = [XSS_IMG, XSS_SCRIPT, "\"'><svg onload=alert(1)>", "&amp;lt;b&gt;", "\u2028x\u2029"]


def finding(**kw: Any) -> dict[str, Any]:
    base = {
        "check_id": "s3-bucket-public-access-block",
        "title": "S3 Block Public Access is on for the bucket",
        "service": "s3",
        "duty_id": "s3.bucket-access",
        "status": "FAIL",
        "severity": "high",
        "resource_id": "arn:aws:s3:::demo-bucket",
        "resource_type": "s3.bucket",
        "region": "us-east-1",
        "evidence": "bucket demo-bucket: BlockPublicAcls is off",
        "remediation": {
            "console": "S3 > bucket > Permissions > Block public access",
            "cli": "aws s3api put-public-access-block --bucket <bucket> ...",
            "terraform": 'resource "aws_s3_bucket_public_access_block" "b" {\n  bucket = "x"\n}',
        },
        "account": "123456789012",
        "resource_name": "demo-bucket",
        "resource_arn": "arn:aws:s3:::demo-bucket",
        "compliance": {"cis": ["2.1.4"], "aws_fsbp": ["S3.8"]},
        "location": None,
    }
    base.update(kw)
    return base


def service(
    svc: str = "s3", name: str = "S3", duties: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "service": svc,
        "name": name,
        "category": "core",
        "service_model": "IaaS",
        "kind": "abstract",
        "resources": 1,
        "aws_duties": [
            {
                "duty_id": f"{svc}.infrastructure",
                "title": "Running the storage fleet",
                "owner": "aws",
                "status": "INHERITED",
                "evidence": ["SOC 2", "ISO/IEC 27001"],
            }
        ],
        "customer_duties": duties
        if duties is not None
        else [
            {
                "duty_id": f"{svc}.bucket-access",
                "title": "Controlling who can reach your buckets",
                "owner": "customer",
                "domain": "iam",
                "api_verifiable": True,
                "status": "FAIL",
                "checks": ["s3-bucket-public-access-block"],
                "counts": {"FAIL": 1},
                "failing_resources": ["demo-bucket"],
                "unknown_reasons": [],
                "worst_severity": "high",
                "attestation": None,
            },
            {
                "duty_id": f"{svc}.data-classification",
                "title": "Classifying the data you store",
                "owner": "customer",
                "domain": "data",
                "api_verifiable": False,
                "status": "MANUAL",
                "checks": [],
                "counts": {},
                "failing_resources": [],
                "unknown_reasons": [],
                "worst_severity": None,
                "attestation": None,
            },
        ],
        "status_counts": {"FAIL": 1, "MANUAL": 1},
    }


def report(
    findings: list[dict[str, Any]] | None = None, matrix: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    findings = [finding()] if findings is None else findings
    return {
        "schema_version": "1.0",
        "scan": {
            "source": "aws",
            "account": "123456789012",
            "regions": ["us-east-1"],
            "started": "2026-01-01T00:00:00Z",
            "finished": "2026-01-01T00:00:05Z",
            "duration_seconds": 5.0,
            "tool": "demarcate",
            "tool_version": "0.1.0",
            "model_version": "2026.11.1",
            "endpoint": None,
            "api_calls": 10,
            "api_calls_by_action": {},
            "collection_errors": [],
        },
        "inventory": {"s3": 1},
        "summary": {},
        "findings": findings,
        "matrix": [service()] if matrix is None else matrix,
    }


def hostile_report() -> dict[str, Any]:
    """Every text field a resource, an API answer or a model could carry is hostile."""
    evil = " | ".join(HOSTILE)
    rep = report(
        findings=[
            finding(
                resource_name=XSS_IMG,
                resource_id=XSS_SCRIPT,
                resource_arn=f"arn:aws:s3:::{XSS_IMG}",
                evidence=f"bucket {evil}",
                region=XSS_IMG,
                account=XSS_SCRIPT,
                title=evil,
                check_id=XSS_IMG,
                duty_id=XSS_SCRIPT,
                service=XSS_IMG,
                severity=XSS_IMG,
                remediation={"console": evil, "cli": evil, "terraform": evil},
                compliance={"cis": [XSS_IMG], XSS_SCRIPT: [XSS_SCRIPT]},
                location={"file": XSS_IMG, "line": 3, "module": XSS_SCRIPT},
            )
        ]
    )
    svc = rep["matrix"][0]
    svc["name"] = XSS_IMG
    svc["service"] = XSS_SCRIPT
    svc["service_model"] = XSS_IMG
    svc["kind"] = XSS_SCRIPT
    svc["aws_duties"][0]["title"] = XSS_IMG
    svc["aws_duties"][0]["evidence"] = [XSS_SCRIPT]
    duty = svc["customer_duties"][0]
    duty.update(title=XSS_SCRIPT, duty_id=XSS_IMG, failing_resources=[XSS_IMG, XSS_SCRIPT])
    duty["status"] = "UNKNOWN"
    duty["unknown_reasons"] = [XSS_IMG]
    svc["customer_duties"][1]["attestation"] = {XSS_IMG: XSS_SCRIPT}
    rep["scan"]["account"] = XSS_SCRIPT
    rep["scan"]["source"] = XSS_IMG
    rep["scan"]["regions"] = [XSS_IMG]
    rep["scan"]["collection_errors"] = [
        {"resource_types": ["s3.bucket"], "region": XSS_IMG, "action": XSS_SCRIPT, "reason": evil}
    ]
    rep["inventory"] = {XSS_IMG: 1}
    return rep


def json_payload(html: str) -> Any:
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)
    assert m, "no JSON data block"
    return json.loads(m.group(1))


# --- the rendered string ------------------------------------------------------------------


def test_registered_as_a_format() -> None:
    fmt = load_formats()["html"]
    assert fmt.extension == "html"
    assert fmt.render(report()).startswith("<!DOCTYPE html>")


def test_hostile_values_are_escaped_everywhere() -> None:
    html = render_html(hostile_report())
    lowered = html.lower()
    assert "<img" not in lowered
    assert "<svg onload" not in lowered
    # exactly our two script elements: the JSON block and the inline script
    assert lowered.count("<script") == 2
    assert lowered.count("</script") == 2
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the JSON survives the escaping unchanged
    data = json_payload(html)
    row = data["findings"][0]
    assert row["rname"] == XSS_IMG
    assert row["rid"] == XSS_SCRIPT
    assert row["location"]["file"] == XSS_IMG
    assert data["templates"][row["t"]]["remediation"]["cli"].startswith(XSS_IMG)


def test_script_json_cannot_end_its_element() -> None:
    text = str(script_json({"a": XSS_SCRIPT, "b": "<!--", "c": "&\u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text
    assert json.loads(text) == {"a": XSS_SCRIPT, "b": "<!--", "c": "&\u2028"}


def test_self_contained_nothing_loaded_from_anywhere() -> None:
    html = render_html(hostile_report())
    attrs = re.findall(
        r"""\b(?:src|href|action|xlink:href|poster|data)\s*=\s*["']?([^"'\s>]*)""", html, re.I
    )
    for value in attrs:
        assert not re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", value, re.I), value
        assert not value.lower().startswith(("http:", "https:", "javascript:")), value
    assert not re.search(r"https?://", html), "no absolute URL anywhere"
    assert "<link" not in html.lower()
    assert "@import" not in html
    assert "url(" not in html
    assert re.search(r"<script[^>]*\bsrc\s*=", html, re.I) is None


def test_csp_allows_exactly_the_inline_script_and_style() -> None:
    html = render_html(report())
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp
    policy = csp.group(1)
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy

    def sha(text: str) -> str:
        return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    script = re.search(r"<script>(.*?)</script>", html, re.S)
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert script and style
    assert f"script-src '{sha(script.group(1))}'" in policy
    assert f"style-src '{sha(style.group(1))}'" in policy
    assert " style=" not in html, "inline style attributes would need 'unsafe-inline'"


def test_matrix_first_with_both_sides_and_statuses() -> None:
    html = render_html(report())
    assert (
        html.index("Your responsibility matrix")
        < html.index('id="charts"')
        < html.index('id="findings"')
    )
    assert html.count('class="svc-row"') == 1
    assert "IaaS" in html and "abstract" in html
    assert "Running the storage fleet" in html and "SOC 2" in html
    assert 'class="badge st-FAIL"' in html and 'class="badge st-MANUAL"' in html
    assert "Needs attestation" in html
    assert "demo-bucket" in html


def test_zero_findings_and_no_services() -> None:
    html = render_html(report(findings=[], matrix=[]))
    assert "No services in use were found" in html
    assert "No findings." in html
    assert json_payload(html)["findings"] == []


def test_frameworks_from_compliance() -> None:
    rep = report(
        findings=[
            finding(),
            finding(compliance={"securityhub": ["IAM.9"]}, status="PASS"),
            finding(compliance={}),
        ]
    )
    frameworks, per = frameworks_for(rep)
    assert [f["id"] for f in frameworks] == ["cis", "aws_fsbp", "securityhub"]
    assert per == [["cis", "aws_fsbp"], ["securityhub"], []]
    text = re.sub(r"<[^>]+>", "", render_html(rep))
    assert "0% (0/1)" in text and "100% (1/1)" in text


def test_frameworks_from_the_report_when_present() -> None:
    rep = report(
        findings=[finding(), finding(check_id="iam-root-mfa", compliance={"cis": ["2.3"]})]
    )
    rep["frameworks"] = [
        # the shape compliance.frameworks.score() returns
        {
            "framework": {
                "id": "cis-aws-v7.0.0",
                "name": "CIS AWS Foundations",
                "version": "7.0.0",
            },
            "overall": {"score_percent": 40.5},
            "sections": [],
            "controls": [{"id": "2.3", "checks": ["iam-root-mfa"], "manual_duties": []}],
        },
        {
            "id": "pci-dss-v4.0.1",
            "name": "PCI DSS v4.0.1",
            "controls": [{"id": "1.2.1", "checks": []}],
        },
    ]
    frameworks, per = frameworks_for(rep)
    assert [f["id"] for f in frameworks] == ["cis-aws-v7.0.0", "pci-dss-v4.0.1"]
    assert frameworks[0]["name"] == "CIS AWS Foundations 7.0.0"
    assert per == [[], ["cis-aws-v7.0.0"]]
    html = render_html(rep)
    assert "CIS AWS Foundations 7.0.0" in html
    assert "cis-aws-v7.0.0 40.5%" in html
    assert [fw["id"] for fw in json_payload(html)["frameworks"]] == [
        "cis-aws-v7.0.0",
        "pci-dss-v4.0.1",
    ]


# --- in headless Chromium -----------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Locally the browser tests need a Chromium; in CI (.ci/run installs it) they always run.
needs_browser = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason=f"{CHROMIUM} not installed (apt-get install chromium); required when CI is set",
)


@pytest.fixture(scope="module")
def scanned() -> dict[str, Any]:
    """A real demo scan, plus one planted finding whose resource name is an XSS payload."""
    from demarcate.scan_runner import run_demo_scan

    rep = copy.deepcopy(run_demo_scan().report)
    s3 = next(m for m in rep["matrix"] if m["service"] == "s3")
    duty = s3["customer_duties"][0]
    rep["findings"].append(
        finding(
            resource_name=XSS_IMG,
            resource_id=XSS_SCRIPT,
            evidence=f"bucket {XSS_IMG} allows {XSS_SCRIPT}",
            service="s3",
            duty_id=duty["duty_id"],
        )
    )
    duty["failing_resources"].append(XSS_IMG)
    return rep


def hay(f: dict[str, Any], rep: dict[str, Any]) -> str:
    """What the page's search looks through for one finding (lower-cased)."""
    names = {m["service"]: m["name"] for m in rep["matrix"]}
    duties = {
        d["duty_id"]: d["title"]
        for m in rep["matrix"]
        for d in m["aws_duties"] + m["customer_duties"]
    }
    parts = [
        f["title"],
        f["check_id"],
        f["resource_id"],
        f["resource_name"],
        f["resource_arn"],
        f["resource_type"],
        f["region"],
        f["account"],
        f["evidence"],
        f["duty_id"],
        duties.get(f["duty_id"], ""),
        names.get(f["service"], ""),
        f["service"],
        f["severity"],
        f["status"],
        (f.get("location") or {}).get("file"),
    ]
    return "\n".join(str(p or "") for p in parts).lower()


def search_hits(rep: dict[str, Any], query: str) -> int:
    words = query.lower().split()
    return sum(all(w in hay(f, rep) for w in words) for f in rep["findings"])


@pytest.fixture(scope="module")
def report_url(scanned: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(scanned), encoding="utf-8")
    return path.as_uri()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, report_url: str) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, java_script_enabled=True
    )
    pg = context.new_page()
    problems: list[str] = []
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    pg.on("request", lambda r: r.url != report_url and problems.append(f"request: {r.url}"))
    pg.goto(report_url)
    pg.wait_for_selector("tr.finding")
    yield pg
    context.close()
    assert not problems, problems


def rows(pg: Any) -> int:
    return pg.locator("#findings-body tr.finding").count()


def shown(pg: Any) -> int:
    return int(pg.locator("#shown-count").text_content())


@needs_browser
def test_matrix_has_one_row_per_service_in_use(page: Any, scanned: dict[str, Any]) -> None:
    services = [m["service"] for m in scanned["matrix"]]
    assert len(services) > 10
    assert page.locator("article.svc-row").count() == len(services)
    assert (
        page.eval_on_selector_all("article.svc-row", "els => els.map(e => e.dataset.service)")
        == services
    )
    first = page.locator("article.svc-row").first
    assert first.locator(".aws-side .badge.st-INHERITED").count() == len(
        scanned["matrix"][0]["aws_duties"]
    )
    assert first.locator(".you-side .duty").count() == len(scanned["matrix"][0]["customer_duties"])
    duties = Counter(d["status"] for m in scanned["matrix"] for d in m["customer_duties"])
    for status, n in duties.items():
        assert page.locator(f".you-side .badge.st-{status}").count() == n
    # the matrix is what the reader sees first
    box = page.locator("#matrix").bounding_box()
    assert box and box["y"] < 1000


@needs_browser
def test_status_filter_shows_exactly_the_json_counts(page: Any, scanned: dict[str, Any]) -> None:
    total = len(scanned["findings"])
    assert shown(page) == total
    assert rows(page) == min(total, 500)
    by_status = Counter(f["status"] for f in scanned["findings"])
    assert by_status["FAIL"] > 0
    for status in ("FAIL", "PASS", "UNKNOWN"):
        page.select_option("#f-status", status)
        assert shown(page) == by_status[status]
        assert rows(page) == min(by_status[status], 500)
        badges = page.eval_on_selector_all(
            "#findings-body tr.finding .badge", "els => els.map(e => e.className)"
        )
        assert set(badges) <= {f"badge st-{status}"}
    page.select_option("#f-status", "FAIL")
    page.select_option("#f-severity", "critical")
    expected = sum(
        1 for f in scanned["findings"] if f["status"] == "FAIL" and f["severity"] == "critical"
    )
    assert shown(page) == rows(page) == expected
    assert (
        page.locator("#status-counts [data-status=FAIL]").text_content().startswith(f"{expected} ")
    )
    page.click("#f-reset")
    assert shown(page) == total


@needs_browser
def test_service_duty_and_framework_filters(page: Any, scanned: dict[str, Any]) -> None:
    findings = scanned["findings"]
    page.select_option("#f-service", "iam")
    assert shown(page) == sum(f["service"] == "iam" for f in findings)
    page.select_option("#f-service", "")
    for fw in ("cis", "aws_fsbp", "securityhub"):
        page.select_option("#f-framework", fw)
        assert shown(page) == sum(bool((f.get("compliance") or {}).get(fw)) for f in findings), fw
    page.select_option("#f-framework", "")
    duty = next(f["duty_id"] for f in findings if f["status"] == "FAIL")
    page.locator(f'.show-findings[data-duty="{duty}"]').first.click()
    assert page.locator("#f-duty").input_value() == duty
    assert shown(page) == sum(f["duty_id"] == duty for f in findings)


@needs_browser
def test_search_narrows_rows(page: Any, scanned: dict[str, Any]) -> None:
    term = "demo-legacy-cdn"
    page.fill("#f-q", term)
    page.wait_for_function(
        f"() => document.getElementById('shown-count').textContent !== '{len(scanned['findings'])}'"
    )
    n = shown(page)
    assert 0 < n < len(scanned["findings"])
    assert rows(page) == n
    assert n == search_hits(scanned, term)
    page.fill("#f-q", "no-such-resource-anywhere")
    page.wait_for_selector("#no-findings:not([hidden])")
    assert rows(page) == 0


@needs_browser
def test_sort_by_severity(page: Any) -> None:
    rank = ["critical", "high", "medium", "low", "informational"]
    page.click('th[data-sort="severity"] button')
    assert page.get_attribute('th[data-sort="severity"]', "aria-sort") == "ascending"
    sev = page.eval_on_selector_all(
        "#findings-body tr.finding .sev", "els => els.map(e => e.textContent)"
    )
    assert sev == sorted(sev, key=rank.index)
    page.click('th[data-sort="severity"] button')
    assert page.get_attribute('th[data-sort="severity"]', "aria-sort") == "descending"
    sev = page.eval_on_selector_all(
        "#findings-body tr.finding .sev", "els => els.map(e => e.textContent)"
    )
    assert sev == sorted(sev, key=rank.index, reverse=True)


@needs_browser
def test_details_show_evidence_resource_remediation_references(
    page: Any, scanned: dict[str, Any]
) -> None:
    f = next(
        f
        for f in scanned["findings"]
        if f["status"] == "FAIL"
        and f["compliance"].get("cis")
        and search_hits(scanned, f"{f['check_id']} {f['resource_id']}") == 1
    )
    page.fill("#f-q", f"{f['check_id']} {f['resource_id']}")
    page.wait_for_function(
        "() => document.querySelectorAll('#findings-body tr.finding').length === 1"
    )
    page.locator("#findings-body tr.finding").first.click()
    detail = page.locator("#findings-body tr.detail")
    text = detail.inner_text()
    assert f["evidence"] in text
    assert f["resource_id"] in text and f["region"] in text and f["duty_id"] in text
    assert f["compliance"]["cis"][0] in text
    pres = detail.locator("pre").all_text_contents()
    assert f["remediation"]["cli"] in pres and f["remediation"]["terraform"] in pres


@needs_browser
def test_malicious_resource_name_is_inert_text(page: Any) -> None:
    assert page.locator("img").count() == 0
    assert page.evaluate("document.scripts.length") == 2
    assert XSS_IMG in page.locator("#matrix").inner_text()
    page.fill("#f-q", "onerror")
    page.wait_for_function(
        "() => document.querySelectorAll('#findings-body tr.finding').length === 1"
    )
    row = page.locator("#findings-body tr.finding").first
    assert row.locator(".c-name").text_content() == XSS_IMG
    assert row.locator(".c-sub").text_content() == XSS_SCRIPT
    row.click()
    assert XSS_SCRIPT in page.locator("#findings-body tr.detail").inner_text()
    assert page.locator("img").count() == 0
    assert page.evaluate("document.scripts.length") == 2
    # the problems list of the page fixture (no dialog, no error) is checked on teardown


@needs_browser
def test_show_more_and_screenshot(page: Any, scanned: dict[str, Any], tmp_path: Path) -> None:
    total = len(scanned["findings"])
    if total > 500:
        page.click("#show-more")
        assert rows(page) == total
    out = tmp_path / "report.png"
    page.screenshot(path=str(out), full_page=False)
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000


@needs_browser
def test_empty_report_in_the_browser(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text(render_html(report(findings=[], matrix=[])), encoding="utf-8")
    pg = browser.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(path.as_uri())
    assert pg.locator("#shown-count").text_content() == "0"
    assert pg.locator("#no-findings").is_visible()
    assert not errors
    pg.close()
