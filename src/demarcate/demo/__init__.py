"""The embedded demo account: moto in-process, seeded with compliant resources and at least
one planted misconfiguration per automatable customer duty.

Each ``seed_<service>.py`` module in this package defines ``ORDER`` (int, lower first) and
``seed(session: boto3.Session, regions: list[str]) -> None``. Seeds create resources only
through boto3, so the demo exercises exactly the code paths a real account does.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

import boto3

DEMO_REGIONS = ["us-east-1", "eu-west-1"]
DEMO_ACCOUNT = "123456789012"

# Checks the emulator cannot answer; in the demo they are UNKNOWN (never a silent PASS) and
# their tests use botocore's Stubber for exactly that call.
EMULATOR_GAPS = {
    "ebs-volume-backed-up": "backup:ListProtectedResources is not implemented by moto",
    "ec2-instance-ssm-managed": "ssm:DescribeInstanceInformation is not implemented by moto",
    "iam-access-analyzer-enabled": "access-analyzer:ListAnalyzers is not implemented by moto",
    "iam-root-not-used-recently": "moto's credential report has no <root_account> row",
}

MOTO_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    "MOTO_ACCOUNT_ID": DEMO_ACCOUNT,
}


def apply_moto_env() -> None:
    """Fake credentials and moto settings; never touches a real account."""
    for key, value in MOTO_ENV.items():
        os.environ[key] = value
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_ENDPOINT_URL", None)


def seed_modules() -> list[ModuleType]:
    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("seed_"):
            mods.append(importlib.import_module(f"{__name__}.{info.name}"))
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 50), m.__name__))


def seed_all(session: boto3.Session, regions: list[str] | None = None) -> None:
    for mod in seed_modules():
        mod.seed(session, regions or DEMO_REGIONS)


@contextmanager
def demo_account(regions: list[str] | None = None) -> Iterator[boto3.Session]:
    """A seeded in-process moto account for as long as the context lasts."""
    apply_moto_env()
    from moto import mock_aws

    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        seed_all(session, regions)
        yield session
