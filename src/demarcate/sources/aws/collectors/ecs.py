"""Collect ECS clusters, services and the latest ACTIVE revision of each task definition family."""

from __future__ import annotations

from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.ecs import (
    FARGATE_PROVIDERS,
    EcsCluster,
    EcsContainer,
    EcsService,
    EcsTaskDefinition,
)
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext

CLUSTER_BATCH = 100  # DescribeClusters takes up to 100 clusters
SERVICE_BATCH = 10  # DescribeServices takes up to 10 services
PROVIDER_TYPES = {
    "EC2_AUTOSCALING": "EC2",
    "MANAGED_INSTANCES": "MANAGED_INSTANCES",
    "FARGATE": "FARGATE",
    "FARGATE_SPOT": "FARGATE",
}


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _tags(raw: list[dict[str, Any]] | None) -> dict[str, str]:
    return {t["key"]: t.get("value", "") for t in raw or [] if "key" in t}


@collector(
    service="ecs",
    scope="regional",
    resource_types=(EcsCluster.TYPE, EcsService.TYPE),
    actions=(
        "ecs:ListClusters",
        "ecs:DescribeClusters",
        "ecs:ListServices",
        "ecs:DescribeServices",
        "ecs:DescribeCapacityProviders",
    ),
)
def clusters_and_services(ctx: AwsContext, region: str, inv: Inventory) -> None:
    ecs = ctx.client("ecs", region)
    listed = ctx.paginate(ecs, "list_clusters", "clusterArns")
    if not listed.ok:
        reason = listed.error or "no answer"
        inv.add_error((EcsCluster.TYPE, EcsService.TYPE), region, "ecs:ListClusters", reason)
        return
    clusters: list[EcsCluster] = []
    for batch in _chunks(listed.value, CLUSTER_BATCH):
        desc = ctx.call(ecs, "describe_clusters", clusters=batch, include=["SETTINGS", "TAGS"])
        if not desc.ok:
            # The ARNs are known; their settings are not.
            for arn in batch:
                cluster = EcsCluster(id=arn.rsplit("/", 1)[-1], arn=arn, region=region)
                cluster.name = cluster.id
                cluster.mark_unknown(
                    desc.error or "",
                    "status",
                    "container_insights",
                    "registered_container_instances",
                    "capacity_providers",
                    "default_capacity_provider_strategy",
                )
                clusters.append(cluster)
            continue
        for raw in desc.value.get("clusters", []):
            clusters.append(_cluster(raw, region))
    for cluster in clusters:
        inv.add(cluster)

    services: list[EcsService] = []

    list_errors: dict[str, str] = {}  # one region-wide error per failing listing, not per cluster

    def cluster_services(cluster: EcsCluster) -> None:
        arn = cluster.arn or cluster.id
        names = ctx.paginate(ecs, "list_services", "serviceArns", cluster=arn)
        if not names.ok:
            list_errors.setdefault("ecs:ListServices", names.error or "no answer")
            return
        for batch in _chunks(names.value, SERVICE_BATCH):
            desc = ctx.call(ecs, "describe_services", cluster=arn, services=batch, include=["TAGS"])
            if desc.ok:
                for raw in desc.value.get("services", []):
                    services.append(_service(raw, cluster, region))
                continue
            # The services exist (listed); what they run and how is unknown.
            for svc_arn in batch:
                name = str(svc_arn).rsplit("/", 1)[-1]
                svc = EcsService(
                    id=f"{cluster.name or cluster.id}/{name}",
                    name=name,
                    arn=svc_arn,
                    region=region,
                    cluster=cluster.name or cluster.id,
                    cluster_arn=cluster.arn,
                )
                svc.mark_unknown(
                    desc.error or "",
                    "launch_type",
                    "capacity_providers",
                    "platform_version",
                    "platform_family",
                    "network_mode_awsvpc",
                    "assign_public_ip",
                    "task_definition",
                    "desired_count",
                )
                services.append(svc)

    ctx.map(cluster_services, [c for c in clusters if c.status != "INACTIVE"])
    for action, reason in list_errors.items():
        inv.add_error(EcsService.TYPE, region, action, reason)
    _resolve_capacity_providers(ctx, ecs, services)
    for svc in services:
        inv.add(svc)


def _cluster(raw: dict[str, Any], region: str) -> EcsCluster:
    settings = {s.get("name"): s.get("value") for s in raw.get("settings") or []}
    cluster = EcsCluster(
        id=raw["clusterName"],
        name=raw["clusterName"],
        arn=raw.get("clusterArn"),
        region=region,
        status=raw.get("status"),
        registered_container_instances=int(raw.get("registeredContainerInstancesCount") or 0),
        capacity_providers=list(raw.get("capacityProviders") or []),
        default_capacity_provider_strategy=[
            s["capacityProvider"] for s in raw.get("defaultCapacityProviderStrategy") or []
        ],
        tags=_tags(raw.get("tags")),
    )
    if "containerInsights" in settings:
        cluster.container_insights = str(settings["containerInsights"]).lower()
    else:
        cluster.mark_unknown(
            "DescribeClusters returned no containerInsights setting", "container_insights"
        )
    return cluster


