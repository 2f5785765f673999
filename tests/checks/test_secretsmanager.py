"""Secrets Manager checks, proven both ways on moto.

moto invokes the rotation Lambda during RotateSecret (needing Docker), so rotation is
configured with rules only; creation and rotation dates cannot be set through the API and
are backdated on moto's in-process backend objects.
"""

from __future__ import annotations

import time

import botocore.client
from botocore.exceptions import ClientError

from demarcate.checks.registry import Status

ACCOUNT = "123456789012"
REGION = "us-east-1"
SERVICES = ["secretsmanager"]


def _secret(aws, name: str, rotate: bool = False) -> str:
    sm = aws.client("secretsmanager")
    arn = sm.create_secret(Name=name, SecretString="value")["ARN"]
    if rotate:
        sm.rotate_secret(SecretId=name, RotationRules={"AutomaticallyAfterDays": 30})
    return arn


def _stored(name: str):
    from moto.secretsmanager.models import secretsmanager_backends

    return secretsmanager_backends[ACCOUNT][REGION].secrets[name]


def _days_ago(days: int) -> int:
    return int(time.time()) - days * 86400


def test_rotation_enabled(aws, scan):
    _secret(aws, "rotating", rotate=True)
    _secret(aws, "static")
    result = scan(aws, services=SERVICES)
    ok = result.one("secretsmanager-rotation-enabled", "rotating")
    assert ok.status is Status.PASS
    assert ok.evidence == "secret rotating: automatic rotation is enabled (every 30 days)"
    bad = result.one("secretsmanager-rotation-enabled", "static")
    assert bad.status is Status.FAIL
    assert bad.evidence == "secret static: automatic rotation is not enabled"
    assert bad.duty_id == "secretsmanager.secret-rotation"


def test_rotated_recently(aws, scan):
    _secret(aws, "fresh-rotation", rotate=True)
    _secret(aws, "stale-rotation", rotate=True)
    _stored("stale-rotation").last_rotation_date = _days_ago(120)
    _secret(aws, "never-rotated-old")
    _stored("never-rotated-old").created_date = _days_ago(200)
    _secret(aws, "never-rotated-new")
    result = scan(aws, services=SERVICES)
    assert result.one("secretsmanager-rotated-recently", "fresh-rotation").status is Status.PASS
    stale = result.one("secretsmanager-rotated-recently", "stale-rotation")
    assert stale.status is Status.FAIL
    assert "(120 days ago; limit 90)" in stale.evidence
    old = result.one("secretsmanager-rotated-recently", "never-rotated-old")
    assert old.status is Status.FAIL
    assert "never rotated since it was created" in old.evidence
    new = result.one("secretsmanager-rotated-recently", "never-rotated-new")
    assert new.status is Status.PASS
    assert "not yet due for rotation" in new.evidence


def test_secret_scheduled_for_deletion_is_not_judged(aws, scan):
    _secret(aws, "going-away")
    _secret(aws, "staying")
    aws.client("secretsmanager").delete_secret(SecretId="going-away", RecoveryWindowInDays=7)
    result = scan(aws, services=SERVICES)
    for check_id in ("secretsmanager-rotation-enabled", "secretsmanager-rotated-recently"):
        names = {f.resource_name for f in result.for_check(check_id)}
        assert names == {"staying"}, check_id


def test_list_secrets_denied_is_unknown(aws, scan, monkeypatch):
    _secret(aws, "hidden")
    original = botocore.client.BaseClient._make_api_call

    def deny(self, operation_name, api_params):
        if operation_name == "ListSecrets":
            raise ClientError(
                {
                    "Error": {"Code": "AccessDeniedException", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                operation_name,
            )
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", deny)
    result = scan(aws, services=SERVICES)
    findings = result.for_check("secretsmanager-rotation-enabled")
    assert [f.status for f in findings] == [Status.UNKNOWN]
    assert "secretsmanager:ListSecrets denied" in findings[0].evidence
