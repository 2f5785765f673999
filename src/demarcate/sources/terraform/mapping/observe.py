"""CloudTrail trails, CloudWatch Logs groups with their metric filters, metric alarms, and the
regional detection services (GuardDuty, AWS Config, Security Hub, Inspector).

Account singletons: a project that declares a trail gets one ``CloudTrailAccount`` and one
``MonitoringSetup`` (the subjects of the account-wide CIS checks: multi-region trail, data
events, metric filters and alarms on the trail's log group). A project without a trail may
rely on one managed elsewhere (an organization trail), so it is not judged on those checks.

Defaults: a trail logs (``enable_logging`` true), is single-region, records global service
events, has no log file validation, KMS or CloudWatch Logs, and without event selectors
records all management events and no data events. A log group never expires
(``retention_in_days`` 0) and is not KMS-encrypted. An alarm's actions are enabled. An SNS
subscription declared in the code counts as confirmed (email endpoints must still confirm);
a topic outside the code has unknown subscribers. A Config recorder records all supported
types but is stopped until ``aws_config_configuration_recorder_status`` enables it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from demarcate.resources.cloudtrail import CloudTrailAccount, Trail
from demarcate.resources.cloudwatch import LogGroup, MetricAlarm, MonitoringSetup
from demarcate.resources.detection import (
    ConfigStatus,
    GuardDutyStatus,
    InspectorStatus,
    SecurityHubStatus,
)
from demarcate.sources.api_shapes import (
    parse_advanced_selectors,
    parse_basic_selectors,
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
from demarcate.sources.terraform.raw import RawResource
from demarcate.sources.terraform.values import (
    ACCOUNT_PLACEHOLDER,
    UnknownValue,
    first_unknown,
    unknown_or,
)


def _selectors(raw: RawResource) -> tuple[Any, Any, Any]:
    basic = blocks(raw.attrs, "event_selector")
    advanced = blocks(raw.attrs, "advanced_event_selector")
    for value in (basic, advanced):
        if isinstance(value, UnknownValue):
            return value, value, value
    unknown = first_unknown([basic, advanced])
    if unknown is not None:
        return unknown, unknown, unknown
    if advanced:
        api = []
        for sel in advanced:
            fields = []
            for f in blocks(sel, "field_selector") or []:
                entry: dict[str, Any] = {"Field": f.get("field")}
                for key, api_key in (
                    ("equals", "Equals"),
                    ("starts_with", "StartsWith"),
                    ("ends_with", "EndsWith"),
                    ("not_equals", "NotEquals"),
                    ("not_starts_with", "NotStartsWith"),
                    ("not_ends_with", "NotEndsWith"),
                ):
                    if f.get(key):
                        entry[api_key] = list(f[key])
                fields.append(entry)
            api.append({"Name": sel.get("name"), "FieldSelectors": fields})
        return parse_advanced_selectors(api)
    if basic:
        api = [
            {
                "ReadWriteType": sel.get("read_write_type") or "All",
                "IncludeManagementEvents": sel.get("include_management_events", True) is not False,
                "DataResources": [
                    {"Type": d.get("type"), "Values": list(d.get("values") or [])}
                    for d in blocks(sel, "data_resource") or []
                ],
            }
            for sel in basic
        ]
        return parse_basic_selectors(api)
    return "All", [], []


@mapper(order=50)
def map_cloudtrail(b: Builder) -> None:
    trails = b.of("aws_cloudtrail")
    for raw in trails:
        a = raw.attrs
        name = b.ident(raw, "name")
        bucket = a.get("s3_bucket_name")
        target = b.find(bucket, "aws_s3_bucket")
        if target is not None:
            bucket_res = b.by_address.get(target.address)
            bucket = bucket_res.id if bucket_res else bucket
        kms = a.get("kms_key_id")
        group = a.get("cloud_watch_logs_group_arn")
        mgmt, read, write = _selectors(raw)
        trail = b.new(
            Trail,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            home_region=raw.region if isinstance(raw.region, str) else None,
            owner_account=raw.account or b.account,
            multi_region=as_bool(a.get("is_multi_region_trail"), False),
            organization_trail=as_bool(a.get("is_organization_trail"), False),
            is_logging=as_bool(a.get("enable_logging"), True),
            include_global_events=as_bool(a.get("include_global_service_events"), True),
            log_file_validation=as_bool(a.get("enable_log_file_validation"), False),
            kms_encrypted=kms if isinstance(kms, UnknownValue) else kms is not None,
            kms_key_id=as_str(kms),
            s3_bucket_name=as_str(bucket),
            cloudwatch_logs_enabled=group if isinstance(group, UnknownValue) else group is not None,
            cloudwatch_logs_log_group_arn=as_str(group),
            cloudwatch_logs_role_arn=as_str(a.get("cloud_watch_logs_role_arn")),
            management_events_read_write=mgmt,
            s3_data_events_read=read,
            s3_data_events_write=write,
        )
        if not isinstance(raw.region, str):
            trail.unknown["home_region"] = trail.why_unknown("region")
    if trails:
        acct = b.account or ACCOUNT_PLACEHOLDER
        b.new(
            CloudTrailAccount,
            trails[0],
            f"cloudtrail:{acct}",
            name=f"CloudTrail of account {acct}",
            regional=False,
            primary=False,
        ).tags = None


@mapper(order=50)
def map_cloudwatch(b: Builder) -> None:
    filters: dict[str, list[Any]] = defaultdict(list)
    lost: list[str] = []
    for raw in b.of("aws_cloudwatch_log_metric_filter"):
        target = b.find(raw.attrs.get("log_group_name"), "aws_cloudwatch_log_group")
        transforms = blocks(raw.attrs, "metric_transformation")
        if target is None:
            if isinstance(raw.attrs.get("log_group_name"), UnknownValue):
                lost.append(raw.address)
            continue
        if isinstance(transforms, UnknownValue):
            filters[target.address].append(transforms)
            continue
        for tr in transforms or [{}]:
            entry = {
                "name": raw.attrs.get("name"),
                "pattern": raw.attrs.get("pattern"),
                "metric_name": tr.get("name"),
                "metric_namespace": tr.get("namespace"),
            }
            filters[target.address].append(
                unknown_or(entry, lambda e: {k: str(v or "") for k, v in e.items()})
            )
    groups = b.of("aws_cloudwatch_log_group")
    for raw in groups:
        name = b.ident(raw, "name")
        kms = raw.attrs.get("kms_key_id")
        found = filters.get(raw.address, [])
        group = b.new(
            LogGroup,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            retention_days=as_int(raw.attrs.get("retention_in_days"), 0),
            kms_encrypted=kms if isinstance(kms, UnknownValue) else kms is not None,
            kms_key_id=as_str(kms),
            metric_filters=unknown_or(found, lambda v: v),
        )
        if lost:
            group.unknown["metric_filters"] = (
                f"metric filter(s) {', '.join(lost)} name an unknown log group"
            )
            group.metric_filters = None
    subscriptions: dict[str, int] = defaultdict(int)
    for raw in b.of("aws_sns_topic_subscription"):
        topic = b.find(raw.attrs.get("topic_arn"), "aws_sns_topic")
        if topic is not None:
            subscriptions[topic.address] += 1
    alarms = b.of("aws_cloudwatch_metric_alarm")
    for raw in alarms:
        a = raw.attrs
        name = b.ident(raw, "alarm_name")
        metrics: list[Any] = []
        if a.get("metric_name") is not None:
            metrics.append({"namespace": a.get("namespace") or "", "name": a.get("metric_name")})
        queries = blocks(a, "metric_query")
        for q in queries if isinstance(queries, list) else []:
            m = block(q, "metric")
            if isinstance(m, dict) and m.get("metric_name") is not None:
                metrics.append(
                    {"namespace": m.get("namespace") or "", "name": m.get("metric_name")}
                )
        actions = as_strs(a.get("alarm_actions"))
        counts: Any = {}
        if isinstance(actions, list):
            for action in actions:
                parts = action.split(":")
                if action.startswith("arn:") and len(parts) > 2 and parts[2] == "sns":
                    topic = b.find(action, "aws_sns_topic")
                    counts[action] = subscriptions.get(topic.address, 0) if topic else None
        alarm = b.new(
            MetricAlarm,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            metrics=unknown_or(metrics, lambda ms: [{k: str(v) for k, v in m.items()} for m in ms]),
            actions_enabled=as_bool(a.get("actions_enabled"), True),
            alarm_actions=actions,
            topic_subscriptions=counts if isinstance(actions, list) else actions,
        )
        if any(v is None for v in (counts or {}).values()) if isinstance(counts, dict) else False:
            alarm.unknown["topic_subscriptions"] = "the SNS topic is not in the code"
    if b.of("aws_cloudtrail"):  # the code manages the account's trails: judge their monitoring
        first = b.of("aws_cloudtrail")[0]
        acct = b.account or ACCOUNT_PLACEHOLDER
        b.new(
            MonitoringSetup,
            first,
            f"cloudwatch-monitoring:{acct}",
            name=f"CloudWatch monitoring of account {acct}",
            regional=False,
            primary=False,
        ).tags = None


def _region_key(raw: RawResource) -> str:
    return raw.region if isinstance(raw.region, str) else "unknown-region"


@mapper(order=50)
def map_detection(b: Builder) -> None:
    for raw in b.of("aws_guardduty_detector"):
        region = _region_key(raw)
        features = {}
        for f in b.of("aws_guardduty_detector_feature"):
            if b.find(f.attrs.get("detector_id"), "aws_guardduty_detector") is raw:
                features[str(f.attrs.get("name"))] = str(f.attrs.get("status"))
        b.new(
            GuardDutyStatus,
            raw,
            f"guardduty:{region}",
            name=f"GuardDuty in {region}",
            detector_id=raw.address,
            enabled=as_bool(raw.attrs.get("enable"), True),
            features=features,
        ).tags = None
    statuses = {}
    for raw in b.of("aws_config_configuration_recorder_status"):
        statuses[str(raw.attrs.get("name"))] = as_bool(raw.attrs.get("is_enabled"))
    channels = {_region_key(r) for r in b.of("aws_config_delivery_channel")}
    for raw in b.of("aws_config_configuration_recorder"):
        region = _region_key(raw)
        name = b.ident(raw, "name")
        group = block(raw.attrs, "recording_group")
        all_supported = (
            group if isinstance(group, UnknownValue) else as_bool(group.get("all_supported"), True)
        )
        include_global = (
            group
            if isinstance(group, UnknownValue)
            else as_bool(group.get("include_global_resource_types"), False)
        )
        status = b.new(
            ConfigStatus,
            raw,
            f"config:{region}",
            name=f"AWS Config in {region}",
            recorder_exists=True,
            recorder_name=name,
            recording=statuses.get(str(name), False),
            all_supported=all_supported,
            include_global_resource_types=include_global,
            delivery_channel=region in channels,
        )
        status.tags = None
    for raw in b.of("aws_securityhub_account"):
        region = _region_key(raw)
        b.new(
            SecurityHubStatus,
            raw,
            f"securityhub:{region}",
            name=f"Security Hub in {region}",
            enabled=True,
        ).tags = None
    for raw in b.of("aws_inspector2_enabler"):
        region = _region_key(raw)
        types = as_strs(raw.attrs.get("resource_types"))
        scans: Any = types
        if isinstance(types, list):
            keys = {"EC2": "ec2", "ECR": "ecr", "LAMBDA": "lambda", "LAMBDA_CODE": "lambda_code"}
            scans = {keys[t]: "ENABLED" for t in types if t in keys}
        b.new(
            InspectorStatus,
            raw,
            f"inspector:{region}",
            name=f"Inspector in {region}",
            status="ENABLED",
            scan_types=scans,
        ).tags = None


__all__ = ["put"]
