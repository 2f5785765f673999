"""ECS checks: container runtime hardening, secrets, logging, Container Insights, public IPs."""

from __future__ import annotations

from typing import Any

from demarcate.checks.registry import (
    Remediation,
    Result,
    Unknown,
    check,
    failed,
    need,
    passed,
)
from demarcate.resources.base import Inventory
from demarcate.resources.ecs import EcsCluster, EcsContainer, EcsService, EcsTaskDefinition
from demarcate.secrets_scan import secret_reason

ROOT_USERS = frozenset({"", "root", "0"})


def _containers(td: EcsTaskDefinition) -> list[EcsContainer]:
    return list(need(td, "containers"))


def _linux_containers(td: EcsTaskDefinition) -> list[EcsContainer]:
    """Containers for the Linux-only settings (privileged, user, read-only root); none on Windows."""
    containers = _containers(td)
    return [] if td.windows else containers


def _names(containers: list[EcsContainer]) -> str:
    return ", ".join(c.name for c in containers)


def _need_c(td: EcsTaskDefinition, container: EcsContainer, attribute: str) -> Any:
    """A container attribute, or UNKNOWN naming the task definition and container."""
    value = getattr(container, attribute)
    if value is None:
        raise Unknown(f"{td.label}: container {container.name}: {attribute} is not known")
    return value


def _runs_as_root(user: str) -> bool:
    """``user`` is "", "name", "uid", "name:group" or "uid:gid"; only the user part counts."""
    return user.split(":", 1)[0].strip().lower() in ROOT_USERS


@check(
    id="ecs-task-no-privileged-containers",
    title="ECS task definitions do not run privileged containers",
    duty="ecs.container-runtime-security",
    severity="high",
    resource_type=EcsTaskDefinition,
    rationale=(
        "A privileged container gets root on the host (all devices and capabilities); one "
        "compromised process can take over the instance and every task on it."
    ),
    fsbp=("ECS.4",),
    remediation=Remediation(
        console=(
            "ECS > Task definitions > family > Create new revision: for each container clear "
            "'Privileged', then update the services to the new revision."
        ),
        cli=(
            "aws ecs describe-task-definition --task-definition <family> > td.json; set "
            '"privileged": false in each containerDefinition; aws ecs register-task-definition '
            "--cli-input-json file://td.json"
        ),
        terraform=(
            'resource "aws_ecs_task_definition" "this" {\n'
            '  container_definitions = jsonencode([{ name = "app", privileged = false }])\n}'
        ),
    ),
)
def no_privileged(td: EcsTaskDefinition, inv: Inventory) -> Result | None:
    containers = _linux_containers(td)
    if not containers:
        return None
    bad = [c for c in containers if _need_c(td, c, "privileged")]
    if bad:
        return failed(f"task definition {td.label}: privileged container(s) {_names(bad)}")
    return passed(f"task definition {td.label}: no container runs privileged")


@check(
    id="ecs-task-non-root-user",
    title="ECS containers run as a non-root user",
    duty="ecs.container-runtime-security",
    severity="medium",
    resource_type=EcsTaskDefinition,
    rationale=(
        "A process running as root inside the container turns any container escape or "
        "writable host mount into root on the host. With no 'user' set, the container runs as "
        "the image's default user, which is root unless the image sets USER."
    ),
    remediation=Remediation(
        console=(
            "ECS > Task definitions > family > Create new revision > container > Docker "
            "configuration: set 'User' to a non-root uid:gid (e.g. 1000:1000)."
        ),
        cli=(
            'Set "user": "1000:1000" in each containerDefinition of td.json, then '
            "aws ecs register-task-definition --cli-input-json file://td.json"
        ),
        terraform=(
            'resource "aws_ecs_task_definition" "this" {\n'
            '  container_definitions = jsonencode([{ name = "app", user = "1000:1000" }])\n}'
        ),
    ),
)
def non_root_user(td: EcsTaskDefinition, inv: Inventory) -> Result | None:
    containers = _linux_containers(td)
    if not containers:
        return None
    unset: list[EcsContainer] = []
    root: list[EcsContainer] = []
    for c in containers:
        user = _need_c(td, c, "user")
        if _runs_as_root(user):
            (unset if user == "" else root).append(c)
    if unset or root:
        parts = []
        if root:
            parts.append(f"user is root in {_names(root)}")
        if unset:
            parts.append(f"no user set (image default, usually root) in {_names(unset)}")
        return failed(f"task definition {td.label}: " + "; ".join(parts))
    return passed(f"task definition {td.label}: every container sets a non-root user")


