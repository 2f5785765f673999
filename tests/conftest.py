"""Shared fixtures: an in-process moto account and helpers to scan it and pick findings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import boto3
import pytest

from demarcate.demo import MOTO_ENV

for _key, _value in MOTO_ENV.items():
    os.environ[_key] = _value
os.environ.pop("AWS_PROFILE", None)
# The model cache goes to a directory of this test run, not the user's ~/.cache.
if "DEMARCATE_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["DEMARCATE_CACHE_DIR"] = tempfile.mkdtemp(prefix="demarcate-test-cache-")
os.environ.pop("AWS_ENDPOINT_URL", None)

from moto import mock_aws  # noqa: E402  (moto reads the settings above at import)

from demarcate.engine import Finding, run_checks  # noqa: E402
from demarcate.resources.base import Inventory  # noqa: E402
from demarcate.sources.aws.scanner import ScanMeta, scan_account  # noqa: E402
from demarcate.sources.aws.session import AwsContext  # noqa: E402

REGION = "us-east-1"


@pytest.fixture
def aws() -> Iterator[boto3.Session]:
    """A fresh, empty moto account; create resources through the returned session."""
    with mock_aws():
        yield boto3.Session(region_name=REGION)


class Scan:
    def __init__(self, inv: Inventory, meta: ScanMeta, findings: list[Finding]) -> None:
        self.inv = inv
        self.meta = meta
        self.findings = findings

    def for_check(self, check_id: str) -> list[Finding]:
        return [f for f in self.findings if f.check_id == check_id]

    def one(self, check_id: str, resource: str) -> Finding:
        """The single finding of ``check_id`` whose resource id/name/ARN contains ``resource``."""
        hits = [
            f
            for f in self.for_check(check_id)
            if resource in (f.resource_id, f.resource_name, f.resource_arn)
            or resource in f.resource_id
        ]
        assert len(hits) == 1, f"{check_id}/{resource}: {len(hits)} findings: {hits}"
        return hits[0]


def run_scan(
    session: boto3.Session,
    services: list[str] | None = None,
    regions: list[str] | None = None,
    prepare: Callable[[AwsContext], None] | None = None,
) -> Scan:
    """Collect ``services`` from the moto account and run every check.

    ``prepare(ctx)`` runs before collection: use it to attach a botocore Stubber to
    ``ctx.client(service, region)`` for an API moto does not implement (that call only).
    """
    ctx = AwsContext(session=session, max_workers=4, max_attempts=2)
    if prepare:
        prepare(ctx)
    try:
        inv, meta = scan_account(ctx, regions=regions or [REGION], services=services)
    finally:
        ctx.close()
    return Scan(inv, meta, run_checks(inv))


@pytest.fixture
def scan():
    """``scan(session, services=[...])`` runs collectors and checks against the moto account."""
    return run_scan
