"""Values a CloudFormation template cannot fix offline (a parameter without Default, an
!ImportValue, a condition on them) in the properties the mappers combine, test for presence or
look up: the attribute they decide is unknown with the reason, the check UNKNOWN — never a
guessed default, never a failed mapper (the Terraform counterpart: test_terraform_language.py,
test_unknowns_where_mappers_combine_values_never_break_a_mapper)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cfn_helpers import FIXTURES
from helpers import scan_iac

from demarcate.sources.cloudformation.intrinsics import Unresolved, first_unresolved
from demarcate.sources.cloudformation.stack import Props, unknown_or

FIXTURE = FIXTURES / "unresolved_paths.yaml"
TEXT = "parameter Text has no Default and no value was given"
MAYBE = "condition Maybe: parameter Flag has no Default and no value was given"
IMPORT = "Fn::ImportValue: the value is exported by another stack"

# (resource type, id or name, attribute, reason in .unknown)
EXPECTED: list[tuple[str, str, str, str]] = [
    # ---- compute
    (
        "ecs.cluster",
        "unresolved-settings",
        "container_insights",
        f"a cluster setting's name is not known: {TEXT}",
    ),
    (
        "ecs.service",
        "unresolved-default-strategy",
        "launch_type",
        "the default capacity provider strategy of cluster unresolved-strategy is not known: "
        + MAYBE,
    ),
    (
        "ecs.service",
        "unresolved-provider",
        "launch_type",
        f"capacity provider MaybeAsgProvider: {MAYBE}",
    ),
    (
        "ecr.repository",
        "unresolved-repo",
        "scan_on_push",
        f"registry scanning configuration RegistryScanning: {TEXT}",
    ),
    ("lambda.function", "unresolved-globals-fn", "env_vars", MAYBE),
    # ---- network
    (
        "ec2.instance",
        "MetadataInstance",
        "imds_endpoint",
        f"MetadataOptions is not known: {MAYBE}",
    ),
    (
        "ec2.instance",
        "MaybeTemplateInstance",
        "imds_http_tokens",
        "metadata options come from a launch template: whether the instance uses a launch "
        f"template is not known: {MAYBE}",
    ),
    (
        "ec2.instance",
        "TemplateInstance",
        "imds_endpoint",
        f"the launch template's MetadataOptions is not known: {MAYBE}",
    ),
    ("ebs.volume", "MetadataInstance:/dev/sdf", "encrypted", MAYBE),
    (
        "ec2.instance",
        "TemplateInstance",
        "public_ips",
        f"elastic IP ElasticIp is associated with an instance that is not known: {TEXT}",
    ),
    (
        "vpc.network_acl",
        "Vpc.DefaultNetworkAcl",
        "subnet_ids",
        f"association SomeAclAssociation: its subnet is not known: {TEXT}",
    ),
    (
        "vpc.vpc",
        "Vpc",
        "endpoint_services",
        f"endpoint S3Endpoint is in a VPC that is not known: {TEXT}",
    ),
    # ---- data
    (
        "rds.db_instance",
        "unresolved-restored-db",
        "storage_encrypted",
        "StorageEncrypted is not set and whether the database is restored from a snapshot or "
        f"another database (and inherits it) is not known: {MAYBE}",
    ),
    ("rds.db_cluster", "unresolved-mode-cluster", "storage_encrypted", TEXT),
    (
        "rds.db_cluster",
        "unresolved-kind-cluster",
        "multi_az",
        f"whether it is a Multi-AZ DB cluster (DBClusterInstanceClass) is not known: {MAYBE}",
    ),
    (
        "rds.db_cluster",
        "unresolved-member-cluster",
        "multi_az",
        f"DB instance unresolved-maybe-member may be a member: {TEXT}",
    ),
    (
        "rds.parameter_group",
        "FamilyGroup",
        "parameters",
        "no TLS parameter (rds.force_ssl, require_secure_transport) is set and the family, "
        f"whose engine default applies, is not known: {TEXT}",
    ),
    # ---- edge
    (
        "elb.load_balancer",
        "unresolved-typed-lb",
        "cross_zone",
        f"the load balancer type is not known: {TEXT}",
    ),
    ("elb.load_balancer", "unresolved-attributes-alb", "access_logs_enabled", TEXT),
    (
        "elb.load_balancer",
        "unresolved-attributes-alb",
        "listeners",
        f"listener HttpListener: {TEXT}",
    ),
    (
        "elb.load_balancer",
        "unresolved-plain-alb",
        "waf_web_acl_arn",
        f"web ACL association WafAssociation is for a resource that is not known: {TEXT}",
    ),
    (
        "cloudfront.distribution",
        "OriginCdn",
        "origins",
        f"origin web: its kind (custom or S3) is not known: {MAYBE}",
    ),
    (
        "cloudfront.distribution",
        "LoggedCdn",
        "logging_enabled",
        f"log delivery LogDelivery is for a resource that is not known: {TEXT}",
    ),
    (
        "route53.hosted_zone",
        "Zone",
        "dnssec_status",
        f"DNSSEC ZoneSigning signs a hosted zone that is not known: {TEXT}",
    ),
    # ---- identity
    (
        "iam.user",
        "unresolved-console-user",
        "password_enabled",
        f"whether the user has a console password: {MAYBE}",
    ),
    (
        "iam.user",
        "unresolved-console-user",
        "groups",
        f"group membership Membership: the group is not known: {TEXT}",
    ),
    (
        "iam.user",
        "unresolved-console-user",
        "access_keys",
        f"access key AccessKey belongs to a user that is not known: {TEXT}",
    ),
    (
        "iam.policy",
        "unresolved-admin",
        "attachment_count",
        f"attaches to an unknown role: {TEXT}",
    ),
    # ---- monitoring
    ("cloudwatch.alarm", "unresolved-alarm", "metrics", MAYBE),
    ("guardduty.status", "guardduty:<region>", "features", TEXT),
    ("config.status", "config:<region>", "all_supported", MAYBE),
]

# Checks that read those attributes: UNKNOWN, naming why (before: a guessed PASS or FAIL).
UNKNOWN_CHECKS: dict[tuple[str, str], str] = {
    ("ecs-cluster-container-insights", "unresolved-settings"): TEXT,
    ("fargate-service-latest-platform-version", "unresolved-default-strategy"): MAYBE,
    ("fargate-service-latest-platform-version", "unresolved-provider"): MAYBE,
    ("ecs-task-no-plaintext-secrets", "unresolved-env-task"): "environment is not known",
    ("ecr-repository-scan-on-push", "unresolved-repo"): TEXT,
    ("lambda-function-no-secrets-in-env", "unresolved-globals-fn"): MAYBE,
    ("ec2-imdsv2-required", "MetadataInstance"): MAYBE,
    ("ec2-imdsv2-required", "TemplateInstance"): MAYBE,
    ("ebs-volume-encrypted", "MetadataInstance:/dev/sdf"): MAYBE,
    ("ec2-instance-no-public-ip", "TemplateInstance"): TEXT,
    ("ec2-instance-subnet-nacl-blocks-admin-ports", "PublicInstance"): "PrivateSubnet",
    ("vpc-s3-endpoint", "Vpc"): TEXT,
    ("rds-instance-storage-encrypted", "unresolved-restored-db"): MAYBE,
    ("rds-cluster-storage-encrypted", "unresolved-mode-cluster"): TEXT,
    ("rds-cluster-multi-az", "unresolved-kind-cluster"): MAYBE,
    ("rds-cluster-multi-az", "unresolved-member-cluster"): TEXT,
    ("rds-cluster-auto-minor-version-upgrade", "unresolved-member-cluster"): TEXT,
    ("rds-instance-force-tls", "unresolved-family-db"): TEXT,
    ("elb-access-logging", "unresolved-attributes-alb"): TEXT,
    ("elb-deletion-protection", "unresolved-attributes-alb"): TEXT,
    ("elb-alb-drop-invalid-headers", "unresolved-attributes-alb"): TEXT,
    ("elb-listeners-encrypted", "unresolved-attributes-alb"): TEXT,
    ("elb-alb-waf-attached", "unresolved-plain-alb"): TEXT,
    ("elb-cross-zone-load-balancing", "unresolved-typed-lb"): TEXT,
    ("elb-tls-policy-modern", "unresolved-policy-type-clb"): TEXT,
    ("elb-tls-policy-modern", "unresolved-reference-clb"): IMPORT,
    ("cloudfront-origin-https-only", "OriginCdn"): MAYBE,
    ("cloudfront-access-logging", "LoggedCdn"): TEXT,
    ("route53-dnssec-signing", "Zone"): TEXT,
}


def test_unresolved_values_where_mappers_combine_values_stay_unknown() -> None:
    result = scan_iac(FIXTURE)
    assert result.errors == []
    assert result.outcome.warnings == []
    for type_id, key, attribute, why in EXPECTED:
        res = result.resource(type_id, key)
        assert getattr(res, attribute) is None, (key, attribute, getattr(res, attribute))
        assert res.unknown.get(attribute) == why, (key, attribute, res.unknown.get(attribute))
    for (check_id, resource), why in UNKNOWN_CHECKS.items():
        finding = result.one(check_id, resource)
        assert finding.status.value == "UNKNOWN", (check_id, resource, finding.evidence)
        assert why in finding.evidence, (check_id, resource, finding.evidence)


def test_unresolved_parts_never_leak_into_known_values() -> None:
    """Values built around an unknown part are unknown, not the marker's text."""
    result = scan_iac(FIXTURE)
    reference = result.resource("elb.load_balancer", "unresolved-reference-clb")
    assert reference.unknown["listeners.ssl_policy"] == (
        f"the SSL policy of listener SSL:443 is not known: {IMPORT}"
    )
    assert [x.ssl_policy for x in reference.listeners] == [None]
    # The known parts around the unknown ones keep their values.
    alb = result.resource("elb.load_balancer", "unresolved-plain-alb")
    assert (alb.cross_zone, alb.access_logs_enabled) == (True, False)
    assert result.resource("ec2.instance", "PublicInstance").public_ips
    assert result.resource("rds.db_instance", "unresolved-known-member").cluster_id == (
        "unresolved-member-cluster"
    )
    for res in result.inventory:
        for value in res.model_dump().values():
            assert "Unresolved(" not in str(value), (res.id, value)


def test_unknown_or_and_presence() -> None:
    unknown = Unresolved("why")
    assert unknown_or([1, [2, {"a": 3}]], len) == 2
    assert unknown_or([1, (2, unknown)], len) is unknown  # never asks the marker for a bool
    assert first_unresolved(("x", unknown)) is unknown
    props = Props({"Set": 1, "Maybe": unknown})
    assert props.presence("Set") is True
    assert props.presence("Absent") is False
    maybe = props.presence("Maybe")
    assert isinstance(maybe, Unresolved) and maybe.reason == "why"
    whole = Props(Unresolved("block"))
    assert isinstance(whole.presence("Set"), Unresolved)
