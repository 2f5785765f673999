"""Lambda functions (SAM functions arrive here expanded, see :mod:`.sam`) with their URLs and
permissions; ECS clusters, services and task definitions; ECR repositories.

Defaults when absent: Lambda PackageType Zip, no environment variables, the AWS managed key for
them (no KmsKeyArn), no function URL, no resource policy; ECS Container Insights "disabled"
(unless an account-level setting turns it on, which the template does not show), launch type
EC2 without a launch type or capacity-provider strategy, AssignPublicIp DISABLED, containers
essential, not privileged, no user (the image default), writable root filesystem, no log
configuration; ECR scan on push off, tags MUTABLE, AES256 encryption.
"""

from __future__ import annotations

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
from demarcate.resources.lambda_ import LambdaFunction
from demarcate.sources.cloudformation.intrinsics import (
    ResRef,
    Unresolved,
    first_unknown,
    first_unresolved,
)
from demarcate.sources.cloudformation.map_network import mark_subnets_in_use
from demarcate.sources.cloudformation.stack import (
    LogicalResource,
    Props,
    Stack,
    assign,
    finisher,
    folder,
    primary,
    tags_of,
    to_bool,
    to_int,
    to_str,
    to_str_list,
    to_word,
    to_word_list,
    unknown_or,
)

# ---- Lambda ---------------------------------------------------------------------------------------


@primary("AWS::Lambda::Function", "AWS::Serverless::Function")
def function(stack: Stack, lr: LogicalResource, p: Props) -> LambdaFunction:
    key = stack.key_of(lr.logical_id)
    res = LambdaFunction(id=key, name=key, region=stack.region, tags=tags_of(p))
    res.arn = stack.arn("lambda", f"function:{key}")
    package = to_word(p.get("PackageType"), "Zip")
    assign(res, "package_type", package)
    runtime = to_word(p.get("Runtime"))
    if package == "Image":
        runtime = ""  # container images bring their own runtime
    elif runtime is None:
        runtime = Unresolved("the function has no Runtime")
    assign(res, "runtime", runtime)
    assign(res, "role_arn", to_str(p.get("Role")))
    variables = p.sub("Environment").get("Variables", {})
    if isinstance(variables, dict):
        env = {str(k): to_word(v, identifiers=True) for k, v in variables.items()}
        bad = first_unresolved(env)
        if bad is not None:
            res.mark_unknown(
                f"an environment variable's value is not known: {bad.reason}", "env_vars"
            )
        else:
            res.env_vars = env
    else:
        assign(
            res,
            "env_vars",
            variables
            if isinstance(variables, Unresolved)
            else Unresolved("Environment.Variables is not a map"),
        )
    assign(res, "kms_key_arn", to_str(p.get("KmsKeyArn"), ""))
    vpc = p.sub("VpcConfig")
    subnets = to_str_list(vpc.get("SubnetIds"), [])
    assign(res, "vpc_subnet_ids", subnets)
    assign(res, "vpc_security_group_ids", to_str_list(vpc.get("SecurityGroupIds"), []))
    mark_subnets_in_use(stack, subnets)
    res.url_auth_type = ""
    res.resource_policy = {}
    return res


def _function_target(stack: Stack, value: Any) -> LambdaFunction | Unresolved | None:
    if isinstance(value, str) and not isinstance(value, ResRef) and value.startswith("arn:"):
        # arn:aws:lambda:region:account:function:name[:qualifier]
        parts = value.split(":")
        value = parts[6] if len(parts) > 6 else value
    return stack.target(value, LambdaFunction, "AWS::Lambda::Function", "AWS::Serverless::Function")


def _least_strict(current: str | None, new: str) -> str:
    if current in (None, ""):
        return new
    return "NONE" if "NONE" in (current, new) else sorted([current, new])[0]


