"""Fargate checks: services run the latest platform version; task definitions size themselves."""

from __future__ import annotations

from demarcate.checks.registry import Remediation, Result, check, failed, need, passed
from demarcate.resources.base import Inventory
from demarcate.resources.ecs import EcsService, EcsTaskDefinition

# The newest Fargate platform version per OS family ("LATEST" resolves to these).
LATEST_LINUX = "1.4.0"
LATEST_WINDOWS = "1.0.0"


def _latest_for(family: str) -> str:
    return LATEST_WINDOWS if "WINDOWS" in family.upper() else LATEST_LINUX


@check(
    id="fargate-service-latest-platform-version",
    title="Fargate services run on the latest platform version",
    duty="fargate.task-definition-security",
    severity="medium",
    resource_type=EcsService,
    rationale=(
        "AWS patches the Fargate host, but a service pinned to an old platform version keeps "
        "the old kernel, runtime and agent features; LATEST picks up fixes on each deployment."
    ),
    fsbp=("ECS.10",),
    remediation=Remediation(
        console=(
            "ECS > Clusters > cluster > Services > service > Update: set 'Platform version' "
            "to LATEST and force a new deployment."
        ),
        cli=(
            "aws ecs update-service --cluster <cluster> --service <service> "
            "--platform-version LATEST --force-new-deployment"
        ),
        terraform='resource "aws_ecs_service" "this" {\n  platform_version = "LATEST"\n}',
    ),
)
def latest_platform(svc: EcsService, inv: Inventory) -> Result | None:
    need(svc, "launch_type")
    if not svc.uses_fargate:
        return None
    version = need(svc, "platform_version")
    latest = _latest_for(svc.platform_family or "")
    where = f"service {svc.label} (cluster {svc.cluster})"
    if version == "":
        return passed(f"{where}: no platform version pinned, so LATEST ({latest}) is used")
    if version.upper() == "LATEST" or version == latest:
        return passed(f"{where}: platform version {version}")
    return failed(f"{where}: platform version {version} is older than the latest {latest}")


@check(
    id="fargate-task-resource-limits",
    title="Fargate task definitions set task-level CPU and memory",
    duty="fargate.resource-limits",
    severity="medium",
    resource_type=EcsTaskDefinition,
    rationale=(
        "Fargate sizes each task from its task-level cpu and memory; setting them explicitly "
        "bounds what one task can consume and what it costs."
    ),
    remediation=Remediation(
        console=(
            "ECS > Task definitions > family > Create new revision > Environment: choose "
            "'Task size' CPU and memory."
        ),
        cli=(
            'Set "cpu": "256" and "memory": "512" at the top level of td.json; '
            "aws ecs register-task-definition --cli-input-json file://td.json"
        ),
        terraform=(
            'resource "aws_ecs_task_definition" "this" {\n'
            '  requires_compatibilities = ["FARGATE"]\n  cpu    = "256"\n  memory = "512"\n}'
        ),
    ),
)
def resource_limits(td: EcsTaskDefinition, inv: Inventory) -> Result | None:
    need(td, "requires_compatibilities")
    if not td.fargate:
        return None
    cpu, memory = need(td, "cpu"), need(td, "memory")
    missing = [n for n, v in (("cpu", cpu), ("memory", memory)) if not v]
    if missing:
        return failed(f"task definition {td.label}: task-level {' and '.join(missing)} not set")
    return passed(f"task definition {td.label}: cpu {cpu}, memory {memory} MiB")
