"""Demo CloudWatch: CIS metric filters with alarms on the CloudTrail log group for about half
of the CIS "Monitoring" set; the rest planted as missing or broken (a filter without an alarm,
a filter whose pattern misses events, an alarm whose SNS topic has no subscriber). Plus log
groups with no retention and no KMS, with 30-day retention, and an alarm without an action."""

from __future__ import annotations

import boto3

from demarcate.checks.cloudwatch import CIS_MONITORS
from demarcate.demo.seed_cloudtrail import TRAIL_LOG_GROUP, ensure_trail_log_group

ORDER = 50  # seed_cloudtrail sorts first; ensure_trail_log_group is idempotent anyway

NAMESPACE = "CISBenchmark"
MONITORED = (
    "unauthorized-api-calls",
    "console-signin-without-mfa",
    "root-account-usage",
    "iam-policy-changes",
    "cloudtrail-changes",
    "cmk-disable-or-deletion",
    "security-group-changes",
)
# Planted gaps: a filter with no alarm, a filter that misses some events, an alarm on a topic
# nobody subscribed to. Everything else in CIS_MONITORS has no filter at all.
FILTER_WITHOUT_ALARM = "console-auth-failures"
INCOMPLETE_FILTER = (
    "s3-bucket-policy-changes",
    "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || "
    "($.eventName = PutBucketPolicy)) }",
)
UNSUBSCRIBED = "config-changes"


def _metric(key: str) -> str:
    return "".join(p.capitalize() for p in key.split("-"))


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    ensure_trail_log_group(session, region)
    logs = session.client("logs", region_name=region)
    cw = session.client("cloudwatch", region_name=region)
    sns = session.client("sns", region_name=region)

    alerts = sns.create_topic(Name="demo-security-alerts")["TopicArn"]
    sns.subscribe(TopicArn=alerts, Protocol="email", Endpoint="secops@example.com")
    nobody = sns.create_topic(Name="demo-unwatched-alerts")["TopicArn"]

    def add(key: str, pattern: str, topic: str | None) -> None:
        logs.put_metric_filter(
            logGroupName=TRAIL_LOG_GROUP,
            filterName=f"demo-cis-{key}",
            filterPattern=pattern,
            metricTransformations=[
                {"metricName": _metric(key), "metricNamespace": NAMESPACE, "metricValue": "1"}
            ],
        )
        if topic is None:
            return
        cw.put_metric_alarm(
            AlarmName=f"demo-cis-{key}",
            MetricName=_metric(key),
            Namespace=NAMESPACE,
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=[topic],
        )

    for key in MONITORED:
        add(key, CIS_MONITORS[key].reference, alerts)
    add(FILTER_WITHOUT_ALARM, CIS_MONITORS[FILTER_WITHOUT_ALARM].reference, None)
    add(INCOMPLETE_FILTER[0], INCOMPLETE_FILTER[1], alerts)
    add(UNSUBSCRIBED, CIS_MONITORS[UNSUBSCRIBED].reference, nobody)

    # Planted log groups: never-expiring without KMS; 30-day retention.
    logs.create_log_group(logGroupName="demo-app-debug")
    logs.create_log_group(logGroupName="demo-app-short-retention")
    logs.put_retention_policy(logGroupName="demo-app-short-retention", retentionInDays=30)

    # Planted alarm: no action at all.
    cw.put_metric_alarm(
        AlarmName="demo-cpu-no-action",
        MetricName="CPUUtilization",
        Namespace="AWS/EC2",
        Statistic="Average",
        Period=300,
        EvaluationPeriods=1,
        Threshold=90,
        ComparisonOperator="GreaterThanThreshold",
    )