@folder("AWS::Lambda::Url")
def function_url(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = _function_target(stack, p.get("TargetFunctionArn"))
    auth = to_word(p.get("AuthType"))
    if isinstance(target, Unresolved):
        for fn in stack.built(LambdaFunction):
            fn.mark_unknown(
                f"function URL {lr.logical_id} targets an unknown function: {target.reason}",
                "url_auth_type",
            )
        return
    if target is None:
        return
    if not isinstance(auth, str):
        target.mark_unknown(f"function URL {lr.logical_id}: AuthType is not known", "url_auth_type")
        return
    if "url_auth_type" not in target.unknown:
        target.url_auth_type = _least_strict(target.url_auth_type, auth)


def _principal(value: str) -> Any:
    if value == "*":
        return "*"
    if value.isdigit():
        return {"AWS": f"arn:aws:iam::{value}:root"}
    if value.startswith("arn:"):
        return {"AWS": value}
    return {"Service": value}


_PERMISSION_CONDITIONS = (
    ("SourceArn", "ArnLike", "AWS:SourceArn"),
    ("SourceAccount", "StringEquals", "AWS:SourceAccount"),
    ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
    ("FunctionUrlAuthType", "StringEquals", "lambda:FunctionUrlAuthType"),
    ("EventSourceToken", "StringEquals", "lambda:EventSourceToken"),
)


@folder("AWS::Lambda::Permission")
def permission(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = _function_target(stack, p.get("FunctionName"))
    if isinstance(target, Unresolved):
        for fn in stack.built(LambdaFunction):
            fn.mark_unknown(
                f"permission {lr.logical_id} applies to an unknown function: {target.reason}",
                "resource_policy",
            )
        return
    if target is None or target.resource_policy is None:
        return
    principal = to_str(p.get("Principal"))
    # A placeholder names a principal only when it is an AWS resource's identifier.
    unknown_principal = first_unknown(principal, identifiers_known=True)
    if unknown_principal is not None:
        principal = unknown_principal
    action = to_word(p.get("Action"))
    stmt: dict[str, Any] = {
        "Sid": lr.logical_id,
        "Effect": "Allow",
        "Principal": _principal(principal) if isinstance(principal, str) else principal,
        "Action": action,
        "Resource": target.arn,
    }
    conditions: dict[str, dict[str, Any]] = {}
    for prop, operator, key in _PERMISSION_CONDITIONS:
        value = p.get(prop)
        if value is not None:
            conditions.setdefault(operator, {})[key] = (
                to_word(value) if prop == "FunctionUrlAuthType" else to_str(value)
            )
    if conditions:
        stmt["Condition"] = conditions
    bad = first_unresolved(stmt)
    if bad is not None:
        target.mark_unknown(f"permission {lr.logical_id}: {bad.reason}", "resource_policy")
        return
    target.resource_policy.setdefault("Version", "2012-10-17")
    target.resource_policy.setdefault("Statement", []).append(stmt)


# ---- ECS ------------------------------------------------------------------------------------------


@primary("AWS::ECS::Cluster")
def ecs_cluster(stack: Stack, lr: LogicalResource, p: Props) -> EcsCluster:
    key = stack.key_of(lr.logical_id)
    res = EcsCluster(id=key, name=key, region=stack.region, tags=tags_of(p))
    res.arn = stack.arn("ecs", f"cluster/{key}")
    res.status = "ACTIVE"
    settings = p.items("ClusterSettings")
    insights: Any = "disabled"
    if isinstance(settings, Unresolved):
        insights = settings
    else:
        for item in settings:
            name = to_word(item.get("Name"))
            if isinstance(name, Unresolved):  # it may be the containerInsights setting
                insights = Unresolved(f"a cluster setting's name is not known: {name.reason}")
                break
            if name == "containerInsights":
                value = to_word(item.get("Value"))
                insights = value.lower() if isinstance(value, str) else value
    assign(res, "container_insights", insights)
    assign(res, "capacity_providers", to_str_list(p.get("CapacityProviders"), []))
    strategy = p.items("DefaultCapacityProviderStrategy")
    assign(
        res,
        "default_capacity_provider_strategy",
        strategy
        if isinstance(strategy, Unresolved)
        else [s.get("CapacityProvider") for s in strategy],
    )
    res.mark_unknown(
        "container instances register only after deployment", "registered_container_instances"
    )
    return res


@folder("AWS::ECS::ClusterCapacityProviderAssociations")
def capacity_associations(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = stack.target(p.get("Cluster"), EcsCluster, "AWS::ECS::Cluster")
    if not isinstance(target, EcsCluster):
        return
    assign(target, "capacity_providers", to_str_list(p.get("CapacityProviders"), []))
    strategy = p.items("DefaultCapacityProviderStrategy")
    assign(
        target,
        "default_capacity_provider_strategy",
        strategy
        if isinstance(strategy, Unresolved)
        else [s.get("CapacityProvider") for s in strategy],
    )


@primary("AWS::ECS::CapacityProvider")
def capacity_provider(stack: Stack, lr: LogicalResource, p: Props) -> None:
    asg, managed = p.presence("AutoScalingGroupProvider"), p.presence("ManagedInstancesProvider")
    kind: str | Unresolved | None = None
    if asg is True:
        kind = "EC2"
    elif managed is True:
        kind = "MANAGED_INSTANCES"
    elif isinstance(asg, Unresolved):
        kind = asg
    elif isinstance(managed, Unresolved):
        kind = managed
    stack.extra.setdefault("capacity_providers", {})[stack.key_of(lr.logical_id)] = kind


def _launch_type(stack: Stack, providers: list[Any]) -> Any:
    kinds: set[str] = set()
    custom = stack.extra.get("capacity_providers", {})
    for name in providers:
        if name in FARGATE_PROVIDERS:
            kinds.add("FARGATE")
        elif isinstance(custom.get(name), Unresolved):
            return Unresolved(f"capacity provider {name}: {custom[name].reason}")
        elif isinstance(name, str) and custom.get(name):
            kinds.add(custom[name])
        else:
            return Unresolved(f"capacity provider {name} is not defined in this template")
    return kinds.pop() if len(kinds) == 1 else "MIXED"


@primary("AWS::ECS::Service")
def ecs_service(stack: Stack, lr: LogicalResource, p: Props) -> EcsService:
    name = stack.key_of(lr.logical_id)
    cluster_ref = to_str(p.get("Cluster"), "default")
    cluster_obj = stack.target(cluster_ref, EcsCluster, "AWS::ECS::Cluster")
    if isinstance(cluster_ref, str) and cluster_ref.startswith("arn:"):
        cluster_name: Any = cluster_ref.rsplit("/", 1)[-1]
    else:
        cluster_name = cluster_ref
    label = cluster_name if isinstance(cluster_name, str) else "?"
    res = EcsService(id=f"{label}/{name}", name=name, region=stack.region, tags=tags_of(p))
    assign(res, "cluster", cluster_name)
    if isinstance(cluster_obj, EcsCluster):
        res.cluster_arn = cluster_obj.arn
    strategy = p.items("CapacityProviderStrategy")
    launch = to_word(p.get("LaunchType"))
    if isinstance(strategy, Unresolved):
        assign(res, "launch_type", strategy)
        assign(res, "capacity_providers", strategy)
    else:
        providers: Any = [s.get("CapacityProvider") for s in strategy]
        if not providers and launch is None and isinstance(cluster_obj, EcsCluster):
            if cluster_obj.default_capacity_provider_strategy is not None:
                providers = list(cluster_obj.default_capacity_provider_strategy)
            elif "default_capacity_provider_strategy" in cluster_obj.unknown:
                providers = Unresolved(
                    f"the default capacity provider strategy of cluster {cluster_obj.label} "
                    f"is not known: {cluster_obj.unknown['default_capacity_provider_strategy']}"
                )
        assign(res, "capacity_providers", providers)
        if launch is not None:
            assign(res, "launch_type", launch)
        elif isinstance(providers, Unresolved) or providers:
            assign(res, "launch_type", unknown_or(providers, lambda v: _launch_type(stack, v)))
        else:
            res.launch_type = "EC2"  # the API default without a strategy
    fargate = res.uses_fargate if res.launch_type is not None else None
    version = to_word(p.get("PlatformVersion"), "")
    assign(res, "platform_version", version if fargate is not False else "")
    res.platform_family = ""
    network = p.sub("NetworkConfiguration")
    awsvpc = network.sub("AwsvpcConfiguration")
    present = network.has("AwsvpcConfiguration")
    if present is None:
        res.mark_unknown(
            network.why("AwsvpcConfiguration"), "network_mode_awsvpc", "assign_public_ip"
        )
    else:
        res.network_mode_awsvpc = bool(present)
        public = to_word(awsvpc.get("AssignPublicIp"), "DISABLED")
        assign(res, "assign_public_ip", public == "ENABLED" if isinstance(public, str) else public)
        mark_subnets_in_use(stack, to_str_list(awsvpc.get("Subnets"), []))
    assign(res, "task_definition", to_str(p.get("TaskDefinition")))
    assign(res, "desired_count", to_int(p.get("DesiredCount"), 1))
    return res


def _container(c: Props) -> EcsContainer:
    def known(value: Any) -> Any:
        return None if first_unresolved(value) is not None else value

    env_items = c.items("Environment")
    env: Any = None
    if isinstance(env_items, list):
        pairs = [
            (to_word(item.get("Name")), to_word(item.get("Value"), "", identifiers=True))
            for item in env_items
        ]
        # A variable whose name is not known may be the one holding a secret: all unknown.
        if first_unresolved([name for name, _ in pairs]) is None:
            env = known({name: value for name, value in pairs if isinstance(name, str)})
    secrets = c.items("Secrets")
    log = c.sub("LogConfiguration")
    name = to_str(c.get("Name"), "?")
    return EcsContainer(
        name=name if isinstance(name, str) else "?",
        image=known(to_str(c.get("Image"))),
        essential=known(to_bool(c.get("Essential"), True)),
        privileged=known(to_bool(c.get("Privileged"), False)),
        user=known(to_word(c.get("User"), "")),
        readonly_root_filesystem=known(to_bool(c.get("ReadonlyRootFilesystem"), False)),
        environment=env,
        secrets=known([to_str(s.get("Name")) for s in secrets])
        if isinstance(secrets, list)
        else None,
        log_driver=known(to_word(log.get("LogDriver"), "")),
    )


@primary("AWS::ECS::TaskDefinition")
def ecs_task_definition(stack: Stack, lr: LogicalResource, p: Props) -> EcsTaskDefinition:
    family = stack.key_of(lr.logical_id)
    res = EcsTaskDefinition(
        id=family, name=family, region=stack.region, tags=tags_of(p), family=family
    )
    res.mark_unknown("the revision number is assigned at deployment", "revision")
    compat = to_word_list(p.get("RequiresCompatibilities"), [])
    assign(res, "requires_compatibilities", compat)
    assign(res, "network_mode", to_word(p.get("NetworkMode"), "bridge"))
    assign(res, "cpu", to_word(p.get("Cpu"), ""))
    assign(res, "memory", to_word(p.get("Memory"), ""))
    assign(res, "task_role_arn", to_str(p.get("TaskRoleArn"), ""))
    assign(res, "execution_role_arn", to_str(p.get("ExecutionRoleArn"), ""))
    assign(res, "pid_mode", to_word(p.get("PidMode"), ""))
    assign(res, "os_family", to_word(p.sub("RuntimePlatform").get("OperatingSystemFamily"), ""))
    containers = p.items("ContainerDefinitions")
    if isinstance(containers, Unresolved):
        assign(res, "containers", containers)
    else:
        res.containers = [_container(c) for c in containers]
    return res


# ---- ECR ------------------------------------------------------------------------------------------


@primary("AWS::ECR::Repository")
def ecr_repository(stack: Stack, lr: LogicalResource, p: Props) -> EcrRepository:
    key = stack.key_of(lr.logical_id)
    res = EcrRepository(id=key, name=key, region=stack.region, tags=tags_of(p))
    res.arn = stack.arn("ecr", f"repository/{key}")
    scan = to_bool(p.sub("ImageScanningConfiguration").get("ScanOnPush"), False)
    assign(res, "scan_on_push", scan)
    res.scan_source = "repository setting"
    res.registry_scan_type = "BASIC"
    assign(res, "tag_mutability", to_word(p.get("ImageTagMutability"), "MUTABLE"))
    enc = p.sub("EncryptionConfiguration")
    assign(res, "encryption_type", to_word(enc.get("EncryptionType"), "AES256"))
    assign(res, "kms_key_id", to_str(enc.get("KmsKey"), ""))
    return res


@primary("AWS::ECR::RegistryScanningConfiguration")
def registry_scanning(stack: Stack, lr: LogicalResource, p: Props) -> None:
    stack.extra["registry_scanning"] = (lr, p)


def _registry_rule(repo_id: str, rules: list[Props]) -> tuple[str | None, Unresolved | None]:
    """(the filter of the first scanning rule that covers the repository, or None; why a rule
    that may cover it cannot be told, or None)."""
    doubt: Unresolved | None = None
    for rule in rules:
        frequency = to_word(rule.get("ScanFrequency"))
        if not isinstance(frequency, Unresolved) and frequency not in (
            "SCAN_ON_PUSH",
            "CONTINUOUS_SCAN",
        ):
            continue
        filters = rule.items("RepositoryFilters")
        if isinstance(filters, Unresolved):
            doubt = doubt if doubt is not None else filters
            continue
        for flt in filters:
            value = to_word(flt.get("Filter"))
            if isinstance(value, Unresolved):
                doubt = doubt if doubt is not None else value
            elif isinstance(value, str) and fnmatchcase(repo_id, value):
                if isinstance(frequency, Unresolved):
                    doubt = doubt if doubt is not None else frequency
                    break
                return value, doubt
    return None, doubt


@finisher
def apply_registry_scanning(stack: Stack) -> None:
    found = stack.extra.get("registry_scanning")
    if not found:
        return
    lr, p = found
    scan_type = to_word(p.get("ScanType"), "BASIC")
    rules = p.items("Rules")
    for repo in stack.built(EcrRepository):
        if isinstance(rules, Unresolved) or not isinstance(scan_type, str):
            repo.mark_unknown(
                f"registry scanning configuration {lr.logical_id} is not known",
                "scan_on_push",
                "scan_source",
                "registry_scan_type",
            )
            continue
        repo.registry_scan_type = scan_type
        pattern, doubt = _registry_rule(repo.id, rules)
        if pattern is None and doubt is not None:
            repo.mark_unknown(
                f"registry scanning configuration {lr.logical_id}: {doubt.reason}",
                "scan_on_push",
                "scan_source",
            )
            continue
        if rules or scan_type == "ENHANCED":
            repo.scan_on_push = pattern is not None
            repo.scan_source = (
                f"registry {scan_type} rule '{pattern}'"
                if pattern
                else f"no registry {scan_type} scanning rule matches"
            )
