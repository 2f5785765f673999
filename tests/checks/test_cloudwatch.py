"""CloudWatch checks (log groups, alarms, the CIS metric-filter set) and the filter-pattern
matcher, proven both ways on moto."""

from __future__ import annotations

import botocore.client
import pytest
from botocore.exceptions import ClientError

from demarcate.checks.cloudwatch import CIS_CHECKS, CIS_MONITORS, compile_pattern, pattern_misses
from demarcate.checks.registry import Status

ORIGINAL = botocore.client.BaseClient._make_api_call
SERVICES = ["cloudwatch", "cloudtrail"]
GROUP = "cloudtrail-events"
SETUP = "cloudwatch-monitoring:123456789012"


def _deny(monkeypatch, operation: str) -> None:
    def fake(self, operation_name, api_params):
        if operation_name == operation:
            raise ClientError(
                {
                    "Error": {"Code": "AccessDeniedException", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                operation_name,
            )
        return ORIGINAL(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", fake)


def _metric(key: str) -> str:
    return "".join(p.capitalize() for p in key.split("-"))


def _trail_to_logs(session, *, multi: bool = True, group: str = GROUP) -> None:
    logs = session.client("logs")
    if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        logs.create_log_group(logGroupName=group)
    session.client("s3").create_bucket(Bucket="trail-bucket")
    ct = session.client("cloudtrail")
    ct.create_trail(
        Name="main",
        S3BucketName="trail-bucket",
        IsMultiRegionTrail=multi,
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:123456789012:log-group:{group}:*",
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/trail-to-logs",
    )
    ct.start_logging(Name="main")


def _topic(session, name: str = "alerts", subscribe: bool = True) -> str:
    sns = session.client("sns")
    arn = sns.create_topic(Name=name)["TopicArn"]
    if subscribe:
        sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="secops@example.com")
    return arn


def _monitor(
    session, key: str, *, pattern: str | None = None, topic: str | None = None, alarm: bool = True
) -> None:
    session.client("logs").put_metric_filter(
        logGroupName=GROUP,
        filterName=key,
        filterPattern=pattern if pattern is not None else CIS_MONITORS[key].reference,
        metricTransformations=[
            {"metricName": _metric(key), "metricNamespace": "CIS", "metricValue": "1"}
        ],
    )
    if alarm:
        kwargs = {"AlarmActions": [topic]} if topic else {}
        session.client("cloudwatch").put_metric_alarm(
            AlarmName=key,
            MetricName=_metric(key),
            Namespace="CIS",
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            **kwargs,
        )


# ---- the filter-pattern matcher ------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(CIS_MONITORS))
def test_each_cis_reference_pattern_matches_itself_only(key):
    monitor = CIS_MONITORS[key]
    assert pattern_misses(monitor.reference, monitor) == []
    others = [
        k for k, m in CIS_MONITORS.items() if k != key and not pattern_misses(monitor.reference, m)
    ]
    assert others == []


@pytest.mark.parametrize(
    ("key", "pattern"),
    [
        # CIS v1.2 form without the exclusions, spaces and quotes varied
        (
            "unauthorized-api-calls",
            '{($.errorCode="*UnauthorizedOperation")||($.errorCode="AccessDenied*")}',
        ),
        # older IAM pattern: no eventSource, no SetDefaultPolicyVersion
        (
            "iam-policy-changes",
            "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)"
            "||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)"
            "||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)"
            "||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)"
            "||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)"
            "||($.eventName=DetachGroupPolicy)}",
        ),
        (
            "console-signin-without-mfa",
            '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
        ),
        (
            "cmk-disable-or-deletion",
            '{ $.eventSource = "kms.amazonaws.com" && ($.eventName = "DisableKey" || $.eventName = "ScheduleKeyDeletion") }',
        ),
        ("console-auth-failures", '"Failed authentication" ConsoleLogin'),  # plain terms
    ],
)
def test_equivalent_patterns_are_accepted(key, pattern):
    assert pattern_misses(pattern, CIS_MONITORS[key]) == []


def test_incomplete_broad_or_broken_patterns_are_rejected():
    config = CIS_MONITORS["config-changes"]
    partial = (
        "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || "
        "($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }"
    )
    assert pattern_misses(partial, config) == ["DeleteDeliveryChannel"]
    assert pattern_misses("{ $.eventName = * }", config) == ["also matches ordinary API calls"]
    assert pattern_misses("", config) == ["also matches ordinary API calls"]
    root = CIS_MONITORS["root-account-usage"]
    narrowed = '{ $.userIdentity.type = "Root" && $.awsRegion = "eu-west-1" }'
    assert pattern_misses(narrowed, root) == ["root API call", "root console sign-in"]
    assert pattern_misses('{ $.eventName = "ConsoleLogin" ', root)[0].startswith(
        "unreadable pattern"
    )
    assert pattern_misses("[ip, user, ...]", root)[0].startswith("unreadable pattern")


def test_pattern_evaluator_semantics():
    event = {"a": {"b": "x-y"}, "n": 5, "flag": True, "list": [{"k": "v"}], "nul": None}
    assert compile_pattern('{ $.a.b = "x-*" }').matches(event)
    assert not compile_pattern("{ $.a.b = x }").matches(event)
    assert compile_pattern("{ $.n >= 5 && $.n < 6 }").matches(event)
    assert compile_pattern("{ $.flag IS TRUE && $.missing NOT EXISTS && $.nul IS NULL }").matches(
        event
    )
    assert compile_pattern("{ $.list[0].k = v }").matches(event)
    assert compile_pattern("{ $.x = 1 || ($.a.b != y && $.n = 5) }").matches(event)
    assert not compile_pattern("{ $.x = 1 || $.a.b != y && $.n = 4 }").matches(event)
    assert compile_pattern("?nothing ?x-y").matches(event)
    assert not compile_pattern("x-y -flag").matches(event)


# ---- the CIS checks on moto ----------------------------------------------------------------------


def test_full_cis_set_passes(aws, scan):
    _trail_to_logs(aws)
    topic = _topic(aws)
    for key in CIS_MONITORS:
        _monitor(aws, key, topic=topic)
    result = scan(aws, services=SERVICES)
    for key, (cis_id, _, _) in CIS_CHECKS.items():
        finding = result.one(f"cloudwatch-cis-{key}", SETUP)
        assert finding.status is Status.PASS, (key, finding.evidence)
        assert (
            f"trail main -> log group {GROUP}: filter {key} -> alarm {key} -> {topic}"
            in finding.evidence
        )
        assert finding.compliance["cis"] == [cis_id]
        assert finding.duty_id == "cloudwatch.alerting"
    filters = result.one("cloudwatch-cis-metric-filters", SETUP)
    assert filters.status is Status.PASS
    assert filters.duty_id == "cloudwatch.metrics-logs-configuration"


def test_no_filters_fail_with_what_is_missing(aws, scan):
    _trail_to_logs(aws)
    result = scan(aws, services=SERVICES)
    for key, monitor in CIS_MONITORS.items():
        finding = result.one(f"cloudwatch-cis-{key}", SETUP)
        assert finding.status is Status.FAIL
        assert finding.evidence == (
            f"{monitor.what} not monitored: log group {GROUP} has no metric filter for {monitor.what}"
        )
    filters = result.one("cloudwatch-cis-metric-filters", SETUP)
    assert filters.status is Status.FAIL
    assert "has no metric filter for 15 of 15 CIS event sets" in filters.evidence


def test_each_missing_link_is_named(aws, scan):
    _trail_to_logs(aws)
    topic = _topic(aws)
    silent = _topic(aws, "nobody-listens", subscribe=False)
    _monitor(aws, "root-account-usage", topic=topic)
    _monitor(aws, "vpc-changes", alarm=False)
    _monitor(aws, "nacl-changes", topic=None)  # alarm without any action
    _monitor(aws, "config-changes", topic=silent)
    _monitor(
        aws,
        "security-group-changes",
        pattern="{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = CreateSecurityGroup) }",
        topic=topic,
    )
    result = scan(aws, services=SERVICES)
    assert result.one("cloudwatch-cis-root-account-usage", SETUP).status is Status.PASS
    cases = {
        "vpc-changes": "metric filter vpc-changes (metric CIS/VpcChanges) has no alarm",
        "nacl-changes": "alarm nacl-changes has no ALARM action",
        "config-changes": f"alarm config-changes notifies SNS topic {silent}, which has no confirmed subscription",
        "security-group-changes": (
            f"log group {GROUP} has no metric filter for security group changes (closest: filter "
            "security-group-changes misses AuthorizeSecurityGroupEgress, RevokeSecurityGroupIngress, "
            "RevokeSecurityGroupEgress, DeleteSecurityGroup)"
        ),
    }
    for key, words in cases.items():
        finding = result.one(f"cloudwatch-cis-{key}", SETUP)
        assert finding.status is Status.FAIL, key
        assert words in finding.evidence, finding.evidence


def test_filters_on_a_single_region_trail_do_not_count(aws, scan):
    _trail_to_logs(aws, multi=False)
    _monitor(aws, "root-account-usage", topic=_topic(aws))
    finding = scan(aws, services=SERVICES).one("cloudwatch-cis-root-account-usage", SETUP)
    assert finding.status is Status.FAIL
    assert finding.evidence == (
        "root account usage not monitored: no multi-region, logging trail with all management "
        "events sends to CloudWatch Logs (main: single-region)"
    )


def test_trail_pointing_at_a_deleted_log_group_fails(aws, scan):
    _trail_to_logs(aws)
    aws.client("logs").delete_log_group(logGroupName=GROUP)
    finding = scan(aws, services=SERVICES).one("cloudwatch-cis-root-account-usage", SETUP)
    assert finding.status is Status.FAIL
    assert f"sends to log group {GROUP}, which does not exist in us-east-1" in finding.evidence


def test_without_trail_data_the_cis_checks_are_unknown(aws, scan):
    _trail_to_logs(aws)
    _monitor(aws, "root-account-usage", topic=_topic(aws))
    finding = scan(aws, services=["cloudwatch"]).one("cloudwatch-cis-root-account-usage", SETUP)
    assert finding.status is Status.UNKNOWN
    assert "CloudTrail trails were not collected" in finding.evidence


# ---- log groups and alarms -----------------------------------------------------------------------


def test_log_group_retention(aws, scan):
    logs = aws.client("logs")
    for name, days in (("forever", None), ("month", 30), ("year", 400)):
        logs.create_log_group(logGroupName=name)
        if days:
            logs.put_retention_policy(logGroupName=name, retentionInDays=days)
    result = scan(aws, services=["cloudwatch"])
    one_year = "cloudwatch-log-group-retention-1-year"
    assert result.one(one_year, "year").status is Status.PASS
    assert result.one(one_year, "forever").status is Status.PASS
    short = result.one(one_year, "month")
    assert short.status is Status.FAIL
    assert short.evidence == "log group month: retention is 30 days, under 365"
    unset = result.one("cloudwatch-log-group-retention-set", "forever")
    assert unset.status is Status.FAIL
    assert unset.evidence == "log group forever: no retention period set (logs never expire)"
    assert result.one("cloudwatch-log-group-retention-set", "month").status is Status.PASS


def test_log_group_kms(aws, scan):
    key = aws.client("kms").create_key(Description="logs", MultiRegion=False)["KeyMetadata"]["Arn"]
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="sealed", kmsKeyId=key)
    logs.create_log_group(logGroupName="plain")
    result = scan(aws, services=["cloudwatch"])
    good = result.one("cloudwatch-log-group-kms-encryption", "sealed")
    assert good.status is Status.PASS and key in good.evidence
    bad = result.one("cloudwatch-log-group-kms-encryption", "plain")
    assert bad.status is Status.FAIL
    assert bad.evidence == "log group plain: not encrypted with a KMS key"


def test_alarm_actions(aws, scan):
    topic = _topic(aws)
    cw = aws.client("cloudwatch")
    common = {
        "MetricName": "CPUUtilization",
        "Namespace": "AWS/EC2",
        "Statistic": "Average",
        "Period": 300,
        "EvaluationPeriods": 1,
        "Threshold": 90,
        "ComparisonOperator": "GreaterThanThreshold",
    }
    cw.put_metric_alarm(AlarmName="paging", AlarmActions=[topic], **common)
    cw.put_metric_alarm(AlarmName="mute", **common)
    cw.put_metric_alarm(AlarmName="disabled", AlarmActions=[topic], ActionsEnabled=False, **common)
    result = scan(aws, services=["cloudwatch"])
    assert result.one("cloudwatch-alarm-has-action", "paging").status is Status.PASS
    mute = result.one("cloudwatch-alarm-has-action", "mute")
    assert mute.status is Status.FAIL
    assert mute.evidence == "alarm mute: no action for the ALARM state"
    off = result.one("cloudwatch-alarm-has-action", "disabled")
    assert off.status is Status.FAIL
    assert off.evidence == "alarm disabled: actions are disabled"


# ---- faults --------------------------------------------------------------------------------------


def test_denied_metric_filters_make_cis_unknown(aws, scan, monkeypatch):
    _trail_to_logs(aws)
    _monitor(aws, "root-account-usage", topic=_topic(aws))
    _deny(monkeypatch, "DescribeMetricFilters")
    result = scan(aws, services=SERVICES)
    finding = result.one("cloudwatch-cis-root-account-usage", SETUP)
    assert finding.status is Status.UNKNOWN
    assert "logs:DescribeMetricFilters denied" in finding.evidence
    # retention was still read
    assert result.one("cloudwatch-log-group-retention-set", GROUP).status is Status.FAIL


def test_denied_alarms_make_cis_unknown_naming_the_iam_action(aws, scan, monkeypatch):
    _trail_to_logs(aws)
    _monitor(aws, "root-account-usage", topic=_topic(aws))
    _deny(monkeypatch, "DescribeAlarms")
    result = scan(aws, services=SERVICES)
    finding = result.one("cloudwatch-cis-root-account-usage", SETUP)
    assert finding.status is Status.UNKNOWN
    assert "cloudwatch:DescribeAlarms denied" in finding.evidence


def test_denied_subscriptions_make_cis_unknown(aws, scan, monkeypatch):
    _trail_to_logs(aws)
    _monitor(aws, "root-account-usage", topic=_topic(aws))
    _deny(monkeypatch, "ListSubscriptions")
    finding = scan(aws, services=SERVICES).one("cloudwatch-cis-root-account-usage", SETUP)
    assert finding.status is Status.UNKNOWN
    assert "sns:ListSubscriptions denied" in finding.evidence


def test_denied_log_group_listing_is_unknown(aws, scan, monkeypatch):
    aws.client("logs").create_log_group(logGroupName="hidden")
    _deny(monkeypatch, "DescribeLogGroups")
    result = scan(aws, services=["cloudwatch"])
    finding = result.one("cloudwatch-log-group-retention-1-year", "cloudwatch.log_group:us-east-1")
    assert finding.status is Status.UNKNOWN
    assert "logs:DescribeLogGroups denied" in finding.evidence