@check(
    id="ecs-task-readonly-root-filesystem",
    title="ECS containers mount their root filesystem read-only",
    duty="ecs.container-runtime-security",
    severity="high",
    resource_type=EcsTaskDefinition,
    rationale=(
        "A read-only root filesystem stops an intruder from changing binaries or dropping "
        "tools; writable paths are then explicit volumes."
    ),
    fsbp=("ECS.5",),
    remediation=Remediation(
        console=(
            "ECS > Task definitions > family > Create new revision > container > Storage: "
            "enable 'Read only root file system'; mount volumes for paths that must be writable."
        ),
        cli=(
            'Set "readonlyRootFilesystem": true in each containerDefinition of td.json, then '
            "aws ecs register-task-definition --cli-input-json file://td.json"
        ),
        terraform=(
            'resource "aws_ecs_task_definition" "this" {\n'
            '  container_definitions = jsonencode([{ name = "app", readonlyRootFilesystem = true }])\n}'
        ),
    ),
)
def readonly_root(td: EcsTaskDefinition, inv: Inventory) -> Result | None:
    containers = _linux_containers(td)
    if not containers:
        return None
    bad = [c for c in containers if not _need_c(td, c, "readonly_root_filesystem")]
    if bad:
        return failed(f"task definition {td.label}: writable root filesystem in {_names(bad)}")
    return passed(f"task definition {td.label}: every container's root filesystem is read-only")


@check(
    id="ecs-task-no-plaintext-secrets",
    title="ECS containers take secrets from a secret store, not plain environment variables",
    duty="ecs.secrets-management",
    severity="high",
    resource_type=EcsTaskDefinition,
    rationale=(
        "Plain environment values are visible to anyone who can describe the task definition "
        "and end up in logs and CI output; 'secrets' references keep them in Secrets Manager or "
        "Parameter Store."
    ),
    fsbp=("ECS.8",),
    remediation=Remediation(
        console=(
            "Store the value in Secrets Manager, then ECS > Task definitions > family > Create "
            "new revision > container > Environment variables: change the variable's type to "
            "'ValueFrom' with the secret ARN."
        ),
        cli=(
            "aws secretsmanager create-secret --name <name> --secret-string <value>; in td.json "
            'move the variable to "secrets": [{"name": "DB_PASSWORD", "valueFrom": "<secret-arn>"}]'
            "; aws ecs register-task-definition --cli-input-json file://td.json"
        ),
        terraform=(
            'resource "aws_ecs_task_definition" "this" {\n'
            '  container_definitions = jsonencode([{ name = "app", secrets = [\n'
            '    { name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }\n  ] }])\n}'
        ),
    ),
)
def no_plaintext_secrets(td: EcsTaskDefinition, inv: Inventory) -> Result | None:
    containers = _containers(td)
    if not containers:
        return None
    reasons = []
    for c in containers:
        env = _need_c(td, c, "environment")
        for name in sorted(env):
            reason = secret_reason(name, env[name])
            if reason:
                reasons.append(f"container {c.name}: {reason}")
    if reasons:
        return failed(f"task definition {td.label}: " + "; ".join(reasons))
    return passed(f"task definition {td.label}: no environment variable looks like a secret")


