"""ECR checks (duty ecs.container-images), proven both ways on moto."""

from __future__ import annotations

import botocore.client
from botocore.exceptions import ClientError

from demarcate.checks.registry import Status

ORIGINAL = botocore.client.BaseClient._make_api_call
SERVICES = ["ecr"]


def _repo(session, name: str, *, scan: bool, immutable: bool) -> None:
    session.client("ecr").create_repository(
        repositoryName=name,
        imageScanningConfiguration={"scanOnPush": scan},
        imageTagMutability="IMMUTABLE" if immutable else "MUTABLE",
    )


def _deny(op: str):
    def deny(self, operation_name, api_params):
        if operation_name == op:
            raise ClientError(
                {
                    "Error": {"Code": "AccessDeniedException", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                operation_name,
            )
        return ORIGINAL(self, operation_name, api_params)

    return deny


def test_scan_on_push(aws, scan):
    _repo(aws, "scanned", scan=True, immutable=True)
    _repo(aws, "unscanned", scan=False, immutable=True)
    result = scan(aws, services=SERVICES)
    ok = result.one(
        "ecr-repository-scan-on-push", "arn:aws:ecr:us-east-1:123456789012:repository/scanned"
    )
    assert ok.status is Status.PASS
    assert ok.evidence == "repository scanned: images are scanned on push (repository setting)"
    bad = result.one("ecr-repository-scan-on-push", "unscanned")
    assert bad.status is Status.FAIL
    assert (
        bad.evidence == "repository unscanned: images are not scanned on push (repository setting)"
    )
    assert bad.duty_id == "ecs.container-images"


def test_registry_scanning_rule_overrides_repository_flag(aws, scan):
    _repo(aws, "prod-api", scan=False, immutable=True)
    _repo(aws, "sandbox", scan=True, immutable=True)
    aws.client("ecr").put_registry_scanning_configuration(
        scanType="BASIC",
        rules=[
            {
                "scanFrequency": "SCAN_ON_PUSH",
                "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}],
            }
        ],
    )
    result = scan(aws, services=SERVICES)
    ok = result.one("ecr-repository-scan-on-push", "prod-api")
    assert ok.status is Status.PASS
    assert "registry BASIC rule 'prod-*'" in ok.evidence
    bad = result.one("ecr-repository-scan-on-push", "sandbox")
    assert bad.status is Status.FAIL
    assert "no registry BASIC scanning rule matches" in bad.evidence


def test_tag_immutability(aws, scan):
    _repo(aws, "pinned", scan=True, immutable=True)
    _repo(aws, "floating", scan=True, immutable=False)
    result = scan(aws, services=SERVICES)
    assert result.one("ecr-repository-tag-immutability", "pinned").status is Status.PASS
    bad = result.one("ecr-repository-tag-immutability", "floating")
    assert bad.status is Status.FAIL
    assert bad.evidence == "repository floating: tag mutability is MUTABLE"


def test_denied_registry_scanning_config_is_unknown_unless_repo_scans(aws, scan, monkeypatch):
    _repo(aws, "repo-on", scan=True, immutable=True)
    _repo(aws, "repo-off", scan=False, immutable=True)
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("GetRegistryScanningConfiguration")
    )
    result = scan(aws, services=SERVICES)
    off = result.one("ecr-repository-scan-on-push", "repo-off")
    assert off.status is Status.UNKNOWN
    assert "ecr:GetRegistryScanningConfiguration denied" in off.evidence
    assert result.one("ecr-repository-scan-on-push", "repo-on").status is Status.PASS


def test_denied_listing_is_unknown(aws, scan, monkeypatch):
    _repo(aws, "somewhere", scan=True, immutable=True)
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _deny("DescribeRepositories"))
    result = scan(aws, services=SERVICES)
    finding = result.one("ecr-repository-tag-immutability", "us-east-1")
    assert finding.status is Status.UNKNOWN
    assert "ecr:DescribeRepositories denied" in finding.evidence
