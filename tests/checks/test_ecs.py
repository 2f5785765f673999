"""ECS and Fargate checks, proven both ways on moto."""

from __future__ import annotations

from typing import Any

import botocore.client
from botocore.exceptions import ClientError

from demarcate.checks.registry import Status
from demarcate.resources.ecs import EcsService

ORIGINAL = botocore.client.BaseClient._make_api_call
SERVICES = ["ecs"]
ROLE = "arn:aws:iam::123456789012:role"


def _container(name: str = "app", **kw: Any) -> dict[str, Any]:
    return {"name": name, "image": "nginx:1.27", "memory": 128, **kw}


def _taskdef(session, family: str, containers: list[dict[str, Any]], **kw: Any) -> str:
    ecs = session.client("ecs")
    return ecs.register_task_definition(family=family, containerDefinitions=containers, **kw)[
        "taskDefinition"
    ]["taskDefinitionArn"]


def _good_container(name: str = "app") -> dict[str, Any]:
    return _container(
        name,
        user="1000:1000",
        readonlyRootFilesystem=True,
        privileged=False,
        environment=[{"name": "APP_ENV", "value": "prod"}],
        secrets=[
            {
                "name": "DB_PASSWORD",
                "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
            }
        ],
        logConfiguration={"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/app"}},
    )


def _network(session) -> tuple[list[str], str]:
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
    return [sub], sg


def _fargate_service(
    session, cluster: str, name: str, *, public: bool, version: str | None
) -> None:
    subnets, sg = _network(session)
    ecs = session.client("ecs")
    _taskdef(
        session,
        f"{name}-td",
        [_good_container()],
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
    )
    kwargs: dict[str, Any] = {"platformVersion": version} if version else {}
    ecs.create_service(
        cluster=cluster,
        serviceName=name,
        taskDefinition=f"{name}-td",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": subnets,
                "securityGroups": [sg],
                "assignPublicIp": "ENABLED" if public else "DISABLED",
            }
        },
        **kwargs,
    )


# ---- task definition checks -------------------------------------------------------------


def test_privileged_container_fails_and_unprivileged_passes(aws, scan):
    _taskdef(aws, "safe", [_good_container()])
    _taskdef(aws, "priv", [_good_container("ok"), _container("daemon", privileged=True)])
    result = scan(aws, services=SERVICES)
    assert result.one("ecs-task-no-privileged-containers", "safe:1").status is Status.PASS
    bad = result.one("ecs-task-no-privileged-containers", "priv:1")
    assert bad.status is Status.FAIL
    assert bad.evidence == "task definition priv:1: privileged container(s) daemon"
    assert bad.duty_id == "ecs.container-runtime-security"


def test_root_user_unset_and_root_fail_non_root_passes(aws, scan):
    _taskdef(aws, "nonroot", [_good_container()])
    _taskdef(aws, "unset", [_container("web")])
    _taskdef(aws, "rootuid", [_container("web", user="0:0")])
    _taskdef(aws, "rootname", [_container("web", user="root")])
    result = scan(aws, services=SERVICES)
    assert result.one("ecs-task-non-root-user", "nonroot:1").status is Status.PASS
    unset = result.one("ecs-task-non-root-user", "unset:1")
    assert unset.status is Status.FAIL
    assert "no user set (image default, usually root) in web" in unset.evidence
    for fam in ("rootuid", "rootname"):
        f = result.one("ecs-task-non-root-user", f"{fam}:1")
        assert f.status is Status.FAIL
        assert "user is root in web" in f.evidence


def test_readonly_root_filesystem(aws, scan):
    _taskdef(aws, "ro", [_good_container()])
    _taskdef(aws, "rw", [_container("web", readonlyRootFilesystem=False)])
    result = scan(aws, services=SERVICES)
    assert result.one("ecs-task-readonly-root-filesystem", "ro:1").status is Status.PASS
    bad = result.one("ecs-task-readonly-root-filesystem", "rw:1")
    assert bad.status is Status.FAIL
    assert bad.evidence == "task definition rw:1: writable root filesystem in web"


