"""CloudTrail trails, CloudWatch Logs log groups (+ metric filters), CloudWatch alarms (+ the SNS
topics and subscriptions they notify), GuardDuty detectors, AWS Config recorders, Security Hub.

Defaults: a trail is single-region, not an organization trail, includes global service events,
has no log file validation, no KMS key, no CloudWatch Logs; without event selectors it records
all management events and no data events. A log group without RetentionInDays never expires
(0) and without KmsKeyId is not KMS-encrypted. An alarm's actions are enabled; no AlarmActions
means none. Subscriptions declared for a topic count as confirmed (email and HTTPS endpoints
confirm out of band).

When the template holds trails, the account singletons the account-wide checks hang on
(CloudTrailAccount, MonitoringSetup) are added, so the multi-region trail and CIS monitoring
checks judge the template's trails, log groups, metric filters and alarms; a template without
trails leaves those account-wide checks out (not applicable) rather than UNKNOWN.
"""

from __future__ import annotations

from typing import Any

from demarcate.resources.cloudtrail import CloudTrailAccount, Trail
from demarcate.resources.cloudwatch import LogGroup, MetricAlarm, MonitoringSetup
from demarcate.resources.detection import ConfigStatus, GuardDutyStatus, SecurityHubStatus
from demarcate.sources.api_shapes import (
    parse_advanced_selectors,
    parse_basic_selectors,
)
from demarcate.sources.cloudformation.intrinsics import (
    ResRef,
    Unresolved,
    first_unknown,
    first_unresolved,
)
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
    unknown_or,
)

# ---- CloudTrail -----------------------------------------------------------------------------------


@primary("AWS::CloudTrail::Trail")
def trail(stack: Stack, lr: LogicalResource, p: Props) -> Trail:
    key = stack.key_of(lr.logical_id)
    res = Trail(id=key, name=key, region=stack.region, tags=tags_of(p))
    res.arn = stack.arn("cloudtrail", f"trail/{key}")
    res.home_region = stack.region
    res.owner_account = stack.account
    assign(res, "multi_region", to_bool(p.get("IsMultiRegionTrail"), False))
    assign(res, "organization_trail", to_bool(p.get("IsOrganizationTrail"), False))
    logging = to_bool(p.get("IsLogging"))
    assign(
        res, "is_logging", logging if logging is not None else Unresolved("IsLogging is not set")
    )
    assign(res, "include_global_events", to_bool(p.get("IncludeGlobalServiceEvents"), True))
    assign(res, "log_file_validation", to_bool(p.get("EnableLogFileValidation"), False))
    kms = to_str(p.get("KMSKeyId"))
    assign(res, "kms_key_id", kms)
    assign(res, "kms_encrypted", kms is not None if not isinstance(kms, Unresolved) else kms)
    assign(res, "s3_bucket_name", to_str(p.get("S3BucketName")))
    group = to_str(p.get("CloudWatchLogsLogGroupArn"))
    if isinstance(group, str):
        group = stack.same_region(group)  # the log group lives in the trail's home region
    assign(res, "cloudwatch_logs_log_group_arn", group)
    assign(
        res,
        "cloudwatch_logs_enabled",
        group is not None if not isinstance(group, Unresolved) else group,
    )
    assign(res, "cloudwatch_logs_role_arn", to_str(p.get("CloudWatchLogsRoleArn")))
    res.mark_unknown(
        "delivery status exists only for a deployed trail",
        "latest_cloudwatch_delivery_time",
        "latest_cloudwatch_delivery_error",
    )
    basic, advanced = p.get("EventSelectors", []), p.get("AdvancedEventSelectors", [])
    attrs = ("management_events_read_write", "s3_data_events_read", "s3_data_events_write")
    bad = first_unknown([basic, advanced])
    if bad is not None:
        res.mark_unknown(f"event selectors: {bad.reason}", *attrs)
    elif advanced:
        mgmt, read, write = parse_advanced_selectors(list(advanced))
        res.management_events_read_write, res.s3_data_events_read = mgmt, read
        res.s3_data_events_write = write
    elif basic:
        mgmt, read, write = parse_basic_selectors(list(basic))
        res.management_events_read_write, res.s3_data_events_read = mgmt, read
        res.s3_data_events_write = write
    else:
        res.management_events_read_write, res.s3_data_events_read = "All", []
        res.s3_data_events_write = []
    return res


