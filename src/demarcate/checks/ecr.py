"""ECR checks: images are scanned when pushed and tags cannot be overwritten."""

from __future__ import annotations

from demarcate.checks.registry import Remediation, Result, check, failed, need, passed
from demarcate.resources.base import Inventory
from demarcate.resources.ecr import EcrRepository


@check(
    id="ecr-repository-scan-on-push",
    title="ECR repositories scan images for vulnerabilities on push",
    duty="ecs.container-images",
    severity="medium",
    resource_type=EcrRepository,
    rationale=(
        "Scanning each pushed image reports known CVEs in its packages before the image is "
        "deployed; AWS runs the registry, the customer decides what gets scanned."
    ),
    remediation=Remediation(
        console=(
            "ECR > Private registry > Scanning: add a scan-on-push rule covering the repository "
            "(or ECR > Repositories > repository > Edit > Scan on push)."
        ),
        cli=(
            "aws ecr put-registry-scanning-configuration --scan-type BASIC --rules "
            '\'[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"*",'
            '"filterType":"WILDCARD"}]}]\''
        ),
        terraform=(
            'resource "aws_ecr_repository" "this" {\n'
            "  image_scanning_configuration {\n    scan_on_push = true\n  }\n}"
        ),
    ),
)
def scan_on_push(repo: EcrRepository, inv: Inventory) -> Result | None:
    on = need(repo, "scan_on_push")
    source = repo.scan_source or "repository setting"
    if on:
        return passed(f"repository {repo.label}: images are scanned on push ({source})")
    return failed(f"repository {repo.label}: images are not scanned on push ({source})")


@check(
    id="ecr-repository-tag-immutability",
    title="ECR repositories make image tags immutable",
    duty="ecs.container-images",
    severity="medium",
    resource_type=EcrRepository,
    rationale=(
        "With mutable tags anyone able to push can replace what 'prod' or 'v1.2' points at, "
        "so a task may run an image nobody reviewed or scanned."
    ),
    remediation=Remediation(
        console="ECR > Repositories > repository > Edit > Tag immutability: Immutable.",
        cli=(
            "aws ecr put-image-tag-mutability --repository-name <repo> "
            "--image-tag-mutability IMMUTABLE"
        ),
        terraform='resource "aws_ecr_repository" "this" {\n  image_tag_mutability = "IMMUTABLE"\n}',
    ),
)
def tag_immutability(repo: EcrRepository, inv: Inventory) -> Result | None:
    value = need(repo, "tag_mutability")
    if repo.tags_immutable:
        return passed(f"repository {repo.label}: tag mutability is {value}")
    return failed(f"repository {repo.label}: tag mutability is {value}")