def test_plaintext_secret_in_environment_fails_and_value_is_not_echoed(aws, scan):
    _taskdef(aws, "vaulted", [_good_container()])
    _taskdef(
        aws,
        "leaky",
        [
            _container(
                "api",
                environment=[
                    {"name": "DB_HOST", "value": "db.internal"},
                    {"name": "DB_PASSWORD", "value": "hunter2-prod"},
                ],
            )
        ],
    )
    result = scan(aws, services=SERVICES)
    ok = result.one("ecs-task-no-plaintext-secrets", "vaulted:1")
    assert ok.status is Status.PASS
    bad = result.one("ecs-task-no-plaintext-secrets", "leaky:1")
    assert bad.status is Status.FAIL
    assert "container api: DB_PASSWORD looks like a secret" in bad.evidence
    assert "hunter2" not in bad.evidence
    assert bad.duty_id == "ecs.secrets-management"


def test_every_container_needs_a_log_configuration(aws, scan):
    _taskdef(aws, "logged", [_good_container()])
    _taskdef(aws, "silent", [_good_container("web"), _container("sidecar")])
    result = scan(aws, services=SERVICES)
    ok = result.one("ecs-task-logging-configured", "logged:1")
    assert ok.status is Status.PASS
    assert "(awslogs)" in ok.evidence
    bad = result.one("ecs-task-logging-configured", "silent:1")
    assert bad.status is Status.FAIL
    assert bad.evidence == "task definition silent:1: no log configuration in sidecar"


def test_latest_active_revision_is_judged(aws, scan):
    _taskdef(aws, "evolving", [_container("web", privileged=True)])
    _taskdef(aws, "evolving", [_good_container("web")])
    result = scan(aws, services=SERVICES)
    judged = [f.resource_id for f in result.for_check("ecs-task-no-privileged-containers")]
    assert not [r for r in judged if r.endswith("evolving:1")]
    assert result.one("ecs-task-no-privileged-containers", "evolving:2").status is Status.PASS


# ---- cluster and service checks ---------------------------------------------------------


def test_container_insights(aws, scan):
    ecs = aws.client("ecs")
    ecs.create_cluster(
        clusterName="watched", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    ecs.create_cluster(clusterName="blind")
    result = scan(aws, services=SERVICES)
    ok = result.one("ecs-cluster-container-insights", "watched")
    assert ok.status is Status.PASS
    bad = result.one("ecs-cluster-container-insights", "blind")
    assert bad.status is Status.FAIL
    assert bad.evidence == "cluster blind: Container Insights is disabled"


def test_public_ip_on_service_fails(aws, scan):
    aws.client("ecs").create_cluster(clusterName="c1")
    _fargate_service(aws, "c1", "private-svc", public=False, version="LATEST")
    _fargate_service(aws, "c1", "public-svc", public=True, version="LATEST")
    result = scan(aws, services=SERVICES)
    ok = result.one("ecs-service-no-public-ip", "private-svc")
    assert ok.status is Status.PASS
    bad = result.one("ecs-service-no-public-ip", "public-svc")
    assert bad.status is Status.FAIL
    assert bad.evidence == "service public-svc (cluster c1): assignPublicIp is ENABLED"
    svc = result.inv.find(EcsService, "public-svc")
    assert svc is not None and svc.launch_type == "FARGATE"


# ---- Fargate checks ---------------------------------------------------------------------


def test_fargate_platform_version(aws, scan):
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="fg")
    _fargate_service(aws, "fg", "on-latest", public=False, version="LATEST")
    _fargate_service(aws, "fg", "pinned-new", public=False, version="1.4.0")
    _fargate_service(aws, "fg", "pinned-old", public=False, version="1.3.0")
    _taskdef(aws, "ec2-td", [_good_container()], requiresCompatibilities=["EC2"])
    ecs.create_service(
        cluster="fg",
        serviceName="on-ec2",
        taskDefinition="ec2-td",
        desiredCount=1,
        launchType="EC2",
    )
    result = scan(aws, services=SERVICES)
    check = "fargate-service-latest-platform-version"
    assert result.one(check, "on-latest").status is Status.PASS
    assert result.one(check, "pinned-new").status is Status.PASS
    bad = result.one(check, "pinned-old")
    assert bad.status is Status.FAIL
    assert (
        bad.evidence
        == "service pinned-old (cluster fg): platform version 1.3.0 is older than the latest 1.4.0"
    )
    assert bad.duty_id == "fargate.task-definition-security"
    assert not [f for f in result.for_check(check) if "on-ec2" in f.resource_id]
    ec2 = result.inv.find(EcsService, "on-ec2")
    assert ec2 is not None and ec2.launch_type == "EC2"


