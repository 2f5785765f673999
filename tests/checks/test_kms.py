"""KMS checks, proven both ways on moto."""

from __future__ import annotations

import json

from demarcate.checks.registry import Status


def _key(session, description: str, rotate: bool) -> str:
    kms = session.client("kms")
    key_id = kms.create_key(Description=description, MultiRegion=False)["KeyMetadata"]["KeyId"]
    if rotate:
        kms.enable_key_rotation(KeyId=key_id)
    return key_id


def test_rotation_pass_and_fail(aws, scan):
    good = _key(aws, "rotating", rotate=True)
    bad = _key(aws, "static", rotate=False)
    result = scan(aws, services=["kms"])
    ok = result.one("kms-cmk-rotation-enabled", good)
    assert ok.status is Status.PASS
    assert "rotation is enabled" in ok.evidence
    ko = result.one("kms-cmk-rotation-enabled", bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == "key static: automatic rotation is disabled"
    assert ko.duty_id == "kms.key-rotation"


def test_public_key_policy_fails_and_scoped_passes(aws, scan):
    scoped = _key(aws, "scoped", rotate=True)
    opened = _key(aws, "opened", rotate=True)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Anyone",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "kms:Decrypt",
                "Resource": "*",
            }
        ],
    }
    aws.client("kms").put_key_policy(KeyId=opened, PolicyName="default", Policy=json.dumps(policy))
    result = scan(aws, services=["kms"])
    assert result.one("kms-key-policy-not-public", scoped).status is Status.PASS
    bad = result.one("kms-key-policy-not-public", opened)
    assert bad.status is Status.FAIL
    assert "Anyone" in bad.evidence


def test_condition_restricted_star_principal_passes(aws, scan):
    key = _key(aws, "org-only", rotate=True)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OrgOnly",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
            }
        ],
    }
    aws.client("kms").put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(policy))
    result = scan(aws, services=["kms"])
    assert result.one("kms-key-policy-not-public", key).status is Status.PASS


def test_access_denied_makes_unknown_not_pass(aws, scan, monkeypatch):
    """An AccessDenied on GetKeyRotationStatus yields UNKNOWN naming the action."""
    from botocore.exceptions import ClientError

    key = _key(aws, "denied", rotate=True)
    import botocore.client

    original = botocore.client.BaseClient._make_api_call

    def deny(self, operation_name, api_params):
        if operation_name == "GetKeyRotationStatus":
            raise ClientError(
                {
                    "Error": {"Code": "AccessDeniedException", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                operation_name,
            )
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", deny)
    result = scan(aws, services=["kms"])
    finding = result.one("kms-cmk-rotation-enabled", key)
    assert finding.status is Status.UNKNOWN
    assert "kms:GetKeyRotationStatus denied" in finding.evidence
