"""ECS (clusters, services, task definitions with their ``container_definitions`` JSON) and
ECR repositories.

Defaults: Container Insights off unless the cluster's ``setting`` (or an
``aws_ecs_account_setting_default``) turns it on; a service without launch type or strategy
runs on EC2; no public IP; an unpinned Fargate platform version means LATEST; task definitions
use ``bridge`` networking and set no task-level cpu/memory unless given; a container is not
privileged, has a writable root filesystem and no user (the image default) unless set. ECR:
scan on push off and tags MUTABLE unless set; encryption AES256.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from demarcate.resources.ecr import EcrRepository
from demarcate.resources.ecs import (
    FARGATE_PROVIDERS,
    EcsCluster,
    EcsContainer,
    EcsService,
    EcsTaskDefinition,
)
from demarcate.sources.terraform.mapping.base import (
    Builder,
    as_bool,
    as_int,
    as_str,
    as_strs,
    block,
    blocks,
    mapper,
    put,
)
from demarcate.sources.terraform.values import UnknownValue, first_unknown, unknown_or

PUSH_FREQUENCIES = ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")


def _containers(value: Any) -> Any:
    if isinstance(value, UnknownValue):
        return value
    if isinstance(value, str):
        try:
            items = json.loads(value)
        except ValueError:
            return UnknownValue("container_definitions is not valid JSON")
    else:
        items = value
    if not isinstance(items, list):
        return UnknownValue("container_definitions is not a JSON list")
    unknown = first_unknown(items)
    if unknown is not None:
        return unknown
    out = []
    for raw in items:
        if not isinstance(raw, dict):
            continue
        log = raw.get("logConfiguration") or {}
        out.append(
            EcsContainer(
                name=str(raw.get("name", "")),
                image=str(raw.get("image") or ""),
                essential=bool(raw.get("essential", True)),
                privileged=bool(raw.get("privileged", False)),
                user=str(raw.get("user") or ""),
                readonly_root_filesystem=bool(raw.get("readonlyRootFilesystem", False)),
                environment={
                    str(e["name"]): str(e.get("value", ""))
                    for e in raw.get("environment") or []
                    if isinstance(e, dict) and "name" in e
                },
                secrets=[
                    str(s["name"])
                    for s in raw.get("secrets") or []
                    if isinstance(s, dict) and "name" in s
                ],
                log_driver=str(log.get("logDriver") or "") if isinstance(log, dict) else "",
            )
        )
    return out


@mapper(order=40)
def map_ecs(b: Builder) -> None:
    account_insights: Any = None
    for raw in b.of("aws_ecs_account_setting_default"):
        if raw.attrs.get("name") == "containerInsights":
            account_insights = as_str(raw.attrs.get("value"))
    providers: dict[str, list[Any]] = {}
    strategies: dict[str, list[Any]] = {}
    for raw in b.of("aws_ecs_cluster_capacity_providers"):
        target = b.find(raw.attrs.get("cluster_name"), "aws_ecs_cluster")
        if target is not None:
            providers[target.address] = as_strs(raw.attrs.get("capacity_providers"))
            strat = blocks(raw.attrs, "default_capacity_provider_strategy")
            strategies[target.address] = (
                [strat]
                if isinstance(strat, UnknownValue)
                else [s.get("capacity_provider") for s in strat]
            )
    clusters: dict[str, EcsCluster] = {}
    for raw in b.of("aws_ecs_cluster"):
        name = b.ident(raw, "name")
        settings = blocks(raw.attrs, "setting")
        insights: Any = None
        if isinstance(settings, UnknownValue):
            insights = settings
        else:
            for s in settings:
                if s.get("name") == "containerInsights":
                    insights = as_str(s.get("value"))
        if insights is None:
            insights = account_insights or "disabled"
        cluster_providers = providers.get(raw.address, as_strs(raw.attrs.get("capacity_providers")))
        strategy = strategies.get(raw.address, [])
        clusters[raw.address] = b.new(
            EcsCluster,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            status="ACTIVE",
            container_insights=insights.lower() if isinstance(insights, str) else insights,
            capacity_providers=cluster_providers,
            default_capacity_provider_strategy=unknown_or(strategy, lambda v: [str(s) for s in v]),
        )
        clusters[raw.address].unknown["registered_container_instances"] = (
            "known only in a live account"
        )
    custom_kinds = {}
    for raw in b.of("aws_ecs_capacity_provider"):
        name = b.ident(raw, "name")
        if isinstance(name, str):
            custom_kinds[name] = "EC2"
    for raw in b.of("aws_ecs_service"):
        a = raw.attrs
        cluster_raw = b.find(a.get("cluster"), "aws_ecs_cluster")
        cluster = clusters.get(cluster_raw.address) if cluster_raw else None
        cluster_name = (
            cluster.name
            if cluster
            else (str(a.get("cluster")).rsplit("/", 1)[-1] if a.get("cluster") else "default")
        )
        name = b.ident(raw, "name")
        strat = blocks(a, "capacity_provider_strategy")
        names: Any = (
            strat
            if isinstance(strat, UnknownValue)
            else [s.get("capacity_provider") for s in strat]
        )
        if isinstance(names, list):
            names = unknown_or(names, lambda v: [str(n) for n in v])
        launch: Any
        if isinstance(names, UnknownValue):
            launch = names
        elif names:
            kinds = {("FARGATE" if n in FARGATE_PROVIDERS else custom_kinds.get(n)) for n in names}
            launch = (
                UnknownValue(f"capacity provider(s) {', '.join(names)} are not in the code")
                if None in kinds
                else kinds.pop()
                if len(kinds) == 1
                else "MIXED"
            )
        else:
            launch = as_str(a.get("launch_type"), "EC2")
        fargate = launch == "FARGATE" or (
            isinstance(names, list) and bool(set(names) & FARGATE_PROVIDERS)
        )
        net = block(a, "network_configuration")
        svc = b.new(
            EcsService,
            raw,
            f"{cluster_name}/{name}",
            name=name,
            arn=b.known_arn(raw) if cluster is None else None,
            cluster=cluster_name,
            cluster_arn=cluster.arn if cluster else as_str(a.get("cluster")),
            launch_type=launch,
            capacity_providers=names,
            platform_version=as_str(a.get("platform_version"), "") if fargate else "",
            platform_family="",
            network_mode_awsvpc=net if isinstance(net, UnknownValue) else bool(net),
            assign_public_ip=net
            if isinstance(net, UnknownValue)
            else as_bool(net.get("assign_public_ip"), False)
            if net
            else False,
            task_definition=as_str(a.get("task_definition")),
            desired_count=as_int(a.get("desired_count"), 0),
        )
        if svc.name and svc.label != svc.name:
            svc.name = str(name)
    for raw in b.of("aws_ecs_task_definition"):
        a = raw.attrs
        family = b.ident(raw, "family")
        platform = block(a, "runtime_platform")
        b.new(
            EcsTaskDefinition,
            raw,
            str(family),
            name=family,
            family=family,
            requires_compatibilities=as_strs(a.get("requires_compatibilities")),
            network_mode=as_str(a.get("network_mode"), "bridge"),
            cpu=as_str(a.get("cpu"), ""),
            memory=as_str(a.get("memory"), ""),
            task_role_arn=as_str(b.key_of(a.get("task_role_arn"), "aws_iam_role"), ""),
            execution_role_arn=as_str(b.key_of(a.get("execution_role_arn"), "aws_iam_role"), ""),
            pid_mode=as_str(a.get("pid_mode"), ""),
            os_family=platform
            if isinstance(platform, UnknownValue)
            else as_str(platform.get("operating_system_family"), ""),
            containers=_containers(a.get("container_definitions")),
        ).unknown["revision"] = "the revision number is assigned when Terraform registers it"


@mapper(order=40)
def map_ecr(b: Builder) -> None:
    registry: dict[Any, Any] = {}
    for raw in b.of("aws_ecr_registry_scanning_configuration"):
        rules = blocks(raw.attrs, "rule")
        registry[raw.region if isinstance(raw.region, str) else None] = (
            as_str(raw.attrs.get("scan_type"), "BASIC"),
            rules,
        )
    for raw in b.of("aws_ecr_repository"):
        a = raw.attrs
        name = b.ident(raw, "name")
        scanning = block(a, "image_scanning_configuration")
        flag = (
            scanning
            if isinstance(scanning, UnknownValue)
            else as_bool(scanning.get("scan_on_push"), False)
        )
        enc = blocks(a, "encryption_configuration")
        enc_cfg = enc if isinstance(enc, UnknownValue) else (enc[0] if enc else {})
        repo = b.new(
            EcrRepository,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            uri=as_str(b.ident(raw, "repository_url")),
            tag_mutability=as_str(a.get("image_tag_mutability"), "MUTABLE"),
            encryption_type=enc_cfg
            if isinstance(enc_cfg, UnknownValue)
            else as_str(enc_cfg.get("encryption_type"), "AES256"),
            kms_key_id=enc_cfg
            if isinstance(enc_cfg, UnknownValue)
            else as_str(enc_cfg.get("kms_key"), ""),
        )
        reg = registry.get(raw.region if isinstance(raw.region, str) else None)
        if reg is None:
            repo.unknown["registry_scan_type"] = (
                "the registry scanning configuration is not in the code"
            )
            put(repo, "scan_on_push", flag)
            repo.scan_source = "repository setting"
            continue
        scan_type, rules = reg
        put(repo, "registry_scan_type", scan_type)
        if isinstance(rules, UnknownValue):
            put(repo, "scan_on_push", rules)
            continue
        unknown_rule = first_unknown(rules)
        if unknown_rule is not None:
            put(repo, "scan_on_push", unknown_rule)
            continue
        if rules or scan_type == "ENHANCED":
            pattern = None
            for rule in rules:
                if rule.get("scan_frequency") not in PUSH_FREQUENCIES:
                    continue
                for flt in blocks(rule, "repository_filter") or []:
                    if (
                        isinstance(flt, dict)
                        and isinstance(name, str)
                        and fnmatchcase(name, str(flt.get("filter", "")))
                    ):
                        pattern = str(flt.get("filter"))
                        break
                if pattern:
                    break
            repo.scan_on_push = pattern is not None
            repo.scan_source = (
                f"registry {scan_type} rule '{pattern}'"
                if pattern
                else f"no registry {scan_type} scanning rule matches"
            )
        else:
            put(repo, "scan_on_push", flag)
            repo.scan_source = "repository setting"
