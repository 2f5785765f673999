"""Identity attributes Terraform computes (``id``, ``arn``, names) for resources of the code.

AWS assigns many ids at apply time (``vpc-…``, ``sg-…``, KMS key ids). Inside one project a
reference to such an id only needs to *point at* the resource, so it evaluates to a stable
token: the resource's Terraform address (``aws_vpc.prod``), and ARNs are built around it
(``arn:aws:kms:us-east-1:<account-id>:key/aws_kms_key.data``). ARNs AWS builds from names
(buckets, roles, functions, log groups …) are built exactly. Both front-ends (HCL and plan
JSON) use :func:`derive`, so references resolve the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from demarcate.sources.terraform.values import ACCOUNT_PLACEHOLDER, partition_of

REGION_PLACEHOLDER = "<region>"


class Ctx:
    def __init__(self, address: str, attrs: dict[str, Any], region: Any, account: str | None):
        self.address = address
        self.attrs = attrs
        self.region = region if isinstance(region, str) and region else REGION_PLACEHOLDER
        self.account = account or ACCOUNT_PLACEHOLDER
        self.partition = partition_of(region if isinstance(region, str) else None)

    def text(self, *keys: str) -> str | None:
        for key in keys:
            value = self.attrs.get(key)
            if isinstance(value, str) and value:
                return value
        return None

    def name(self, *keys: str) -> str:
        """The named attribute, or the address when the name is left to Terraform/AWS."""
        return self.text(*keys) or self.address

    def arn(self, service: str, resource: str, region: bool = True, account: bool = True) -> str:
        reg = self.region if region else ""
        acct = self.account if account else ""
        return f"arn:{self.partition}:{service}:{reg}:{acct}:{resource}"


def _path(ctx: Ctx) -> str:
    path = ctx.text("path") or "/"
    return path if path.endswith("/") else path + "/"


Deriver = Callable[[Ctx], dict[str, Any]]


def _bucket(c: Ctx) -> dict[str, Any]:
    name = c.name("bucket")
    return {
        "id": name,
        "bucket": name,
        "arn": f"arn:{c.partition}:s3:::{name}",
        "bucket_domain_name": f"{name}.s3.amazonaws.com",
        "bucket_regional_domain_name": f"{name}.s3.{c.region}.amazonaws.com",
    }


def _iam(kind: str, id_is_arn: bool = False) -> Deriver:
    def derive(c: Ctx) -> dict[str, Any]:
        name = c.name("name")
        arn = c.arn("iam", f"{kind}{_path(c)}{name}", region=False)
        return {"name": name, "id": arn if id_is_arn else name, "arn": arn}

    return derive


def _named(
    service: str, template: str, *, key: str = "name", id_is: str = "name", regional: bool = True
) -> Deriver:
    def derive(c: Ctx) -> dict[str, Any]:
        name = c.name(key)
        arn = c.arn(service, template.format(name=name, address=c.address), region=regional)
        return {key: name, "id": arn if id_is == "arn" else name, "arn": arn}

    return derive


def _opaque(service: str, template: str, regional: bool = True) -> Deriver:
    """Resources whose id AWS invents: the address stands for it."""

    def derive(c: Ctx) -> dict[str, Any]:
        arn = c.arn(
            service, template.format(address=c.address, name=c.name("name")), region=regional
        )
        return {"id": c.address, "arn": arn}

    return derive


def _vpc(c: Ctx) -> dict[str, Any]:
    return {
        "id": c.address,
        "arn": c.arn("ec2", f"vpc/{c.address}"),
        "default_network_acl_id": f"{c.address}.default_network_acl_id",
        "default_security_group_id": f"{c.address}.default_security_group_id",
        "main_route_table_id": f"{c.address}.main_route_table_id",
        "default_route_table_id": f"{c.address}.main_route_table_id",
    }


def _kms_key(c: Ctx) -> dict[str, Any]:
    arn = c.arn("kms", f"key/{c.address}")
    return {"id": c.address, "key_id": c.address, "arn": arn}


def _lambda(c: Ctx) -> dict[str, Any]:
    name = c.name("function_name")
    arn = c.arn("lambda", f"function:{name}")
    return {"function_name": name, "id": name, "arn": arn, "qualified_arn": f"{arn}:$LATEST"}


def _log_group(c: Ctx) -> dict[str, Any]:
    name = c.name("name")
    return {"name": name, "id": name, "arn": c.arn("logs", f"log-group:{name}")}


def _lb(c: Ctx) -> dict[str, Any]:
    name = c.name("name")
    kind = {"network": "net", "gateway": "gwy"}.get(str(c.attrs.get("load_balancer_type")), "app")
    arn = c.arn("elasticloadbalancing", f"loadbalancer/{kind}/{name}/{c.address}")
    return {"name": name, "id": arn, "arn": arn}


def _wafv2(c: Ctx) -> dict[str, Any]:
    name = c.name("name")
    scope = "global" if str(c.attrs.get("scope", "")).upper() == "CLOUDFRONT" else "regional"
    arn = c.arn("wafv2", f"{scope}/webacl/{name}/{c.address}")
    return {"name": name, "id": c.address, "arn": arn}


def _db(kind: str, key: str) -> Deriver:
    def derive(c: Ctx) -> dict[str, Any]:
        ident = c.name(key)
        return {key: ident, "id": ident, "arn": c.arn("rds", f"{kind}:{ident}")}

    return derive


def _ecs_cluster(c: Ctx) -> dict[str, Any]:
    name = c.name("name")
    arn = c.arn("ecs", f"cluster/{name}")
    return {"name": name, "id": arn, "arn": arn}


def _task_def(c: Ctx) -> dict[str, Any]:
    family = c.name("family")
    arn = c.arn("ecs", f"task-definition/{family}")
    return {"family": family, "id": family, "arn": arn, "arn_without_revision": arn}


def _ecr(c: Ctx) -> dict[str, Any]:
    name = c.name("name")
    return {
        "name": name,
        "id": name,
        "arn": c.arn("ecr", f"repository/{name}"),
        "repository_url": f"{c.account}.dkr.ecr.{c.region}.amazonaws.com/{name}",
    }


def _zone(c: Ctx) -> dict[str, Any]:
    return {
        "id": c.address,
        "zone_id": c.address,
        "arn": f"arn:{c.partition}:route53:::hostedzone/{c.address}",
    }


def _secret(c: Ctx) -> dict[str, Any]:
    name = c.name("name")
    arn = c.arn("secretsmanager", f"secret:{name}")
    return {"name": name, "id": arn, "arn": arn}


def _trail(c: Ctx) -> dict[str, Any]:
    name = c.name("name")
    arn = c.arn("cloudtrail", f"trail/{name}")
    return {"name": name, "id": arn, "arn": arn}


def _alarm(c: Ctx) -> dict[str, Any]:
    name = c.name("alarm_name")
    return {"alarm_name": name, "id": name, "arn": c.arn("cloudwatch", f"alarm:{name}")}


def _topic(c: Ctx) -> dict[str, Any]:
    name = c.name("name")
    arn = c.arn("sns", name)
    return {"name": name, "id": arn, "arn": arn}


def _simple_id(key: str) -> Deriver:
    def derive(c: Ctx) -> dict[str, Any]:
        return {"id": c.name(key), key: c.name(key)}

    return derive


def _oai(c: Ctx) -> dict[str, Any]:
    return {
        "id": c.address,
        "cloudfront_access_identity_path": f"origin-access-identity/cloudfront/{c.address}",
        "iam_arn": f"arn:{c.partition}:iam::cloudfront:user/CloudFront Origin Access Identity {c.address}",
    }


DERIVERS: dict[str, Deriver] = {
    "aws_s3_bucket": _bucket,
    "aws_iam_role": _iam("role"),
    "aws_iam_user": _iam("user"),
    "aws_iam_group": _iam("group"),
    "aws_iam_policy": _iam("policy", id_is_arn=True),
    "aws_iam_instance_profile": _iam("instance-profile"),
    "aws_kms_key": _kms_key,
    "aws_kms_alias": _named("kms", "{name}"),
    "aws_lambda_function": _lambda,
    "aws_cloudwatch_log_group": _log_group,
    "aws_sns_topic": _topic,
    "aws_security_group": _opaque("ec2", "security-group/{address}"),
    "aws_default_security_group": _opaque("ec2", "security-group/{address}"),
    "aws_vpc": _vpc,
    "aws_default_vpc": _vpc,
    "aws_subnet": _opaque("ec2", "subnet/{address}"),
    "aws_default_subnet": _opaque("ec2", "subnet/{address}"),
    "aws_network_acl": _opaque("ec2", "network-acl/{address}"),
    "aws_default_network_acl": _opaque("ec2", "network-acl/{address}"),
    "aws_route_table": _opaque("ec2", "route-table/{address}"),
    "aws_internet_gateway": _opaque("ec2", "internet-gateway/{address}"),
    "aws_nat_gateway": _opaque("ec2", "natgateway/{address}"),
    "aws_network_interface": _opaque("ec2", "network-interface/{address}"),
    "aws_vpc_endpoint": _opaque("ec2", "vpc-endpoint/{address}"),
    "aws_flow_log": _opaque("ec2", "vpc-flow-log/{address}"),
    "aws_instance": _opaque("ec2", "instance/{address}"),
    "aws_ebs_volume": _opaque("ec2", "volume/{address}"),
    "aws_ebs_snapshot": _opaque("ec2", "snapshot/{address}", regional=True),
    "aws_ami": _opaque("ec2", "image/{address}"),
    "aws_ami_copy": _opaque("ec2", "image/{address}"),
    "aws_ami_from_instance": _opaque("ec2", "image/{address}"),
    "aws_db_instance": _db("db", "identifier"),
    "aws_rds_cluster_instance": _db("db", "identifier"),
    "aws_rds_cluster": _db("cluster", "cluster_identifier"),
    "aws_db_parameter_group": _db("pg", "name"),
    "aws_rds_cluster_parameter_group": _db("cluster-pg", "name"),
    "aws_db_subnet_group": _db("subgrp", "name"),
    "aws_db_snapshot": _db("snapshot", "db_snapshot_identifier"),
    "aws_db_cluster_snapshot": _db("cluster-snapshot", "db_cluster_snapshot_identifier"),
    "aws_dynamodb_table": _named("dynamodb", "table/{name}"),
    "aws_ecs_cluster": _ecs_cluster,
    "aws_ecs_task_definition": _task_def,
    "aws_ecs_service": _named("ecs", "service/{name}", id_is="arn"),
    "aws_ecs_capacity_provider": _named("ecs", "capacity-provider/{name}"),
    "aws_ecr_repository": _ecr,
    "aws_lb": _lb,
    "aws_alb": _lb,
    "aws_lb_listener": _opaque("elasticloadbalancing", "listener/{address}"),
    "aws_alb_listener": _opaque("elasticloadbalancing", "listener/{address}"),
    "aws_lb_target_group": _opaque("elasticloadbalancing", "targetgroup/{address}"),
    "aws_elb": _simple_id("name"),
    "aws_cloudfront_distribution": _opaque("cloudfront", "distribution/{address}", regional=False),
    "aws_cloudfront_origin_access_control": _opaque(
        "cloudfront", "origin-access-control/{address}", regional=False
    ),
    "aws_cloudfront_origin_access_identity": _oai,
    "aws_route53_zone": _zone,
    "aws_wafv2_web_acl": _wafv2,
    "aws_acm_certificate": _opaque("acm", "certificate/{address}"),
    "aws_secretsmanager_secret": _secret,
    "aws_cloudtrail": _trail,
    "aws_cloudwatch_metric_alarm": _alarm,
    "aws_cloudwatch_log_metric_filter": _simple_id("name"),
    "aws_guardduty_detector": _opaque("guardduty", "detector/{address}"),
    "aws_config_configuration_recorder": lambda c: {
        "id": c.text("name") or "default",
        "name": c.text("name") or "default",
    },
    "aws_ssm_maintenance_window": _opaque("ssm", "maintenancewindow/{address}"),
    "aws_ssm_maintenance_window_target": _opaque("ssm", "windowtarget/{address}"),
    "aws_ssm_maintenance_window_task": _opaque("ssm", "windowtask/{address}"),
    "aws_accessanalyzer_analyzer": _named(
        "access-analyzer", "analyzer/{name}", key="analyzer_name"
    ),
}


def derive(
    rtype: str, attrs: dict[str, Any], address: str, region: Any, account: str | None
) -> dict[str, Any]:
    """Identity attributes of one resource instance (merged under its configured ones)."""
    ctx = Ctx(address, attrs, region, account)
    deriver = DERIVERS.get(rtype)
    derived = deriver(ctx) if deriver else {"id": address}
    out = dict(derived)
    for key, value in attrs.items():
        if not (key in derived and value is None):
            out[key] = value
    return out
