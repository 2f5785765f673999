"""Demo Secrets Manager: a secret that rotates every 30 days, an API token without rotation,
and a legacy secret created (backdated) 200 days ago and never rotated.

The rotating secret has no rotation Lambda: moto invokes the Lambda during RotateSecret
(which needs Docker), so rotation is configured with rules only, which moto accepts.
"""

from __future__ import annotations

import time

import boto3

from demarcate.demo import DEMO_ACCOUNT

ORDER = 30


def _backdate_secret(region: str, name: str, days: int) -> None:
    """Move a secret's creation date back in moto's in-process backend; no-op elsewhere."""
    try:
        from moto.secretsmanager.models import secretsmanager_backends

        secret = secretsmanager_backends[DEMO_ACCOUNT][region].secrets[name]
        secret.created_date = int(time.time()) - days * 86400  # type: ignore[union-attr]
    except Exception:  # not moto in-process, or its internals changed: leave it young
        return


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    sm = session.client("secretsmanager", region_name=region)
    sm.create_secret(Name="demo-db-credentials", SecretString='{"user":"app","password":"x"}')
    sm.rotate_secret(SecretId="demo-db-credentials", RotationRules={"AutomaticallyAfterDays": 30})
    sm.create_secret(Name="demo-api-token", SecretString="token-never-rotated")
    sm.create_secret(Name="demo-legacy-password", SecretString="old-password")
    _backdate_secret(region, "demo-legacy-password", days=200)