def test_fargate_task_definition_sets_cpu_and_memory(aws, scan):
    _taskdef(
        aws,
        "sized",
        [_good_container()],
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="512",
        memory="1024",
    )
    _taskdef(
        aws,
        "nosize",
        [_good_container()],
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
    )
    _taskdef(aws, "ec2-only", [_good_container()], requiresCompatibilities=["EC2"])
    result = scan(aws, services=SERVICES)
    ok = result.one("fargate-task-resource-limits", "sized:1")
    assert ok.status is Status.PASS
    assert ok.evidence == "task definition sized:1: cpu 512, memory 1024 MiB"
    bad = result.one("fargate-task-resource-limits", "nosize:1")
    assert bad.status is Status.FAIL
    assert bad.evidence == "task definition nosize:1: task-level cpu and memory not set"
    assert not [
        f for f in result.for_check("fargate-task-resource-limits") if "ec2-only" in f.resource_id
    ]


def test_capacity_provider_strategy_sets_launch_type(aws, scan, monkeypatch):
    """moto echoes launchType EC2 for strategy-based services and drops capacityProviderStrategy;
    the DescribeServices answer is rewritten to the real shape (strategy, no launchType)."""
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="cp", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    ecs.create_capacity_provider(
        name="asg-cp",
        autoScalingGroupProvider={
            "autoScalingGroupArn": "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/asg"
        },
    )
    _fargate_service(aws, "cp", "spot-svc", public=False, version="1.3.0")
    _taskdef(aws, "host-td", [_good_container()])
    ecs.create_service(
        cluster="cp", serviceName="asg-svc", taskDefinition="host-td", desiredCount=1
    )
    strategies = {"spot-svc": "FARGATE_SPOT", "asg-svc": "asg-cp"}

    def rewrite(self, operation_name, api_params):
        response = ORIGINAL(self, operation_name, api_params)
        if operation_name == "DescribeServices":
            for svc in response.get("services", []):
                svc.pop("launchType", None)
                svc["capacityProviderStrategy"] = [
                    {"capacityProvider": strategies[svc["serviceName"]], "weight": 1, "base": 0}
                ]
        return response

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", rewrite)
    result = scan(aws, services=SERVICES)
    spot = result.inv.find(EcsService, "spot-svc")
    host = result.inv.find(EcsService, "asg-svc")
    assert spot is not None and spot.launch_type == "FARGATE"
    assert host is not None and host.launch_type == "EC2"
    assert result.one("fargate-service-latest-platform-version", "spot-svc").status is Status.FAIL
    assert not [
        f
        for f in result.for_check("fargate-service-latest-platform-version")
        if "asg-svc" in f.resource_id
    ]


# ---- faults -----------------------------------------------------------------------------


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


def test_denied_describe_task_definition_is_unknown(aws, scan, monkeypatch):
    _taskdef(
        aws,
        "hidden",
        [_good_container()],
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
    )
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("DescribeTaskDefinition")
    )
    result = scan(aws, services=SERVICES)
    for check in (
        "ecs-task-no-privileged-containers",
        "ecs-task-logging-configured",
        "fargate-task-resource-limits",
    ):
        finding = result.one(check, "hidden")
        assert finding.status is Status.UNKNOWN
        assert "ecs:DescribeTaskDefinition denied" in finding.evidence


def test_denied_list_clusters_is_unknown_for_the_region(aws, scan, monkeypatch):
    aws.client("ecs").create_cluster(clusterName="any")
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _deny("ListClusters"))
    result = scan(aws, services=SERVICES)
    for check in ("ecs-cluster-container-insights", "ecs-service-no-public-ip"):
        finding = result.one(check, "us-east-1")
        assert finding.status is Status.UNKNOWN
        assert "ecs:ListClusters denied" in finding.evidence
    assert not [
        f
        for f in result.findings
        if f.status is Status.PASS and f.check_id.startswith("ecs-cluster")
    ]


def test_empty_account_yields_no_findings(aws, scan):
    result = scan(aws, services=SERVICES)
    assert not [f for f in result.findings if f.check_id.startswith(("ecs-", "fargate-"))]


def test_denied_describe_services_is_unknown_per_service(aws, scan, monkeypatch):
    aws.client("ecs").create_cluster(clusterName="dc")
    _fargate_service(aws, "dc", "opaque-svc", public=False, version="LATEST")
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _deny("DescribeServices"))
    result = scan(aws, services=SERVICES)
    for check in ("ecs-service-no-public-ip", "fargate-service-latest-platform-version"):
        finding = result.one(check, "opaque-svc")
        assert finding.status is Status.UNKNOWN
        assert "ecs:DescribeServices denied" in finding.evidence