@check(
    id="ecs-task-logging-configured",
    title="Every ECS container has a log configuration",
    duty="ecs.task-definitions",
    severity="medium",
    resource_type=EcsTaskDefinition,
    rationale=(
        "Without a log driver a container's output is lost when the task stops, leaving "
        "nothing to investigate an incident with."
    ),
    fsbp=("ECS.9",),
    remediation=Remediation(
        console=(
            "ECS > Task definitions > family > Create new revision > container > Logging: "
            "enable 'Use log collection' (awslogs to CloudWatch Logs, or FireLens)."
        ),
        cli=(
            'Add "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": '
            '"/ecs/<family>", "awslogs-region": "<region>", "awslogs-stream-prefix": "app"}} to '
            "each containerDefinition; aws ecs register-task-definition --cli-input-json file://td.json"
        ),
        terraform=(
            'resource "aws_ecs_task_definition" "this" {\n'
            '  container_definitions = jsonencode([{ name = "app", logConfiguration = {\n'
            '    logDriver = "awslogs", options = { "awslogs-group" = "/ecs/app",\n'
            '    "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "app" } } }])\n}'
        ),
    ),
)
def logging_configured(td: EcsTaskDefinition, inv: Inventory) -> Result | None:
    containers = _containers(td)
    if not containers:
        return None
    bad = [c for c in containers if not _need_c(td, c, "log_driver")]
    if bad:
        return failed(f"task definition {td.label}: no log configuration in {_names(bad)}")
    drivers = sorted({str(c.log_driver) for c in containers})
    return passed(f"task definition {td.label}: every container logs ({', '.join(drivers)})")


@check(
    id="ecs-cluster-container-insights",
    title="ECS clusters have Container Insights enabled",
    duty="ecs.container-runtime-security",
    severity="medium",
    resource_type=EcsCluster,
    rationale=(
        "Container Insights collects per-task metrics and events, needed to spot a runaway "
        "or compromised container."
    ),
    fsbp=("ECS.12",),
    remediation=Remediation(
        console="ECS > Clusters > cluster > Update cluster > Monitoring: Container Insights on.",
        cli=(
            "aws ecs update-cluster-settings --cluster <cluster> "
            "--settings name=containerInsights,value=enabled"
        ),
        terraform=(
            'resource "aws_ecs_cluster" "this" {\n'
            '  setting {\n    name  = "containerInsights"\n    value = "enabled"\n  }\n}'
        ),
    ),
)
def container_insights(cluster: EcsCluster, inv: Inventory) -> Result | None:
    if cluster.status == "INACTIVE":
        return None
    value = need(cluster, "container_insights")
    if cluster.insights_on:
        return passed(f"cluster {cluster.label}: Container Insights is {value}")
    return failed(f"cluster {cluster.label}: Container Insights is {value}")


@check(
    id="ecs-service-no-public-ip",
    title="ECS services do not assign public IP addresses to their tasks",
    duty="ecs.network-configuration",
    severity="high",
    resource_type=EcsService,
    rationale=(
        "A task with a public IP is reachable from the internet whenever its security group "
        "allows it; tasks belong in private subnets behind a load balancer or NAT."
    ),
    fsbp=("ECS.2",),
    remediation=Remediation(
        console=(
            "ECS > Clusters > cluster > Services > service > Update > Networking: turn "
            "'Public IP' off and choose private subnets (with a NAT gateway or VPC endpoints)."
        ),
        cli=(
            "aws ecs update-service --cluster <cluster> --service <service> --network-configuration "
            "'awsvpcConfiguration={subnets=[<private-subnet>],securityGroups=[<sg>],assignPublicIp=DISABLED}'"
        ),
        terraform=(
            'resource "aws_ecs_service" "this" {\n  network_configuration {\n'
            "    subnets          = var.private_subnet_ids\n    assign_public_ip = false\n  }\n}"
        ),
    ),
)
def service_no_public_ip(svc: EcsService, inv: Inventory) -> Result | None:
    if need(svc, "assign_public_ip"):
        return failed(f"service {svc.label} (cluster {svc.cluster}): assignPublicIp is ENABLED")
    if svc.network_mode_awsvpc is False:
        return passed(
            f"service {svc.label} (cluster {svc.cluster}): no awsvpc public IP assignment"
        )
    return passed(f"service {svc.label} (cluster {svc.cluster}): assignPublicIp is DISABLED")
