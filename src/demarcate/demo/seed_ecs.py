"""Demo ECS/Fargate: a compliant Fargate cluster "demo-fargate-prod" (Container Insights) running
"demo-web" (non-root user, read-only root fs, awslogs, DB password from Secrets Manager, task
cpu/memory, platform LATEST, no public IP); a planted cluster "demo-legacy" without Insights
running "demo-legacy-api" (root by default, plain DB_PASSWORD, no log configuration, writable
root fs, no task-level cpu/memory, platform 1.3.0, public IP); and an EC2-launch-type cluster
"demo-ec2-batch" running "demo-batch-worker" (privileged, user root, bridge networking), whose
host OS the customer patches."""

from __future__ import annotations

from typing import Any

import boto3

from demarcate.demo import DEMO_ACCOUNT

ORDER = 40


def default_network(ec2: Any, name: str) -> tuple[list[str], str]:
    """Two subnets of the region's default VPC and a demo security group (no ingress)."""
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    vpc_id = vpcs[0]["VpcId"] if vpcs else ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    by_az: dict[str, str] = {}
    for sub in subnets:
        by_az.setdefault(sub["AvailabilityZone"], sub["SubnetId"])
    ids = list(by_az.values())[:2]
    found = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [name]}, {"Name": "vpc-id", "Values": [vpc_id]}]
    )["SecurityGroups"]
    sg = (
        found[0]["GroupId"]
        if found
        else ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
    )
    return ids, sg


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    ecs = session.client("ecs", region_name=region)
    subnets, sg = default_network(session.client("ec2", region_name=region), "demo-ecs-tasks")
    role = f"arn:aws:iam::{DEMO_ACCOUNT}:role"
    secret = f"arn:aws:secretsmanager:{region}:{DEMO_ACCOUNT}:secret:demo/web/db-AbCdEf"

    # Compliant Fargate workload.
    ecs.create_cluster(
        clusterName="demo-fargate-prod",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
    )
    ecs.register_task_definition(
        family="demo-web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        taskRoleArn=f"{role}/demo-web-task",
        executionRoleArn=f"{role}/demo-ecs-execution",
        containerDefinitions=[
            {
                "name": "web",
                "image": f"{DEMO_ACCOUNT}.dkr.ecr.{region}.amazonaws.com/demo-app:1.4.2",
                "essential": True,
                "memory": 512,
                "user": "1000:1000",
                "readonlyRootFilesystem": True,
                "environment": [{"name": "APP_ENV", "value": "production"}],
                "secrets": [{"name": "DB_PASSWORD", "valueFrom": secret}],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/demo-web",
                        "awslogs-region": region,
                        "awslogs-stream-prefix": "web",
                    },
                },
            }
        ],
    )
    ecs.create_service(
        cluster="demo-fargate-prod",
        serviceName="demo-web",
        taskDefinition="demo-web",
        desiredCount=2,
        launchType="FARGATE",
        platformVersion="LATEST",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": subnets,
                "securityGroups": [sg],
                "assignPublicIp": "DISABLED",
            }
        },
    )

    # Planted: legacy Fargate workload.
    ecs.create_cluster(clusterName="demo-legacy")  # Container Insights off
    ecs.register_task_definition(
        family="demo-legacy-api",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        executionRoleArn=f"{role}/demo-ecs-execution",
        containerDefinitions=[
            {
                "name": "api",
                "image": "public.ecr.aws/docker/library/node:16",
                "essential": True,
                "memory": 256,
                "environment": [
                    {"name": "DB_HOST", "value": "legacy-db.internal"},
                    {"name": "DB_PASSWORD", "value": "Sup3rS3cret!"},
                ],
            }
        ],
    )
    ecs.create_service(
        cluster="demo-legacy",
        serviceName="demo-legacy-api",
        taskDefinition="demo-legacy-api",
        desiredCount=1,
        launchType="FARGATE",
        platformVersion="1.3.0",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": subnets[:1],
                "securityGroups": [sg],
                "assignPublicIp": "ENABLED",
            }
        },
    )

    # Planted: EC2 launch type (customer-managed hosts) with a privileged root container.
    ecs.create_cluster(
        clusterName="demo-ec2-batch",
        settings=[{"name": "containerInsights", "value": "enabled"}],
    )
    ecs.register_task_definition(
        family="demo-batch-worker",
        requiresCompatibilities=["EC2"],
        networkMode="bridge",
        containerDefinitions=[
            {
                "name": "worker",
                "image": f"{DEMO_ACCOUNT}.dkr.ecr.{region}.amazonaws.com/demo-legacy:latest",
                "essential": True,
                "memory": 1024,
                "privileged": True,
                "user": "root",
                "readonlyRootFilesystem": True,
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": "/ecs/batch"},
                },
            }
        ],
    )
    ecs.create_service(
        cluster="demo-ec2-batch",
        serviceName="demo-batch-worker",
        taskDefinition="demo-batch-worker",
        desiredCount=1,
        launchType="EC2",
    )