def _service(raw: dict[str, Any], cluster: EcsCluster, region: str) -> EcsService:
    cluster_name = cluster.name or cluster.id
    strategy = [s["capacityProvider"] for s in raw.get("capacityProviderStrategy") or []]
    svc = EcsService(
        id=f"{cluster_name}/{raw['serviceName']}",
        name=raw["serviceName"],
        arn=raw.get("serviceArn"),
        region=region,
        cluster=cluster_name,
        cluster_arn=raw.get("clusterArn") or cluster.arn,
        capacity_providers=strategy,
        platform_family=raw.get("platformFamily") or "",
        task_definition=raw.get("taskDefinition"),
        desired_count=raw.get("desiredCount"),
        tags=_tags(raw.get("tags")),
    )
    if strategy:
        # A capacity-provider strategy replaces launchType; resolved below.
        svc.launch_type = None
    else:
        svc.launch_type = raw.get("launchType") or "EC2"
    awsvpc = (raw.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    svc.network_mode_awsvpc = awsvpc is not None
    svc.assign_public_ip = awsvpc is not None and awsvpc.get("assignPublicIp") == "ENABLED"
    # Only Fargate has platform versions; an unset one means LATEST.
    svc.platform_version = raw.get("platformVersion") or ""
    return svc


def _resolve_capacity_providers(ctx: AwsContext, ecs: Any, services: list[EcsService]) -> None:
    """Turn capacity-provider strategies into a launch type (one call for custom providers)."""
    custom = sorted(
        {p for s in services for p in s.capacity_providers or [] if p not in FARGATE_PROVIDERS}
    )
    kinds: dict[str, str] = {p: "FARGATE" for p in FARGATE_PROVIDERS}
    error: str | None = None
    for batch in _chunks(custom, 100):
        out = ctx.call(ecs, "describe_capacity_providers", capacityProviders=batch)
        if not out.ok:
            error = out.error or "no answer"
            continue
        for cp in out.value.get("capacityProviders", []):
            kind = cp.get("type")
            if not kind:
                if cp.get("autoScalingGroupProvider"):
                    kind = "EC2_AUTOSCALING"
                elif cp.get("managedInstancesProvider"):
                    kind = "MANAGED_INSTANCES"
            if kind in PROVIDER_TYPES:
                kinds[cp["name"]] = PROVIDER_TYPES[kind]
    for svc in services:
        if not svc.capacity_providers:
            continue
        types = {kinds.get(p) for p in svc.capacity_providers}
        if None in types:
            missing = [p for p in svc.capacity_providers if p not in kinds]
            svc.mark_unknown(
                error or f"capacity provider(s) {', '.join(missing)} could not be described",
                "launch_type",
            )
        else:
            svc.launch_type = types.pop() if len(types) == 1 else "MIXED"
        if svc.launch_type not in (None, "FARGATE", "MIXED"):
            svc.platform_version = ""


@collector(
    service="ecs",
    scope="regional",
    resource_types=(EcsTaskDefinition.TYPE,),
    actions=("ecs:ListTaskDefinitionFamilies", "ecs:DescribeTaskDefinition"),
)
def task_definitions(ctx: AwsContext, region: str, inv: Inventory) -> None:
    ecs = ctx.client("ecs", region)
    listed = ctx.paginate(ecs, "list_task_definition_families", "families", status="ACTIVE")
    if not listed.ok:
        inv.add_error(
            EcsTaskDefinition.TYPE, region, "ecs:ListTaskDefinitionFamilies", listed.error or ""
        )
        return

    def detail(family: str) -> None:
        # Describing the bare family name returns its latest ACTIVE revision.
        out = ctx.call(ecs, "describe_task_definition", taskDefinition=family, include=["TAGS"])
        if not out.ok:
            td = EcsTaskDefinition(id=family, name=family, family=family, region=region)
            td.mark_unknown(
                out.error or "",
                "revision",
                "requires_compatibilities",
                "network_mode",
                "cpu",
                "memory",
                "task_role_arn",
                "execution_role_arn",
                "pid_mode",
                "os_family",
                "containers",
            )
            inv.add(td)
            return
        inv.add(_task_definition(out.value["taskDefinition"], out.value.get("tags"), region))

    ctx.map(detail, listed.value)


def _task_definition(raw: dict[str, Any], tags: Any, region: str) -> EcsTaskDefinition:
    family = raw["family"]
    revision = raw.get("revision")
    return EcsTaskDefinition(
        id=f"{family}:{revision}",
        name=f"{family}:{revision}",
        arn=raw.get("taskDefinitionArn"),
        region=region,
        family=family,
        revision=revision,
        requires_compatibilities=list(raw.get("requiresCompatibilities") or []),
        network_mode=raw.get("networkMode") or "bridge",  # the API default
        cpu=str(raw.get("cpu") or ""),
        memory=str(raw.get("memory") or ""),
        task_role_arn=raw.get("taskRoleArn") or "",
        execution_role_arn=raw.get("executionRoleArn") or "",
        pid_mode=raw.get("pidMode") or "",
        os_family=(raw.get("runtimePlatform") or {}).get("operatingSystemFamily") or "",
        containers=[_container(c) for c in raw.get("containerDefinitions") or []],
        tags=_tags(tags),
    )


def _container(raw: dict[str, Any]) -> EcsContainer:
    return EcsContainer(
        name=raw.get("name", ""),
        image=raw.get("image") or "",
        essential=raw.get("essential", True),
        privileged=bool(raw.get("privileged", False)),
        user=str(raw.get("user") or ""),
        readonly_root_filesystem=bool(raw.get("readonlyRootFilesystem", False)),
        environment={
            e["name"]: str(e.get("value", "")) for e in raw.get("environment") or [] if "name" in e
        },
        secrets=[s["name"] for s in raw.get("secrets") or [] if "name" in s],
        log_driver=(raw.get("logConfiguration") or {}).get("logDriver") or "",
    )
