"""Collect ECR repositories: effective scan-on-push, tag mutability and encryption."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.ecr import EcrRepository
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext

PUSH_FREQUENCIES = frozenset({"SCAN_ON_PUSH", "CONTINUOUS_SCAN"})


def _matching_rule(name: str, rules: list[dict[str, Any]]) -> str | None:
    """The filter of the first registry scanning rule that scans ``name`` on push, if any."""
    for rule in rules:
        if rule.get("scanFrequency") not in PUSH_FREQUENCIES:
            continue
        for flt in rule.get("repositoryFilters") or []:
            pattern = str(flt.get("filter", ""))
            if fnmatchcase(name, pattern):
                return pattern
    return None


@collector(
    service="ecr",
    scope="regional",
    resource_types=(EcrRepository.TYPE,),
    actions=("ecr:DescribeRepositories", "ecr:GetRegistryScanningConfiguration"),
)
def repositories(ctx: AwsContext, region: str, inv: Inventory) -> None:
    ecr = ctx.client("ecr", region)
    listed = ctx.paginate(ecr, "describe_repositories", "repositories")
    if not listed.ok:
        inv.add_error(EcrRepository.TYPE, region, "ecr:DescribeRepositories", listed.error or "")
        return
    if not listed.value:
        return
    # Registry-level scanning rules override the per-repository scanOnPush flag.
    reg = ctx.call(ecr, "get_registry_scanning_configuration")
    scan_type: str | None = None
    rules: list[dict[str, Any]] = []
    if reg.ok:
        conf = reg.value.get("scanningConfiguration") or {}
        scan_type = conf.get("scanType") or "BASIC"
        rules = list(conf.get("rules") or [])

    for raw in listed.value:
        name = raw["repositoryName"]
        enc = raw.get("encryptionConfiguration") or {}
        repo = EcrRepository(
            id=name,
            name=name,
            arn=raw.get("repositoryArn"),
            region=region,
            uri=raw.get("repositoryUri"),
            tag_mutability=raw.get("imageTagMutability") or "MUTABLE",
            encryption_type=enc.get("encryptionType") or "AES256",
            kms_key_id=enc.get("kmsKey") or "",
            registry_scan_type=scan_type,
        )
        repo_flag = bool((raw.get("imageScanningConfiguration") or {}).get("scanOnPush"))
        if not reg.ok:
            repo.mark_unknown(reg.error or "", "registry_scan_type")
            if repo_flag:
                repo.scan_on_push, repo.scan_source = True, "repository setting"
            else:
                repo.mark_unknown(reg.error or "", "scan_on_push", "scan_source")
        elif rules or scan_type == "ENHANCED":
            pattern = _matching_rule(name, rules)
            repo.scan_on_push = pattern is not None
            repo.scan_source = (
                f"registry {scan_type} rule '{pattern}'"
                if pattern
                else f"no registry {scan_type} scanning rule matches"
            )
        else:
            repo.scan_on_push, repo.scan_source = repo_flag, "repository setting"
        inv.add(repo)
