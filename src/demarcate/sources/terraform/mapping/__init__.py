"""Terraform resource instances → the normalized model (one mapping for HCL and plan JSON)."""

from __future__ import annotations

from demarcate.resources.base import Inventory
from demarcate.sources.terraform.mapping import (  # noqa: F401  (mappers register on import)
    compute,
    data,
    edge,
    identity,
    network,
    observe,
    s3,
)
from demarcate.sources.terraform.mapping.base import MAPPERS, Builder
from demarcate.sources.terraform.raw import RawResource

# Resource types the mapping reads (directly or folded into another resource).
SUPPORTED_TYPES = frozenset(
    {
        "aws_s3_bucket",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_logging",
        "aws_s3_bucket_acl",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_replication_configuration",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_object_lock_configuration",
        "aws_s3_account_public_access_block",
        "aws_vpc",
        "aws_default_vpc",
        "aws_subnet",
        "aws_default_subnet",
        "aws_flow_log",
        "aws_vpc_endpoint",
        "aws_security_group",
        "aws_default_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        "aws_network_acl",
        "aws_default_network_acl",
        "aws_network_acl_rule",
        "aws_network_acl_association",
        "aws_network_interface",
        "aws_nat_gateway",
        "aws_instance",
        "aws_eip",
        "aws_eip_association",
        "aws_volume_attachment",
        "aws_ebs_volume",
        "aws_ebs_snapshot",
        "aws_ebs_snapshot_copy",
        "aws_snapshot_create_volume_permission",
        "aws_ebs_encryption_by_default",
        "aws_ebs_default_kms_key",
        "aws_ami",
        "aws_ami_copy",
        "aws_ami_from_instance",
        "aws_ami_launch_permission",
        "aws_ssm_maintenance_window",
        "aws_ssm_maintenance_window_target",
        "aws_ssm_maintenance_window_task",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_db_parameter_group",
        "aws_rds_cluster_parameter_group",
        "aws_db_subnet_group",
        "aws_db_snapshot",
        "aws_db_cluster_snapshot",
        "aws_dynamodb_table",
        "aws_lambda_function",
        "aws_lambda_function_url",
        "aws_lambda_permission",
        "aws_iam_role",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_iam_policy",
        "aws_iam_policy_attachment",
        "aws_iam_user",
        "aws_iam_user_policy",
        "aws_iam_user_policy_attachment",
        "aws_iam_user_group_membership",
        "aws_iam_user_login_profile",
        "aws_iam_group",
        "aws_iam_group_policy",
        "aws_iam_group_policy_attachment",
        "aws_iam_group_membership",
        "aws_iam_account_password_policy",
        "aws_accessanalyzer_analyzer",
        "aws_kms_key",
        "aws_kms_external_key",
        "aws_kms_key_policy",
        "aws_cloudtrail",
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_log_metric_filter",
        "aws_cloudwatch_metric_alarm",
        "aws_sns_topic",
        "aws_sns_topic_subscription",
        "aws_lb",
        "aws_alb",
        "aws_lb_listener",
        "aws_alb_listener",
        "aws_wafv2_web_acl_association",
        "aws_elb",
        "aws_load_balancer_policy",
        "aws_load_balancer_listener_policy",
        "aws_cloudfront_distribution",
        "aws_route53_zone",
        "aws_route53_query_log",
        "aws_route53_hosted_zone_dnssec",
        "aws_ecs_cluster",
        "aws_ecs_cluster_capacity_providers",
        "aws_ecs_capacity_provider",
        "aws_ecs_account_setting_default",
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_ecr_repository",
        "aws_ecr_registry_scanning_configuration",
        "aws_secretsmanager_secret",
        "aws_secretsmanager_secret_rotation",
        "aws_guardduty_detector",
        "aws_guardduty_detector_feature",
        "aws_config_configuration_recorder",
        "aws_config_configuration_recorder_status",
        "aws_config_delivery_channel",
        "aws_securityhub_account",
        "aws_inspector2_enabler",
    }
)


def build_inventory(
    raws: list[RawResource], source: str, account: str | None, failures: list[str] | None = None
) -> Inventory:
    """Normalized resources of the raw instances, in one Inventory.

    A mapper that breaks on unexpected input is reported in ``failures`` (when given) and the
    other services still map; without ``failures`` the error propagates (tests).
    """
    builder = Builder(raws, source, account)
    for _, mapper_fn in sorted(MAPPERS, key=lambda item: item[0]):
        if failures is None:
            mapper_fn(builder)
            continue
        try:
            mapper_fn(builder)
        except Exception as exc:  # one service's mapping must not lose the others
            failures.append(f"mapping {mapper_fn.__name__} failed: {type(exc).__name__}: {exc}")
    return builder.inventory(source)
