"""End to end: a moto_server on 127.0.0.1, seeded with the demo account, scanned by the CLI
in a separate process through --endpoint-url; the JSON result and the IAM policy are checked."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from demarcate.demo import DEMO_REGIONS, EMULATOR_GAPS, seed_all
from demarcate.policy import is_read_only
from demarcate.sources.aws.registry import declared_actions

pytestmark = pytest.mark.e2e
FAKE_SECRET = "demarcateFAKEsecretKEY0000"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server_url():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    saved = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = url
    try:
        seed_all(boto3.Session(region_name="us-east-1"), DEMO_REGIONS)
    finally:
        if saved is None:
            os.environ.pop("AWS_ENDPOINT_URL", None)
        else:
            os.environ["AWS_ENDPOINT_URL"] = saved
    yield url
    server.stop()


def _cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_ACCOUNT_ID"
    }
    env.update(
        AWS_ACCESS_KEY_ID="AKIAFAKEFAKEFAKE0000",
        AWS_SECRET_ACCESS_KEY=FAKE_SECRET,
        AWS_DEFAULT_REGION="us-east-1",
        HOME=str(tmp_path),  # no ~/.aws of the developer
    )
    return subprocess.run(
        [sys.executable, "-m", "demarcate", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def scanned(server_url, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    out = tmp / "result.json"
    args = ["scan", "aws", "--endpoint-url", server_url, "--output", str(out)]
    for region in DEMO_REGIONS:
        args += ["--region", region]
    proc = _cli(args, tmp)
    return proc, json.loads(out.read_text()) if out.exists() else None


def test_scan_writes_the_documented_json(scanned):
    proc, report = scanned
    assert proc.returncode == 0, proc.stderr
    assert report is not None
    assert report["schema_version"] == "1.0"
    scan = report["scan"]
    assert scan["source"] == "aws"
    assert scan["account"] == "123456789012"
    assert sorted(scan["regions"]) == sorted(DEMO_REGIONS)
    assert scan["api_calls"] > 0
    assert scan["api_calls"] == sum(scan["api_calls_by_action"].values())
    assert scan["started"] <= scan["finished"]
    assert report["inventory"]["kms"] >= 3
    keys = {
        "check_id", "title", "service", "duty_id", "status", "severity", "resource_id",
        "resource_type", "region", "evidence", "remediation",
    }  # fmt: skip
    assert report["findings"]
    for finding in report["findings"]:
        assert keys <= set(finding)
        assert finding["status"] in ("PASS", "FAIL", "UNKNOWN")
    legacy = [
        f
        for f in report["findings"]
        if f["check_id"] == "kms-cmk-rotation-enabled"
        and f["resource_name"] == "demo-legacy-no-rotation"
    ]
    assert [f["status"] for f in legacy] == ["FAIL"]
    services = {m["service"]: m for m in report["matrix"]}
    assert "kms" in services
    kms = services["kms"]
    assert kms["aws_duties"] and all(d["status"] == "INHERITED" for d in kms["aws_duties"])
    assert {d["duty_id"]: d["status"] for d in kms["customer_duties"]}["kms.key-rotation"] == "FAIL"


def test_only_emulator_gaps_are_unverified(scanned):
    """Against moto_server (S3 Control included) the only UNKNOWNs are moto's missing APIs."""
    _, report = scanned
    unknown = {f["check_id"] for f in report["findings"] if f["status"] == "UNKNOWN"}
    assert unknown <= set(EMULATOR_GAPS), unknown - set(EMULATOR_GAPS)
    account_pab = [
        f for f in report["findings"] if f["check_id"] == "s3-account-public-access-block"
    ]
    assert [f["status"] for f in account_pab] == ["FAIL"]


def test_terminal_summary_and_no_credentials_leak(scanned):
    proc, report = scanned
    assert "Your responsibility matrix" in proc.stdout
    blob = proc.stdout + proc.stderr + json.dumps(report)
    assert FAKE_SECRET not in blob
    assert "AKIAFAKEFAKEFAKE0000" not in blob


def test_policy_covers_every_call_the_scan_made_and_is_read_only(scanned):
    _, report = scanned
    declared = set(declared_actions())
    called = set(report["scan"]["api_calls_by_action"])
    assert called, "the scan made no calls"
    assert called - declared == set(), f"undeclared actions: {sorted(called - declared)}"
    assert all(is_read_only(a) for a in declared), [a for a in declared if not is_read_only(a)]


def test_policy_command_prints_valid_policy(tmp_path):
    proc = _cli(["policy"], tmp_path)
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    stmt = doc["Statement"][0]
    assert stmt["Effect"] == "Allow" and stmt["Resource"] == "*"
    assert sorted(stmt["Action"]) == declared_actions()


def test_fail_on_exits_1_when_failures_at_threshold(server_url, tmp_path):
    proc = _cli(
        ["scan", "aws", "--endpoint-url", server_url, "--region", "us-east-1", "--service", "kms",
         "--fail-on", "critical", "--quiet"],
        tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "at or above critical" in proc.stderr


def test_unreachable_endpoint_is_a_clear_error(tmp_path):
    proc = _cli(
        [
            "scan",
            "aws",
            "--endpoint-url",
            f"http://127.0.0.1:{_free_port()}",
            "--region",
            "us-east-1",
        ],
        tmp_path,
    )
    assert proc.returncode == 3
    assert "cannot identify the account" in proc.stderr