# ---- CloudWatch Logs and alarms -------------------------------------------------------------------


@primary("AWS::Logs::LogGroup")
def log_group(stack: Stack, lr: LogicalResource, p: Props) -> LogGroup:
    key = stack.key_of(lr.logical_id)
    res = LogGroup(id=key, name=key, region=stack.region, tags=tags_of(p))
    res.arn = stack.arn("logs", f"log-group:{key}")
    assign(res, "retention_days", to_int(p.get("RetentionInDays"), 0))
    kms = to_str(p.get("KmsKeyId"))
    assign(res, "kms_key_id", kms)
    assign(res, "kms_encrypted", kms is not None if not isinstance(kms, Unresolved) else kms)
    res.metric_filters = []
    return res


@folder("AWS::Logs::MetricFilter")
def metric_filter(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = stack.target(to_str(p.get("LogGroupName")), LogGroup, "AWS::Logs::LogGroup")
    if isinstance(target, Unresolved):
        for res in stack.built(LogGroup):
            res.mark_unknown(
                f"metric filter {lr.logical_id} is on an unknown log group: {target.reason}",
                "metric_filters",
            )
        return
    if target is None or target.metric_filters is None:
        return
    name = to_str(p.get("FilterName"), lr.logical_id)
    pattern = to_word(p.get("FilterPattern"), "")
    transforms = p.items("MetricTransformations")
    if isinstance(transforms, Unresolved):
        target.mark_unknown(f"metric filter {lr.logical_id}: {transforms.reason}", "metric_filters")
        return
    for t in transforms or [Props({})]:
        entry = {
            "name": name,
            "pattern": pattern,
            "metric_name": to_word(t.get("MetricName"), ""),
            "metric_namespace": to_word(t.get("MetricNamespace"), ""),
        }
        bad = first_unresolved(entry)
        if bad is not None:
            target.mark_unknown(f"metric filter {lr.logical_id}: {bad.reason}", "metric_filters")
            return
        target.metric_filters.append(entry)


@primary("AWS::CloudWatch::Alarm")
def alarm(stack: Stack, lr: LogicalResource, p: Props) -> MetricAlarm:
    key = stack.key_of(lr.logical_id)
    res = MetricAlarm(id=key, name=key, region=stack.region, tags=tags_of(p))
    res.arn = stack.arn("cloudwatch", f"alarm:{key}")
    metrics: list[Any] = []
    present = p.presence("MetricName")
    if isinstance(present, Unresolved):
        metrics.append(present)
    elif present:
        metrics.append(
            {"namespace": to_word(p.get("Namespace"), ""), "name": to_word(p.get("MetricName"))}
        )
    queries = p.items("Metrics")
    if isinstance(queries, Unresolved):
        metrics.append(queries)
    else:
        for q in queries:
            metric = q.sub("MetricStat").sub("Metric")
            present = metric.presence("MetricName")
            if isinstance(present, Unresolved):
                metrics.append(present)
            elif present:
                metrics.append(
                    {
                        "namespace": to_word(metric.get("Namespace"), ""),
                        "name": to_word(metric.get("MetricName")),
                    }
                )
    assign(res, "metrics", metrics)
    assign(res, "actions_enabled", to_bool(p.get("ActionsEnabled"), True))
    assign(res, "alarm_actions", to_str_list(p.get("AlarmActions"), []))
    return res


@primary("AWS::SNS::Topic")
def sns_topic(stack: Stack, lr: LogicalResource, p: Props) -> None:
    subs = p.items("Subscription")
    stack.extra.setdefault("topics", {})[lr.logical_id] = (
        subs if isinstance(subs, Unresolved) else len(subs)
    )


@folder("AWS::SNS::Subscription")
def sns_subscription(stack: Stack, lr: LogicalResource, p: Props) -> None:
    topic = p.get("TopicArn")
    topics = stack.extra.setdefault("topics", {})
    if isinstance(topic, ResRef) and topic.logical in topics:
        if isinstance(topics[topic.logical], int):
            topics[topic.logical] += 1
    elif isinstance(topic, Unresolved):
        stack.extra["unknown_subscription"] = topic.reason


@finisher
def alarm_subscriptions(stack: Stack) -> None:
    topics = stack.extra.get("topics", {})
    unknown_sub = stack.extra.get("unknown_subscription")
    for res in stack.built(MetricAlarm):
        if res.alarm_actions is None:
            continue
        counts: dict[str, int | None] = {}
        for action in res.alarm_actions:
            if isinstance(action, ResRef) and action.logical in topics:
                count = topics[action.logical]
                if isinstance(count, Unresolved):
                    counts[action] = None
                    res.unknown["topic_subscriptions"] = count.reason
                elif count == 0 and unknown_sub:
                    counts[action] = None
                    res.unknown["topic_subscriptions"] = (
                        f"a subscription's topic is not known: {unknown_sub}"
                    )
                else:
                    counts[action] = count
            elif str(action).startswith("arn:") and ":sns:" in str(action):
                counts[str(action)] = None
                res.unknown["topic_subscriptions"] = "the SNS topic is not defined in this template"
        res.topic_subscriptions = counts


@finisher
def account_singletons(stack: Stack) -> None:
    trails = list(stack.of_type("AWS::CloudTrail::Trail"))
    if not trails:
        return  # the account-wide trail and CIS monitoring checks need the trails
    account = stack.account or stack.account_text
    stack.add(
        CloudTrailAccount(id=f"cloudtrail:{account}", name=f"CloudTrail of account {account}"),
        trails[0],
        primary_of=False,
    )
    stack.add(
        MonitoringSetup(
            id=f"cloudwatch-monitoring:{account}",
            name=f"CloudWatch monitoring of account {account}",
        ),
        trails[0],
        primary_of=False,
    )


# ---- detection services ---------------------------------------------------------------------------


@primary("AWS::GuardDuty::Detector")
def guardduty(stack: Stack, lr: LogicalResource, p: Props) -> GuardDutyStatus:
    res = GuardDutyStatus(
        id=f"guardduty:{stack.region}", name=f"GuardDuty in {stack.region}", region=stack.region
    )
    res.detector_id = lr.logical_id
    assign(res, "enabled", to_bool(p.get("Enable")))
    items = p.items("Features")
    if isinstance(items, Unresolved):
        assign(res, "features", items)
        return res
    pairs = [(to_word(f.get("Name")), to_word(f.get("Status"))) for f in items]
    features = unknown_or(
        pairs,
        lambda known: {n: s for n, s in known if isinstance(n, str) and isinstance(s, str)},
    )
    assign(res, "features", features)
    return res


@primary("AWS::Config::ConfigurationRecorder")
def config_recorder(stack: Stack, lr: LogicalResource, p: Props) -> ConfigStatus:
    res = ConfigStatus(
        id=f"config:{stack.region}", name=f"AWS Config in {stack.region}", region=stack.region
    )
    res.recorder_exists = True
    res.recorder_name = stack.key_of(lr.logical_id)
    group = p.sub("RecordingGroup")
    # Without AllSupported, the recorder records everything unless it lists resource types.
    has_group = p.presence("RecordingGroup")
    listed = group.presence("ResourceTypes") if has_group is True else has_group
    everything = listed if isinstance(listed, Unresolved) else not listed
    assign(res, "all_supported", to_bool(group.get("AllSupported"), everything))
    assign(
        res,
        "include_global_resource_types",
        to_bool(group.get("IncludeGlobalResourceTypes"), False),
    )
    res.mark_unknown(
        "whether the recorder is recording is known only after deployment",
        "recording",
        "last_status",
    )
    res.delivery_channel = any(True for _ in stack.of_type("AWS::Config::DeliveryChannel"))
    return res


@primary("AWS::SecurityHub::Hub")
def security_hub(stack: Stack, lr: LogicalResource, p: Props) -> SecurityHubStatus:
    res = SecurityHubStatus(
        id=f"securityhub:{stack.region}",
        name=f"Security Hub in {stack.region}",
        region=stack.region,
    )
    res.enabled = True
    res.hub_arn = stack.arn("securityhub", "hub/default")
    return res
