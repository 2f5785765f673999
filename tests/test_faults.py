"""Faults: denied, throttled and unsupported calls make the affected checks UNKNOWN, never PASS."""

from __future__ import annotations

import botocore.client
import pytest
from botocore.exceptions import ClientError

from demarcate.checks.registry import Status

ORIGINAL = botocore.client.BaseClient._make_api_call


def _inject(monkeypatch, operation: str, code: str, status: int = 400) -> None:
    def fake(self, operation_name, api_params):
        if operation_name == operation:
            raise ClientError(
                {
                    "Error": {"Code": code, "Message": "injected"},
                    "ResponseMetadata": {"HTTPStatusCode": status},
                },
                operation_name,
            )
        return ORIGINAL(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", fake)


def _key(session) -> str:
    kms = session.client("kms")
    key = kms.create_key(Description="fault-key", MultiRegion=False)["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key)
    return key


@pytest.mark.parametrize(
    ("code", "status", "words"),
    [
        ("AccessDeniedException", 400, "kms:ListKeys denied"),
        ("ThrottlingException", 400, "kms:ListKeys throttled"),
        ("InternalFailure", 500, "kms:ListKeys failed"),
    ],
)
def test_failed_listing_makes_every_check_of_the_type_unknown(
    aws, scan, monkeypatch, code, status, words
):
    _key(aws)
    _inject(monkeypatch, "ListKeys", code, status)
    result = scan(aws, services=["kms"])
    for check_id in ("kms-cmk-rotation-enabled", "kms-key-policy-not-public"):
        findings = result.for_check(check_id)
        assert [f.status for f in findings] == [Status.UNKNOWN]
        assert words in findings[0].evidence
        assert findings[0].resource_id == "kms.key:us-east-1"
    assert result.inv.errors and result.inv.errors[0].action == "kms:ListKeys"


def test_denied_detail_call_only_affects_its_attribute(aws, scan, monkeypatch):
    key = _key(aws)
    _inject(monkeypatch, "GetKeyPolicy", "AccessDeniedException")
    result = scan(aws, services=["kms"])
    assert result.one("kms-key-policy-not-public", key).status is Status.UNKNOWN
    assert "kms:GetKeyPolicy denied" in result.one("kms-key-policy-not-public", key).evidence
    assert result.one("kms-cmk-rotation-enabled", key).status is Status.PASS


def test_crashing_check_is_unknown_not_pass(aws, scan):
    from demarcate.checks.registry import CHECKS, CheckSpec
    from demarcate.engine import evaluate
    from demarcate.resources.kms import KmsKey

    spec: CheckSpec = CHECKS["kms-cmk-rotation-enabled"]
    broken = CheckSpec(**{**spec.__dict__, "fn": lambda r, inv: 1 / 0})
    result = evaluate(broken, KmsKey(id="k", key_manager="CUSTOMER"), None)  # type: ignore[arg-type]
    assert result is not None and result.status is Status.UNKNOWN
    assert "ZeroDivisionError" in result.evidence


def test_api_calls_are_counted_per_action(aws, scan):
    _key(aws)
    result = scan(aws, services=["kms"])
    calls = result.meta.calls_by_action
    assert calls["kms:ListKeys"] == 1
    assert calls["kms:DescribeKey"] == 1
    assert result.meta.api_calls == sum(calls.values())
